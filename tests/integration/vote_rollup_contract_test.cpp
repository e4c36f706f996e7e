// The vote rollups' store contract, on each backend (SQLite, DynamoDB as dynalite, and dynalite
// through a transport that drops the answer to every other write after it was applied): a
// counted vote is added to its (minute, model, provider) row exactly once, a duplicate vote
// adds nothing, concurrent votes add up, and the listings sum per bucket and filter.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/ids.hpp"
#include "support/store_backends.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

constexpr std::int64_t kRollupMinute = 60'000;
constexpr std::int64_t kRollupHour = 60 * kRollupMinute;

Saying rollupSaying(const std::string& id, const std::string& model, const std::string& provider) {
  Saying s;
  s.id = id;
  s.text = "Amazon S3 is a closet for " + id;
  s.services = {"Amazon S3"};
  s.model = model;
  s.provider = provider;
  s.created_at_ms = 1000;
  return s;
}

FeedbackRecord rollupVote(const Saying& saying, const std::string& client, Vote v, std::int64_t at,
                          std::optional<double> llm_ms = std::nullopt) {
  FeedbackRecord r;
  r.id = randomId();
  r.saying_id = saying.id;
  r.vote = v;
  r.model = saying.model;
  r.provider = saying.provider;
  r.original_llm_time = llm_ms;
  r.execution_time = 250.0;  // counts when original_llm_time is absent (not cached, >= 100 ms)
  r.client_key = client;
  r.created_at_ms = at;
  return r;
}

const VoteRow* findVoteRow(const std::vector<VoteRow>& rows, std::int64_t start,
                           const std::string& model) {
  auto it = std::ranges::find_if(
      rows, [&](const VoteRow& r) { return r.minute_ms == start && r.model == model; });
  return it == rows.end() ? nullptr : &*it;
}

class VoteRollupContract : public testing::StoreBackendTest {};

TEST_P(VoteRollupContract, EachCountedVoteAddsOnceToItsMinuteRow) {
  const Saying haiku = rollupSaying("h", "claude-haiku-4-5", "anthropic");
  const Saying gpt = rollupSaying("g", "gpt-4o-mini", "openai");
  ASSERT_TRUE(store().putSaying(haiku));
  ASSERT_TRUE(store().putSaying(gpt));
  const std::int64_t m = 10 * kRollupHour;  // a whole hour, so bucketed sums are checkable
  ASSERT_TRUE(store().recordVote(rollupVote(haiku, "c1", Vote::kUp, m + 5, 800.0))->counted);
  ASSERT_TRUE(store().recordVote(rollupVote(haiku, "c2", Vote::kDown, m + 59'999))->counted);
  // Duplicates of c1's vote (another record id, another direction): not counted, adds nothing.
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(store().recordVote(rollupVote(haiku, "c1", Vote::kDown, m + 10))->counted);
  ASSERT_TRUE(store().recordVote(rollupVote(haiku, "c3", Vote::kUp, m + kRollupMinute))->counted);
  auto cached = rollupVote(gpt, "c1", Vote::kUp, m + 2 * kRollupMinute);
  cached.execution_time = 40.0;  // assumed a cache hit: no response-time sample
  ASSERT_TRUE(store().recordVote(cached)->counted);

  auto minutes = store().listVoteStats(VoteQuery{{0, INT64_MAX}, kRollupMinute, {}, {}}).value();
  ASSERT_EQ(minutes.size(), 3u);
  const VoteRow* first = findVoteRow(minutes, m, "claude-haiku-4-5");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->provider, "anthropic");
  EXPECT_EQ(first->positive, 1);
  EXPECT_EQ(first->negative, 1);
  EXPECT_DOUBLE_EQ(first->response_time_sum_ms, 800.0 + 250.0);
  EXPECT_EQ(first->response_time_samples, 2);
  const VoteRow* second = findVoteRow(minutes, m + kRollupMinute, "claude-haiku-4-5");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->positive, 1);
  const VoteRow* other = findVoteRow(minutes, m + 2 * kRollupMinute, "gpt-4o-mini");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->provider, "openai");
  EXPECT_EQ(other->response_time_samples, 0);

  // Summed per hour bucket, and filtered.
  auto hourly = store().listVoteStats(VoteQuery{{0, INT64_MAX}, kRollupHour, {}, {}}).value();
  ASSERT_EQ(hourly.size(), 2u);
  const VoteRow* h = findVoteRow(hourly, m, "claude-haiku-4-5");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->positive, 2);
  EXPECT_EQ(h->negative, 1);
  EXPECT_EQ(h->response_time_samples, 3);
  auto openai = store().listVoteStats(VoteQuery{{0, INT64_MAX}, kRollupHour, {}, "openai"});
  ASSERT_EQ(openai.value().size(), 1u);
  EXPECT_EQ(openai->front().model, "gpt-4o-mini");
  auto late = store().listVoteStats(
      VoteQuery{{m + kRollupMinute, INT64_MAX}, kRollupMinute, "claude-haiku-4-5", {}});
  ASSERT_EQ(late.value().size(), 1u);
  EXPECT_EQ(late->front().minute_ms, m + kRollupMinute);

  EXPECT_EQ(store().firstVoteMinute(VoteQuery{{0, INT64_MAX}, kRollupMinute, {}, {}}).value(), m);
  EXPECT_EQ(store().firstVoteMinute(VoteQuery{{0, INT64_MAX}, kRollupMinute, {}, "openai"}).value(),
            m + 2 * kRollupMinute);
  EXPECT_FALSE(store().firstVoteMinute(VoteQuery{{0, m}, kRollupMinute, {}, {}}).value());

  auto recent = store().recentVotes(VoteQuery{{0, INT64_MAX}, kRollupMinute, {}, {}}, 2).value();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].saying_id, "g");  // newest first
  EXPECT_EQ(recent[1].saying_id, "h");
  EXPECT_EQ(recent[1].vote, Vote::kUp);
  EXPECT_EQ(store()
                .recentVotes(VoteQuery{{0, INT64_MAX}, kRollupMinute, "claude-haiku-4-5", {}}, 100)
                .value()
                .size(),
            3u);
  expectAnswersDropped();
}

TEST_P(VoteRollupContract, ConcurrentVotesAndRacingDuplicatesAddUpExactly) {
  const Saying s = rollupSaying("a", "claude-haiku-4-5", "anthropic");
  ASSERT_TRUE(store().putSaying(s));
  std::atomic<int> counted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        // Clients 0..29 each vote from every thread: one counts, the others are duplicates.
        auto r = store().recordVote(rollupVote(s, "client-" + std::to_string(i),
                                               i % 3 == 0 ? Vote::kDown : Vote::kUp,
                                               5 * kRollupMinute + t * 1000 + i));
        if (r && r->counted) ++counted;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(counted.load(), 30);
  auto rows = store().listVoteStats(VoteQuery{{0, INT64_MAX}, kRollupMinute, {}, {}}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].positive, 20);
  EXPECT_EQ(rows[0].negative, 10);
  EXPECT_EQ(rows[0].response_time_samples, 30);
  EXPECT_DOUBLE_EQ(rows[0].response_time_sum_ms, 30 * 250.0);
  const auto saying = store().getSaying("a").value().value();
  EXPECT_EQ(saying.upvotes, rows[0].positive);
  EXPECT_EQ(saying.downvotes, rows[0].negative);
  expectAnswersDropped();
}

INSTANTIATE_TEST_SUITE_P(Backends, VoteRollupContract, testing::storeBackends(),
                         testing::backendName);

}  // namespace
}  // namespace cs
