// The Store contract: every behaviour the service relies on, run against each backend
// (SQLite, and DynamoDB as dynalite on a free port). A backend that passes this suite can
// replace the other. "dynalite_lost_answers" runs it once more through a transport that applies
// every other DynamoDB write and then drops its answer (the caller sees a timeout and
// retries): every assertion must still hold, so no write is lost, doubled or misreported.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "core/ids.hpp"
#include "support/samples.hpp"
#include "support/store_backends.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

// Two services, so the contract sees a list round-trip.
Saying makeSaying(const std::string& id, const std::string& text, std::int64_t at = 1000) {
  return testing::sampleSaying(id, text, at, {"Amazon S3", "AWS Lambda"});
}

RequestStatsRow statsRow(std::int64_t minute, const std::string& model, const std::string& source,
                         std::int64_t n) {
  RequestStatsRow r;
  r.minute_ms = minute;
  r.model = model;
  r.source = source;
  r.invocations = n;
  r.errors = 1;
  r.cache_hits = n - 1;
  r.tokens = 100 * n;
  r.cost_usd = 0.25 * static_cast<double>(n);
  r.total_ms = 10.5 * static_cast<double>(n);
  r.api_calls = 1;
  r.api_ms = 500.0;
  return r;
}

class StoreContract : public testing::StoreBackendTest {};

TEST_P(StoreContract, PingAndBackendName) {
  EXPECT_TRUE(store().ping());
  EXPECT_EQ(store().backendName(), GetParam() == "sqlite" ? "sqlite" : "dynamodb");
}

TEST_P(StoreContract, PutGetRoundTripsEveryField) {
  ASSERT_TRUE(store().putSaying(makeSaying("a", "S3 is like a closet \"quoted\" ünïcødé")).value());
  auto got = store().getSaying("a");
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(*got);
  const Saying& s = **got;
  EXPECT_EQ(s.id, "a");
  EXPECT_EQ(s.text, "S3 is like a closet \"quoted\" ünïcødé");
  EXPECT_EQ(s.services, (std::vector<std::string>{"Amazon S3", "AWS Lambda"}));
  EXPECT_EQ(s.model, "claude-haiku-4-5");
  EXPECT_EQ(s.provider, "anthropic");
  EXPECT_EQ(s.tokens.input_tokens, 60);
  EXPECT_EQ(s.tokens.output_tokens, 90);
  EXPECT_DOUBLE_EQ(s.cost_usd, 0.000375);
  EXPECT_DOUBLE_EQ(*s.llm_ms, 812.5);
  EXPECT_EQ(s.created_at_ms, 1000);
  EXPECT_EQ(s.upvotes, 0);
  EXPECT_FALSE(store().getSaying("missing").value().has_value());
  Saying bare = makeSaying("b", "no services, no llm time");
  bare.services.clear();
  bare.llm_ms.reset();
  ASSERT_TRUE(store().putSaying(bare).value());
  auto b = store().getSaying("b").value().value();
  EXPECT_TRUE(b.services.empty());
  EXPECT_FALSE(b.llm_ms.has_value());
}

TEST_P(StoreContract, ConditionalPutNeverOverwrites) {
  ASSERT_TRUE(store().putSaying(makeSaying("a", "first")).value());
  EXPECT_FALSE(store().putSaying(makeSaying("a", "second")).value());
  EXPECT_EQ(store().getSaying("a").value()->text, "first");
  // Racing writers of one id: exactly one wins.
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      if (store().putSaying(makeSaying("race", "writer " + std::to_string(t))).value_or(false))
        ++wins;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins.load(), 1);
  expectAnswersDropped();
}

TEST_P(StoreContract, BatchGetSkipsMissingAndDuplicateKeys) {
  for (int i = 0; i < 130; ++i)
    ASSERT_TRUE(store().putSaying(makeSaying("s" + std::to_string(i), "t" + std::to_string(i))));
  std::vector<std::string> ids = {"s1", "nope", "s2", "s1"};
  for (int i = 3; i < 130; ++i) ids.push_back("s" + std::to_string(i));  // > 100 keys: chunked
  auto got = store().getSayings(ids);
  ASSERT_TRUE(got) << got.error().message;
  std::set<std::string> seen;
  for (const auto& s : *got) seen.insert(s.id);
  EXPECT_EQ(seen.size(), 129u);
  EXPECT_FALSE(seen.contains("nope"));
  EXPECT_FALSE(seen.contains("s0"));
  EXPECT_TRUE(store().getSayings({}).value().empty());
  EXPECT_TRUE(store().getSayings({"nope"}).value().empty());
}

TEST_P(StoreContract, ListingIdsSpansManyScanPages) {
  std::set<std::string> expected;
  for (int i = 0; i < 4 * testing::kContractScanPage + 3; ++i) {
    const std::string id = "id-" + std::to_string(i);
    expected.insert(id);
    ASSERT_TRUE(store().putSaying(makeSaying(id, "text " + std::to_string(i))));
  }
  auto ids = store().listSayingIds();
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(ids->size(), expected.size());  // no id twice, none lost between pages
  EXPECT_EQ(std::set<std::string>(ids->begin(), ids->end()), expected);
}

TEST_P(StoreContract, RecentSayingsNewestFirst) {
  for (int i = 0; i < 20; ++i)
    store().putSaying(makeSaying("s" + std::to_string(i), "t", 1000 + (i * 7) % 20));
  auto recent = store().recentSayings(3).value();
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_GE(recent[0].created_at_ms, recent[1].created_at_ms);
  EXPECT_GE(recent[1].created_at_ms, recent[2].created_at_ms);
  EXPECT_EQ(recent[0].created_at_ms, 1019);
  EXPECT_EQ(store().recentSayings(100).value().size(), 20u);
}

