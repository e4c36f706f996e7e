// /api/stats reads rollups, not raw votes: over a real SQLite store seen through a counting
// decorator, StatsService never calls listFeedback, and its vote figures equal what was voted
// (totals, per model and provider, per series bucket, with filters); the top-services window
// is bounded and says so; this instance's votes show at once, another instance's within the TTL.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "fakes/fake_clock.hpp"
#include "obs/logger.hpp"
#include "obs/metrics.hpp"
#include "service/feedback_service.hpp"
#include "service/stats_service.hpp"
#include "store/sqlite_store.hpp"
#include "support/counting_store.hpp"
#include "support/test_support.hpp"
#include "support/threads.hpp"

namespace cs {
namespace {

constexpr std::int64_t kStatsMinute = 60'000;

Saying statsSaying(const std::string& id, const std::string& model, const std::string& provider,
                   std::vector<std::string> services) {
  Saying s;
  s.id = id;
  s.text = "a saying about " + id;
  s.services = std::move(services);
  s.model = model;
  s.provider = provider;
  s.created_at_ms = 1000;
  return s;
}

FeedbackRecord statsVote(const Saying& s, int client, Vote v, std::int64_t at) {
  FeedbackRecord r;
  r.id = randomId();
  r.saying_id = s.id;
  r.vote = v;
  r.model = s.model;
  r.provider = s.provider;
  r.execution_time = 100.0 + client;  // every vote is a response-time sample
  r.client_key = "client-" + std::to_string(client);
  r.created_at_ms = at;
  return r;
}

class StatsFromRollups : public ::testing::Test {
 protected:
  StatsFromRollups() : sqlite_(dir_.file("stats.db")), store_(sqlite_) {
    clock_.setWallMs(start_ + 3 * 3'600'000);
  }
  StatsResultPtr stats(std::map<std::string, std::string> query = {}) {
    auto r = service_.stats(query);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : nullptr;
  }

