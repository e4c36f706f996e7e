#pragma once
#include <atomic>
#include <chrono>

#include "core/clock.hpp"

namespace cs::testing {

// A clock tests move by hand, so TTLs and breakers are tested without sleeping.
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns_.load()));
  }
  std::int64_t wallMs() const override { return wall_ms_.load(); }
  void advance(std::chrono::nanoseconds d) {
    ns_ += d.count();
    wall_ms_ += std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  }
  void setWallMs(std::int64_t ms) { wall_ms_ = ms; }

 private:
  std::atomic<std::int64_t> ns_{1'000'000'000};
  std::atomic<std::int64_t> wall_ms_{1'700'000'000'000};
};

}  // namespace cs::testing
