#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "core/service_catalog.hpp"
#include "fakes/fake_clock.hpp"
#include "store/saying_picker.hpp"
#include "store/sqlite_store.hpp"
#include "support/counting_store.hpp"
#include "support/samples.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

TEST(SayingPicker, NeverRepeatsThePreviousAndCachesItems) {
  SqliteStore store(":memory:");
  store.putSaying(testing::sampleSaying("a", "one"));
  store.putSaying(testing::sampleSaying("b", "two"));
  testing::FakeClock clock;
  SayingPicker picker(store, clock, {});
  std::string last;
  for (int i = 0; i < 50; ++i) {
    auto s = picker.pickRandom(last);
    ASSERT_TRUE(s);
    EXPECT_NE(s->id, last);
    last = s->id;
  }
}

TEST(SayingPicker, SeesNewSayingsAfterIdListTtl) {
  SqliteStore store(":memory:");
  store.putSaying(testing::sampleSaying("a", "one"));
  testing::FakeClock clock;
  SayingPicker picker(store, clock, {std::chrono::seconds(60), std::chrono::minutes(5)});
  EXPECT_EQ(picker.pickRandom("")->id, "a");
  store.putSaying(testing::sampleSaying("b", "two"));
  EXPECT_EQ(picker.pickRandom("a")->id, "a");  // list not refreshed yet
  clock.advance(std::chrono::seconds(61));
  EXPECT_EQ(picker.pickRandom("a")->id, "b");
}

TEST(SayingPicker, EmptyStoreIsAnError) {
  SqliteStore store(":memory:");
  testing::FakeClock clock;
  SayingPicker picker(store, clock, {});
  auto r = picker.pickRandom("");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name(), "empty_store");
}

}  // namespace
}  // namespace cs

namespace cs::testing {
namespace {

// The hot path's memory-only pick of the SayingPicker.

Saying storedSaying(const std::string& id) {
  Saying s;
  s.id = id;
  s.text = "Amazon S3 is a closet that never fills up (" + id + ").";
  s.services = {"Amazon S3"};
  s.model = "corpus";
  s.provider = "corpus";
  return s;
}

TEST(SayingPickerMemory, PicksFromMemoryOnlyOnceTheListAndTheSayingAreCached) {
  SqliteStore sqlite(":memory:");
  ASSERT_TRUE(sqlite.putSaying(storedSaying("only")));
  CountingStore store(sqlite);
  FakeClock clock;
  SayingPicker picker(store, clock,
                      {std::chrono::milliseconds(60'000), std::chrono::milliseconds(300'000)});
  EXPECT_EQ(picker.pickCached(""), nullptr) << "no id list yet: the store must be read";
  EXPECT_EQ(store.saying_reads, 0);
  ASSERT_TRUE(picker.pickRandom(""));
  const int after_first = store.saying_reads;
  EXPECT_EQ(after_first, 2);  // the list, then the saying
  auto cached = picker.pickCached("");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->id, "only");
  EXPECT_EQ(store.saying_reads, after_first) << "a memory pick reads nothing";
  clock.advance(std::chrono::milliseconds(60'001));
  EXPECT_EQ(picker.pickCached(""), nullptr) << "a stale id list sends the pick to the store";
}

// Start-up reads the id list anyway (to decide whether to seed) and primes the picker with it:
// the first pick then reads one saying, not the whole list again.
TEST(SayingPickerMemory, APrimedListIsUsedUntilItsTtlAndThenRefreshed) {
  SqliteStore sqlite(":memory:");
  ASSERT_TRUE(sqlite.putSaying(storedSaying("one")));
  ASSERT_TRUE(sqlite.putSaying(storedSaying("two")));
  CountingStore store(sqlite);
  FakeClock clock;
  SayingPicker picker(store, clock,
                      {std::chrono::milliseconds(60'000), std::chrono::milliseconds(300'000)});
  picker.prime({"one"});  // as if "two" came after the list was read
  for (int i = 0; i < 20; ++i) EXPECT_EQ(picker.pickRandom("")->id, "one");
  EXPECT_EQ(store.saying_reads, 1) << "one saying read, and no list";
  clock.advance(std::chrono::milliseconds(60'001));
  std::set<std::string> seen;
  for (int i = 0; i < 40; ++i) seen.insert(picker.pickRandom("")->id);
  EXPECT_EQ(seen, (std::set<std::string>{"one", "two"})) << "the list was read again after its TTL";
}

TEST(SayingPickerMemory, AnUncachedSayingIsNotPickedFromMemory) {
  SqliteStore sqlite(":memory:");
  ASSERT_TRUE(sqlite.putSaying(storedSaying("a")));
  CountingStore store(sqlite);
  FakeClock clock;
  SayingPicker picker(store, clock,
                      {std::chrono::milliseconds(60'000), std::chrono::milliseconds(1'000)});
  ASSERT_TRUE(picker.pickRandom(""));
  clock.advance(std::chrono::milliseconds(1'001));  // the item expired, the list did not
  EXPECT_EQ(picker.pickCached(""), nullptr);
}

}  // namespace
}  // namespace cs::testing
