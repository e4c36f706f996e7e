#include <gtest/gtest.h>

#include "cache/budget_guard.hpp"
#include "cache/dedup.hpp"
#include "cache/model_pool.hpp"
#include "cache/service_tracker.hpp"
#include "fakes/fake_clock.hpp"

namespace cs::cache {
namespace {

TEST(Dedup, NormalisesCasePunctuationAndWhitespace) {
  EXPECT_EQ(normaliseText("  Amazon S3 is like...   a CLOSET!  "), "amazon s3 is like a closet");
  EXPECT_EQ(normaliseText("Don't\tpanic -- it's\nserverless"), "dont panic its serverless");
  EXPECT_EQ(normaliseText("!!!"), "");
}

TEST(Dedup, ExactAfterNormalisationIsADuplicate) {
  DedupIndex index({});
  EXPECT_FALSE(index.admit("a", "Amazon S3 is like a bottomless closet."));
  auto dup = index.admit("b", "amazon s3 IS like a bottomless closet!!");
  ASSERT_TRUE(dup);
  EXPECT_EQ(*dup, "a");
  EXPECT_EQ(index.droppedCount(), 1u);
  EXPECT_EQ(index.size(), 1u);
}

TEST(Dedup, NearDuplicatesByShingleJaccard) {
  const std::string base =
      "AWS Lambda is like a food truck that only parks when someone is hungry and leaves before "
      "the bill";
  const std::string one_word = base.substr(0, base.rfind(' ')) + " cheque";  // last word changed
  const std::string different =
      "Amazon SQS is like a queue at the post office where nobody ever complains";
  DedupIndex index({0.8, 2, 100});
  EXPECT_GE(jaccard(wordShingles(normaliseText(base), 2), wordShingles(normaliseText(one_word), 2)),
            0.8);
  EXPECT_FALSE(index.admit("base", base));
  EXPECT_EQ(index.admit("near", one_word), std::optional<std::string>("base"));
  EXPECT_FALSE(index.admit("other", different));

  // The threshold is configurable: at 0.95 the one-word change is a new saying.
  DedupIndex strict({0.95, 2, 100});
  EXPECT_FALSE(strict.admit("base", base));
  EXPECT_FALSE(strict.admit("near", one_word));
}

TEST(Dedup, ForgetsTheOldestPastCapacity) {
  DedupIndex index({0.8, 2, 2});
  index.remember("1", "first saying about buckets and closets");
  index.remember("2", "second saying about functions and food trucks");
  index.remember("3", "third saying about queues and post offices");
  EXPECT_EQ(index.size(), 2u);
  EXPECT_FALSE(index.findDuplicate("first saying about buckets and closets"));
  EXPECT_TRUE(index.findDuplicate("third saying about queues and post offices"));
}

TEST(ServiceTrackerTest, AvoidsTheMostUsedRecentServices) {
  ServiceTracker tracker({4, 2});
  tracker.record({"Amazon S3"});
  tracker.record({"Amazon S3", "AWS Lambda"});
  tracker.record({"Amazon SQS"});
  tracker.record({"Amazon S3"});
  EXPECT_EQ(tracker.avoidList(), (std::vector<std::string>{"Amazon S3", "Amazon SQS"}));
  // The window slides: old S3 mentions age out.
  for (int i = 0; i < 4; ++i) tracker.record({"Amazon EC2"});
  EXPECT_EQ(tracker.avoidList(), (std::vector<std::string>{"Amazon EC2"}));
}

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

SayingPtr saying(const std::string& id) {
  auto s = std::make_shared<Saying>();
  s->id = id;
  return s;
}

TEST(ModelPoolTest, ServesEachSayingMaxServesTimesAndStaysBounded) {
  ModelPool pool(3, 2);
  EXPECT_EQ(pool.add({saying("a"), saying("b"), saying("c"), saying("d")}), 3u);
  std::vector<std::string> served;
  while (auto t = pool.take()) served.push_back(t->saying->id);
  EXPECT_EQ(served, (std::vector<std::string>{"a", "b", "c", "a", "b", "c"}));
  EXPECT_EQ(pool.size(), 0u);

  ModelPool once(5, 1);
  once.add({saying("x"), saying("y")});
  EXPECT_EQ(once.take()->remaining, 1u);
  EXPECT_EQ(once.take()->saying->id, "y");
  EXPECT_FALSE(once.take());
}

}  // namespace
}  // namespace cs::cache
