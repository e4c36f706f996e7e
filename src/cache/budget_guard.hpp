#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include "core/clock.hpp"
#include "core/mutex.hpp"
#include "llm/ledger.hpp"

namespace cs::cache {

// Caps what this instance spends on LLM calls: at most `max_calls_per_minute` calls in any
// sliding minute and `max_usd_per_day` dollars per UTC day (0 = no cap). The caps are split in
// two shares so the cache builder cannot starve what people ask for: `people_share` of each cap
// is reserved for people's calls (?model= generations, compare, arena: every purpose but
// cache_fill), the rest is the builder's. Each share is bounded on its own, so neither side can
// spend the other's. Past a share's cap that side's calls are refused (the builder pauses and
// the store answers; a person's request gets 503 budget_exhausted); each transition is logged
// once ("LLM budget exhausted" / "LLM budget available again", with `share`) and counted.
class BudgetGuard {
 public:
  struct Options {
    std::int64_t max_calls_per_minute = 60;
    double max_usd_per_day = 5.0;
    double people_share = 0.5;  // 0..1: the part of each cap only people's calls may use
  };
  // Who a call is for: the builder (cache_fill) or people (every other purpose).
  enum class Share { kBuilder, kPeople };
  static Share shareOf(llm::Purpose purpose) {
    return purpose == llm::Purpose::kCacheFill ? Share::kBuilder : Share::kPeople;
  }
  static const char* shareName(Share share) {
    return share == Share::kBuilder ? "builder" : "people";
  }
  struct ShareSnapshot {
    std::int64_t calls_last_minute = 0;
    double usd_today = 0.0;
    std::int64_t max_calls_per_minute = 0;  // this share's cap (0 = none)
    double max_usd_per_day = 0.0;           // this share's cap (0 = none)
    bool exhausted = false;
    std::uint64_t refusals = 0;
  };
  struct Snapshot {
    std::int64_t calls_last_minute = 0;  // both shares
    double usd_today = 0.0;              // both shares
    bool exhausted = false;              // either share refuses now
    std::uint64_t refusals = 0;          // both shares
    ShareSnapshot builder, people;
  };
  BudgetGuard(const Clock& clock, Options options);

  // Reserves one call of `purpose`'s share if both of that share's caps allow it. `why` names
  // the cap that refused ("max_calls_per_minute" / "max_usd_per_day").
  bool tryAcquire(llm::Purpose purpose, std::string* why = nullptr);
  // Adds a finished call's cost to today's spend of `purpose`'s share.
  void recordCost(llm::Purpose purpose, double usd);
  Snapshot snapshot() const;

 private:
  struct Side {
    std::int64_t max_calls = 0;
    double max_usd = 0.0;
    std::deque<std::chrono::steady_clock::time_point> calls;
    double usd_today = 0.0;
    bool exhausted = false;
    std::uint64_t refusals = 0;
  };
  Side& side(Share share) CS_REQUIRES(mutex_) {
    return share == Share::kBuilder ? builder_ : people_;
  }
  void prune(std::chrono::steady_clock::time_point now) CS_REQUIRES(mutex_);
  void rollDay() CS_REQUIRES(mutex_);
  ShareSnapshot snapshotOf(const Side& side) const;

  const Clock& clock_;
  Options options_;
  mutable Mutex mutex_;
  Side builder_ CS_GUARDED_BY(mutex_);
  Side people_ CS_GUARDED_BY(mutex_);
  std::int64_t day_ CS_GUARDED_BY(mutex_) = -1;
};

}  // namespace cs::cache
