// Distinctive fake keys go into a server that then runs compare, sayings, models, metrics and
// upstream faults; no response, header, log line or metric may contain any part of them. Two
// runs cover the three key sources: environment + file, then SSM Parameter Store (signed with
// a distinctive fake AWS secret key, which must not leak either).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

// Runs the scenario against a started server and returns every byte it let out: bodies,
// headers, /metrics and (after stopping it) its whole log.
std::string everythingTheServerSays(ServerProcess& server, FakeLlmServer& fake,
                                    const std::string& rejected_anthropic_key) {
  std::string everything;
  auto get = [&](const std::string& path) {
    auto r = httpRequest("GET", server.url(path), {}, {}, 30'000);
    everything += r.body;
    for (const auto& [k, v] : r.headers) everything += k + ": " + v + "\n";
    return r;
  };
  auto first = get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  EXPECT_EQ(first.status, 200) << first.body;
  if (first.status == 200) {
    const auto results = json::parse(first.body)["results"];
    EXPECT_EQ(results.size(), 2u);
    for (const auto& r : results)
      EXPECT_TRUE(r["error"].is_null()) << r.dump() << " (both keys must work)";
  }
  for (int i = 0; i < 6; ++i) get("/api/sayings");
  get("/api/models");
  // Faults: errors and rejected keys take the error paths, which log the most.
  fake.fake().control(json{{"statuses", {500, 500, 500, 500, 500, 500}}});
  get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  fake.fake().control(json{{"api_keys", {{"anthropic", rejected_anthropic_key}}}});
  get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  fake.fake().control(json{{"reset", true}, {"mode", "malformed_json"}});
  get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  get("/metrics");
  server.stop();
  everything += server.logs();
  return everything;
}

void expectNoneOf(const std::string& everything, const std::vector<std::string>& parts) {
  ASSERT_FALSE(everything.empty());
  for (const auto& part : parts)
    EXPECT_EQ(everything.find(part), std::string::npos) << "leaked: " << part;
}

TEST(SecretScan, KeysFromEnvAndFileNeverLeaveTheProcess) {
  const std::string env_key = "sk-ant-test-FAKE-c0ffee11-envleak";
  const std::string file_key = "sk-test-FAKE-d15ea5e2-fileleak";
  FakeLlmServer fake;
  fake.fake().control(json{{"api_keys", {{"anthropic", env_key}, {"openai", file_key}}}});
  TempDir dir;
  std::ofstream(dir.file("openai.key")) << file_key << "\n";
  std::ofstream(dir.file("cs.toml"))
      << "[secrets]\nopenai_key_file = \"" << dir.file("openai.key") << "\"\n";
  ServerProcess server;
  ASSERT_TRUE(
      server.start({"--config", dir.file("cs.toml"), "--store", "sqlite:" + dir.file("cs.db")},
                   {{"ANTHROPIC_API_KEY", env_key},
                    {"OPENAI_API_KEY", ""},
                    {"CLAUDE_PARAMETER_NAME", ""},
                    {"OPENAI_PARAMETER_NAME", ""},
                    {"ANTHROPIC_BASE_URL", fake.url()},
                    {"OPENAI_BASE_URL", fake.url("/v1")}}))
      << server.logs();
  expectNoneOf(everythingTheServerSays(server, fake, "sk-ant-test-FAKE-other"),
               {"c0ffee11", "d15ea5e2", "envleak", "fileleak"});
}

TEST(SecretScan, KeysFromSsmAndTheAwsSecretNeverLeaveTheProcess) {
  const std::string claude_key = "sk-ant-test-FAKE-5eed5eed-ssmleak";
  const std::string openai_key = "sk-test-FAKE-0ddba11a-ssmleak";
  const std::string aws_secret = "FAKEawsSECRETkey-b16b00b5-awsleak";
  FakeLlmServer fake;
  fake.fake().control(
      json{{"api_keys", {{"anthropic", claude_key}, {"openai", openai_key}}},
           {"ssm_parameters", {{"/cs/claude", claude_key}, {"/cs/openai", openai_key}}}});
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.start({"--store", "sqlite:" + dir.file("cs.db")},
                           {{"ANTHROPIC_API_KEY", ""},
                            {"OPENAI_API_KEY", ""},
                            {"CLAUDE_PARAMETER_NAME", "/cs/claude"},
                            {"OPENAI_PARAMETER_NAME", "/cs/openai"},
                            {"AWS_REGION", "us-east-1"},
                            {"AWS_ACCESS_KEY_ID", "AKIDFAKEEXAMPLE"},
                            {"AWS_SECRET_ACCESS_KEY", aws_secret},
                            {"AWS_SESSION_TOKEN", ""},
                            {"AWS_ENDPOINT_URL_SSM", fake.url()},
                            {"ANTHROPIC_BASE_URL", fake.url()},
                            {"OPENAI_BASE_URL", fake.url("/v1")}}))
      << server.logs();
  const auto everything = everythingTheServerSays(server, fake, "sk-ant-test-FAKE-other");
  EXPECT_GT(fake.fake().stats()["ssm_requests"].get<int>(), 0) << "the keys came from SSM";
  expectNoneOf(everything, {"5eed5eed", "0ddba11a", "ssmleak", "b16b00b5", "awsleak"});
}

}  // namespace
}  // namespace cs::testing
