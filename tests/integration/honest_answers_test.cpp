// Honest answers end to end: the real binary on loopback calling the fake LLM. A ?model=
// request that cannot get a saying from its model says why (503/504 naming the model); a
// saying's card figures tell what this request cost apart from what generating the saying cost,
// equal to the tokens the fake reported at the catalog's prices; a compare reports the real
// number of attempts of each call, as JSON and as server-sent events.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

class HonestAnswers : public ::testing::Test {
 protected:
  void start(const std::string& extra = "", bool cache_enabled = true) {
    std::ofstream(dir_.file("cs.toml"))
        << "[server]\nworker_threads = 16\n"
        << "[store]\nurl = \"sqlite:" << dir_.file("cs.db")
        << "\"\nid_list_ttl_ms = 0\nitem_cache_ttl_ms = 0\n"
        // One batch fills a pool (high water 2 of 3 made): no refill follows a ?model= call,
        // so the fake's count for that model is exactly the request's own call.
        << "[cache]\nlow_water = 1\nhigh_water = 2\ncapacity = 6\nretry_backoff_ms = 600000\n"
        << "enabled = " << (cache_enabled ? "true" : "false") << "\n"
        << "[flow]\ncold_start_store_requests = 0\n"
        << "[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n"
        << extra;
    const std::map<std::string, std::string> env = {
        {"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-honest"},
        {"OPENAI_API_KEY", "sk-test-FAKE-honest"},
        {"ANTHROPIC_BASE_URL", fake_.url()},
        {"OPENAI_BASE_URL", fake_.url("/v1")}};
    ASSERT_TRUE(server_.start({"--config", dir_.file("cs.toml")}, env)) << server_.logs();
  }
  HttpResult get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return httpRequest("GET", server_.url(path), {}, headers, 30'000);
  }
  json body(const HttpResult& r) {
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.body;
    return j;
  }
  // The catalog entry of `id` from /api/models (prices, upstream name).
  json model(const std::string& id) {
    const json models = body(get("/api/models"));  // kept: the loop reads into it
    for (const auto& m : models["models"])
      if (m["id"] == id) return m;
    ADD_FAILURE() << "no model " << id;
    return json::object();
  }
  // Tokens the fake reported for the upstream model, over all its answers so far.
  std::pair<std::int64_t, std::int64_t> fakeUsage(const std::string& upstream_model) {
    const json stats = fake_.fake().stats();  // kept: the lookups read into it
    const auto& usage = stats["usage_by_model"];
    if (!usage.contains(upstream_model)) return {0, 0};
    return {usage[upstream_model]["input_tokens"].get<std::int64_t>(),
            usage[upstream_model]["output_tokens"].get<std::int64_t>()};
  }
  int fakeAnswers(const std::string& upstream_model) {
    const json stats = fake_.fake().stats();
    const auto& by = stats["by_model"];
    return by.contains(upstream_model) ? by[upstream_model].get<int>() : 0;
  }

  TempDir dir_;
  FakeLlmServer fake_;
  ServerProcess server_;
};

double usd(double v) {
  return std::round(v * 1e9) / 1e9;
}

TEST_F(HonestAnswers, RequestCostIsTheCallItMadeSayingCostItsShareBothAsTheUpstreamReported) {
  start();
  const json haiku = model("claude-haiku-4-5");
  const double in_price = haiku["input_cost_per_token"], out_price = haiku["output_cost_per_token"];
  const std::string upstream = haiku["upstream_model"];
  ASSERT_EQ(fakeAnswers(upstream), 0);

  // The first request for the model: its pool is empty, the request makes the call.
  auto r = get("/api/sayings?model=claude-haiku-4-5");
  ASSERT_EQ(r.status, 200) << r.body;
  const json made = body(r);
  EXPECT_EQ(made["source"], "llm");
  ASSERT_TRUE(waitFor([&] { return fakeAnswers(upstream) >= 1; }));
  EXPECT_EQ(fakeAnswers(upstream), 1) << "the call was the request's only";
  const auto [in, out] = fakeUsage(upstream);
  ASSERT_GT(in, 0);
  EXPECT_EQ(made["request_tokens"]["input"], in);
  EXPECT_EQ(made["request_tokens"]["output"], out);
  EXPECT_DOUBLE_EQ(made["request_cost_usd"].get<double>(), usd(in * in_price + out * out_price));
  // The saying's generation cost is its share of the batch: its tokens at the same prices.
  const std::int64_t s_in = made["tokens"]["input"], s_out = made["tokens"]["output"];
  EXPECT_LT(s_in, in);
  EXPECT_DOUBLE_EQ(made["saying_cost_usd"].get<double>(), usd(s_in * in_price + s_out * out_price));
  EXPECT_LT(made["saying_cost_usd"].get<double>(), made["request_cost_usd"].get<double>());

  // The next one comes from the pool that call filled: this request cost nothing.
  const json cached = body(get("/api/sayings?model=claude-haiku-4-5"));
  EXPECT_EQ(cached["source"], "cache");
  EXPECT_EQ(cached["request_cost_usd"], 0);
  EXPECT_EQ(cached["request_tokens"]["input"], 0);
  const std::int64_t c_in = cached["tokens"]["input"], c_out = cached["tokens"]["output"];
  EXPECT_DOUBLE_EQ(cached["saying_cost_usd"].get<double>(),
                   usd(c_in * in_price + c_out * out_price));
  EXPECT_EQ(fakeAnswers(upstream), 1);

  // Money is rounded to 1e-9 USD in every JSON answer: no amount with more than 9 decimals.
  const std::regex long_money(R"((cost|usd)[a-z_0-9]*":-?[0-9]+\.[0-9]{10,})");
  for (const char* path : {"/api/sayings?model=claude-haiku-4-5", "/api/models", "/api/stats",
                           "/api/compare?models=gpt-4.1,claude-haiku-4-5"}) {
    const auto answer = get(path);
    EXPECT_EQ(answer.status, 200) << path << ": " << answer.body;
    EXPECT_FALSE(std::regex_search(answer.body, long_money)) << path << ": " << answer.body;
  }
}

