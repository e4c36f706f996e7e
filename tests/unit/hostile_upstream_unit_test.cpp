// Both adapters over every hostile shape of tests/support/hostile_shapes.cpp: each one is that
// call's classified error (bad_response for a 2xx, the status's kind for an error body), with a
// bounded message, and never an exception (none is caught here: one would fail the test).
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/clock.hpp"
#include "core/redact.hpp"
#include "llm/anthropic_adapter.hpp"
#include "llm/batch_parser.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"
#include "secrets/secret_chain.hpp"
#include "secrets/secret_source.hpp"
#include "support/hostile_shapes.hpp"

namespace cs::llm {
namespace {

net::HttpResponse response(const testing::HostileShape& shape) {
  net::HttpResponse r;
  r.status = shape.status;
  r.body = shape.body;
  r.headers["content-type"] = shape.content_type;
  return r;
}

// What the gateway makes of an answer: the adapter's error, or bad_response when the text
// holds no saying (GatewayImpl::attempt).
std::string outcome(const ProviderAdapter& adapter, const net::HttpResponse& r,
                    std::string* message) {
  auto c = adapter.parseResponse(r);
  if (!c) {
    *message = c.error().message;
    return kindName(c.error().kind);
  }
  if (parseSayings(c->text).empty()) return "bad_response";
  *message = "accepted: " + c->text.substr(0, 80);
  return "ok";
}

void expectEveryShapeClassified(const ProviderAdapter& adapter, const std::string& provider) {
  const auto shapes = testing::hostileShapes(provider);
  ASSERT_GE(shapes.size(), 40u);
  for (const auto& shape : shapes) {
    std::string message;
    EXPECT_EQ(outcome(adapter, response(shape), &message), shape.error_type)
        << provider << ": " << shape.name << ": " << message;
    // Bounded however big the body: the detail is cut at 300 bytes, the content type at 60.
    EXPECT_LT(message.size(), 600u) << shape.name;
  }
}

TEST(HostileUpstream, AnthropicClassifiesEveryShape) {
  expectEveryShapeClassified(AnthropicAdapter({}), "anthropic");
}

TEST(HostileUpstream, OpenAiClassifiesEveryShape) {
  expectEveryShapeClassified(OpenAiAdapter({}), "openai");
}

TEST(HostileUpstream, TokenCountsOutsideTheRangeNameTheField) {
  const std::string body =
      R"({"choices":[{"message":{"content":"1. Amazon S3 is like a closet with many shelves."},)"
      R"("finish_reason":"stop"}],"usage":{"prompt_tokens":-1000000000,"completion_tokens":5}})";
  auto c = OpenAiAdapter({}).parseResponse(response({"", 200, "application/json", body, ""}));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, LlmError::Kind::kBadResponse);
  EXPECT_NE(c.error().message.find("usage.prompt_tokens out of range"), std::string::npos)
      << c.error().message;
  // The largest count allowed is accepted.
  auto usage = readUsage(jsonf::Json::parse(R"({"usage":{"a":1000000000,"b":0}})"), "a", "b");
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->input_tokens, 1'000'000'000);
}

// Keys the secret chain resolved (env here; unlike other tests' fake keys, so the process-wide
// registry masks nothing those tests expect to see), echoed by an Anthropic 400 around byte 300 of
// its message: the OpenAI key whole, and pieces of the Anthropic key that no pattern would catch.
TEST(HostileUpstream, KeysEchoedNearTheCutNeverReachTheError) {
  const std::string openai_key = "sk-echoQ-FAKE-Xq7Lm2Pz9Rt4Yw";
  const std::string anthropic_key = "sk-ant-echoZ-FAKE-Vb8Nc3Kd6Wf1";
  ::setenv("CS_TEST_FAKE_ECHO_OPENAI", openai_key.c_str(), 1);
  ::setenv("CS_TEST_FAKE_ECHO_ANTHROPIC", anthropic_key.c_str(), 1);
  std::vector<std::unique_ptr<secrets::SecretSource>> sources;
  sources.push_back(std::make_unique<secrets::EnvSource>(std::map<std::string, std::string>{
      {"openai", "CS_TEST_FAKE_ECHO_OPENAI"}, {"anthropic", "CS_TEST_FAKE_ECHO_ANTHROPIC"}}));
  secrets::SecretChain chain(std::move(sources), SystemClock::instance(), std::chrono::minutes(5));
  ASSERT_TRUE(chain.get("openai"));
  ASSERT_TRUE(chain.get("anthropic"));

  // Prose words (no long opaque run), then the keys starting at byte 290 of the message.
  std::string prose;
  while (prose.size() < 290) prose += "the request was bad ";
  prose.resize(290);
  for (const std::string& echoed :
       {openai_key + " " + anthropic_key,
        "'" + anthropic_key.substr(3) + "' and '" + openai_key.substr(7, 20) + "'"}) {
    const std::string message = prose + echoed + " please check it";
    const std::string body =
        R"({"type":"error","error":{"type":"invalid_request_error","message":")" + message +
        R"("}})";
    auto c = AnthropicAdapter({}).parseResponse(response({"", 400, "application/json", body, ""}));
    ASSERT_FALSE(c);
    const auto& text = c.error().message;
    EXPECT_EQ(c.error().kind, LlmError::Kind::kBadRequest);
    for (const auto& key : {openai_key, anthropic_key})
      for (std::size_t i = 0; i + 8 <= key.size(); ++i)
        EXPECT_EQ(text.find(key.substr(i, 8)), std::string::npos)
            << "piece " << key.substr(i, 8) << " of a key in: " << text;
    EXPECT_NE(text.find("the request was bad"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace cs::llm
