// The ledger's Prometheus sink.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fakes/fake_clock.hpp"
#include "fakes/scripted_transport.hpp"
#include "llm/gateway_impl.hpp"
#include "obs/metrics.hpp"
#include "service/ledger_metrics.hpp"
#include "service/ledger_rollup.hpp"
#include "service/stats_aggregate.hpp"
#include "support/samples.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

using nlohmann::json;

TEST(LedgerMetrics, CountsCallsTokensAndCostAndNeverModelNone) {
  obs::Metrics metrics;
  testing::FakeClock clock;
  LedgerMetrics sink(metrics, clock, {});
  using P = llm::Purpose;
  sink.record(cs::testing::ledgerRecord(0, "haiku", "anthropic", P::kCacheFill, "ok", 10, 20, 0.5));
  sink.record(
      cs::testing::ledgerRecord(0, "haiku", "anthropic", P::kCacheFill, "timeout", 3, 0, 0.25));
  sink.record(cs::testing::ledgerRecord(0, "haiku", "anthropic", P::kCompare, "ok", 1, 2, 0.125));
  obs::RequestSample fallback;  // a request no model served
  fallback.source = "fallback";
  fallback.status = 503;
  metrics.recordRequest(fallback);
  const auto text = metrics.renderPrometheus();
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_calls_total{model="haiku",provider="anthropic",purpose="cache_fill",outcome="ok"} 1)"))
      << text;
  EXPECT_NE(text.find(R"(purpose="cache_fill",outcome="timeout"} 1)"), std::string::npos) << text;
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_tokens_total{model="haiku",provider="anthropic",purpose="cache_fill",direction="input"} 13)"))
      << text;
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_tokens_total{model="haiku",provider="anthropic",purpose="cache_fill",direction="output"} 20)"));
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_cost_usd_total{model="haiku",provider="anthropic",purpose="cache_fill"} 0.75)"));
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_cost_usd_total{model="haiku",provider="anthropic",purpose="compare"} 0.125)"));
  EXPECT_EQ(text.find("model=\"none\""), std::string::npos) << text;
  EXPECT_TRUE(has(R"(cloudsayings_requests_total{source="fallback"} 1)")) << text;
}

}  // namespace
}  // namespace cs
