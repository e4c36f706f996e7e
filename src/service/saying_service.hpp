#pragma once
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/saying.hpp"
#include "store/saying_picker.hpp"

namespace cs {

// Where a served saying came from (the `source` field).
enum class Source { kStore, kCache, kLlm, kFallback };
const char* sourceName(Source source);

struct ServedSaying {
  Saying saying;
  Source source = Source::kStore;
  std::uint64_t request_number = 0;
};

// The request-number flow and fallback chain (SPEC part 2). Requests 1..cold_start_requests of
// this instance come from the store; later ones try the cache first (issue: cache-first flow).
class SayingService {
 public:
  struct Options {
    std::uint64_t cold_start_store_requests = 3;
  };
  SayingService(SayingPicker& picker, Options options);

  // Error code "unavailable" when neither the cache nor the store can answer; the caller
  // turns it into the fallback response. The request number is set either way.
  Result<ServedSaying> next(std::uint64_t& request_number);
  std::uint64_t requestsSoFar() const { return requests_.load(std::memory_order_relaxed); }

 private:
  Result<ServedSaying> fromStore(std::uint64_t request_number);

  SayingPicker& picker_;
  Options options_;
  std::atomic<std::uint64_t> requests_{0};
  std::mutex last_mutex_;
  std::string last_store_id_;
};

}  // namespace cs
