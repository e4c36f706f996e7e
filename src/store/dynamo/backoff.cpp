#include "store/dynamo/backoff.hpp"

#include "core/backoff.hpp"

namespace cs::dynamo {

std::optional<std::chrono::milliseconds> Backoff::delay(int next_attempt, double jitter,
                                                        std::chrono::milliseconds remaining) const {
  if (next_attempt < 2 || next_attempt > max_attempts) return std::nullopt;
  const auto wait = fullJitterDelay(next_attempt - 2, base, cap, jitter);
  // Leave the retry itself some time: waiting until the deadline only to fail helps no one.
  if (wait >= remaining) return std::nullopt;
  return wait;
}

}  // namespace cs::dynamo
