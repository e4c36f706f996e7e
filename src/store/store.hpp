#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/saying.hpp"
#include "store/arena_records.hpp"
#include "store/records.hpp"

namespace cs {

// The durable store: `main_humor` (sayings) and `saying_feedback` (votes). Implementations:
// SqliteStore (embedded default) and DynamoStore. Every method is thread-safe and returns an
// Error with code "store_unavailable" (transient) or "store_error" (a bug) instead of throwing.
class Store {
 public:
  virtual ~Store() = default;
  virtual std::string_view backendName() const = 0;
  // Cheap round trip proving the store answers (readiness).
  virtual Result<void> ping() = 0;

  // Inserts unless a saying with this id exists; never overwrites. true = inserted.
  virtual Result<bool> putSaying(const Saying& saying) = 0;
  virtual Result<std::optional<Saying>> getSaying(const std::string& id) = 0;
  // Sayings for the ids that exist, in no particular order; missing ids are skipped.
  virtual Result<std::vector<Saying>> getSayings(const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<std::string>> listSayingIds() = 0;
  // Most recently created first.
  virtual Result<std::vector<Saying>> recentSayings(std::size_t limit) = 0;

  // The saying must exist (else Error code "not_found").
  // Stores the vote record and bumps the saying's up/down counter atomically, once per
  // (saying_id, client_key), and adds the vote to its VoteRow (voteRowOf) with ADD semantics
  // exactly when it is counted: a duplicate vote adds nothing, and a write retried after a lost
  // answer adds once.
  virtual Result<VoteOutcome> recordVote(const FeedbackRecord& record) = 0;
  // Every raw vote in range, oldest first. Memory grows with the range: /api/stats never
  // calls it (it reads listVoteStats and recentVotes).
  virtual Result<std::vector<FeedbackRecord>> listFeedback(const TimeRange& range) = 0;
  // The vote rollups matching `query`, summed per (bucket start, model, provider): one row per
  // key, in no particular order.
  virtual Result<std::vector<VoteRow>> listVoteStats(const VoteQuery& query) = 0;
  // The earliest minute with a counted vote matching the query (bucket_ms ignored); nullopt
  // when none.
  virtual Result<std::optional<std::int64_t>> firstVoteMinute(const VoteQuery& query) = 0;
  // The newest `limit` votes matching the query's range and filters (created_at_ms in range),
  // newest first.
  virtual Result<std::vector<VoteSample>> recentVotes(const VoteQuery& query,
                                                      std::size_t limit) = 0;

  // Request-statistics rollups (see RequestStatsRow). addRequestStats merges each row into the
  // stored row with the same (minute_ms, model, source) key, creating it when absent, by ADDING
  // every counter (DynamoDB: one UpdateItem "ADD invocations :i, tokens :t, ..." per row; SQLite:
  // INSERT ... ON CONFLICT DO UPDATE SET x = x + excluded.x). Rows with the same key inside one
  // call are each added. Not required to be atomic across rows: a failure may leave a prefix of
  // the batch applied (the caller logs and drops the batch rather than retrying, so a row is
  // never counted twice). An empty batch is a no-op that succeeds.
  virtual Result<void> addRequestStats(const std::vector<RequestStatsRow>& rows) = 0;
  // Every stored row with range.from_ms <= minute_ms < range.to_ms, in no particular order, one
  // row per key (already merged).
  virtual Result<std::vector<RequestStatsRow>> listRequestStats(const TimeRange& range) = 0;

  // Ledger rollups (see LedgerRow): the same contract as addRequestStats/listRequestStats,
  // keyed by (minute_ms, model, provider, purpose).
  virtual Result<void> addLedgerStats(const std::vector<LedgerRow>& rows) = 0;
  virtual Result<std::vector<LedgerRow>> listLedgerStats(const TimeRange& range) = 0;

  // The blind arena (ArenaService). Battles live here, not in memory, so a battle created on
  // one instance takes its vote on another.
  // Stores a new battle (ids are random: writing the same id twice is a retry of one write).
  virtual Result<void> putBattle(const ArenaBattle& battle) = 0;
  // nullopt when no battle has this id (an expired battle may still be returned: the caller
  // compares expires_at_ms with its clock).
  virtual Result<std::optional<ArenaBattle>> getBattle(const std::string& id) = 0;
  // Stores the vote once per (battle_id, client_key): the first vote stands and a repeat is
  // answered counted = false with the first vote's winner. A write retried after a lost answer
  // is recognised by vote.id and answered counted = true.
  virtual Result<ArenaVoteOutcome> recordArenaVote(const ArenaVote& vote) = 0;
  // Every stored arena vote, in no particular order (the leaderboard fits on all of them).
  virtual Result<std::vector<ArenaVote>> listArenaVotes() = 0;
};

using StorePtr = std::unique_ptr<Store>;

}  // namespace cs
