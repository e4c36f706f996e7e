#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "cache/model_pool.hpp"
#include "llm/types.hpp"

namespace cs::cache {

// An error raised by the cache or compare itself (not by a provider).
inline llm::LlmError localError(llm::LlmError::Kind kind, std::string message) {
  llm::LlmError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

// What one refill call produced: the accepted sayings plus the call's figures, or its error.
struct FlightResult {
  std::vector<SayingPtr> sayings;  // accepted (deduplicated, stored)
  std::size_t duplicates = 0;
  double llm_ms = 0.0;
  std::optional<llm::LlmError> error;
  bool budget_refused = false;  // not called: the budget guard said no
};

// One refill call of one model, shared by everyone who wants its outcome (single-flight):
// the builder runs it, any number of requests wait on it.
class Flight {
 public:
  // Why the call is made, for the ledger: cache_fill unless a waiting ?model= request created
  // or joined it before it started. Guarded by the owning slot's mutex.
  llm::Purpose purpose = llm::Purpose::kCacheFill;

  void finish(FlightResult result) {
    {
      std::lock_guard lock(mutex_);
      result_ = std::move(result);
    }
    done_.notify_all();
  }
  // The result, or nullptr if the deadline passed first.
  const FlightResult* wait(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    if (!done_.wait_until(lock, deadline, [&] { return result_.has_value(); })) return nullptr;
    return &*result_;
  }
  // Hands waiters the batch's sayings in turn (when the pool was emptied by other waiters).
  SayingPtr nextShared() {
    std::lock_guard lock(mutex_);
    if (!result_ || result_->sayings.empty()) return nullptr;
    return result_->sayings[handed_++ % result_->sayings.size()];
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<FlightResult> result_;
  std::size_t handed_ = 0;
};
using FlightPtr = std::shared_ptr<Flight>;

}  // namespace cs::cache
