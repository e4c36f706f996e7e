#include "cache/saying_cache.hpp"

#include "core/money.hpp"
#include "core/thread_boundary.hpp"
#include "obs/logger.hpp"

namespace cs::cache {

SayingCache::SayingCache(llm::Gateway& gateway, Ingestor& ingestor, ServiceTracker& tracker,
                         BudgetGuard& budget, const Clock& clock, Executor& executor,
                         CacheOptions options, const std::vector<std::string>& model_ids)
    : gateway_(gateway),
      ingestor_(ingestor),
      tracker_(tracker),
      budget_(budget),
      clock_(clock),
      executor_(executor),
      options_(options) {
  for (const auto& id : model_ids)
    slots_.push_back(std::make_unique<Slot>(id, options_.capacity, options_.max_serves));
}

SayingCache::~SayingCache() {
  stop();
}

void SayingCache::stop() {
  stopped_.store(true);
  for (auto& slot : slots_) {
    FlightPtr pending;
    {
      MutexLock lock(slot->mutex);
      slot->stop = true;
      // A refill not started yet will not start: its waiters hear so now.
      if (slot->flight && !slot->running) pending = std::move(slot->flight);
    }
    if (pending) {
      FlightResult stopped;
      stopped.error = localError(llm::LlmError::Kind::kTimeout, "the cache is shutting down");
      pending->finish(std::move(stopped));
    }
    slot->idle.notify_all();
  }
  // Launch jobs still queued (they see `stop`) and calls in flight (they end by their
  // deadline) use the slots: wait for them.
  busy_.waitZero();
}

void SayingCache::start() {
  std::call_once(start_once_, [this] {
    started_.store(true, std::memory_order_release);
    obs::log().info("Cache building started", {{"models", slots_.size()}});
    for (auto& slot : slots_) ensureFlight(*slot, false);
  });
}

SayingCache::Slot* SayingCache::find(const std::string& model_id) const {
  for (const auto& slot : slots_)
    if (slot->model == model_id) return slot.get();
  return nullptr;
}

void SayingCache::setEnabled(const std::string& model_id, bool enabled) {
  if (Slot* slot = find(model_id)) {
    MutexLock lock(slot->mutex);
    slot->enabled = enabled;
  }
}

std::optional<SayingCache::Hit> SayingCache::takeFrom(Slot& slot) {
  auto taken = slot.pool.take();
  if (taken && taken->remaining < options_.low_water && started()) ensureFlight(slot, false);
  if (!taken) return std::nullopt;
  return Hit{std::move(taken->saying), taken->remaining};
}

std::optional<SayingCache::Hit> SayingCache::take() {
  const std::size_t n = slots_.size();
  if (n == 0) return std::nullopt;
  const std::size_t first = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < n; ++i) {
    Slot& slot = *slots_[(first + i) % n];
    if (slot.pool.size() == 0) continue;  // lock-free skip of empty pools
    if (auto hit = takeFrom(slot)) return hit;
  }
  // A miss: every pool is empty. Refill them (the caller answers from the store meanwhile).
  if (started())
    for (auto& slot : slots_) ensureFlight(*slot, false);
  return std::nullopt;
}

std::optional<SayingCache::Hit> SayingCache::take(const std::string& model_id,
                                                  bool refill_when_empty) {
  Slot* slot = find(model_id);
  if (!slot) return std::nullopt;
  auto hit = takeFrom(*slot);
  if (!hit && refill_when_empty && started()) ensureFlight(*slot, false);
  return hit;
}

FlightPtr SayingCache::refillNow(const std::string& model_id, llm::Purpose purpose) {
  Slot* slot = find(model_id);
  if (!slot) return nullptr;
  return ensureFlight(*slot, true, purpose);
}

FlightPtr SayingCache::ensureFlight(Slot& slot, bool ignore_backoff, llm::Purpose purpose) {
  FlightPtr flight;
  {
    MutexLock lock(slot.mutex);
    if (slot.stop) return nullptr;
    if (slot.flight) {
      // A pending (not yet running) call that a client now waits for is made for that client.
      if (!slot.running && purpose != llm::Purpose::kCacheFill) slot.flight->purpose = purpose;
      return slot.flight;  // single-flight: join the call already running
    }
    if (!ignore_backoff && (!slot.enabled || clock_.now() < slot.retry_at)) return nullptr;
    slot.flight = std::make_shared<Flight>();
    slot.flight->purpose = purpose;
    flight = slot.flight;
  }
  schedule(slot);
  return flight;
}

void SayingCache::schedule(Slot& slot) {
  busy_.enter();
  // Never on the caller's thread: take() runs on HTTP I/O threads.
  executor_.post([this, &slot] { launch(slot); });
}

void SayingCache::launch(Slot& slot) {
  FlightPtr flight;
  llm::Purpose purpose = llm::Purpose::kCacheFill;
  bool skip = false;
  {
    MutexLock lock(slot.mutex);
    // stop() answered the pending flight, or another launch runs it.
    skip = slot.stop || !slot.flight || slot.running;
    if (!skip) {
      slot.running = true;
      flight = slot.flight;
      purpose = flight->purpose;
    }
  }
  // After the unlock: once busy_ is zero stop() returns and the slot (its mutex) may be gone.
  if (skip) {
    busy_.leave();
    return;
  }
  FlightResult ended;
  bool started = false;
  // A refill's surprise (a throwing store, allocator, gateway) is that refill's error: the
  // builder carries on, and whoever waits on the flight gets an answer.
  if (!runGuarded(ThreadKind::kCacheBuilder, slot.model,
                  [&] { started = startCall(slot, flight, purpose, ended); })) {
    started = false;
    ended = FlightResult{};
    ended.error = localError(llm::LlmError::Kind::kServer, "internal error in the cache builder");
  }
  if (!started) complete(slot, flight, std::move(ended));
}

