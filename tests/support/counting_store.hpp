#pragma once
#include <atomic>

#include "support/forwarding_store.hpp"

namespace cs::testing {

// A real Store (SQLite in the tests) seen through a decorator that counts the calls a property
// test cares about, e.g. "/api/stats never loads raw votes", and can fail the request-stats
// read (the first read of every stats computation). Everything else passes through.
class CountingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::atomic<int> list_feedback_calls{0};
  std::atomic<int> list_vote_stats_calls{0};
  std::atomic<int> recent_votes_calls{0};
  std::atomic<int> saying_reads{0};              // getSaying + listSayingIds (the picker's reads)
  std::atomic<int> list_request_stats_calls{0};  // one per StatsService computation
  std::atomic<int> fail_request_stats{0};        // the next n listRequestStats calls fail

  Result<std::optional<Saying>> getSaying(const std::string& id) override {
    ++saying_reads;
    return ForwardingStore::getSaying(id);
  }
  Result<std::vector<std::string>> listSayingIds() override {
    ++saying_reads;
    return ForwardingStore::listSayingIds();
  }
  Result<std::vector<FeedbackRecord>> listFeedback(const TimeRange& range) override {
    ++list_feedback_calls;
    return ForwardingStore::listFeedback(range);
  }
  Result<std::vector<VoteRow>> listVoteStats(const VoteQuery& q) override {
    ++list_vote_stats_calls;
    return ForwardingStore::listVoteStats(q);
  }
  Result<std::vector<RequestStatsRow>> listRequestStats(const TimeRange& range) override {
    ++list_request_stats_calls;
    if (fail_request_stats > 0) {
      --fail_request_stats;
      return fail(ErrorCode::kStoreUnavailable, "test: the store is down");
    }
    return ForwardingStore::listRequestStats(range);
  }
  Result<std::vector<VoteSample>> recentVotes(const VoteQuery& q, std::size_t limit) override {
    ++recent_votes_calls;
    return ForwardingStore::recentVotes(q, limit);
  }
};

}  // namespace cs::testing