TEST_F(HonestAnswers, AFailingModelIs503UpstreamErrorThenCircuitOpenNamingTheModel) {
  // Every answer of gpt-4.1-mini is a 500; one attempt per call, and one failure opens its
  // breaker.
  ASSERT_EQ(fake_.fake().control({{"models", {{"gpt-4.1-mini", {{"status", 500}}}}}}), "");
  start("[llm]\nmax_attempts = 1\nbreaker_failures = 1\nbreaker_cooldown_ms = 600000\n");
  auto r = get("/api/sayings?model=gpt-4.1-mini");
  ASSERT_EQ(r.status, 503) << r.body;
  const json failed = body(r);
  EXPECT_EQ(failed["error"], "upstream_error");
  EXPECT_EQ(failed["model"], "gpt-4.1-mini");
  const std::string message = failed["message"];
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
  EXPECT_EQ(message.find("127.0.0.1"), std::string::npos) << message;  // no raw addresses
  EXPECT_EQ(message.find(std::to_string(fake_.port())), std::string::npos) << message;
  EXPECT_EQ(message.find("sk-"), std::string::npos) << message;

  auto again = get("/api/sayings?model=gpt-4.1-mini");
  ASSERT_EQ(again.status, 503) << again.body;
  EXPECT_EQ(body(again)["error"], "circuit_open");
  EXPECT_EQ(body(again)["model"], "gpt-4.1-mini");
  // The other models still answer.
  EXPECT_EQ(get("/api/sayings?model=gpt-4.1").status, 200);
}

TEST_F(HonestAnswers, CompareReportsTheRealAttemptsAsJsonAndAsEvents) {
  start("", /*cache_enabled=*/false);
  const auto retry_once = [&](const std::string& id) {
    ASSERT_EQ(fake_.fake().control({{"models",
                                     {{model(id)["upstream_model"].get<std::string>(),
                                       {{"statuses", {529}}, {"retry_after", "0"}}}}}}),
              "");
  };
  retry_once("claude-haiku-4-5");
  auto r = httpRequest("POST", server_.url("/api/compare"),
                       R"({"models":["claude-haiku-4-5","gpt-4.1"]})",
                       {"Content-Type: application/json"}, 30'000);
  ASSERT_EQ(r.status, 200) << r.body;
  for (const auto& o : body(r)["results"]) {
    EXPECT_EQ(o["ok"], true) << o;
    EXPECT_EQ(o["attempts"], o["model"] == "claude-haiku-4-5" ? 2 : 1) << o;
  }

  retry_once("gpt-4.1-mini");
  auto sse =
      get("/api/compare?models=gpt-4.1-mini,claude-sonnet-4-5", {"Accept: text/event-stream"});
  ASSERT_EQ(sse.status, 200);
  std::map<std::string, int> attempts;
  std::istringstream events(sse.body);
  for (std::string line; std::getline(events, line);)
    if (line.starts_with("data: ") && line.find("\"attempts\"") != std::string::npos) {
      auto o = json::parse(line.substr(6));
      EXPECT_EQ(o["ok"], true) << o;
      attempts[o["model"]] = o["attempts"];
    }
  EXPECT_EQ(attempts, (std::map<std::string, int>{{"claude-sonnet-4-5", 1}, {"gpt-4.1-mini", 2}}))
      << sse.body;
  // The fake answered gpt-4.1-mini twice (the 529, then the sayings): the attempts are real.
  EXPECT_EQ(fakeAnswers(model("gpt-4.1-mini")["upstream_model"]), 2);
}

TEST_F(HonestAnswers, WithTheCacheDisabledAModelRequestIsAMarkedStoreFallback) {
  start("", /*cache_enabled=*/false);
  auto r = get("/api/sayings?model=claude-haiku-4-5");
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = body(r);
  EXPECT_EQ(j["source"], "store");
  EXPECT_EQ(j["requested_model"], "claude-haiku-4-5");
  EXPECT_EQ(j["fallback_reason"], "generation_disabled");
  EXPECT_EQ(j["request_cost_usd"], 0);
  EXPECT_EQ(fake_.fake().stats()["requests"], 0);
}

}  // namespace
}  // namespace cs::testing
