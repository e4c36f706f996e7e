#include "cache/budget_guard.hpp"

#include <algorithm>
#include <cmath>

#include "core/money.hpp"
#include "obs/logger.hpp"

namespace cs::cache {

namespace {
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
}

BudgetGuard::BudgetGuard(const Clock& clock, Options options) : clock_(clock), options_(options) {
  const double share = std::clamp(options_.people_share, 0.0, 1.0);
  options_.people_share = share;
  // People get their share rounded up (a cap of 1 call still lets a person through), the
  // builder the rest: the two shares add up to the configured cap. A share of 0 is no call at
  // all for that side -- unless the whole cap is 0, which means no cap.
  const auto calls = options_.max_calls_per_minute;
  people_.max_calls = calls > 0 ? static_cast<std::int64_t>(std::ceil(calls * share)) : 0;
  builder_.max_calls = calls > 0 ? calls - people_.max_calls : 0;
  people_.max_usd = options_.max_usd_per_day > 0 ? options_.max_usd_per_day * share : 0.0;
  builder_.max_usd =
      options_.max_usd_per_day > 0 ? options_.max_usd_per_day - people_.max_usd : 0.0;
}

void BudgetGuard::prune(std::chrono::steady_clock::time_point now) {
  for (Side* s : {&builder_, &people_})
    while (!s->calls.empty() && now - s->calls.front() >= std::chrono::minutes(1))
      s->calls.pop_front();
}

void BudgetGuard::rollDay() {
  const std::int64_t day = clock_.wallMs() / kDayMs;
  if (day != day_) {
    day_ = day;
    builder_.usd_today = people_.usd_today = 0.0;
  }
}

bool BudgetGuard::tryAcquire(llm::Purpose purpose, std::string* why) {
  const auto now = clock_.now();
  const Share share = shareOf(purpose);
  std::string reason;
  {
    MutexLock lock(mutex_);
    prune(now);
    rollDay();
    Side& s = side(share);
    // A zero cap for the whole budget means no cap; a zero share of a real cap means none.
    const bool calls_capped = options_.max_calls_per_minute > 0;
    const bool usd_capped = options_.max_usd_per_day > 0;
    if (calls_capped && static_cast<std::int64_t>(s.calls.size()) >= s.max_calls)
      reason = "max_calls_per_minute";
    else if (usd_capped && (s.max_usd <= 0 || s.usd_today >= s.max_usd))
      reason = "max_usd_per_day";
    if (reason.empty()) {
      s.calls.push_back(now);
      if (s.exhausted) {
        s.exhausted = false;
        obs::log().info("LLM budget available again", {{"share", shareName(share)},
                                                       {"calls_last_minute", s.calls.size()},
                                                       {"usd_today", roundUsd(s.usd_today)}});
      }
      return true;
    }
    ++s.refusals;
    if (!s.exhausted) {
      s.exhausted = true;
      obs::log().warn("LLM budget exhausted",
                      {{"error_type", "budget_exhausted"},
                       {"error_message", std::string("LLM calls paused for the ") +
                                             shareName(share) + "'s share: " + reason},
                       {"share", shareName(share)},
                       {"limit", reason},
                       {"calls_last_minute", s.calls.size()},
                       {"usd_today", roundUsd(s.usd_today)}});
    }
  }
  if (why) *why = reason;
  return false;
}

void BudgetGuard::recordCost(llm::Purpose purpose, double usd) {
  MutexLock lock(mutex_);
  rollDay();
  side(shareOf(purpose)).usd_today += usd;
}

BudgetGuard::ShareSnapshot BudgetGuard::snapshotOf(const Side& s) const {
  return ShareSnapshot{static_cast<std::int64_t>(s.calls.size()),
                       s.usd_today,
                       s.max_calls,
                       s.max_usd,
                       s.exhausted,
                       s.refusals};
}

BudgetGuard::Snapshot BudgetGuard::snapshot() const {
  MutexLock lock(mutex_);
  Snapshot out;
  out.builder = snapshotOf(builder_);
  out.people = snapshotOf(people_);
  out.calls_last_minute = out.builder.calls_last_minute + out.people.calls_last_minute;
  out.usd_today = out.builder.usd_today + out.people.usd_today;
  out.exhausted = out.builder.exhausted || out.people.exhausted;
  out.refusals = out.builder.refusals + out.people.refusals;
  return out;
}

}  // namespace cs::cache
