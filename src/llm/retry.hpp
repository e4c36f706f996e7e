#pragma once
#include <chrono>
#include <functional>
#include <optional>

namespace cs::llm {

// Exponential backoff with full jitter (core/backoff.hpp): the n-th retry waits a uniform
// random time in [0, min(cap, base * 2^n)]. A Retry-After from the provider replaces the jitter.
struct RetryPolicy {
  int max_attempts = 3;  // including the first call
  std::chrono::milliseconds base{250};
  std::chrono::milliseconds cap{4'000};

  // `retry` counts from 0 (the wait before the second attempt); `uniform01` returns [0, 1).
  std::chrono::milliseconds delay(int retry, std::optional<std::chrono::milliseconds> retry_after,
                                  const std::function<double()>& uniform01) const;
};

// The gateway waits between attempts on a timer of its executor (core/executor.hpp).

}  // namespace cs::llm
