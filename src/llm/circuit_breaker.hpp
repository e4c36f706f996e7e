#pragma once
#include <chrono>
#include <deque>
#include <string>

#include "core/clock.hpp"
#include "core/mutex.hpp"

namespace cs::llm {

// Per-model breaker. Closed: calls pass; `failure_threshold` failures within `window` open it.
// Open: calls fail fast until `cool_down` has passed, then one probe is let through
// (half-open); its success closes the breaker, its failure opens it again. Thread-safe.
class CircuitBreaker {
 public:
  struct Options {
    int failure_threshold = 5;
    std::chrono::milliseconds window{60'000};
    std::chrono::milliseconds cool_down{30'000};
  };
  enum class State { kClosed, kOpen, kHalfOpen };

  CircuitBreaker(Options options, const Clock& clock) : options_(options), clock_(clock) {}

  // True when a call may go out now (in half-open: only the single probe).
  bool allow();
  void onSuccess();
  void onFailure();
  // The call allow() let through ended without reaching the provider (deadline already gone,
  // no key after a refresh): neither outcome is known, so a half-open probe slot is freed for
  // the next caller instead of staying taken forever.
  void onAbandoned();

  State state() const;
  // "ok" (closed, no recent failures), "degraded" (closed with recent failures), "open"
  // (open or half-open), "unknown" (never called).
  std::string health() const;

 private:
  void prune(std::chrono::steady_clock::time_point now) CS_REQUIRES(mutex_);
  Options options_;
  const Clock& clock_;
  mutable Mutex mutex_;
  State state_ CS_GUARDED_BY(mutex_) = State::kClosed;
  std::deque<std::chrono::steady_clock::time_point> failures_ CS_GUARDED_BY(mutex_);
  std::chrono::steady_clock::time_point opened_at_ CS_GUARDED_BY(mutex_){};
  bool probe_in_flight_ CS_GUARDED_BY(mutex_) = false;
  bool called_ CS_GUARDED_BY(mutex_) = false;
};

}  // namespace cs::llm
