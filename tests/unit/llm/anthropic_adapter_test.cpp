// The Anthropic adapter as a pure transform: requests it builds, saved real-shaped responses
// it parses.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "llm/anthropic_adapter.hpp"
#include "llm/batch_parser.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"
#include "secrets/secret_chain.hpp"
#include "secrets/secret_source.hpp"
#include "support/adapter_checks.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;

TEST(AnthropicAdapter, BuildsAMessagesRequest) {
  AnthropicAdapter a({"https://api.anthropic.com/", "", ""});
  auto m = testing::modelInfo("anthropic", "claude-haiku-4-5");
  auto req = a.buildRequest({m, {"sys", "user text"}, "sk-ant-test-FAKE-a"});
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(testing::requestHeader(req, "x-api-key"), "sk-ant-test-FAKE-a");
  EXPECT_EQ(testing::requestHeader(req, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(testing::requestHeader(req, "content-type"), "application/json");
  EXPECT_EQ(testing::requestHeader(req, "authorization"), "");
  auto body = json::parse(req.body);
  EXPECT_EQ(body["model"], "claude-haiku-4-5");
  EXPECT_EQ(body["max_tokens"], 300);
  EXPECT_EQ(body["system"], "sys");
  ASSERT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(body["messages"][0]["role"], "user");  // system goes top-level, never as a message
  EXPECT_EQ(body["messages"][0]["content"], "user text");
  for (const auto& [k, v] : body.items())
    EXPECT_TRUE(k == "model" || k == "max_tokens" || k == "system" || k == "messages" ||
                k == "temperature")
        << k;
}

TEST(AnthropicAdapter, ParsesASavedAnswer) {
  AnthropicAdapter a({});
  auto c = a.parseResponse(testing::upstreamAnswer(200, testing::llmFixture("anthropic_ok.json")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->usage.input_tokens, 96);
  EXPECT_EQ(c->usage.output_tokens, 88);
  EXPECT_EQ(c->finish_reason, "stop");
  EXPECT_NE(c->text.find("3. Amazon DynamoDB"), std::string::npos);
}

TEST(AnthropicAdapter, ClassifiesErrors) {
  AnthropicAdapter a({});
  auto cut = a.parseResponse(
      testing::upstreamAnswer(200, testing::llmFixture("anthropic_max_tokens.json")));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().kind, LlmError::Kind::kBadResponse);
  auto limited = testing::upstreamAnswer(429, testing::llmFixture("anthropic_rate_limit.json"));
  limited.headers["retry-after"] = "7";
  auto e = a.parseResponse(limited);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, LlmError::Kind::kRateLimited);
  EXPECT_EQ(e.error().retry_after, std::chrono::milliseconds(7000));
  EXPECT_NE(e.error().message.find("rate_limit_error"), std::string::npos);
  EXPECT_EQ(a.parseResponse(
                 testing::upstreamAnswer(529, testing::llmFixture("anthropic_overloaded.json")))
                .error()
                .kind,
            LlmError::Kind::kOverloaded);
  EXPECT_EQ(
      a.parseResponse(testing::upstreamAnswer(401, testing::llmFixture("anthropic_auth.json")))
          .error()
          .kind,
      LlmError::Kind::kAuth);
  EXPECT_EQ(a.parseResponse(testing::upstreamAnswer(500, "oops", "text/plain")).error().kind,
            LlmError::Kind::kServer);
  EXPECT_EQ(a.parseResponse(testing::upstreamAnswer(200, "<html>", "text/html")).error().kind,
            LlmError::Kind::kBadResponse);
  EXPECT_EQ(
      a.parseResponse(testing::upstreamAnswer(200, R"({"id":"msg_1","content":[)")).error().kind,
      LlmError::Kind::kBadResponse);
  auto empty = json::parse(testing::llmFixture("anthropic_ok.json"));
  empty["content"] = json::array();
  EXPECT_EQ(a.parseResponse(testing::upstreamAnswer(200, empty.dump())).error().kind,
            LlmError::Kind::kBadResponse);
}

TEST(AnthropicAdapter, TransportFailuresMapToTimeoutAndNetwork) {
  AnthropicAdapter a({});
  net::HttpResponse t;
  t.error = net::TransportError::kTimeout;
  EXPECT_EQ(a.parseResponse(t).error().kind, LlmError::Kind::kTimeout);
  t.error = net::TransportError::kConnectRefused;
  EXPECT_EQ(a.parseResponse(t).error().kind, LlmError::Kind::kNetwork);
  EXPECT_TRUE(a.parseResponse(t).error().retryable());
}

TEST(HostileUpstream, AnthropicClassifiesEveryShape) {
  testing::expectEveryShapeClassified(AnthropicAdapter({}), "anthropic");
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
    auto c = AnthropicAdapter({}).parseResponse(testing::upstreamAnswer(400, body));
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