TEST_P(StoreContract, VotesCountOncePerClientAndNeedTheSaying) {
  store().putSaying(makeSaying("a", "one"));
  auto first = store().recordVote(testing::sampleVote("a", "client-1", Vote::kUp, 100));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->counted);
  auto again = store().recordVote(testing::sampleVote("a", "client-1", Vote::kDown, 101));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->counted);
  EXPECT_EQ(again->record_id, first->record_id);
  ASSERT_TRUE(store().recordVote(testing::sampleVote("a", "client-2", Vote::kDown, 102))->counted);
  auto s = store().getSaying("a").value();
  EXPECT_EQ(s->upvotes, 1);
  EXPECT_EQ(s->downvotes, 1);
  auto missing = store().recordVote(testing::sampleVote("nope", "client-1", Vote::kUp, 103));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().name(), "not_found");
  EXPECT_EQ(store().listFeedback({}).value().size(), 2u);
  expectAnswersDropped();
}

TEST_P(StoreContract, ConcurrentVotesLoseNoIncrement) {
  store().putSaying(makeSaying("a", "one"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        auto r =
            store().recordVote(testing::sampleVote("a", std::to_string(t) + "-" + std::to_string(i),
                                                   i % 4 == 0 ? Vote::kDown : Vote::kUp, i));
        if (!r || !r->counted) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto s = store().getSaying("a").value().value();
  EXPECT_EQ(s.upvotes, 600);
  EXPECT_EQ(s.downvotes, 200);
  EXPECT_EQ(store().listFeedback({}).value().size(), 800u);
  expectAnswersDropped();
}

TEST_P(StoreContract, OneClientRacingItselfCountsOnce) {
  store().putSaying(makeSaying("a", "one"));
  std::atomic<int> counted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      auto r = store().recordVote(testing::sampleVote("a", "same-client", Vote::kUp, 5));
      if (r && r->counted) ++counted;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(counted.load(), 1);
  EXPECT_EQ(store().getSaying("a").value()->upvotes, 1);
  expectAnswersDropped();
}

TEST_P(StoreContract, FeedbackIsFilteredByHalfOpenTimeRange) {
  store().putSaying(makeSaying("a", "one"));
  for (int i = 0; i < 20; ++i)
    store().recordVote(testing::sampleVote("a", "c" + std::to_string(i), Vote::kUp, i * 100));
  auto some = store().listFeedback({200, 500}).value();
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0].created_at_ms, 200);
  EXPECT_EQ(some[2].created_at_ms, 400);
  EXPECT_EQ(some[0].saying_id, "a");
  EXPECT_EQ(some[0].model, "claude-haiku-4-5");
  EXPECT_EQ(some[0].provider, "anthropic");
  EXPECT_TRUE(some[0].is_cached.value());
  EXPECT_DOUBLE_EQ(some[0].execution_time.value(), 12.5);
  EXPECT_FALSE(some[0].original_llm_time.has_value());
  EXPECT_EQ(store().listFeedback({}).value().size(), 20u);
  EXPECT_TRUE(store().listFeedback({5000, 6000}).value().empty());
  auto all = store().listFeedback({}).value();
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.created_at_ms < b.created_at_ms;
  }));
}

const RequestStatsRow* findRow(const std::vector<RequestStatsRow>& rows, std::int64_t minute,
                               const std::string& model, const std::string& source) {
  auto it = std::ranges::find_if(rows, [&](const RequestStatsRow& r) {
    return r.minute_ms == minute && r.model == model && r.source == source;
  });
  return it == rows.end() ? nullptr : &*it;
}

TEST_P(StoreContract, RequestStatsMergeWithAddAndFilterByMinute) {
  ASSERT_TRUE(store().addRequestStats(
      {statsRow(60'000, "haiku", "cache", 3), statsRow(60'000, "haiku", "llm", 2)}));
  ASSERT_TRUE(store().addRequestStats({statsRow(60'000, "haiku", "cache", 4),
                                       statsRow(60'000, "haiku", "cache", 1),
                                       statsRow(120'000, "corpus", "store", 5)}));
  EXPECT_TRUE(store().addRequestStats({}));
  auto rows = store().listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 3u);
  const auto* merged = findRow(rows, 60'000, "haiku", "cache");
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->invocations, 8);
  EXPECT_EQ(merged->errors, 3);
  EXPECT_EQ(merged->cache_hits, 5);
  EXPECT_EQ(merged->tokens, 800);
  EXPECT_DOUBLE_EQ(merged->cost_usd, 2.0);
  EXPECT_DOUBLE_EQ(merged->total_ms, 84.0);
  EXPECT_EQ(merged->api_calls, 3);
  EXPECT_DOUBLE_EQ(merged->api_ms, 1500.0);
  auto window = store().listRequestStats({120'000, 180'000}).value();
  ASSERT_EQ(window.size(), 1u);
  EXPECT_EQ(window[0].model, "corpus");
  EXPECT_TRUE(store().listRequestStats({0, 60'000}).value().empty());
  expectAnswersDropped();
}

TEST_P(StoreContract, ConcurrentRequestStatsFlushesAllAddUp) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(store().addRequestStats({statsRow(0, "m", "store", 2)}));
    });
  for (auto& th : threads) th.join();
  auto rows = store().listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].invocations, 160);
  EXPECT_DOUBLE_EQ(rows[0].cost_usd, 40.0);
  expectAnswersDropped();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, testing::storeBackends(), testing::backendName);

}  // namespace
}  // namespace cs
