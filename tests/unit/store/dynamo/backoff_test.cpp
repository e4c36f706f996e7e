#include <gtest/gtest.h>

#include "store/dynamo/backoff.hpp"

namespace cs::dynamo {
namespace {

using std::chrono::milliseconds;

TEST(DynamoBackoff, GrowsExponentiallyCapsAndRespectsDeadline) {
  Backoff b{5, milliseconds(10), milliseconds(50)};
  const milliseconds lots(10'000);
  EXPECT_FALSE(b.delay(1, 1.0, lots));  // the first attempt never waits
  EXPECT_EQ(b.delay(2, 1.0, lots), milliseconds(10));
  EXPECT_EQ(b.delay(3, 1.0, lots), milliseconds(20));
  EXPECT_EQ(b.delay(4, 1.0, lots), milliseconds(40));
  EXPECT_EQ(b.delay(5, 1.0, lots), milliseconds(50));  // capped
  EXPECT_FALSE(b.delay(6, 1.0, lots));                 // attempts used up
  EXPECT_EQ(b.delay(4, 0.5, lots), milliseconds(20));  // jitter scales the wait
  EXPECT_EQ(b.delay(4, 0.0, lots), milliseconds(0));
  EXPECT_FALSE(b.delay(3, 1.0, milliseconds(20)));  // would use the whole remaining time
  EXPECT_EQ(b.delay(3, 1.0, milliseconds(21)), milliseconds(20));
}

}  // namespace
}  // namespace cs::dynamo
