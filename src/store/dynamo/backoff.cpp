#include "store/dynamo/backoff.hpp"

#include <algorithm>

namespace cs::dynamo {

std::optional<std::chrono::milliseconds> Backoff::delay(int next_attempt, double jitter,
                                                        std::chrono::milliseconds remaining) const {
  if (next_attempt < 2 || next_attempt > max_attempts) return std::nullopt;
  const int shift = std::min(next_attempt - 2, 20);
  const auto ceiling = std::min<std::chrono::milliseconds::rep>(cap.count(), base.count() << shift);
  const auto wait = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
      static_cast<double>(ceiling) * std::clamp(jitter, 0.0, 1.0)));
  // Leave the retry itself some time: waiting until the deadline only to fail helps no one.
  if (wait >= remaining) return std::nullopt;
  return wait;
}

}  // namespace cs::dynamo
