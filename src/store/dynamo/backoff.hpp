#pragma once
#include <chrono>
#include <optional>

namespace cs::dynamo {

// Exponential backoff with full jitter (core/backoff.hpp): before retry n (1-based) wait a
// random time in [0, min(cap, base * 2^(n-1))]. Retries stop at max_attempts or when the wait
// would end past the caller's deadline.
struct Backoff {
  int max_attempts = 8;  // first try included
  std::chrono::milliseconds base{25};
  std::chrono::milliseconds cap{1'000};

  // The wait before attempt `next_attempt` (2 = first retry), given a jitter draw in [0, 1],
  // or nullopt when no retry is allowed (attempts used up, or it would pass `remaining`).
  std::optional<std::chrono::milliseconds> delay(int next_attempt, double jitter,
                                                 std::chrono::milliseconds remaining) const;
};

}  // namespace cs::dynamo
