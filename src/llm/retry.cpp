#include "llm/retry.hpp"

#include "core/backoff.hpp"

namespace cs::llm {

std::chrono::milliseconds RetryPolicy::delay(int retry,
                                             std::optional<std::chrono::milliseconds> retry_after,
                                             const std::function<double()>& uniform01) const {
  if (retry_after) return *retry_after;
  return fullJitterDelay(retry, base, cap, uniform01());
}

}  // namespace cs::llm
