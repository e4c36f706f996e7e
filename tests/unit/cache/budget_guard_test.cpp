#include <gtest/gtest.h>

#include "cache/budget_guard.hpp"
#include "fakes/fake_clock.hpp"

namespace cs::cache {
namespace {

constexpr auto kFill = llm::Purpose::kCacheFill;

constexpr auto kAsked = llm::Purpose::kModelRequest;

constexpr auto kCompare = llm::Purpose::kCompare;

TEST(BudgetGuardTest, CapsCallsPerSlidingMinute) {
  testing::FakeClock clock;
  BudgetGuard guard(clock, {2, 0.0, 0.0});  // no people's share: the builder has it all
  EXPECT_TRUE(guard.tryAcquire(kFill));
  EXPECT_TRUE(guard.tryAcquire(kFill));
  std::string why;
  EXPECT_FALSE(guard.tryAcquire(kFill, &why));
  EXPECT_EQ(why, "max_calls_per_minute");
  EXPECT_TRUE(guard.snapshot().exhausted);
  clock.advance(std::chrono::seconds(59));
  EXPECT_FALSE(guard.tryAcquire(kFill));
  clock.advance(std::chrono::seconds(2));
  EXPECT_TRUE(guard.tryAcquire(kFill));
  EXPECT_FALSE(guard.snapshot().exhausted);
  EXPECT_EQ(guard.snapshot().refusals, 2u);
}

TEST(BudgetGuardTest, CapsDollarsPerUtcDay) {
  testing::FakeClock clock;
  clock.setWallMs(10LL * 24 * 3600 * 1000 + 1000);  // just after midnight UTC
  BudgetGuard guard(clock, {0, 1.0, 0.0});
  EXPECT_TRUE(guard.tryAcquire(kFill));
  guard.recordCost(kFill, 0.6);
  EXPECT_TRUE(guard.tryAcquire(kFill));
  guard.recordCost(kFill, 0.5);
  std::string why;
  EXPECT_FALSE(guard.tryAcquire(kFill, &why));
  EXPECT_EQ(why, "max_usd_per_day");
  clock.advance(std::chrono::hours(24));  // the next UTC day
  EXPECT_TRUE(guard.tryAcquire(kFill));
  EXPECT_DOUBLE_EQ(guard.snapshot().usd_today, 0.0);
}

TEST(BudgetGuardTest, ABuilderThatUsedItsShareLeavesPeoplesShareAlone) {
  testing::FakeClock clock;
  BudgetGuard guard(clock, {10, 0.0, 0.3});  // people: ceil(3.0) = 3 calls, builder: 7
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(guard.tryAcquire(kFill)) << i;
  std::string why;
  EXPECT_FALSE(guard.tryAcquire(kFill, &why));
  EXPECT_EQ(why, "max_calls_per_minute");
  // The builder is refused, yet a ?model= request and a compare still get through...
  EXPECT_TRUE(guard.tryAcquire(kAsked));
  EXPECT_TRUE(guard.tryAcquire(kCompare));
  EXPECT_TRUE(guard.tryAcquire(llm::Purpose::kArena));
  // ...up to people's own share, which is bounded too: no borrowing from either side.
  why.clear();
  EXPECT_FALSE(guard.tryAcquire(kAsked, &why));
  EXPECT_EQ(why, "max_calls_per_minute");
  EXPECT_FALSE(guard.tryAcquire(kFill));
  const auto snap = guard.snapshot();
  EXPECT_EQ(snap.builder.max_calls_per_minute, 7);
  EXPECT_EQ(snap.people.max_calls_per_minute, 3);
  EXPECT_EQ(snap.builder.calls_last_minute, 7);
  EXPECT_EQ(snap.people.calls_last_minute, 3);
  EXPECT_EQ(snap.calls_last_minute, 10);  // never more than the whole cap
  EXPECT_EQ(snap.builder.refusals, 2u);
  EXPECT_EQ(snap.people.refusals, 1u);
  EXPECT_TRUE(snap.builder.exhausted);
  EXPECT_TRUE(snap.people.exhausted);
}

TEST(BudgetGuardTest, PeoplesDollarShareIsReservedAndBounded) {
  testing::FakeClock clock;
  clock.setWallMs(10LL * 24 * 3600 * 1000 + 1000);
  BudgetGuard guard(clock, {0, 1.0, 0.5});  // $0.50 each
  ASSERT_TRUE(guard.tryAcquire(kFill));
  guard.recordCost(kFill, 0.5);
  std::string why;
  EXPECT_FALSE(guard.tryAcquire(kFill, &why));
  EXPECT_EQ(why, "max_usd_per_day");
  ASSERT_TRUE(guard.tryAcquire(kCompare));  // the builder's spend is not people's
  guard.recordCost(kCompare, 0.3);
  ASSERT_TRUE(guard.tryAcquire(kAsked));
  guard.recordCost(kAsked, 0.2);
  EXPECT_FALSE(guard.tryAcquire(kAsked, &why));  // people's $0.50 is spent as well
  EXPECT_EQ(why, "max_usd_per_day");
  EXPECT_DOUBLE_EQ(guard.snapshot().people.usd_today, 0.5);
  EXPECT_DOUBLE_EQ(guard.snapshot().usd_today, 1.0);
}

TEST(BudgetGuardTest, AShareOfZeroOrOneGivesOneSideEverything) {
  testing::FakeClock clock;
  BudgetGuard builder_only(clock, {2, 0.0, 0.0});
  EXPECT_FALSE(builder_only.tryAcquire(kAsked));
  EXPECT_TRUE(builder_only.tryAcquire(kFill));
  BudgetGuard people_only(clock, {2, 0.0, 1.0});
  EXPECT_FALSE(people_only.tryAcquire(kFill));
  EXPECT_TRUE(people_only.tryAcquire(kCompare));
  EXPECT_TRUE(people_only.tryAcquire(kCompare));
  EXPECT_FALSE(people_only.tryAcquire(kCompare));
  BudgetGuard uncapped(clock, {0, 0.0, 0.5});  // 0 = no cap, whatever the share
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(uncapped.tryAcquire(i % 2 ? kFill : kAsked));
}

}  // namespace
}  // namespace cs::cache
