// Adapters as pure transforms: requests they build, saved real-shaped responses they parse.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "llm/anthropic_adapter.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"
#include "llm/registry.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CS_SOURCE_DIR) + "/tests/data/llm/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

net::HttpResponse response(long status, const std::string& body,
                           std::string type = "application/json") {
  net::HttpResponse r;
  r.status = status;
  r.body = body;
  r.headers["content-type"] = std::move(type);
  return r;
}

ModelInfo model(std::string provider, std::string upstream) {
  ModelInfo m;
  m.id = upstream;
  m.provider = std::move(provider);
  m.upstream_model = std::move(upstream);
  m.max_tokens = 300;
  m.temperature = 0.9;
  return m;
}

std::string header(const net::HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(AnthropicAdapter, BuildsAMessagesRequest) {
  AnthropicAdapter a({"https://api.anthropic.com/", "", ""});
  auto m = model("anthropic", "claude-haiku-4-5");
  auto req = a.buildRequest({m, {"sys", "user text"}, "sk-ant-test-FAKE-a"});
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(header(req, "x-api-key"), "sk-ant-test-FAKE-a");
  EXPECT_EQ(header(req, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(header(req, "content-type"), "application/json");
  EXPECT_EQ(header(req, "authorization"), "");
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
  auto c = a.parseResponse(response(200, fixture("anthropic_ok.json")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->usage.input_tokens, 96);
  EXPECT_EQ(c->usage.output_tokens, 88);
  EXPECT_EQ(c->finish_reason, "stop");
  EXPECT_NE(c->text.find("3. Amazon DynamoDB"), std::string::npos);
}

TEST(AnthropicAdapter, ClassifiesErrors) {
  AnthropicAdapter a({});
  auto cut = a.parseResponse(response(200, fixture("anthropic_max_tokens.json")));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().kind, LlmError::Kind::kBadResponse);
  auto limited = response(429, fixture("anthropic_rate_limit.json"));
  limited.headers["retry-after"] = "7";
  auto e = a.parseResponse(limited);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, LlmError::Kind::kRateLimited);
  EXPECT_EQ(e.error().retry_after, std::chrono::milliseconds(7000));
  EXPECT_NE(e.error().message.find("rate_limit_error"), std::string::npos);
  EXPECT_EQ(a.parseResponse(response(529, fixture("anthropic_overloaded.json"))).error().kind,
            LlmError::Kind::kOverloaded);
  EXPECT_EQ(a.parseResponse(response(401, fixture("anthropic_auth.json"))).error().kind,
            LlmError::Kind::kAuth);
  EXPECT_EQ(a.parseResponse(response(500, "oops", "text/plain")).error().kind,
            LlmError::Kind::kServer);
  EXPECT_EQ(a.parseResponse(response(200, "<html>", "text/html")).error().kind,
            LlmError::Kind::kBadResponse);
  EXPECT_EQ(a.parseResponse(response(200, R"({"id":"msg_1","content":[)")).error().kind,
            LlmError::Kind::kBadResponse);
  auto empty = json::parse(fixture("anthropic_ok.json"));
  empty["content"] = json::array();
  EXPECT_EQ(a.parseResponse(response(200, empty.dump())).error().kind,
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

TEST(OpenAiAdapter, BuildsAChatCompletionsRequest) {
  OpenAiAdapter o({"http://localhost:11434/v1/", "", ""});
  auto m = model("openai", "gpt-4.1-mini");
  auto req = o.buildRequest({m, {"sys", "user text"}, "sk-test-FAKE-o"});
  EXPECT_EQ(req.url, "http://localhost:11434/v1/chat/completions");
  EXPECT_EQ(header(req, "authorization"), "Bearer sk-test-FAKE-o");
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
  auto c = o.parseResponse(response(200, fixture("openai_ok.json")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->usage.input_tokens, 88);
  EXPECT_EQ(c->usage.output_tokens, 71);
  EXPECT_EQ(c->finish_reason, "stop");
  EXPECT_EQ(o.parseResponse(response(200, fixture("openai_length.json"))).error().kind,
            LlmError::Kind::kBadResponse);
  EXPECT_EQ(o.parseResponse(response(200, fixture("openai_null_content.json"))).error().kind,
            LlmError::Kind::kBadResponse);
  auto auth = o.parseResponse(response(401, fixture("openai_auth.json")));
  EXPECT_EQ(auth.error().kind, LlmError::Kind::kAuth);
  EXPECT_EQ(auth.error().message.find("sk-test-"), std::string::npos) << auth.error().message;
  auto limited = response(429, fixture("openai_rate_limit.json"));
  limited.headers["retry-after-ms"] = "1500";
  EXPECT_EQ(o.parseResponse(limited).error().retry_after, std::chrono::milliseconds(1500));
  EXPECT_EQ(o.parseResponse(response(400, "{}")).error().kind, LlmError::Kind::kBadRequest);
  EXPECT_FALSE(o.parseResponse(response(400, "{}")).error().retryable());
}

TEST(ErrorClassify, StatusKinds) {
  EXPECT_EQ(kindForStatus(403), LlmError::Kind::kAuth);
  EXPECT_EQ(kindForStatus(404), LlmError::Kind::kBadRequest);
  EXPECT_EQ(kindForStatus(503), LlmError::Kind::kOverloaded);
  EXPECT_EQ(kindForStatus(502), LlmError::Kind::kServer);
}

TEST(ErrorClassify, HugeRetryAfterIsClampedToADay) {
  // Regression (fuzz_llm_response): "1e300" seconds overflowed the int64 conversion (UB).
  const auto day = std::chrono::milliseconds(24LL * 3600 * 1000);
  auto r = response(429, "{}");
  r.headers["retry-after"] = "1e300";
  EXPECT_EQ(retryAfter(r), day);
  r.headers["retry-after-ms"] = "9e18";
  EXPECT_EQ(retryAfter(r), day);
  r.headers["retry-after-ms"] = "250";
  EXPECT_EQ(retryAfter(r), std::chrono::milliseconds(250));
}

TEST(ErrorClassify, KeyInAContentTypeIsRedacted) {
  // Regression (fuzz_llm_response): the content type was quoted into the message unredacted.
  const OpenAiAdapter o({});
  auto r = response(200, "{}", "text/html; sk-test-FAKE-0123456789abcdef");
  const auto e = o.parseResponse(r);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, LlmError::Kind::kBadResponse);
  EXPECT_EQ(e.error().message.find("sk-test-FAKE"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("text/html"), std::string::npos) << e.error().message;
}

TEST(ProviderRegistry, MapsNamesToAdapters) {
  const auto& r = builtinProviders();
  EXPECT_EQ(r.names(), (std::vector<std::string>{"anthropic", "openai"}));
  EXPECT_EQ(r.make("openai", {})->provider(), "openai");
  EXPECT_EQ(r.make("nope", {}), nullptr);
}

}  // namespace
}  // namespace cs::llm
