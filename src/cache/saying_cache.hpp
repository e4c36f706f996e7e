#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cache/budget_guard.hpp"
#include "cache/flight.hpp"
#include "cache/ingest.hpp"
#include "cache/model_pool.hpp"
#include "cache/service_tracker.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "core/mutex.hpp"
#include "core/pending_calls.hpp"
#include "llm/gateway.hpp"

namespace cs::cache {

struct CacheOptions {
  std::size_t low_water = 3;   // a pool below this many sayings gets refilled...
  std::size_t high_water = 9;  // ...up to this many
  std::size_t capacity = 30;   // hard bound per pool
  int batch_size = 3;          // sayings asked for per LLM call
  int max_serves = 1;          // times one cached saying is served by this instance
  std::chrono::milliseconds call_timeout{20'000};  // deadline of one background call
  std::chrono::milliseconds retry_backoff{5'000};  // pause after a failed background call
  std::size_t dedup_recent = 1000;  // recent store sayings loaded into the dedup index
};

// The in-memory cache: one bounded pool per model, and the background builder that keeps each
// pool above its low-water mark. The builder owns no thread: a refill is a job on the shared
// executor that starts one asynchronous gateway call, and its completion (storing the sayings)
// runs there too. Models are called in parallel while each model has at most one refill call
// in flight (single-flight) — however many requests miss at once. Requests never wait on the
// builder, except a `?model=` request that explicitly asks to (refillNow + Flight::wait).
class SayingCache {
 public:
  SayingCache(llm::Gateway& gateway, Ingestor& ingestor, ServiceTracker& tracker,
              BudgetGuard& budget, const Clock& clock, Executor& executor, CacheOptions options,
              const std::vector<std::string>& model_ids);
  ~SayingCache();
  SayingCache(const SayingCache&) = delete;
  SayingCache& operator=(const SayingCache&) = delete;

  // Begins building (first request). Idempotent and cheap after the first call.
  void start();
  bool started() const { return started_.load(std::memory_order_acquire); }

  struct Hit {
    SayingPtr saying;
    std::size_t cache_size = 0;  // the pool's size after the take
  };
  // Any model's saying, pools visited round-robin. Starts refills of pools that fall low.
  std::optional<Hit> take();
  // `refill_when_empty`: whether an empty pool starts a refill (a waiter that just shared a
  // refill's outcome must not start the next one).
  std::optional<Hit> take(const std::string& model_id, bool refill_when_empty = true);
  bool knows(const std::string& model_id) const { return find(model_id) != nullptr; }

  // Starts (or joins) a refill of `model_id` now, ignoring the failure backoff; nullptr when
  // the model is unknown, building is stopped or the budget refuses.
  // `purpose`: model_request when a client waits on it (the call is then marked so in the
  // ledger unless it was already running as a cache fill).
  FlightPtr refillNow(const std::string& model_id, llm::Purpose purpose = llm::Purpose::kCacheFill);
  // Marks models the gateway reports disabled, so the builder leaves them alone.
  void setEnabled(const std::string& model_id, bool enabled);

  struct PoolStats {
    std::string model;
    std::size_t size = 0;
    bool in_flight = false;
    bool enabled = true;
    std::uint64_t calls = 0;
    std::uint64_t failures = 0;
    std::uint64_t generated = 0;
    std::uint64_t duplicates = 0;
  };
  std::vector<PoolStats> stats() const;
  std::size_t totalSize() const;
  // Waits until no pool has a refill running or pending, or `deadline`; true when idle. The
  // Lambda runtime calls it after posting a response, so refills finish inside an invocation
  // instead of being frozen mid-call between invocations.
  bool waitIdle(std::chrono::steady_clock::time_point deadline) const;
  // Stops building: a pending refill ends with "shutting down", and this waits for the calls in
  // flight (they end by their deadline). Called by the destructor.
  void stop();

 private:
  struct Slot {
    Slot(std::string id, std::size_t capacity, int max_serves)
        : model(std::move(id)), pool(capacity, max_serves) {}
    std::string model;
    ModelPool pool;
    mutable Mutex mutex;
    mutable CondVar idle;                       // notified when `flight` becomes null
    FlightPtr flight CS_GUARDED_BY(mutex);      // current or pending call; null when idle
    bool running CS_GUARDED_BY(mutex) = false;  // `flight`'s call has started
    bool enabled CS_GUARDED_BY(mutex) = true;
    bool stop CS_GUARDED_BY(mutex) = false;
    std::chrono::steady_clock::time_point retry_at CS_GUARDED_BY(mutex){};
    std::atomic<std::uint64_t> calls{0}, failures{0}, generated{0}, duplicates{0};
  };

  Slot* find(const std::string& model_id) const;
  std::optional<Hit> takeFrom(Slot& slot);
  FlightPtr ensureFlight(Slot& slot, bool ignore_backoff,
                         llm::Purpose purpose = llm::Purpose::kCacheFill);
  // Posts launch() for a flight just made pending.
  void schedule(Slot& slot);
  // The executor job: starts the slot's pending flight (budget, then the gateway call).
  void launch(Slot& slot);
  // Starts the call; false when it ended at once (`out` then holds why: the budget refused).
  bool startCall(Slot& slot, const FlightPtr& flight, llm::Purpose purpose, FlightResult& out);
  // The gateway's answer made into the refill's result (the sayings stored: store I/O).
  FlightResult onAnswer(Slot& slot, llm::Purpose purpose, const std::vector<std::string>& avoid,
                        llm::GenerationOutcome generated);
  // Adds the sayings, schedules the next refill up to high water, answers the flight's waiters.
  void complete(Slot& slot, const FlightPtr& flight, FlightResult result);

  llm::Gateway& gateway_;
  Ingestor& ingestor_;
  ServiceTracker& tracker_;
  BudgetGuard& budget_;
  const Clock& clock_;
  Executor& executor_;
  CacheOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  std::once_flag start_once_;
  std::once_flag prime_once_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::uint64_t> calls_{0};
  PendingCalls busy_;  // launches queued and calls in flight: stop() waits for them
};

}  // namespace cs::cache
