#include <gtest/gtest.h>

#include <thread>

#include "core/embedded.hpp"
#include "core/ids.hpp"
#include "core/service_catalog.hpp"
#include "fakes/fake_clock.hpp"
#include "store/corpus.hpp"
#include "store/saying_picker.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

Saying makeSaying(const std::string& id, const std::string& text, std::int64_t at = 1000) {
  Saying s;
  s.id = id;
  s.text = text;
  s.services = {"Amazon S3"};
  s.model = "claude-haiku-4-5";
  s.provider = "anthropic";
  s.tokens = {60, 90};
  s.cost_usd = 0.000375;
  s.llm_ms = 812.5;
  s.created_at_ms = at;
  return s;
}

FeedbackRecord makeVote(const std::string& saying, const std::string& client, Vote v, std::int64_t at) {
  FeedbackRecord r;
  r.id = randomId();
  r.saying_id = saying;
  r.vote = v;
  r.model = "claude-haiku-4-5";
  r.provider = "anthropic";
  r.execution_time = 12.5;
  r.is_cached = true;
  r.client_key = client;
  r.created_at_ms = at;
  return r;
}

class SqliteStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    store = std::make_unique<SqliteStore>(GetParam() ? dir.file("sub/dir/store.db") : ":memory:");
  }
  testing::TempDir dir;
  std::unique_ptr<SqliteStore> store;
};

TEST_P(SqliteStoreTest, PutGetRoundTripsEveryField) {
  ASSERT_TRUE(store->putSaying(makeSaying("a", "S3 is like a closet")).value());
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
  ASSERT_TRUE(store->putSaying(makeSaying("a", "first")).value());
  EXPECT_FALSE(store->putSaying(makeSaying("a", "second")).value());
  EXPECT_EQ(store->getSaying("a").value()->text, "first");
}

TEST_P(SqliteStoreTest, BatchGetSkipsMissingAndListsIds) {
  store->putSaying(makeSaying("a", "one"));
  store->putSaying(makeSaying("b", "two"));
  auto got = store->getSayings({"a", "nope", "b"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size(), 2u);
  EXPECT_EQ(store->listSayingIds()->size(), 2u);
}

TEST_P(SqliteStoreTest, RecentSayingsNewestFirst) {
  store->putSaying(makeSaying("old", "one", 1));
  store->putSaying(makeSaying("new", "two", 5));
  store->putSaying(makeSaying("mid", "three", 3));
  auto recent = store->recentSayings(2).value();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].id, "new");
  EXPECT_EQ(recent[1].id, "mid");
}

TEST_P(SqliteStoreTest, VotesCountOncePerClientAndBumpCounters) {
  store->putSaying(makeSaying("a", "one"));
  auto first = store->recordVote(makeVote("a", "client-1", Vote::kUp, 100));
  ASSERT_TRUE(first && first->counted);
  auto again = store->recordVote(makeVote("a", "client-1", Vote::kDown, 101));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->counted);
  EXPECT_EQ(again->record_id, first->record_id);
  ASSERT_TRUE(store->recordVote(makeVote("a", "client-2", Vote::kDown, 102))->counted);
  auto s = store->getSaying("a").value();
  EXPECT_EQ(s->upvotes, 1);
  EXPECT_EQ(s->downvotes, 1);
  auto missing = store->recordVote(makeVote("nope", "client-1", Vote::kUp, 103));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().name(), "not_found");
}

TEST_P(SqliteStoreTest, FeedbackIsFilteredByTime) {
  store->putSaying(makeSaying("a", "one"));
  for (int i = 0; i < 10; ++i) store->recordVote(makeVote("a", "c" + std::to_string(i), Vote::kUp, i * 100));
  auto some = store->listFeedback({200, 500}).value();
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0].created_at_ms, 200);
  EXPECT_TRUE(some[0].is_cached.value());
  EXPECT_DOUBLE_EQ(some[0].execution_time.value(), 12.5);
  EXPECT_FALSE(some[0].original_llm_time.has_value());
  EXPECT_EQ(store->listFeedback({}).value().size(), 10u);
}

