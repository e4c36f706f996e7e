#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "core/clock.hpp"

namespace cs::cache {

// Caps what this instance spends on LLM calls: at most `max_calls_per_minute` calls in any
// sliding minute and `max_usd_per_day` dollars per UTC day (0 = no cap). Past a cap the
// builder pauses and requests are served from the store; the transition is logged once
// ("LLM budget exhausted" / "LLM budget available again") and counted.
class BudgetGuard {
 public:
  struct Options {
    std::int64_t max_calls_per_minute = 60;
    double max_usd_per_day = 5.0;
  };
  struct Snapshot {
    std::int64_t calls_last_minute = 0;
    double usd_today = 0.0;
    bool exhausted = false;
    std::uint64_t refusals = 0;
  };
  BudgetGuard(const Clock& clock, Options options) : clock_(clock), options_(options) {}

  // Reserves one call if both caps allow it. `why` names the cap that refused.
  bool tryAcquire(std::string* why = nullptr);
  // Adds a finished call's cost to today's spend.
  void recordCost(double usd);
  Snapshot snapshot() const;

 private:
  void prune(std::chrono::steady_clock::time_point now);
  void rollDay();

  const Clock& clock_;
  Options options_;
  mutable std::mutex mutex_;
  std::deque<std::chrono::steady_clock::time_point> calls_;
  std::int64_t day_ = -1;
  double usd_today_ = 0.0;
  bool exhausted_ = false;
  std::uint64_t refusals_ = 0;
};

}  // namespace cs::cache
