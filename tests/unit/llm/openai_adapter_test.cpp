// The OpenAI adapter as a pure transform: requests it builds, saved real-shaped responses it
// parses.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/json_scan.hpp"
#include "llm/anthropic_adapter.hpp"
#include "llm/batch_parser.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"
#include "llm/registry.hpp"
#include "secrets/secret_source.hpp"
#include "support/adapter_checks.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;

TEST(OpenAiAdapter, BuildsAChatCompletionsRequest) {
  OpenAiAdapter o({"http://localhost:11434/v1/", "", ""});
  auto m = testing::modelInfo("openai", "gpt-4.1-mini");
  auto req = o.buildRequest({m, {"sys", "user text"}, "sk-test-FAKE-o"});
  EXPECT_EQ(req.url, "http://localhost:11434/v1/chat/completions");
  EXPECT_EQ(testing::requestHeader(req, "authorization"), "Bearer sk-test-FAKE-o");
  auto body = json::parse(req.body);
  EXPECT_EQ(body["model"], "gpt-4.1-mini");
  EXPECT_EQ(body["max_completion_tokens"], 300);
  EXPECT_FALSE(body.contains("max_tokens"));
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  OpenAiAdapter legacy({"", "", "max_tokens"});
  auto legacy_body = json::parse(legacy.buildRequest({m, {"", "u"}, "k"}).body);
  EXPECT_EQ(legacy_body["max_tokens"], 300);
  EXPECT_EQ(legacy_body["messages"].size(), 1u);
}

TEST(OpenAiAdapter, ParsesASavedAnswerAndErrors) {
  OpenAiAdapter o({});
  auto c = o.parseResponse(testing::upstreamAnswer(200, testing::llmFixture("openai_ok.json")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->usage.input_tokens, 88);
  EXPECT_EQ(c->usage.output_tokens, 71);
  EXPECT_EQ(c->finish_reason, "stop");
  EXPECT_EQ(o.parseResponse(testing::upstreamAnswer(200, testing::llmFixture("openai_length.json")))
                .error()
                .kind,
            LlmError::Kind::kBadResponse);
  EXPECT_EQ(
      o.parseResponse(testing::upstreamAnswer(200, testing::llmFixture("openai_null_content.json")))
          .error()
          .kind,
      LlmError::Kind::kBadResponse);
  auto auth =
      o.parseResponse(testing::upstreamAnswer(401, testing::llmFixture("openai_auth.json")));
  EXPECT_EQ(auth.error().kind, LlmError::Kind::kAuth);
  EXPECT_EQ(auth.error().message.find("sk-test-"), std::string::npos) << auth.error().message;
  auto limited = testing::upstreamAnswer(429, testing::llmFixture("openai_rate_limit.json"));
  limited.headers["retry-after-ms"] = "1500";
  EXPECT_EQ(o.parseResponse(limited).error().retry_after, std::chrono::milliseconds(1500));
  EXPECT_EQ(o.parseResponse(testing::upstreamAnswer(400, "{}")).error().kind,
            LlmError::Kind::kBadRequest);
  EXPECT_FALSE(o.parseResponse(testing::upstreamAnswer(400, "{}")).error().retryable());
}

// parseForward scans a 2xx answer instead of building its DOM; what it concludes must be what
// the DOM path (checkedJson + choices + readUsage, the code before the scan) concluded.
std::expected<Usage, LlmError> forwardByDom(const net::HttpResponse& response) {
  auto body = checkedJson("openai", response, [](const jsonf::Json&) { return std::string(); });
  if (!body) return std::unexpected(body.error());
  if (!jsonf::array(*body, "/choices"))
    return std::unexpected(LlmError{LlmError::Kind::kBadResponse, "openai: no choices",
                                    static_cast<int>(response.status), std::nullopt});
  auto usage = readUsage(*body, "prompt_tokens", "completion_tokens");
  if (!usage)
    return std::unexpected(LlmError{LlmError::Kind::kBadResponse, "openai: " + usage.error(),
                                    static_cast<int>(response.status), std::nullopt});
  return *usage;
}

TEST(OpenAiAdapter, ForwardedAnswersAreJudgedAsTheirDomWouldBe) {
  const OpenAiAdapter o({});
  std::vector<net::HttpResponse> answers;
  const std::vector<std::string> bodies = {
      R"({"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7}})",
      R"( { "usage" : { "completion_tokens" : 7 , "prompt_tokens" : 11 } , "choices" : [ ] } )",
      R"({"choices":[{"message":{"content":"x"}}]})",
      R"({"choices":[],"usage":null})",
      R"({"choices":[],"usage":{"prompt_tokens":null}})",
      R"({"choices":[],"usage":{"prompt_tokens":1.5}})",
      R"({"choices":[],"usage":{"prompt_tokens":"3"}})",
      R"({"choices":[],"usage":{"prompt_tokens":-1}})",
      R"({"choices":[],"usage":{"completion_tokens":1000000001}})",
      R"({"choices":[],"usage":[1]})",
      R"({"choices":{"0":1}})",
      R"({"choices":"[]"})",
      R"({"usage":{"prompt_tokens":1}})",
      R"({"choices":[],"choices":{}})",
      R"({"choices":{},"choices":[]})",
      R"([{"choices":[]}])",
      R"("choices")",
      R"({"choices":[)",
      R"({"choices":[]} trailing)",
      "",
      std::string(200, '[') + std::string(200, ']'),
      R"({"choices":[],"usage":{"prompt_tokens":1e400}})",
      "{\"choices\":[],\"x\":\"\xC0\xAF\"}",
  };
  for (const auto& body : bodies) answers.push_back(testing::upstreamAnswer(200, body));
  auto text = testing::upstreamAnswer(200, R"({"choices":[]})");
  text.headers["content-type"] = "text/html";
  answers.push_back(text);
  answers.push_back(testing::upstreamAnswer(500, R"({"error":{"message":"down"}})"));
  answers.push_back(testing::upstreamAnswer(429, "not json"));
  net::HttpResponse broken;
  broken.error = net::TransportError::kTimeout;
  broken.error_message = "timed out";
  answers.push_back(broken);
  for (const auto& answer : answers) {
    const auto scanned = o.parseForward(answer);
    const auto dom = forwardByDom(answer);
    ASSERT_EQ(scanned.has_value(), dom.has_value()) << answer.body;
    if (dom) {
      EXPECT_EQ(scanned->input_tokens, dom->input_tokens) << answer.body;
      EXPECT_EQ(scanned->output_tokens, dom->output_tokens) << answer.body;
    } else {
      EXPECT_EQ(scanned.error().kind, dom.error().kind) << answer.body;
      EXPECT_EQ(scanned.error().http_status, dom.error().http_status) << answer.body;
      if (answer.status < 300) {
        EXPECT_EQ(scanned.error().message, dom.error().message);
      }
    }
  }
  const auto both = o.parseForward(answers[1]);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->input_tokens, 11);
  EXPECT_EQ(both->output_tokens, 7);
}

