// The hand-written JSON on the hot path must be byte for byte what nlohmann::json writes.
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <random>

#include "api/saying_json.hpp"
#include "core/json_text.hpp"
#include "support/saying_json_oracle.hpp"

namespace {

std::string viaNlohmann(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
std::string viaOrdered(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string viaText(std::string_view s) {
  std::string out;
  cs::appendJsonString(out, s);
  return out;
}

TEST(JsonText, StringsMatchNlohmannIncludingEscapesAndUnicode) {
  const std::vector<std::string> cases = {
      "", "plain", "quote \" and backslash \\", "tab\tnew\nline\rcr\bbs\fff", std::string("nul\0x", 5),
      "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x98\x81 \xf0\x9f\x8c\xa9", "S3 \xe2\x80\x94 \"bucket\" </script>"};
  for (const auto& s : cases) EXPECT_EQ(viaText(s), viaNlohmann(s)) << s;
}

TEST(JsonText, InvalidUtf8IsReplacedLikeNlohmann) {
  const std::vector<std::string> cases = {"\xff", "ab\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                          "x\xe2\x82y", "ok \xf0\x9f\x8c"};
  for (const auto& s : cases) EXPECT_EQ(viaText(s), viaNlohmann(s));
}

TEST(JsonText, RandomBytesMatchNlohmann) {
  std::mt19937 gen(42);  // fixed seed: the same cases every run
  std::uniform_int_distribution<int> len(0, 24), byte(0, 255);
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<std::size_t>(len(gen)), '\0');
    for (char& c : s) c = static_cast<char>(byte(gen));
    ASSERT_EQ(viaText(s), viaNlohmann(s)) << i;
  }
}

TEST(JsonText, NumbersMatchNlohmann) {
  for (double d : {0.0, -0.0, 1.0, 0.1, 0.042, 3.49e-05, 812.457, 1e15, 1.5e16, 123456789.125, -2.5e-300,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()}) {
    std::string out;
    cs::appendJsonNumber(out, d);
    EXPECT_EQ(out, viaNlohmann(d)) << d;
  }
  std::string nan;
  cs::appendJsonNumber(nan, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(nan, "null");
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{-7}, std::numeric_limits<std::int64_t>::min()}) {
    std::string out;
    cs::appendJsonNumber(out, v);
    EXPECT_EQ(out, viaNlohmann(v));
  }
  std::string big;
  cs::appendJsonNumber(big, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(big, viaNlohmann(std::numeric_limits<std::uint64_t>::max()));
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
