// The gateway end to end over real HTTP: GatewayImpl + CurlTransport + the fake LLM/SSM, and
// the real binary (GET /api/models, `generate`, no key in any output).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>

#include "fakes/fake_keys.hpp"
#include "fakes/fake_llm.hpp"
#include "llm/gateway_impl.hpp"
#include "llm/model_catalog.hpp"
#include "net/curl_transport.hpp"
#include "secrets/secret_chain.hpp"
#include "secrets/ssm_source.hpp"
#include "support/test_support.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

class GatewayE2e : public ::testing::Test {
 protected:
  GatewayE2e() {
    GatewayOptions options;
    options.retry = RetryPolicy{3, milliseconds(10), milliseconds(50)};
    options.providers["anthropic"] = ProviderSettings{fake_.url(), "2023-06-01", ""};
    options.providers["openai"] = ProviderSettings{fake_.url("/v1"), "", "max_completion_tokens"};
    gateway_ = std::make_unique<GatewayImpl>(loadModelCatalog("").value(), options, transport_,
                                             keys_, SystemClock::instance(), executor_);
  }
  GenerationRequest request(const std::string& model, milliseconds budget = milliseconds(10'000)) {
    GenerationRequest r;
    r.model_id = model;
    r.deadline = std::chrono::steady_clock::now() + budget;
    return r;
  }
  testing::FakeLlmServer fake_;
  net::CurlTransport transport_;
  testing::FakeKeys keys_{{{"anthropic", "sk-ant-test-FAKE-e2e"}, {"openai", "sk-test-FAKE-e2e"}}};
  ThreadExecutor executor_{2};
  std::unique_ptr<GatewayImpl> gateway_;
};

TEST_F(GatewayE2e, AllFourModelsAnswerThreeSayings) {
  for (auto model : {"claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1", "gpt-4.1-mini"}) {
    auto r = gateway_->generate(request(model));
    ASSERT_TRUE(r) << model << ": " << r.error().message;
    EXPECT_EQ(r->sayings.size(), 3u) << model;
    EXPECT_GT(r->cost_usd, 0.0);
    EXPECT_GT(r->usage.output_tokens, 0);
  }
  EXPECT_EQ(fake_.fake().stats()["requests"], 4);
}

// Shutdown order gone wrong or not: a transport stopped under a call in flight still answers
// the call once (each retry is refused at once, on timers, never by a waiting thread).
TEST_F(GatewayE2e, ATransportStoppedUnderACallAnswersItOnce) {
  ASSERT_EQ(fake_.fake().control(json{{"mode", "stall"}}), "");
  std::promise<GenerationOutcome> answer;
  auto answered = answer.get_future();
  std::atomic<int> callbacks{0};
  gateway_->generateAsync(request("claude-haiku-4-5"), [&](GenerationOutcome o) {
    if (++callbacks == 1) answer.set_value(std::move(o));
  });
  ASSERT_TRUE(testing::waitFor([&] { return fake_.fake().stats()["requests"] == 1; },
                               std::chrono::seconds(20)));
  transport_.stop();
  auto r = answered.get();
  fake_.fake().releaseStalls();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kNetwork);
  EXPECT_NE(r.error().message.find("transport stopped"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().attempts, 3);  // the retries were refused by the stopped transport
  EXPECT_TRUE(testing::waitFor([&] { return gateway_->callsInFlight() == 0; }));
  EXPECT_EQ(callbacks.load(), 1);
}

TEST_F(GatewayE2e, AvoidedServicesReachThePrompt) {
  auto req = request("gpt-4.1");
  req.avoid_services = {"Amazon S3", "AWS Lambda", "Amazon DynamoDB"};
  for (int i = 0; i < 5; ++i) {
    auto r = gateway_->generate(req);
    ASSERT_TRUE(r) << r.error().message;
    for (const auto& s : r->sayings) {
      EXPECT_EQ(s.text.find("S3"), std::string::npos) << s.text;
      EXPECT_EQ(s.text.find("Lambda"), std::string::npos) << s.text;
    }
  }
}

TEST_F(GatewayE2e, RetriesScriptedFailuresThenSucceeds) {
  fake_.fake().control(
      json{{"models", {{"claude-haiku-4-5", {{"statuses", {529, 503}}, {"retry_after", "0"}}}}}});
  auto r = gateway_->generate(request("claude-haiku-4-5"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->attempts, 3);
}

TEST_F(GatewayE2e, FaultsBecomeErrorsNotSayings) {
  const std::map<std::string, LlmError::Kind> faults = {
      {"malformed_json", LlmError::Kind::kBadResponse},
      {"truncated", LlmError::Kind::kBadResponse},
      {"wrong_content_type", LlmError::Kind::kBadResponse},
      {"empty", LlmError::Kind::kBadResponse},
      {"cutoff", LlmError::Kind::kBadResponse}};
  for (const auto& [mode, kind] : faults) {
    fake_.fake().control(json{{"mode", mode}, {"mode_count", 1}});
    auto r = gateway_->generate(request(mode == "truncated" ? "gpt-4.1" : "claude-sonnet-4-5"));
    ASSERT_FALSE(r) << mode;
    EXPECT_EQ(r.error().kind, kind) << mode << ": " << r.error().message;
  }
}

TEST_F(GatewayE2e, AStalledUpstreamEndsAtTheDeadline) {
  fake_.fake().control(json{{"mode", "stall"}, {"stall_ms", 60'000}});
  auto r = gateway_->generate(request("gpt-4.1-mini", milliseconds(400)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kTimeout) << r.error().message;
}

TEST(SsmSecrets, ChainFetchesFromSignedSsmAndRotatesOnInvalidate) {
  testing::FakeLlmServer fake;
  fake.fake().control(json{{"ssm_parameters", {{"/cs/claude", "sk-ant-test-FAKE-ssm-1"}}}});
  net::CurlTransport transport;
  secrets::SsmOptions options;
  options.endpoint = fake.url();
  options.access_key_id = "AKIDFAKEEXAMPLE";
  options.secret_access_key = "FAKE-secret";
  std::vector<std::unique_ptr<secrets::SecretSource>> sources;
  sources.push_back(std::make_unique<secrets::SsmSource>(
      transport, options,
      std::map<std::string, std::string>{{"anthropic", "/cs/claude"}, {"openai", "/cs/none"}}));
  secrets::SecretChain chain(std::move(sources), SystemClock::instance());
  EXPECT_EQ(chain.get("anthropic").value(), "sk-ant-test-FAKE-ssm-1");
  EXPECT_EQ(fake.fake().ssm().lastCredential(), "AKIDFAKEEXAMPLE");
  fake.fake().control(json{{"ssm_parameters", {{"/cs/claude", "sk-ant-test-FAKE-ssm-2"}}}});
  EXPECT_EQ(chain.get("anthropic").value(), "sk-ant-test-FAKE-ssm-1");  // cached
  chain.invalidate("anthropic");
  EXPECT_EQ(chain.get("anthropic").value(), "sk-ant-test-FAKE-ssm-2");
  EXPECT_FALSE(chain.get("openai"));  // ParameterNotFound: no key
  fake.fake().ssm().failNext(1, 500);
  chain.invalidate("anthropic");
  auto failed = chain.get("anthropic");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("HTTP 500"), std::string::npos);
}

// The real binary: /api/models, generate, and the key never leaves the process.
TEST(GatewayBinary, ModelsAreDisabledWithoutKeysAndTheServiceRuns) {
  testing::ServerProcess server;
  ASSERT_TRUE(server.start({"--store", "sqlite::memory:"}, {{"ANTHROPIC_API_KEY", ""},
                                                            {"OPENAI_API_KEY", ""},
                                                            {"CLAUDE_PARAMETER_NAME", ""},
                                                            {"OPENAI_PARAMETER_NAME", ""}}))
      << server.logs();
  auto r = testing::httpRequest("GET", server.url("/api/models"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto models = json::parse(r.body)["models"];
  ASSERT_EQ(models.size(), 4u);
  for (const auto& m : models) {
    EXPECT_FALSE(m["enabled"].get<bool>());
    EXPECT_NE(m["disabled_reason"].get<std::string>().find("no API key"), std::string::npos);
    EXPECT_EQ(m["health"], "unknown");
  }
  EXPECT_DOUBLE_EQ(models[0]["cost_per_1k_tokens"].get<double>(), 0.0025);
  EXPECT_EQ(testing::httpRequest("GET", server.url("/api/sayings")).status, 200);
}

TEST(GatewayBinary, GenerateAndModelsWithKeysNeverShowTheKey) {
  testing::FakeLlmServer fake;
  const std::string anthropic_key = "sk-ant-test-FAKE-7f3a9c1e-distinctive";
  const std::string openai_key = "sk-test-FAKE-b42d8e60-distinctive";
  fake.fake().control(json{{"api_keys", {{"anthropic", anthropic_key}, {"openai", openai_key}}}});
  const std::map<std::string, std::string> env = {{"ANTHROPIC_API_KEY", anthropic_key},
                                                  {"OPENAI_API_KEY", openai_key},
                                                  {"ANTHROPIC_BASE_URL", fake.url()},
                                                  {"OPENAI_BASE_URL", fake.url("/v1")}};
  std::string everything;
  for (auto model : {"claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1", "gpt-4.1-mini"}) {
    auto out = testing::runBinary({"generate", "--model", model, "--json"}, env);
    everything += out.output;
    ASSERT_EQ(out.exit_code, 0) << out.output;
    EXPECT_NE(out.output.find("\"sayings\""), std::string::npos);
  }
  // A rejected key (401) and an overloaded upstream: error paths log and print too.
  fake.fake().control(json{{"api_keys", {{"anthropic", "sk-ant-test-FAKE-other"}}}});
  auto denied = testing::runBinary({"generate", "--model", "claude-haiku-4-5"}, env);
  everything += denied.output;
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.output.find("error: auth"), std::string::npos) << denied.output;

  testing::ServerProcess server;
  ASSERT_TRUE(server.start({"--store", "sqlite::memory:"}, env)) << server.logs();
  auto r = testing::httpRequest("GET", server.url("/api/models"));
  everything += r.body;
  const auto listed = json::parse(r.body);
  for (const auto& m : listed["models"]) EXPECT_TRUE(m["enabled"].get<bool>()) << m.dump();
  server.stop();
  everything += server.logs();
  EXPECT_EQ(everything.find("7f3a9c1e"), std::string::npos);
  EXPECT_EQ(everything.find("b42d8e60"), std::string::npos);
}

}  // namespace
}  // namespace cs::llm
