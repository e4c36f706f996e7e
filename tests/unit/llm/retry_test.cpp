// Backoff with full jitter and Retry-After.
#include <gtest/gtest.h>

#include "llm/retry.hpp"

namespace cs::llm {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, FullJitterStaysWithinTheExponentialCeiling) {
  RetryPolicy p{5, milliseconds(100), milliseconds(1000)};
  auto one = [] { return 0.999999; };
  auto zero = [] { return 0.0; };
  EXPECT_EQ(p.delay(0, std::nullopt, zero), milliseconds(0));
  EXPECT_EQ(p.delay(0, std::nullopt, one), milliseconds(99));
  EXPECT_EQ(p.delay(1, std::nullopt, one), milliseconds(199));
  EXPECT_EQ(p.delay(2, std::nullopt, one), milliseconds(399));
  EXPECT_EQ(p.delay(10, std::nullopt, one), milliseconds(999));  // capped
  EXPECT_EQ(p.delay(3, std::nullopt, [] { return 0.5; }), milliseconds(400));
}

TEST(RetryPolicy, RetryAfterReplacesJitter) {
  RetryPolicy p;
  EXPECT_EQ(p.delay(0, milliseconds(3000), [] { return 0.1; }), milliseconds(3000));
}

}  // namespace
}  // namespace cs::llm
