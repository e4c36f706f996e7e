#include <gtest/gtest.h>

#include "service/stats_filter.hpp"

namespace cs {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

Result<StatsFilter> parse(std::map<std::string, std::string> q) {
  return parseStatsFilter(q, kNow);
}

TEST(StatsFilter, DefaultsToEverythingUntilNow) {
  auto f = parse({}).value();
  EXPECT_FALSE(f.from_given);
  EXPECT_EQ(f.from_ms, 0);
  EXPECT_EQ(f.to_ms, kNow);
  EXPECT_FALSE(f.provider);
  EXPECT_FALSE(f.model);
}

TEST(StatsFilter, RelativeTimes) {
  EXPECT_EQ(parse({{"from", "24h"}})->from_ms, kNow - 24 * 3'600'000);
  EXPECT_EQ(parse({{"from", "7d"}})->from_ms, kNow - 7 * 86'400'000LL);
  EXPECT_EQ(parse({{"from", "30m"}})->from_ms, kNow - 30 * 60'000);
  EXPECT_EQ(parse({{"from", "2w"}})->from_ms, kNow - 14 * 86'400'000LL);
  EXPECT_EQ(parse({{"from", "90s"}})->from_ms, kNow - 90'000);
  auto f = parse({{"from", "2d"}, {"to", "1d"}}).value();
  EXPECT_EQ(f.to_ms - f.from_ms, 86'400'000);
  EXPECT_EQ(parse({{"to", "now"}})->to_ms, kNow);
}

TEST(StatsFilter, IsoTimes) {
  auto f = parse({{"from", "2023-11-14T00:00:00Z"}, {"to", "2023-11-14T22:13:20.000Z"}}).value();
  EXPECT_EQ(f.from_ms, 1'699'920'000'000);
  EXPECT_EQ(f.to_ms, kNow);
  EXPECT_EQ(parse({{"from", "2023-11-14"}})->from_ms, 1'699'920'000'000);
}

TEST(StatsFilter, BadValuesNameTheParameter) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"from", "yesterday"},
                                                        {"from", "24x"},
                                                        {"from", "-3h"},
                                                        {"to", "h"},
                                                        {"from", "99999999999999d"},
                                                        {"to", "2023-13-45"},
                                                        {"from", "2026-12-01T00:00:00+99:99"},
                                                        {"from", "2026-12-01T00:00:00+15:00"},
                                                        {"to", "2026-12-01T00:00:00-01:60"},
                                                        {"provider", "open ai"},
                                                        {"model", std::string(65, 'a')},
                                                        {"model", "a\"b"}}) {
    auto r = parse({{name, value}});
    ASSERT_FALSE(r) << name << "=" << value;
    EXPECT_EQ(r.error().name(), "bad_request");
    EXPECT_TRUE(r.error().message.starts_with(name + ":")) << r.error().message;
  }
}

TEST(StatsFilter, FromMustBeBeforeTo) {
  auto r = parse({{"from", "1h"}, {"to", "2h"}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("from:"));
}

TEST(StatsFilter, ProviderModelAndIgnoredExtras) {
  auto f = parse({{"provider", "anthropic"}, {"model", "claude-haiku-4-5"}, {"_", "123"}}).value();
  EXPECT_EQ(f.provider, "anthropic");
  EXPECT_EQ(f.model, "claude-haiku-4-5");
}

TEST(StatsFilter, CacheKeyIsTheRawFilterValues) {
  EXPECT_EQ(statsCacheKey({{"from", "24h"}, {"_", "1"}}),
            statsCacheKey({{"from", "24h"}, {"_", "2"}}));
  EXPECT_NE(statsCacheKey({{"from", "24h"}}), statsCacheKey({{"from", "7d"}}));
  EXPECT_NE(statsCacheKey({{"provider", "a"}}), statsCacheKey({{"model", "a"}}));
}

}  // namespace
}  // namespace cs
