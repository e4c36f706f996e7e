#include <gtest/gtest.h>

#include <set>

#include "core/embedded.hpp"
#include "core/ids.hpp"
#include "core/service_catalog.hpp"
#include "core/time_format.hpp"
#include "core/ttl_cache.hpp"
#include "fakes/fake_clock.hpp"

namespace cs {
namespace {

ServiceCatalog shippedCatalog() {
  auto c = ServiceCatalog::fromJson(embeddedFile("config/services.json"));
  EXPECT_TRUE(c.has_value());
  return std::move(*c);
}

TEST(ServiceCatalog, ShipsAtLeastSixtyServices) { EXPECT_GE(shippedCatalog().services().size(), 60u); }

TEST(ServiceCatalog, MatchesWholeWordsAndAliases) {
  const auto c = shippedCatalog();
  auto s = c.extract("Amazon S3 and the Simple Storage Service both store things");
  EXPECT_EQ(s, std::vector<std::string>{"Amazon S3"});
  EXPECT_EQ(c.extract("Lambda is like a light switch"), std::vector<std::string>{"AWS Lambda"});
  EXPECT_EQ(c.extract("two lambdas walk into a bar"), std::vector<std::string>{"AWS Lambda"});
  EXPECT_TRUE(c.extract("an S30 is not storage").empty());
  EXPECT_TRUE(c.extract("lambdascript is not a service").empty());
  auto many = c.extract("EC2 writes to DynamoDB, behind CloudFront.");
  EXPECT_EQ(many.size(), 3u);
}

TEST(ServiceCatalog, IsCaseInsensitive) {
  EXPECT_EQ(shippedCatalog().extract("dynamodb and DYNAMODB"), std::vector<std::string>{"Amazon DynamoDB"});
}

TEST(ServiceCatalog, RejectsMalformedCatalog) {
  EXPECT_FALSE(ServiceCatalog::fromJson("{").has_value());
  EXPECT_FALSE(ServiceCatalog::fromJson("[{\"aliases\": []}]").has_value());
  EXPECT_FALSE(ServiceCatalog::fromJson("[{\"name\": \"X\", \"aliases\": [1]}]").has_value());
}

TEST(TimeFormat, RoundTripsIsoUtc) {
  EXPECT_EQ(formatIsoUtcMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatIsoUtcMs(1705314600123), "2024-01-15T10:30:00.123Z");
  EXPECT_EQ(parseIsoUtc("2024-01-15T10:30:00Z"), 1705314600000);
  EXPECT_EQ(parseIsoUtc("2024-01-15T10:30:00.123Z"), 1705314600123);
  EXPECT_EQ(parseIsoUtc("2024-01-15T12:30:00+02:00"), 1705314600000);
  EXPECT_EQ(parseIsoUtc("2024-01-15"), 1705276800000);
  EXPECT_FALSE(parseIsoUtc("2024-13-01").has_value());
  EXPECT_FALSE(parseIsoUtc("yesterday").has_value());
  EXPECT_FALSE(parseIsoUtc("2024-01-15T10:30").has_value());
  // Offsets are -12:00..+14:00 with minutes below 60.
  EXPECT_FALSE(parseIsoUtc("2026-12-01T00:00:00+99:99").has_value());
  EXPECT_FALSE(parseIsoUtc("2026-12-01T00:00:00+02:60").has_value());
  EXPECT_EQ(parseIsoUtc("2026-12-01T14:00:00+14:00"), parseIsoUtc("2026-12-01T00:00:00Z"));
  EXPECT_EQ(parseIsoUtc("2026-12-01T00:00:00-12:00"), parseIsoUtc("2026-12-01T12:00:00Z"));
}

TEST(Ids, RandomIdsAreUniqueHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = randomId();
    EXPECT_EQ(id.size(), 32u);
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(Ids, ContentIdsAreStable) {
  EXPECT_EQ(contentId("c-", "hello"), contentId("c-", "hello"));
  EXPECT_NE(contentId("c-", "hello"), contentId("c-", "hello!"));
  EXPECT_EQ(contentId("c-", "x").substr(0, 2), "c-");
}

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
