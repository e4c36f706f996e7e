#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cache/saying_cache.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/mutex.hpp"
#include "core/saying.hpp"
#include "llm/gateway.hpp"
#include "store/saying_picker.hpp"

namespace cs {

// Where a served saying came from (the `source` field).
enum class Source { kStore, kCache, kLlm, kFallback };
const char* sourceName(Source source);

struct ServedSaying {
  ServedSaying() = default;
  // The common case; the cost and fallback fields are set by the few paths that have them.
  ServedSaying(std::shared_ptr<const Saying> served, Source from, std::uint64_t number)
      : saying(std::move(served)), source(from), request_number(number) {}

  std::shared_ptr<const Saying> saying;  // shared with the cache: a hit copies no strings
  Source source = Source::kStore;
  std::uint64_t request_number = 0;
  // What THIS request spent upstream: the whole call when the request made one (a synchronous
  // ?model= generation it started), else 0 (cache, store, or a call someone else made). The
  // saying's own generation cost (its share of its batch call) is saying->cost_usd.
  Usage request_tokens;
  double request_cost_usd = 0.0;
  // Set only when a ?model= request is answered by another source on purpose (the instance
  // does not generate on request, or the model's answer only repeated known sayings): the
  // model asked for and why it did not answer. Failures are errors, never fallbacks.
  std::string requested_model;
  std::string fallback_reason;
};

// The request-number flow and fallback chain (SPEC part 2):
//  - requests 1..cold_start_store_requests of this instance come from the store, and the first
//    request starts the cache builder;
//  - later requests take from the cache; a miss answers from the store and the miss itself
//    starts a refill in the background (a request never waits on it);
//  - `?model=ID` takes from that model's pool, else waits (up to `model_deadline`) for one
//    single-flight generation; when that fails the request fails with the reason (503
//    circuit_open / budget_exhausted / upstream_error / timeout). Only two cases answer
//    from the store, marked with requested_model and fallback_reason: "generation_disabled"
//    (this instance's cache builder is off) and "duplicates" (the model answered, but only
//    with sayings already stored);
//  - when the store fails too the error "unavailable" becomes the 503 fallback answer.
class SayingService {
 public:
  struct Options {
    std::uint64_t cold_start_store_requests = 3;
    std::chrono::milliseconds model_deadline{10'000};
  };
  // Store only (no models configured).
  SayingService(SayingPicker& picker, Options options);
  SayingService(SayingPicker& picker, cache::SayingCache& cache, llm::Gateway& gateway,
                Options options);

  // Error code "unavailable" when neither the cache nor the store can answer; the caller
  // turns it into the fallback response. The request number is set either way.
  Result<ServedSaying> next(std::uint64_t& request_number);
  // next() when it can answer from memory alone (the cache, or the picker's cached store
  // sayings), else nullopt with no request counted: the caller then calls next() where it
  // may block. The server's I/O thread asks this first.
  std::optional<ServedSaying> nextFromMemory(std::uint64_t& request_number);
  // `?model=ID`. Errors "unknown_model" / "model_disabled" (400, message names the valid
  // models); "circuit_open", "budget_exhausted", "upstream_error", "timeout", "shutting_down"
  // (503) when the model could not answer; "unavailable" when the store cannot.
  Result<ServedSaying> nextForModel(const std::string& model_id, std::uint64_t& request_number);
  // Whether next() may read the store, asked before calling it so the server can run such
  // requests off its I/O threads: requests 1..cold_start_store_requests do, and so does any
  // request while the cache is not started or holds nothing (a miss answers from the store).
  // Only a request racing others for the very last cached saying can be told "no" and still
  // miss; it then reads through the picker, whose id list and items are usually in memory.
  bool nextMayTouchStore() const;

 private:
  Result<ServedSaying> fromStore(std::uint64_t request_number);
  Result<ServedSaying> fallbackFor(const std::string& model_id, std::string reason,
                                   std::uint64_t request_number);
  // One synchronous generation (or a share of the one in flight), up to `deadline`.
  Result<ServedSaying> generateFor(const std::string& model_id, std::uint64_t request_number);
  Result<void> checkModel(const std::string& model_id);

  SayingPicker& picker_;
  cache::SayingCache* cache_ = nullptr;
  llm::Gateway* gateway_ = nullptr;
  Options options_;
  std::atomic<std::uint64_t> requests_{0};
  Mutex last_mutex_;
  std::string last_store_id_ CS_GUARDED_BY(last_mutex_);
};

}  // namespace cs
