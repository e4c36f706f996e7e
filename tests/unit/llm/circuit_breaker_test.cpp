// The per-model circuit breaker on an injected clock.
#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "llm/circuit_breaker.hpp"

namespace cs::llm {
namespace {

using std::chrono::milliseconds;

class BreakerTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  CircuitBreaker breaker_{{3, milliseconds(10'000), milliseconds(5'000)}, clock_};
};

TEST_F(BreakerTest, OpensAfterNFailuresInTheWindow) {
  EXPECT_EQ(breaker_.health(), "unknown");
  breaker_.onFailure();
  breaker_.onFailure();
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kClosed);
  EXPECT_EQ(breaker_.health(), "degraded");
  breaker_.onFailure();
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kOpen);
  EXPECT_EQ(breaker_.health(), "open");
  EXPECT_FALSE(breaker_.allow());
}

TEST_F(BreakerTest, FailuresOutsideTheWindowDoNotCount) {
  breaker_.onFailure();
  breaker_.onFailure();
  clock_.advance(milliseconds(11'000));
  breaker_.onFailure();
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kClosed);
  EXPECT_EQ(breaker_.health(), "degraded");
  clock_.advance(milliseconds(11'000));
  EXPECT_EQ(breaker_.health(), "ok");
}

TEST_F(BreakerTest, HalfOpenProbeClosesOrReopens) {
  for (int i = 0; i < 3; ++i) breaker_.onFailure();
  clock_.advance(milliseconds(4'999));
  EXPECT_FALSE(breaker_.allow());
  clock_.advance(milliseconds(2));
  EXPECT_TRUE(breaker_.allow());  // the probe
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kHalfOpen);
  EXPECT_FALSE(breaker_.allow());  // only one probe at a time
  breaker_.onFailure();
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kOpen);
  EXPECT_FALSE(breaker_.allow());
  clock_.advance(milliseconds(5'001));
  EXPECT_TRUE(breaker_.allow());
  breaker_.onSuccess();
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kClosed);
  EXPECT_EQ(breaker_.health(), "ok");
  EXPECT_TRUE(breaker_.allow());
}

TEST_F(BreakerTest, AnAbandonedProbeFreesTheSlot) {
  for (int i = 0; i < 3; ++i) breaker_.onFailure();
  clock_.advance(milliseconds(5'001));
  ASSERT_TRUE(breaker_.allow());  // the probe...
  breaker_.onAbandoned();         // ...never reached the provider
  EXPECT_EQ(breaker_.health(), "open");
  EXPECT_TRUE(breaker_.allow());  // the next caller probes instead
  breaker_.onSuccess();
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kClosed);
  breaker_.onAbandoned();  // closed: nothing to free, nothing changes
  EXPECT_EQ(breaker_.state(), CircuitBreaker::State::kClosed);
}

}  // namespace
}  // namespace cs::llm
