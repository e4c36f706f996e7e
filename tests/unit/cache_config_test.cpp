#include <gtest/gtest.h>

#include "support/config_expect.hpp"

#include <fstream>
#include <sstream>

#include "app/config.hpp"

namespace cs::app {
namespace {

TEST(CacheConfig, DefaultsAndOverrides) {
  Config d = parseConfig("");
  EXPECT_EQ(d.cache.low_water, 3);
  EXPECT_EQ(d.cache.batch_size, 3);
  EXPECT_EQ(d.cache.max_serves, 1);
  EXPECT_DOUBLE_EQ(d.cache.dedup_threshold, 0.8);
  EXPECT_EQ(d.budget.max_calls_per_minute, 60);
  EXPECT_EQ(d.compare.deadline_ms, 20'000);
  Config c = parseConfig(R"(
[cache]
low_water = 1
high_water = 4
max_serves = 2
dedup_threshold = 0.9
[budget]
max_calls_per_minute = 5
max_usd_per_day = 0.5
people_share = 0.25
[compare]
deadline_ms = 3000
topic_max_length = 20
[flow]
model_deadline_ms = 2500
)");
  EXPECT_EQ(c.cache.low_water, 1);
  EXPECT_EQ(c.cache.high_water, 4);
  EXPECT_EQ(c.cache.max_serves, 2);
  EXPECT_DOUBLE_EQ(c.cache.dedup_threshold, 0.9);
  EXPECT_EQ(c.budget.max_calls_per_minute, 5);
  EXPECT_DOUBLE_EQ(c.budget.max_usd_per_day, 0.5);
  EXPECT_DOUBLE_EQ(c.budget.people_share, 0.25);
  EXPECT_EQ(c.compare.deadline_ms, 3000);
  EXPECT_EQ(c.compare.topic_max_length, 20);
  EXPECT_EQ(c.flow.model_deadline_ms, 2500);
}

TEST(CacheConfig, BadValuesNameTheSetting) {
  cs::testing::expectConfigError("[cache]\nhigh_water = 2\nlow_water = 5", "cache.high_water");
  cs::testing::expectConfigError("[cache]\ndedup_threshold = 1.5", "cache.dedup_threshold");
  cs::testing::expectConfigError("[cache]\nbatch = 3", "cache.batch");
  cs::testing::expectConfigError("[budget]\nmax_usd_per_day = -1", "budget.max_usd_per_day");
  cs::testing::expectConfigError("[budget]\npeople_share = 1.5", "budget.people_share");
  cs::testing::expectConfigError("[compare]\ndeadline_ms = 0", "compare.deadline_ms");
}

TEST(CacheConfig, TheShippedFileDocumentsTheDefaults) {
  std::ifstream in(std::string(CS_SOURCE_DIR) + "/config/cloud-sayings.toml");
  std::stringstream text;
  text << in.rdbuf();
  Config shipped = parseConfig(text.str());
  Config d = parseConfig("");
  EXPECT_EQ(shipped.cache.high_water, d.cache.high_water);
  EXPECT_EQ(shipped.cache.dedup_recent, d.cache.dedup_recent);
  EXPECT_DOUBLE_EQ(shipped.budget.max_usd_per_day, d.budget.max_usd_per_day);
  EXPECT_DOUBLE_EQ(shipped.budget.people_share, d.budget.people_share);
  EXPECT_DOUBLE_EQ(d.budget.people_share, 0.5);
  EXPECT_EQ(shipped.compare.max_concurrent_calls, d.compare.max_concurrent_calls);
}

}  // namespace
}  // namespace cs::app