TEST_P(SqliteStoreTest, ConcurrentVotesLoseNoIncrement) {
  store->putSaying(makeSaying("a", "one"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(store->recordVote(makeVote("a", std::to_string(t) + "-" + std::to_string(i), Vote::kUp, i)));
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
    s.putSaying(makeSaying("a", "persisted"));
  }
  SqliteStore again(path);
  EXPECT_EQ(again.schemaVersion(), 5);
  EXPECT_EQ(again.getSaying("a").value()->text, "persisted");
}

TEST(SqliteStore, UnopenablePathThrows) {
  EXPECT_THROW(SqliteStore("/proc/definitely/not/here.db"), std::runtime_error);
}

TEST(Corpus, ShippedCorpusIsLargeValidAndTagged) {
  auto corpus = parseCorpus(embeddedFile("data/sayings.json"), 0);
  ASSERT_TRUE(corpus) << corpus.error().message;
  EXPECT_GE(corpus->size(), 150u);
  auto catalog = ServiceCatalog::fromJson(embeddedFile("config/services.json")).value();
  std::size_t aws = 0;
  for (const auto& s : *corpus) {
    EXPECT_EQ(catalog.extract(s.text), s.services) << s.text;
    for (const auto& name : s.services)
      if (name.starts_with("AWS") || name.starts_with("Amazon")) {
        ++aws;
        break;
      }
  }
  EXPECT_GT(aws * 2, corpus->size()) << "mostly AWS";
}

TEST(Corpus, SeedingIsIdempotent) {
  SqliteStore store(":memory:");
  auto corpus = parseCorpus(embeddedFile("data/sayings.json"), 0).value();
  auto first = seedStore(store, corpus).value();
  EXPECT_EQ(first.inserted, corpus.size());
  auto second = seedStore(store, corpus).value();
  EXPECT_EQ(second.inserted, 0u);
  EXPECT_EQ(store.listSayingIds()->size(), corpus.size());
}

TEST(Corpus, RejectsBadEntriesNamingThem) {
  auto r = parseCorpus(R"([{"text": "ok"}, {"text": ""}])", 0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("entry 2"), std::string::npos);
  EXPECT_FALSE(parseCorpus("not json", 0));
  EXPECT_FALSE(parseCorpus(R"([{"text": "x", "services": "S3"}])", 0));
}

TEST(SayingPicker, NeverRepeatsThePreviousAndCachesItems) {
  SqliteStore store(":memory:");
  store.putSaying(makeSaying("a", "one"));
  store.putSaying(makeSaying("b", "two"));
  testing::FakeClock clock;
  SayingPicker picker(store, clock, {});
  std::string last;
  for (int i = 0; i < 50; ++i) {
    auto s = picker.pickRandom(last);
    ASSERT_TRUE(s);
    EXPECT_NE(s->id, last);
    last = s->id;
  }
}

TEST(SayingPicker, SeesNewSayingsAfterIdListTtl) {
  SqliteStore store(":memory:");
  store.putSaying(makeSaying("a", "one"));
  testing::FakeClock clock;
  SayingPicker picker(store, clock, {std::chrono::seconds(60), std::chrono::minutes(5)});
  EXPECT_EQ(picker.pickRandom("")->id, "a");
  store.putSaying(makeSaying("b", "two"));
  EXPECT_EQ(picker.pickRandom("a")->id, "a");  // list not refreshed yet
  clock.advance(std::chrono::seconds(61));
  EXPECT_EQ(picker.pickRandom("a")->id, "b");
}

TEST(SayingPicker, EmptyStoreIsAnError) {
  SqliteStore store(":memory:");
  testing::FakeClock clock;
  SayingPicker picker(store, clock, {});
  auto r = picker.pickRandom("");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name(), "empty_store");
}

}  // namespace
}  // namespace cs
