#include <gtest/gtest.h>

#include <thread>

#include "core/ids.hpp"
#include "core/service_catalog.hpp"
#include "store/sqlite_store.hpp"
#include "support/samples.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

class SqliteStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    store = std::make_unique<SqliteStore>(GetParam() ? dir.file("sub/dir/store.db") : ":memory:");
  }
  testing::TempDir dir;
  std::unique_ptr<SqliteStore> store;
};

TEST_P(SqliteStoreTest, PutGetRoundTripsEveryField) {
  ASSERT_TRUE(store->putSaying(testing::sampleSaying("a", "S3 is like a closet")).value());
  auto got = store->getSaying("a");
  ASSERT_TRUE(got && *got);
  const Saying& s = **got;
  EXPECT_EQ(s.text, "S3 is like a closet");
  EXPECT_EQ(s.services, std::vector<std::string>{"Amazon S3"});
  EXPECT_EQ(s.model, "claude-haiku-4-5");
  EXPECT_EQ(s.tokens.input_tokens, 60);
  EXPECT_EQ(s.tokens.output_tokens, 90);
  EXPECT_DOUBLE_EQ(s.cost_usd, 0.000375);
  EXPECT_DOUBLE_EQ(*s.llm_ms, 812.5);
  EXPECT_FALSE(store->getSaying("missing").value().has_value());
}

TEST_P(SqliteStoreTest, PutNeverOverwrites) {
  ASSERT_TRUE(store->putSaying(testing::sampleSaying("a", "first")).value());
  EXPECT_FALSE(store->putSaying(testing::sampleSaying("a", "second")).value());
  EXPECT_EQ(store->getSaying("a").value()->text, "first");
}

TEST_P(SqliteStoreTest, BatchGetSkipsMissingAndListsIds) {
  store->putSaying(testing::sampleSaying("a", "one"));
  store->putSaying(testing::sampleSaying("b", "two"));
  auto got = store->getSayings({"a", "nope", "b"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size(), 2u);
  EXPECT_EQ(store->listSayingIds()->size(), 2u);
}

TEST_P(SqliteStoreTest, RecentSayingsNewestFirst) {
  store->putSaying(testing::sampleSaying("old", "one", 1));
  store->putSaying(testing::sampleSaying("new", "two", 5));
  store->putSaying(testing::sampleSaying("mid", "three", 3));
  auto recent = store->recentSayings(2).value();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].id, "new");
  EXPECT_EQ(recent[1].id, "mid");
}

TEST_P(SqliteStoreTest, VotesCountOncePerClientAndBumpCounters) {
  store->putSaying(testing::sampleSaying("a", "one"));
  auto first = store->recordVote(testing::sampleVote("a", "client-1", Vote::kUp, 100));
  ASSERT_TRUE(first && first->counted);
  auto again = store->recordVote(testing::sampleVote("a", "client-1", Vote::kDown, 101));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->counted);
  EXPECT_EQ(again->record_id, first->record_id);
  ASSERT_TRUE(store->recordVote(testing::sampleVote("a", "client-2", Vote::kDown, 102))->counted);
  auto s = store->getSaying("a").value();
  EXPECT_EQ(s->upvotes, 1);
  EXPECT_EQ(s->downvotes, 1);
  auto missing = store->recordVote(testing::sampleVote("nope", "client-1", Vote::kUp, 103));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().name(), "not_found");
}

TEST_P(SqliteStoreTest, FeedbackIsFilteredByTime) {
  store->putSaying(testing::sampleSaying("a", "one"));
  for (int i = 0; i < 10; ++i)
    store->recordVote(testing::sampleVote("a", "c" + std::to_string(i), Vote::kUp, i * 100));
  auto some = store->listFeedback({200, 500}).value();
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0].created_at_ms, 200);
  EXPECT_TRUE(some[0].is_cached.value());
  EXPECT_DOUBLE_EQ(some[0].execution_time.value(), 12.5);
  EXPECT_FALSE(some[0].original_llm_time.has_value());
  EXPECT_EQ(store->listFeedback({}).value().size(), 10u);
}

TEST_P(SqliteStoreTest, ConcurrentVotesLoseNoIncrement) {
  store->putSaying(testing::sampleSaying("a", "one"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(store->recordVote(
            testing::sampleVote("a", std::to_string(t) + "-" + std::to_string(i), Vote::kUp, i)));
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(store->getSaying("a").value()->upvotes, 400);
}

INSTANTIATE_TEST_SUITE_P(FileAndMemory, SqliteStoreTest, ::testing::Values(true, false));

TEST(SqliteStore, MigratesOnceAndReopens) {
  testing::TempDir dir;
  const auto path = dir.file("s.db");
  {
    SqliteStore s(path);
    EXPECT_EQ(s.schemaVersion(), 5);
    s.putSaying(testing::sampleSaying("a", "persisted"));
  }
  SqliteStore again(path);
  EXPECT_EQ(again.schemaVersion(), 5);
  EXPECT_EQ(again.getSaying("a").value()->text, "persisted");
}

TEST(SqliteStore, UnopenablePathThrows) {
  EXPECT_THROW(SqliteStore("/proc/definitely/not/here.db"), std::runtime_error);
}

}  // namespace
}  // namespace cs
