#include <gtest/gtest.h>

#include <set>

#include "core/ttl_cache.hpp"
#include "fakes/fake_clock.hpp"

namespace cs {
namespace {

TEST(TtlCache, ExpiresAfterTtl) {
  testing::FakeClock clock;
  TtlCache<std::string, int> cache(clock, std::chrono::minutes(5));
  cache.put("a", 1);
  EXPECT_EQ(cache.get("a"), 1);
  clock.advance(std::chrono::minutes(4));
  EXPECT_EQ(cache.get("a"), 1);
  clock.advance(std::chrono::minutes(2));
  EXPECT_FALSE(cache.get("a").has_value());
}

TEST(TtlCache, StaysBounded) {
  testing::FakeClock clock;
  TtlCache<int, int> cache(clock, std::chrono::minutes(5), 10);
  for (int i = 0; i < 100; ++i) cache.put(i, i);
  EXPECT_LE(cache.size(), 10u);
  EXPECT_EQ(cache.get(99), 99);
}

}  // namespace
}  // namespace cs