  testing::TempDir dir_;
  SqliteStore sqlite_;
  testing::CountingStore store_;
  testing::FakeClock clock_;
  const std::int64_t start_ = 1'700'000'000'000 - 1'700'000'000'000 % 3'600'000;
  static constexpr std::size_t kWindow = 50;  // the product's is 10,000: the same code path
  StatsService service_{store_, nullptr, clock_,
                        StatsService::Options{std::chrono::milliseconds(120'000), kWindow}};
};

TEST_F(StatsFromRollups, FiguresEqualTheVotesAndRawVotesAreNeverListed) {
  const Saying a = statsSaying("a", "claude-haiku-4-5", "anthropic", {"Amazon S3", "AWS Lambda"});
  const Saying b = statsSaying("b", "gpt-4o-mini", "openai", {"Amazon S3"});
  ASSERT_TRUE(store_.putSaying(a));
  ASSERT_TRUE(store_.putSaying(b));
  // 45 votes over 135 minutes: a gets 30, b 15; each client votes once.
  double rt_sum = 0;
  for (int i = 0; i < 45; ++i) {
    const Saying& s = i % 3 == 2 ? b : a;
    const Vote v = (&s == &a ? i % 4 != 0 : i % 2 == 0) ? Vote::kUp : Vote::kDown;
    ASSERT_TRUE(store_.recordVote(statsVote(s, i, v, start_ + i * 3 * kStatsMinute))->counted);
    rt_sum += 100.0 + i;
  }
  auto all = stats();
  ASSERT_TRUE(all);
  const auto raw = sqlite_.listFeedback({}).value();  // the truth, read here, not by stats
  std::int64_t up = 0, up_a = 0, down_b = 0;
  for (const auto& r : raw) {
    up += r.vote == Vote::kUp;
    up_a += r.vote == Vote::kUp && r.saying_id == "a";
    down_b += r.vote == Vote::kDown && r.saying_id == "b";
  }
  EXPECT_EQ(all->stats.totals.positive, up);
  EXPECT_EQ(all->stats.totals.total(), 45);
  EXPECT_EQ(all->stats.totals.response_time_samples, 45);
  EXPECT_DOUBLE_EQ(all->stats.totals.response_time_sum_ms, rt_sum);
  ASSERT_EQ(all->stats.models.size(), 2u);
  EXPECT_EQ(all->stats.models[0].model, "claude-haiku-4-5");
  EXPECT_EQ(all->stats.models[0].figures.positive, up_a);
  EXPECT_EQ(all->stats.models[1].figures.negative, down_b);
  EXPECT_EQ(all->stats.from_ms, start_);  // data starts at the first vote's minute
  std::int64_t in_series = 0;
  for (const auto& bucket : all->stats.series) in_series += bucket.figures.total();
  EXPECT_EQ(in_series, 45);
  ASSERT_FALSE(all->stats.services.empty());
  EXPECT_EQ(all->stats.services[0].service, "Amazon S3");
  EXPECT_EQ(all->stats.services[0].sayings, 2);
  EXPECT_EQ(all->stats.services[0].positive + all->stats.services[0].negative, 45);
  EXPECT_EQ(all->services_window.votes, 45);
  EXPECT_FALSE(all->services_window.limited);

  auto openai = stats({{"provider", "openai"}});
  EXPECT_EQ(openai->stats.totals.total(), 15);
  auto haiku = stats({{"model", "claude-haiku-4-5"}});
  EXPECT_EQ(haiku->stats.totals.positive, up_a);
  // From the third hour on: votes 40..44 (minutes 120..132).
  auto last_hour = stats({{"from", "1h"}});  // now is start_ + 3 h
  ASSERT_TRUE(last_hour);
  EXPECT_EQ(last_hour->stats.totals.total(), 5);
  std::int64_t in_last = 0;
  for (const auto& bucket : last_hour->stats.series) in_last += bucket.figures.total();
  EXPECT_EQ(in_last, 5);

  EXPECT_EQ(store_.list_feedback_calls.load(), 0);
  EXPECT_GT(store_.list_vote_stats_calls.load(), 0);
}

TEST_F(StatsFromRollups, TopServicesReadABoundedWindowAndSaySo) {
  const Saying a = statsSaying("a", "claude-haiku-4-5", "anthropic", {"Amazon S3"});
  ASSERT_TRUE(store_.putSaying(a));
  const int n = static_cast<int>(kWindow) + 5;
  for (int i = 0; i < n; ++i)
    ASSERT_TRUE(store_.recordVote(statsVote(a, i, Vote::kUp, start_ + i))->counted);
  auto r = stats();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->stats.totals.positive, n);  // the figures count every vote
  EXPECT_EQ(r->services_window.votes, static_cast<std::int64_t>(kWindow));
  EXPECT_TRUE(r->services_window.limited);
  ASSERT_EQ(r->stats.services.size(), 1u);
  EXPECT_EQ(r->stats.services[0].positive, static_cast<std::int64_t>(kWindow));
  EXPECT_EQ(store_.list_feedback_calls.load(), 0);
}

TEST_F(StatsFromRollups, OwnVotesShowAtOnceOtherInstancesWithinTheTtl) {
  const Saying a = statsSaying("a", "claude-haiku-4-5", "anthropic", {"Amazon S3"});
  ASSERT_TRUE(store_.putSaying(a));
  SayingPicker picker(store_, clock_, SayingPicker::Options{});
  FeedbackService feedback(store_, picker, clock_);
  service_.setFeedback(&feedback);
  EXPECT_EQ(stats()->stats.totals.total(), 0);

  ASSERT_TRUE(feedback.vote(VoteRequest{"a", Vote::kUp, 300.0, {}, {}, "mine"}));
  clock_.advance(std::chrono::milliseconds(5));  // the range ends before `now`, half-open
  EXPECT_EQ(stats()->stats.totals.positive, 1);  // this instance's vote: at once

  // Another instance on the same store: within the cache TTL, not yet.
  ASSERT_TRUE(store_.recordVote(statsVote(a, 7, Vote::kDown, clock_.wallMs()))->counted);
  EXPECT_EQ(stats()->stats.totals.negative, 0);
  clock_.advance(std::chrono::milliseconds(120'001));
  EXPECT_EQ(stats()->stats.totals.negative, 1);
  EXPECT_EQ(store_.list_feedback_calls.load(), 0);
}

}  // namespace
}  // namespace cs

namespace {

// Shared state touched from every I/O thread, hammered from several threads at once. These run
// in every preset; under the `tsan` preset they are what ThreadSanitizer checks for races.

TEST(Concurrency, StatsForOneFilterAreComputedOnceWhileManyAsk) {
  cs::SqliteStore store(":memory:");
  cs::testing::FakeClock clock;
  clock.setWallMs(10'000'000);
  cs::Saying saying;
  saying.id = "s1";
  saying.text = "Amazon S3 is a closet that never fills up.";
  saying.services = {"Amazon S3"};
  saying.model = "claude-haiku-4-5";
  saying.provider = "anthropic";
  saying.created_at_ms = 1'000;
  ASSERT_TRUE(store.putSaying(saying));
  for (int i = 0; i < 2'000; ++i) {
    cs::FeedbackRecord vote;
    vote.id = "v" + std::to_string(i);
    vote.saying_id = "s1";
    vote.vote = i % 3 ? cs::Vote::kUp : cs::Vote::kDown;
    vote.model = "claude-haiku-4-5";
    vote.provider = "anthropic";
    vote.client_key = "client-" + std::to_string(i);
    vote.created_at_ms = 2'000 + i;
    ASSERT_TRUE(store.recordVote(vote));
  }
  cs::StatsService service(store, nullptr, clock, {});
  std::vector<cs::StatsResultPtr> results(cs::testing::kThreads);
  cs::testing::onThreads([&](int t) {
    auto r = service.stats({});
    ASSERT_TRUE(r) << r.error().message;
    results[static_cast<std::size_t>(t)] = *r;
  });
  // Every caller got the one computed result (a second computation makes a new object).
  for (const auto& r : results) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r.get(), results.front().get());
    EXPECT_EQ(r->stats.totals.total(), 2'000);
  }
}

}  // namespace