TEST(OpenAiAdapter, AForwardedAnswerWithTwoUsageObjectsIsABadResponse) {
  // Which one would the client believe? Neither is billed; the call is a bad response.
  const auto r = OpenAiAdapter({}).parseForward(testing::upstreamAnswer(
      200, R"({"choices":[],"usage":{"prompt_tokens":1},"us\u0061ge":{"prompt_tokens":900}})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kBadResponse);
  EXPECT_EQ(r.error().message, "openai: usage given more than once");
}

TEST(HostileUpstream, OpenAiClassifiesEveryShape) {
  testing::expectEveryShapeClassified(OpenAiAdapter({}), "openai");
}

TEST(HostileUpstream, TokenCountsOutsideTheRangeNameTheField) {
  const std::string body =
      R"({"choices":[{"message":{"content":"1. Amazon S3 is like a closet with many shelves."},)"
      R"("finish_reason":"stop"}],"usage":{"prompt_tokens":-1000000000,"completion_tokens":5}})";
  auto c = OpenAiAdapter({}).parseResponse(testing::upstreamAnswer(200, body));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, LlmError::Kind::kBadResponse);
  EXPECT_NE(c.error().message.find("usage.prompt_tokens out of range"), std::string::npos)
      << c.error().message;
  // The largest count allowed is accepted.
  auto usage = readUsage(jsonf::Json::parse(R"({"usage":{"a":1000000000,"b":0}})"), "a", "b");
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->input_tokens, 1'000'000'000);
}

}  // namespace
}  // namespace cs::llm
