// The fake LLM/SSM upstream itself: shapes, scripting, service hints, SigV4 checks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_llm.hpp"
#include "net/curl_transport.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

class FakeLlmTest : public ::testing::Test {
 protected:
  net::HttpResponse post(const std::string& path, const json& body,
                         std::vector<std::pair<std::string, std::string>> headers) {
    net::HttpRequest req;
    req.method = "POST";
    req.url = server_.url(path);
    req.headers = std::move(headers);
    req.headers.emplace_back("content-type", "application/json");
    req.body = body.dump();
    return transport_.sendBlocking(req);
  }
  net::HttpResponse anthropic(const std::string& prompt = "Write 3 sayings.") {
    return post("/v1/messages",
                {{"model", "claude-haiku-4-5"},
                 {"max_tokens", 300},
                 {"messages", {{{"role", "user"}, {"content", prompt}}}}},
                {{"x-api-key", "sk-ant-test-FAKE"}, {"anthropic-version", "2023-06-01"}});
  }
  net::HttpResponse openai(const std::string& path = "/v1/chat/completions") {
    return post(path,
                {{"model", "gpt-4.1"}, {"messages", {{{"role", "user"}, {"content", "Write 3."}}}}},
                {{"authorization", "Bearer sk-test-FAKE"}});
  }
  FakeLlmServer server_;
  net::CurlTransport transport_;
};

TEST_F(FakeLlmTest, AnthropicAnswerIsRealShaped) {
  auto r = anthropic();
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["type"], "message");
  EXPECT_EQ(j["stop_reason"], "end_turn");
  EXPECT_GT(j["usage"]["output_tokens"].get<int>(), 0);
  const std::string text = j["content"][0]["text"];
  EXPECT_NE(text.find("1. "), std::string::npos);
  EXPECT_NE(text.find("3. "), std::string::npos);
  EXPECT_TRUE(r.header("request-id"));
}

TEST_F(FakeLlmTest, OpenAiAnswersOnBothPaths) {
  for (auto path : {"/v1/chat/completions", "/chat/completions"}) {
    auto r = openai(path);
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    EXPECT_EQ(j["object"], "chat.completion");
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
    EXPECT_GT(j["usage"]["completion_tokens"].get<int>(), 0);
  }
}

TEST_F(FakeLlmTest, MissingKeysAre401InEachShape) {
  auto a = post("/v1/messages", {{"model", "m"}, {"max_tokens", 5}, {"messages", json::array()}},
                {{"anthropic-version", "2023-06-01"}});
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(json::parse(a.body)["error"]["type"], "authentication_error");
  auto o = post("/chat/completions", {{"model", "m"}, {"messages", json::array()}}, {});
  EXPECT_EQ(o.status, 401);
  EXPECT_EQ(json::parse(o.body)["error"]["code"], "invalid_api_key");
}

TEST_F(FakeLlmTest, AvoidHintLeavesServicesOut) {
  for (int i = 0; i < 10; ++i) {
    auto r =
        anthropic("Write 3 sayings.\nAvoid these services: Amazon S3, AWS Lambda, Amazon EC2.");
    const std::string text = json::parse(r.body)["content"][0]["text"];
    EXPECT_EQ(text.find("S3"), std::string::npos) << text;
    EXPECT_EQ(text.find("Lambda"), std::string::npos) << text;
    EXPECT_EQ(text.find("EC2"), std::string::npos) << text;
  }
}

TEST_F(FakeLlmTest, StatusQueueRetryAfterAndPerModelScripts) {
  server_.fake().control(json{{"statuses", {429, 529}}, {"retry_after", "2"}});
  auto first = anthropic();
  EXPECT_EQ(first.status, 429);
  EXPECT_EQ(first.header("retry-after").value_or(""), "2");
  EXPECT_EQ(json::parse(first.body)["error"]["type"], "rate_limit_error");
  EXPECT_EQ(anthropic().status, 529);
  EXPECT_EQ(anthropic().status, 200);
  server_.fake().control(json{{"models", {{"gpt-4.1", {{"statuses", {503}}}}}}});
  EXPECT_EQ(anthropic().status, 200);
  EXPECT_EQ(openai().status, 503);
  EXPECT_EQ(server_.fake().stats()["by_model"]["gpt-4.1"], 1);
}

TEST_F(FakeLlmTest, FaultModes) {
  server_.fake().control(json{{"mode", "malformed_json"}, {"mode_count", 1}});
  EXPECT_TRUE(json::parse(anthropic().body, nullptr, false).is_discarded());
  server_.fake().control(json{{"mode", "truncated"}, {"mode_count", 1}});
  EXPECT_TRUE(json::parse(openai().body, nullptr, false).is_discarded());
  server_.fake().control(json{{"mode", "wrong_content_type"}, {"mode_count", 1}});
  EXPECT_EQ(anthropic().header("content-type").value_or(""), "text/html");
  server_.fake().control(json{{"mode", "cutoff"}, {"mode_count", 1}});
  EXPECT_EQ(json::parse(openai().body)["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(json::parse(anthropic().body)["stop_reason"], "end_turn");  // count used up
}

TEST_F(FakeLlmTest, StallIsCutByTheClientTimeout) {
  server_.fake().control(json{{"mode", "stall"}, {"stall_ms", 30'000}});
  net::HttpRequest req;
  req.method = "POST";
  req.url = server_.url("/v1/chat/completions");
  req.headers = {{"authorization", "Bearer sk-test-FAKE"}};
  req.body =
      json{{"model", "gpt-4.1"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}.dump();
  req.total_timeout = std::chrono::milliseconds(200);
  EXPECT_EQ(transport_.sendBlocking(req).error, net::TransportError::kTimeout);
}

TEST_F(FakeLlmTest, SsmNeedsSigV4AndDecryption) {
  server_.fake().control(json{{"ssm_parameters", {{"/cs/claude", "sk-ant-test-FAKE-ssm"}}}});
  net::HttpRequest req;
  req.method = "POST";
  req.url = server_.url("/");
  req.headers = {{"content-type", "application/x-amz-json-1.1"},
                 {"x-amz-target", "AmazonSSM.GetParameter"}};
  req.body = R"({"Name":"/cs/claude","WithDecryption":true})";
  auto unsigned_resp = transport_.sendBlocking(req);
  EXPECT_EQ(unsigned_resp.status, 400);
  req.aws_sigv4 = net::AwsSigV4{"aws:amz:us-east-1:ssm", "AKIDFAKE", "FAKE/secret", ""};
  auto signed_resp = transport_.sendBlocking(req);
  ASSERT_EQ(signed_resp.status, 200) << signed_resp.body;
  EXPECT_EQ(json::parse(signed_resp.body)["Parameter"]["Value"], "sk-ant-test-FAKE-ssm");
  EXPECT_EQ(server_.fake().ssm().lastCredential(), "AKIDFAKE");
  EXPECT_FALSE(
      FakeSsm::wellFormedSigV4("AWS4-HMAC-SHA256 Credential=AKID/2024/us-east-1/ssm/aws4_request"));
}

}  // namespace
}  // namespace cs::testing
