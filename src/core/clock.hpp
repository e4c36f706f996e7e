#pragma once
#include <chrono>
#include <cstdint>

namespace cs {

// The start of the step-long period holding t, periods aligned to the Unix epoch (step > 0,
// negative times included).
constexpr std::int64_t periodStartMs(std::int64_t t, std::int64_t step) {
  return t - ((t % step) + step) % step;
}

// The start of the UTC minute holding t: the key of every per-minute rollup.
constexpr std::int64_t minuteStartMs(std::int64_t t) {
  return periodStartMs(t, 60'000);
}

// Injected everywhere time matters so TTLs and breakers are tested without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Wall clock, Unix epoch milliseconds.
  virtual std::int64_t wallMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  std::int64_t wallMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

}  // namespace cs
