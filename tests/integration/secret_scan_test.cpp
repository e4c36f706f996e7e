// Distinctive fake keys (one from the environment, one from a file) go into a server that
// then runs compare, sayings, models, metrics and upstream faults; no response, log line or
// metric may contain any part of them.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

TEST(SecretScan, KeysFromEnvAndFileNeverLeaveTheProcess) {
  const std::string env_key = "sk-ant-test-FAKE-c0ffee11-envleak";
  const std::string file_key = "sk-test-FAKE-d15ea5e2-fileleak";
  FakeLlmServer fake;
  fake.fake().control(nlohmann::json{{"api_keys", {{"anthropic", env_key}, {"openai", file_key}}}});
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
  std::string everything;
  auto get = [&](const std::string& path) {
    auto r = httpRequest("GET", server.url(path), {}, {}, 30'000);
    everything += r.body;
    for (const auto& [k, v] : r.headers) everything += k + ": " + v + "\n";
    return r;
  };
  auto first = get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto results = nlohmann::json::parse(first.body)["results"];
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results)
    EXPECT_TRUE(r["error"].is_null()) << r.dump() << " (both keys must work)";
  for (int i = 0; i < 6; ++i) get("/api/sayings");
  get("/api/models");
  // Faults: errors and rejected keys take the error paths, which log the most.
  fake.fake().control(nlohmann::json{{"statuses", {500, 500, 500, 500, 500, 500}}});
  get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  fake.fake().control(nlohmann::json{{"api_keys", {{"anthropic", "sk-ant-test-FAKE-other"}}}});
  get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  fake.fake().control(nlohmann::json{{"reset", true}, {"mode", "malformed_json"}});
  get("/api/compare?models=claude-haiku-4-5,gpt-4.1-mini");
  get("/metrics");
  server.stop();
  everything += server.logs();
  ASSERT_FALSE(everything.empty());
  for (auto part : {"c0ffee11", "d15ea5e2", "envleak", "fileleak"})
    EXPECT_EQ(everything.find(part), std::string::npos) << "leaked: " << part;
}

}  // namespace
}  // namespace cs::testing
