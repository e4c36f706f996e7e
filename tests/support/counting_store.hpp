#pragma once
#include <atomic>

#include "support/forwarding_store.hpp"

namespace cs::testing {

// A real Store (SQLite in the tests) seen through a decorator that counts the calls a property
// test cares about, e.g. "/api/stats never loads raw votes". Everything else passes through.
class CountingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::atomic<int> list_feedback_calls{0};
  std::atomic<int> list_vote_stats_calls{0};
  std::atomic<int> recent_votes_calls{0};

  Result<std::vector<FeedbackRecord>> listFeedback(const TimeRange& range) override {
    ++list_feedback_calls;
    return ForwardingStore::listFeedback(range);
  }
  Result<std::vector<VoteRow>> listVoteStats(const VoteQuery& q) override {
    ++list_vote_stats_calls;
    return ForwardingStore::listVoteStats(q);
  }
  Result<std::vector<VoteSample>> recentVotes(const VoteQuery& q, std::size_t limit) override {
    ++recent_votes_calls;
    return ForwardingStore::recentVotes(q, limit);
  }
};

}  // namespace cs::testing
