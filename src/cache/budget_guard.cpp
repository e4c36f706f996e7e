#include "cache/budget_guard.hpp"

#include "obs/logger.hpp"

namespace cs::cache {

namespace {
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
}

void BudgetGuard::prune(std::chrono::steady_clock::time_point now) {
  while (!calls_.empty() && now - calls_.front() >= std::chrono::minutes(1)) calls_.pop_front();
}

void BudgetGuard::rollDay() {
  const std::int64_t day = clock_.wallMs() / kDayMs;
  if (day != day_) {
    day_ = day;
    usd_today_ = 0.0;
  }
}

bool BudgetGuard::tryAcquire(std::string* why) {
  const auto now = clock_.now();
  std::string reason;
  {
    std::lock_guard lock(mutex_);
    prune(now);
    rollDay();
    if (options_.max_calls_per_minute > 0 &&
        static_cast<std::int64_t>(calls_.size()) >= options_.max_calls_per_minute)
      reason = "max_calls_per_minute";
    else if (options_.max_usd_per_day > 0 && usd_today_ >= options_.max_usd_per_day)
      reason = "max_usd_per_day";
    if (reason.empty()) {
      calls_.push_back(now);
      if (exhausted_) {
        exhausted_ = false;
        obs::log().info("LLM budget available again",
                        {{"calls_last_minute", calls_.size()}, {"usd_today", usd_today_}});
      }
      return true;
    }
    ++refusals_;
    if (!exhausted_) {
      exhausted_ = true;
      obs::log().warn("LLM budget exhausted", {{"error_type", "budget_exhausted"},
                                               {"error_message", "LLM calls paused: " + reason},
                                               {"limit", reason},
                                               {"calls_last_minute", calls_.size()},
                                               {"usd_today", usd_today_}});
    }
  }
  if (why) *why = reason;
  return false;
}

void BudgetGuard::recordCost(double usd) {
  std::lock_guard lock(mutex_);
  rollDay();
  usd_today_ += usd;
}

BudgetGuard::Snapshot BudgetGuard::snapshot() const {
  std::lock_guard lock(mutex_);
  return Snapshot{static_cast<std::int64_t>(calls_.size()), usd_today_, exhausted_, refusals_};
}

}  // namespace cs::cache
