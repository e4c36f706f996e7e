#pragma once
#include <cmath>

namespace cs {

// US dollars as JSON shows them: rounded to 1e-9 (a nano-dollar), so sums of per-token prices
// print as 0.000175 rather than 0.00017500000000000003. The nearest double to k/1e9 prints as
// that decimal with shortest round-trip formatting.
inline double roundUsd(double usd) {
  if (!std::isfinite(usd)) return 0.0;
  return std::round(usd * 1e9) / 1e9;
}

}  // namespace cs
