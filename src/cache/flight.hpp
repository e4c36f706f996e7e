#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "cache/model_pool.hpp"
#include "core/mutex.hpp"
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
  // The purpose the call was made (and its budget share charged) under: a waiting ?model=
  // request that joined a cache fill the builder's share refused may ask again as itself.
  llm::Purpose purpose = llm::Purpose::kCacheFill;
  // What the upstream call cost as a whole (tokens x catalog prices; 0 when not called or it
  // failed before any answer), for the request that made the call (request_cost_usd).
  Usage usage;
  double cost_usd = 0.0;
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
      MutexLock lock(mutex_);
      result_ = std::move(result);
    }
    done_.notify_all();
  }
  // The result, or nullptr if the deadline passed first.
  const FlightResult* wait(std::chrono::steady_clock::time_point deadline) {
    MutexLock lock(mutex_);
    while (!result_.has_value())
      if (done_.wait_until(mutex_, deadline) == std::cv_status::timeout && !result_.has_value())
        return nullptr;
    return &*result_;
  }
  // True once: for the first waiting request of a flight made for people (model_request). That
  // request "made" the call and reports its cost; others who shared it report 0, so the
  // requests' request_cost_usd add up to the ledger's model_request spend, never more.
  bool claimCall() { return !claimed_.exchange(true); }
  // Hands waiters the batch's sayings in turn (when the pool was emptied by other waiters).
  SayingPtr nextShared() {
    MutexLock lock(mutex_);
    if (!result_ || result_->sayings.empty()) return nullptr;
    return result_->sayings[handed_++ % result_->sayings.size()];
  }

 private:
  Mutex mutex_;
  CondVar done_;
  std::optional<FlightResult> result_ CS_GUARDED_BY(mutex_);
  std::size_t handed_ CS_GUARDED_BY(mutex_) = 0;
  std::atomic<bool> claimed_{false};
};
using FlightPtr = std::shared_ptr<Flight>;

}  // namespace cs::cache
