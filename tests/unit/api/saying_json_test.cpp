// The hand-written JSON on the hot path must be byte for byte what nlohmann::json writes.
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <random>

#include "api/saying_json.hpp"
#include "support/saying_json_oracle.hpp"

namespace {

std::string viaOrdered(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

TEST(SayingBody, EqualsTheDumpOfSayingJson) {
  cs::Saying s;
  s.id = "s-1";
  s.text = "Lambda is like a \"taxi\":\nyou pay per ride \xe2\x80\x94 and per millisecond.";
  s.services = {"AWS Lambda", "Amazon S3"};
  s.model = "gpt-4o-mini";
  s.provider = "openai";
  s.tokens = {61, 43};
  s.cost_usd = 3.49e-05;
  s.upvotes = 12;
  s.downvotes = 3;
  for (auto source : {cs::Source::kStore, cs::Source::kCache, cs::Source::kLlm}) {
    for (std::optional<double> llm : {std::optional<double>(), std::optional<double>(812.45678)}) {
      s.llm_ms = llm;
      const cs::ServedSaying served{std::make_shared<const cs::Saying>(s), source, 4321};
      EXPECT_EQ(cs::api::sayingBody(served, 0.04567),
                viaOrdered(cs::testing::sayingJsonOracle(served, 0.04567)));
    }
  }
  s.services.clear();
  const cs::ServedSaying plain{std::make_shared<const cs::Saying>(s), cs::Source::kStore, 1};
  EXPECT_EQ(cs::api::sayingBody(plain, 12.0),
            viaOrdered(cs::testing::sayingJsonOracle(plain, 12.0)));
  // A request that made its call, and a marked store fallback: the same bytes both ways.
  cs::ServedSaying made{std::make_shared<const cs::Saying>(s), cs::Source::kLlm, 2};
  made.request_tokens = {183, 129};
  made.request_cost_usd = 35 * 5e-6;  // 0.00017500000000000003 before rounding
  const auto body = cs::api::sayingBody(made, 3.0);
  EXPECT_EQ(body, viaOrdered(cs::testing::sayingJsonOracle(made, 3.0)));
  EXPECT_NE(
      body.find(R"("request_tokens":{"input":183,"output":129},"request_cost_usd":0.000175,)"),
      std::string::npos)
      << body;
  EXPECT_EQ(body.find("requested_model"), std::string::npos);
  cs::ServedSaying fallback = plain;
  fallback.requested_model = "gpt-4.1";
  fallback.fallback_reason = "duplicates";
  const auto marked = cs::api::sayingBody(fallback, 1.0);
  EXPECT_EQ(marked, viaOrdered(cs::testing::sayingJsonOracle(fallback, 1.0)));
  EXPECT_NE(marked.find(R"("requested_model":"gpt-4.1","fallback_reason":"duplicates"})"),
            std::string::npos)
      << marked;
}

}  // namespace
