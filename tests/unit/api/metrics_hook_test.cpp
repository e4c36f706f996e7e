#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/in_process_app.hpp"

namespace cs {
namespace {

class MetricsHookTest : public testing::InProcessApp {};

TEST_F(MetricsHookTest, ObservedRequestsFeedMetricsRollupsAndServerTiming) {
  for (int i = 0; i < 3; ++i) {
    auto r = call("GET", "/api/sayings");
    ASSERT_EQ(r.status, 200);
    auto timing = r.headers.get("Server-Timing");
    ASSERT_TRUE(timing);
    EXPECT_TRUE(timing->starts_with("total;dur=")) << *timing;
  }
  auto metrics = call("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_TRUE(metrics.content_type.starts_with("text/plain; version=0.0.4"));
  EXPECT_NE(metrics.body.find(R"(cloudsayings_requests_total{source="store",model="corpus"} 3)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find(
          R"(cloudsayings_total_execution_time_seconds_count{source="store",model="corpus"} 3)"),
      std::string::npos);
  auto pending = app->requestStats().pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].invocations, 3);
  EXPECT_EQ(pending[0].source, "store");
  ASSERT_EQ(app->requestStats().flush().value(), 1u);
  auto stored = app->store().listRequestStats({}).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].invocations, 3);
  EXPECT_EQ(stored[0].minute_ms % 60'000, 0);
}

}  // namespace
}  // namespace cs
