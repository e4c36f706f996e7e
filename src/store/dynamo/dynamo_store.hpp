#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "net/http_transport.hpp"
#include "store/dynamo/dynamo_client.hpp"
#include "store/dynamo/requests.hpp"
#include "store/store.hpp"

namespace cs::dynamo {

// Table names (the original's `main_humor` and `saying_feedback`, plus the request-statistics
// rollups). Each table has one string hash key: id, vote_key and stats_key.
struct Tables {
  std::string sayings = "main_humor";
  std::string feedback = "saying_feedback";
  std::string stats = "request_stats";
  std::string arena = "arena";  // battles and arena votes (dynamo_arena.cpp), hash key arena_key
};

struct StoreOptions {
  Tables tables;
  bool consistent_reads = true;  // GetItem/BatchGetItem: read-after-write across instances
  int scan_page_limit = 0;       // Scan Limit per page; 0 = DynamoDB's 1 MB pages
  // A vote stored but not marked counted this long ago lost its writer (a crash between the
  // PutItem and the counter): the next vote of that client finishes its count. Far longer
  // than any call's deadline, so a writer still at work is never raced.
  std::chrono::milliseconds vote_repair_after{300'000};
};

// The Store on DynamoDB, for many instances sharing one store. Vote rollups live in the
// request-stats table beside the ledger's (dynamo_votes.cpp). Uses only GetItem,
// BatchGetItem, Scan, UpdateItem and PutItem (the operations the IAM policy grants). Random
// picks do not Scan per request: SayingPicker above keeps the id list (a Scan of ids only,
// refreshed on a TTL) and caches single items for 5 minutes.
//
// Every write is safe to retry (DynamoClient retries timeouts and 5xx, and a request whose
// answer was lost may have been applied): each one is conditional on a token of its own, so a
// second application fails its condition and is recognised as ours (dynamo_writes.cpp).
class DynamoStore final : public Store {
 public:
  // Owns its transport (a CurlTransport in production).
  DynamoStore(net::HttpTransportPtr transport, ClientOptions client, StoreOptions options,
              const Clock& clock = SystemClock::instance(), DynamoClient::Sleeper sleeper = {});
  ~DynamoStore() override;

  std::string_view backendName() const override { return "dynamodb"; }
  Result<void> ping() override;
  Result<bool> putSaying(const Saying& saying) override;
  Result<std::optional<Saying>> getSaying(const std::string& id) override;
  Result<std::vector<Saying>> getSayings(const std::vector<std::string>& ids) override;
  Result<std::vector<std::string>> listSayingIds() override;
  Result<std::vector<Saying>> recentSayings(std::size_t limit) override;
  Result<VoteOutcome> recordVote(const FeedbackRecord& record) override;
  Result<std::vector<FeedbackRecord>> listFeedback(const TimeRange& range) override;
  Result<void> addRequestStats(const std::vector<RequestStatsRow>& rows) override;
  Result<std::vector<RequestStatsRow>> listRequestStats(const TimeRange& range) override;
  // In dynamo_votes.cpp.
  Result<std::vector<VoteRow>> listVoteStats(const VoteQuery& query) override;
  Result<std::optional<std::int64_t>> firstVoteMinute(const VoteQuery& query) override;
  Result<std::vector<VoteSample>> recentVotes(const VoteQuery& query, std::size_t limit) override;
  // In *_ledger.cpp.
  Result<void> addLedgerStats(const std::vector<LedgerRow>& rows) override;
  Result<std::vector<LedgerRow>> listLedgerStats(const TimeRange& range) override;
  // In *_arena.cpp.
  Result<void> putBattle(const ArenaBattle& battle) override;
  Result<std::optional<ArenaBattle>> getBattle(const std::string& id) override;
  Result<ArenaVoteOutcome> recordArenaVote(const ArenaVote& vote) override;
  Result<std::vector<ArenaVote>> listArenaVotes() override;

  DynamoClient& client() { return *client_; }
  const StoreOptions& options() const { return options_; }

 private:
  // Every page of a Scan; `visit` sees each item.
  Result<void> scanAll(ScanRequest request, const std::function<Result<void>(const Json&)>& visit,
                       const char* what);
  // Every item of a Scan through `decode` (const Json& -> Result<T>), in scan order; the first
  // item that does not decode fails the whole list.
  template <typename T, typename Decode>
  Result<std::vector<T>> scanDecoded(ScanRequest request, Decode decode, const char* what) {
    std::vector<T> out;
    auto r = scanAll(
        std::move(request),
        [&](const Json& item) -> Result<void> {
          auto value = decode(item);
          if (!value) return std::unexpected(value.error());
          out.push_back(std::move(*value));
          return {};
        },
        what);
    if (!r) return std::unexpected(r.error());
    return out;
  }
  Result<std::vector<Json>> batchGet(const std::string& table, std::vector<Json> keys,
                                     const char* what);

  // A stored vote as recordVote needs it to decide whose it is and whether it was counted.
  struct StoredVote {
    FeedbackRecord record;  // what its vote rollup needs (minute, model, response time)
    bool counted = true;    // items written before the `counted` flag existed were counted
    std::int64_t written_at_ms = 0;
  };
  Result<std::optional<StoredVote>> readVote(const FeedbackRecord& record);
  // Bumps the saying's counter and adds the vote to its rollup, each exactly once for this
  // vote (its record id), then marks it counted (see dynamo_writes.cpp).
  Result<void> countVote(const FeedbackRecord& vote, const Json& feedback_key);
  // Step 2b: the vote's VoteRow ADDed to its rollup item once (dynamo_votes.cpp).
  Result<void> addVoteRollup(const FeedbackRecord& vote);
  void pruneVoteRollupMark(const FeedbackRecord& vote);
  // Whether the item's vote_marks set holds vote_id.
  Result<bool> voteMarked(const std::string& table, const Json& key, const std::string& vote_id);

  net::HttpTransportPtr transport_;
  std::unique_ptr<DynamoClient> client_;
  StoreOptions options_;
  const Clock& clock_;
};

}  // namespace cs::dynamo
