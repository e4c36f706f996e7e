#include "llm/retry.hpp"

#include <algorithm>

namespace cs::llm {

std::chrono::milliseconds RetryPolicy::delay(int retry,
                                             std::optional<std::chrono::milliseconds> retry_after,
                                             const std::function<double()>& uniform01) const {
  if (retry_after) return *retry_after;
  const int shift = std::clamp(retry, 0, 20);
  const auto ceiling =
      std::min<std::int64_t>(cap.count(), base.count() * (std::int64_t{1} << shift));
  const double u = std::clamp(uniform01(), 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(u * static_cast<double>(ceiling)));
}

}  // namespace cs::llm
