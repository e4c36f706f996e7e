#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "obs/emf.hpp"
#include "obs/metrics.hpp"
#include "support/samples.hpp"

namespace cs {
namespace {

// TokensUsed and Cost come from the ledger's spend lines (LedgerEmf, below).
TEST(Emf, CarriesTheRequestMetricsAndDimensions) {
  auto s = cs::testing::requestSample("llm", "claude-haiku-4-5", 1234.5);
  s.api_ms = 1200.0;
  s.tokens = 150;
  s.cost_usd = 0.000375;
  auto j = nlohmann::json::parse(obs::emfLine(s, 1'700'000'000'000));
  const auto& def = j["_aws"]["CloudWatchMetrics"][0];
  EXPECT_EQ(j["_aws"]["Timestamp"], 1'700'000'000'000);
  EXPECT_EQ(def["Namespace"], "CloudSayings");
  EXPECT_EQ(def["Dimensions"], nlohmann::json::parse(R"([["source","model"]])"));
  std::vector<std::string> names;
  for (const auto& metric : def["Metrics"]) {
    names.push_back(metric["Name"]);
    EXPECT_TRUE(j.contains(metric["Name"].get<std::string>()))
        << "every declared metric has a value";
  }
  EXPECT_EQ(names, (std::vector<std::string>{"TotalExecutionTime", "APILatency", "CacheHit"}));
  EXPECT_EQ(def["Metrics"][0]["Unit"], "Milliseconds");
  EXPECT_EQ(j["source"], "llm");
  EXPECT_EQ(j["model"], "claude-haiku-4-5");
  EXPECT_EQ(j["TotalExecutionTime"], 1234.5);
  EXPECT_EQ(j["APILatency"], 1200.0);
  EXPECT_FALSE(j.contains("TokensUsed")) << "a request's share would double-count the ledger";
  EXPECT_EQ(j["CacheHit"], 0);
  auto cached = nlohmann::json::parse(
      obs::emfLine(cs::testing::requestSample("cache", "x", 0.1), 0, "Other"));
  EXPECT_FALSE(cached.contains("APILatency")) << "only when an upstream call was made";
  EXPECT_EQ(cached["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Other");
}

// The ledger's EMF sink.

using nlohmann::json;

TEST(LedgerEmf, SpendLinesCarryTokensAndCostWithTheModelDimension) {
  const auto line =
      json::parse(obs::emfSpendLine({"haiku", "anthropic", "compare", "ok", 7, 8, 0.5}, 1234));
  EXPECT_EQ(line["model"], "haiku");
  EXPECT_EQ(line["purpose"], "compare");
  EXPECT_EQ(line["TokensUsed"], 15);
  EXPECT_EQ(line["Cost"], 0.5);
  const auto& m = line["_aws"]["CloudWatchMetrics"][0];
  EXPECT_EQ(m["Dimensions"][0], json::array({"model"}));
  EXPECT_EQ(m["Metrics"][0]["Name"], "TokensUsed");
  EXPECT_EQ(m["Metrics"][1]["Name"], "Cost");
  // The request line no longer carries them (no double count), nor a "none" model.
  obs::RequestSample s;
  s.source = "fallback";
  const auto req = json::parse(obs::emfLine(s, 1234));
  EXPECT_FALSE(req.contains("TokensUsed"));
  EXPECT_FALSE(req.contains("Cost"));
  EXPECT_FALSE(req.contains("model"));
  EXPECT_EQ(req["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0], json::array({"source"}));
}

}  // namespace
}  // namespace cs
