#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/mutex.hpp"
#include "core/ttl_cache.hpp"
#include "service/feedback_service.hpp"
#include "service/ledger_rollup.hpp"
#include "service/request_stats.hpp"
#include "service/stats_aggregate.hpp"
#include "store/store.hpp"

namespace cs {

// The votes the top-services list was computed from: the newest Options::services_window votes
// of the range and filters (all of them when limited = false).
struct ServicesWindow {
  std::int64_t votes = 0;
  bool limited = false;  // the range holds more votes than the window
};

struct StatsResult {
  Stats stats;
  StatsFilter filter;
  ServicesWindow services_window;
  std::int64_t computed_at_ms = 0;
};
using StatsResultPtr = std::shared_ptr<const StatsResult>;

// GET /api/stats: reads only rollups (votes summed per series bucket in the store, request
// statistics, the ledger) plus a bounded window of the newest votes for the top-services list
// (ServicesWindow), and runs aggregate(). Raw votes are never loaded over the range, so time
// and memory do not grow with the number of stored votes. Results are cached per filter
// combination for `cache_ttl` (the original's 2 minutes); the result says when it was computed.
class StatsService {
 public:
  struct Options {
    std::chrono::milliseconds cache_ttl{120'000};
    // The top-services list reads at most this many of the newest votes, and the services of
    // their sayings: bounded time and memory however many votes the range holds. 2,000 keeps a
    // cold call within 50 ms (docs/performance.md); the sayings' services stay cached.
    std::size_t services_window = 2'000;
  };
  using ProviderResolver = std::function<std::string(std::string_view model)>;

  // `recorder` may be null; when given, its unflushed rows count too, so this instance's
  // newest minute shows before the next flush.
  StatsService(Store& store, const RequestStatsRecorder* recorder, const Clock& clock,
               Options options, ProviderResolver provider_of = {});

  // The ledger's rollups for "spend" (may stay unset: spend is then all zero). Set before the
  // first request. A result cached before this instance's latest call is not served: the
  // ledger's version is part of the cache key, so its own calls show at once.
  void setLedger(LedgerRollup* ledger) { ledger_ = ledger; }
  // The same for this instance's votes (FeedbackService::version() joins the cache key).
  void setFeedback(const FeedbackService* feedback) { feedback_ = feedback; }

  // Error "bad_request" for bad filters; store errors pass through.
  Result<StatsResultPtr> stats(const std::map<std::string, std::string>& query);

 private:
  Result<StatsResultPtr> compute(const StatsFilter& filter);
  Result<void> loadServices(const std::vector<VoteSample>& votes);

  Store& store_;
  const RequestStatsRecorder* recorder_;
  LedgerRollup* ledger_ = nullptr;
  const FeedbackService* feedback_ = nullptr;
  const Clock& clock_;
  std::size_t services_window_;
  ProviderResolver provider_of_;
  TtlCache<std::string, StatsResultPtr> cache_;
  // One computation at a time: a caller that waited for the same filter takes the result
  // just cached instead of computing it again, and the peak memory stays one window's.
  Mutex compute_mutex_;  // guards no field: it serialises the computation
  // A saying's services never change, so they are kept once fetched (bounded).
  Mutex services_mutex_;
  std::unordered_map<std::string, std::vector<std::string>> services_by_saying_
      CS_GUARDED_BY(services_mutex_);
  // learned from sayings
  std::unordered_map<std::string, std::string> provider_by_model_ CS_GUARDED_BY(services_mutex_);
};

}  // namespace cs