bool SayingCache::startCall(Slot& slot, const FlightPtr& flight, llm::Purpose purpose,
                            FlightResult& out) {
  std::call_once(prime_once_, [this] { ingestor_.primeFromStore(options_.dedup_recent); });
  out.purpose = purpose;
  std::string why;
  if (!budget_.tryAcquire(purpose, &why)) {
    out.budget_refused = true;
    out.error = localError(llm::LlmError::Kind::kRateLimited, "LLM budget exhausted (" + why + ")");
    return false;
  }
  llm::GenerationRequest request;
  request.model_id = slot.model;
  request.count = options_.batch_size;
  request.avoid_services = tracker_.avoidList();
  request.purpose = purpose;
  request.deadline = std::chrono::steady_clock::now() +
                     options_.call_timeout;  // real time: the gateway's calls are bounded by it
  slot.calls.fetch_add(1);
  calls_.fetch_add(1);
  gateway_.generateAsync(request, [this, &slot, flight, purpose, avoid = request.avoid_services](
                                      llm::GenerationOutcome generated) {
    FlightResult result;
    if (!runGuarded(ThreadKind::kCacheBuilder, slot.model,
                    [&] { result = onAnswer(slot, purpose, avoid, std::move(generated)); })) {
      result = FlightResult{};
      result.error =
          localError(llm::LlmError::Kind::kServer, "internal error in the cache builder");
    }
    complete(slot, flight, std::move(result));
  });
  return true;
}

FlightResult SayingCache::onAnswer(Slot& slot, llm::Purpose purpose,
                                   const std::vector<std::string>& avoid,
                                   llm::GenerationOutcome generated) {
  FlightResult out;
  out.purpose = purpose;
  if (!generated) {
    slot.failures.fetch_add(1);
    // The gateway's "LLM call failed" line already carries error_type for this failure; this
    // line says what it meant for the cache without error_type, so Logs Insights' errors query
    // counts each failure once.
    obs::log().warn("Cache refill failed", {{"model", slot.model},
                                            {"failure", llm::kindName(generated.error().kind)},
                                            {"detail", generated.error().message}});
    out.error = std::move(generated.error());
    return out;
  }
  budget_.recordCost(purpose, generated->cost_usd);
  out.usage = generated->usage;
  out.cost_usd = generated->cost_usd;
  auto ingested = ingestor_.ingest(*generated);
  out.llm_ms = generated->llm_ms;
  out.duplicates = ingested.duplicates.size();
  for (auto& s : ingested.accepted)
    out.sayings.push_back(std::make_shared<const Saying>(std::move(s)));
  slot.generated.fetch_add(out.sayings.size());
  slot.duplicates.fetch_add(out.duplicates);
  obs::log().info("Cache refilled", {{"model", slot.model},
                                     {"added", out.sayings.size()},
                                     {"duplicates_dropped", out.duplicates},
                                     {"cache_size", slot.pool.size() + out.sayings.size()},
                                     {"api_latency_ms", generated->llm_ms},
                                     {"tokens", generated->usage.total()},
                                     {"cost_usd", roundUsd(generated->cost_usd)},
                                     {"avoid_services", avoid}});
  return out;
}

void SayingCache::complete(Slot& slot, const FlightPtr& flight, FlightResult result) {
  const std::size_t added = slot.pool.add(result.sayings);
  bool again = false;
  {
    MutexLock lock(slot.mutex);
    slot.running = false;
    const bool failed = result.error.has_value() || added == 0;
    if (failed) slot.retry_at = clock_.now() + options_.retry_backoff;
    if (result.error && result.error->kind == llm::LlmError::Kind::kDisabled) slot.enabled = false;
    // Keep filling up to the high-water mark with the next call, still single-flight.
    again = !failed && !slot.stop && slot.pool.size() < options_.high_water;
    slot.flight = again ? std::make_shared<Flight>() : nullptr;
  }
  flight->finish(std::move(result));
  slot.idle.notify_all();
  if (again) schedule(slot);
  busy_.leave();  // last: stop() may return (and the slot go) once this is done
}

bool SayingCache::waitIdle(std::chrono::steady_clock::time_point deadline) const {
  for (const auto& slot : slots_) {
    Slot& s = *slot;
    MutexLock lock(s.mutex);
    while (!s.stop && s.flight != nullptr)
      if (s.idle.wait_until(s.mutex, deadline) == std::cv_status::timeout && !s.stop &&
          s.flight != nullptr)
        return false;
  }
  return true;
}

std::vector<SayingCache::PoolStats> SayingCache::stats() const {
  std::vector<PoolStats> out;
  for (const auto& slot : slots_) {
    PoolStats s;
    s.model = slot->model;
    s.size = slot->pool.size();
    {
      MutexLock lock(slot->mutex);
      s.in_flight = slot->flight != nullptr;
      s.enabled = slot->enabled;
    }
    s.calls = slot->calls.load();
    s.failures = slot->failures.load();
    s.generated = slot->generated.load();
    s.duplicates = slot->duplicates.load();
    out.push_back(std::move(s));
  }
  return out;
}

std::size_t SayingCache::totalSize() const {
  std::size_t total = 0;
  for (const auto& slot : slots_) total += slot->pool.size();
  return total;
}

}  // namespace cs::cache
