// The real binary, its cache builder on, against a fake that answers every hostile shape of
// tests/support/hostile_shapes.cpp byte for byte (the fake's "raw" control). After each shape
// the process still serves: /healthz 200, /api/compare reports the shape's error for the model
// fed garbage and sayings for the healthy one, and the error metric counts it. Issue 13: one
// number where a string belonged used to std::terminate the server on a background refill.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "fakes/fake_llm.hpp"
#include "support/hostile_shapes.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

std::string base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    for (count += 8; count >= 6; count -= 6) out += kAlphabet[(bits >> (count - 6)) & 0x3F];
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3F];
  while (out.size() % 4) out += '=';
  return out;
}

class HostileUpstream : public ::testing::Test {
 protected:
  void SetUp() override {
    // One attempt per call and a breaker that never opens: every compare reaches the fake, so
    // each shape is what the model's result reports.
    std::ofstream(dir_.file("cs.toml"))
        << "[server]\nworker_threads = 16\n"
        << "[store]\nurl = \"sqlite:" << dir_.file("cs.db")
        << "\"\nid_list_ttl_ms = 0\nitem_cache_ttl_ms = 0\n"
        << "[log]\naccess_log = false\n"
        << "[cache]\nhigh_water = 3\nretry_backoff_ms = 1000\ncall_timeout_ms = 3000\n"
        << "[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n"
        << "[compare]\ndeadline_ms = 8000\n"
        << "[llm]\nconnect_timeout_ms = 1000\ncall_timeout_ms = 5000\nmax_attempts = 1\n"
        << "breaker_failures = 1000\nbreaker_window_ms = 1000\nbreaker_cooldown_ms = 10\n";
    const std::map<std::string, std::string> env = {
        {"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-hostile"},
        {"OPENAI_API_KEY", "sk-test-FAKE-hostile"},
        {"ANTHROPIC_BASE_URL", fake_.url()},
        {"OPENAI_BASE_URL", fake_.url("/v1")}};
    ASSERT_TRUE(server_.start({"--config", dir_.file("cs.toml")}, env)) << server_.logs();
  }

  void feed(const std::string& model, const HostileShape& shape) {
    const json raw = {{"status", shape.status},
                      {"content_type", shape.content_type},
                      {"body_base64", base64(shape.body)}};
    ASSERT_EQ(fake_.fake().control(json{{"models", {{model, {{"raw", raw}}}}}}), "");
  }

  double errors(const std::string& model, const std::string& type) {
    const auto text = httpRequest("GET", server_.url("/metrics"), {}, {}, 30'000).body;
    return metricValue(text, "cloudsayings_llm_errors_total{model=\"" + model + "\",error_type=\"" +
                                 type + "\"}")
        .value_or(0);
  }

  // Fires every shape of `provider` at `garbage`, with `healthy` (the other provider) beside it.
  int fireAll(const std::string& provider, const std::string& garbage, const std::string& healthy) {
    int survived = 0;
    for (const auto& shape : hostileShapes(provider)) {
      SCOPED_TRACE(provider + ": " + shape.name);
      feed(garbage, shape);
      const double before = errors(garbage, shape.error_type);
      auto r = httpRequest("POST", server_.url("/api/compare"),
                           json{{"models", {garbage, healthy}}}.dump(),
                           {"Content-Type: application/json"}, 30'000);
      EXPECT_EQ(r.status, 200) << r.body << " " << r.error;
      auto doc = json::parse(r.body, nullptr, false);
      if (!doc.is_object() || !doc.contains("results")) {
        ADD_FAILURE() << "no compare results: " << r.body.substr(0, 300) << "\n" << server_.logs();
        return survived;
      }
      for (const auto& result : doc["results"]) {
        if (result["model"] == garbage) {
          EXPECT_EQ(result["ok"], false) << result.dump();
          EXPECT_EQ(result["error"]["error"], shape.error_type) << result.dump();
        } else {
          EXPECT_EQ(result["ok"], true) << result.dump();
          EXPECT_FALSE(result["sayings"].empty()) << result.dump();
        }
      }
      EXPECT_GT(errors(garbage, shape.error_type), before);
      const auto health = httpRequest("GET", server_.url("/healthz"));
      if (health.status != 200) {
        ADD_FAILURE() << "the server died on this shape\n" << server_.logs();
        return survived;
      }
      ++survived;
    }
    return survived;
  }

  TempDir dir_;
  FakeLlmServer fake_;
  ServerProcess server_;
};

TEST_F(HostileUpstream, EveryShapeOfBothProvidersIsThatModelsErrorAndTheProcessServesOn) {
  const int anthropic = fireAll("anthropic", "claude-haiku-4-5", "gpt-4.1");
  ASSERT_EQ(fake_.fake().control(json{{"reset", true}}), "");
  const int openai = fireAll("openai", "gpt-4.1", "claude-haiku-4-5");
  EXPECT_GE(anthropic, 40);
  EXPECT_GE(openai, 40);
  std::cout << "[ hostile ] the process survived " << anthropic << " Anthropic and " << openai
            << " OpenAI hostile shapes\n";
  // The cache builder met them too (its refills call every model): still serving sayings.
  auto sayings = httpRequest("GET", server_.url("/api/sayings"), {}, {}, 30'000);
  EXPECT_EQ(sayings.status, 200) << sayings.body;
  ASSERT_EQ(server_.stop(), 0) << server_.logs();
}

}  // namespace
}  // namespace cs::testing
