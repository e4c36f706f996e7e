// The ledger end to end: the real binary on loopback calling the fake LLM with every purpose
// (cache builder, ?model=, compare JSON, compare SSE). The tokens the fake's answers reported,
// per model, equal /api/stats spend per model and the Prometheus sums; then the Logs Insights
// queries' semantics over the same run's log lines agree with what the clients saw.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

struct Tokens {
  std::int64_t input = 0, output = 0;
  bool operator==(const Tokens&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Tokens& t) {
  return os << "{in " << t.input << ", out " << t.output << "}";
}

// Sums of one Prometheus family by label value of `by`, optionally only series with
// `direction`="..." (the text format: name{labels} value).
std::map<std::string, double> promSums(const std::string& text, const std::string& name,
                                       const std::string& by, const std::string& direction = "") {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(name + "{")) continue;
    const auto labels = line.substr(name.size(), line.rfind(' ') - name.size());
    if (!direction.empty() && labels.find("direction=\"" + direction + "\"") == std::string::npos)
      continue;
    const auto at = labels.find(by + "=\"");
    if (at == std::string::npos) continue;
    const auto start = at + by.size() + 2;
    out[labels.substr(start, labels.find('"', start) - start)] +=
        std::stod(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

class LedgerE2e : public ::testing::Test {
 protected:
  void start() {
    std::ofstream(dir_.file("cs.toml"))
        << "[server]\nworker_threads = 32\n"
        << "[store]\nurl = \"sqlite:" << dir_.file("cs.db")
        << "\"\nid_list_ttl_ms = 0\nitem_cache_ttl_ms = 0\n"
        // Small pools (one batch each) so the builder goes quiet between the steps, and a long
        // failure backoff so a model whose first refill failed stays empty until asked for.
        << "[cache]\nlow_water = 1\nhigh_water = 3\ncapacity = 6\nretry_backoff_ms = 600000\n"
        << "[flow]\ncold_start_store_requests = 0\n"
        // Flushed rollups and this instance's pending rows both count: flush often.
        << "[stats]\nflush_interval_ms = 100\n";
    const std::map<std::string, std::string> env = {
        {"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-ledger"},
        {"OPENAI_API_KEY", "sk-test-FAKE-ledger"},
        {"ANTHROPIC_BASE_URL", fake_.url()},
        {"OPENAI_BASE_URL", fake_.url("/v1")}};
    ASSERT_TRUE(server_.start({"--config", dir_.file("cs.toml")}, env)) << server_.logs();
  }
  HttpResult get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return httpRequest("GET", server_.url(path), {}, headers, 30'000);
  }
  json getJson(const std::string& path) {
    auto r = get(path);
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }
  // Upstream model name -> catalog id, from /api/models.
  std::map<std::string, std::string> idsByUpstream() {
    std::map<std::string, std::string> out;
    const json models = getJson("/api/models");
    for (const auto& m : models["models"])
      out[m["upstream_model"].get<std::string>()] = m["id"].get<std::string>();
    return out;
  }
  std::map<std::string, Tokens> fakeTokens() {
    std::map<std::string, Tokens> out;
    const auto ids = idsByUpstream();
    const json stats = fake_.fake().stats();  // kept: the loop reads into it
    for (const auto& [model, u] : stats["usage_by_model"].items())
      out[ids.at(model)] = {u["input_tokens"].get<std::int64_t>(),
                            u["output_tokens"].get<std::int64_t>()};
    return out;
  }
  // Cache pool sizes (gauges).
  std::map<std::string, double> poolSizes() {
    std::map<std::string, double> out;
    std::istringstream lines(get("/metrics").body);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.starts_with("cloudsayings_cache_size{")) continue;
      auto q1 = line.find('"'), q2 = line.find('"', q1 + 1);
      out[line.substr(q1 + 1, q2 - q1 - 1)] = std::stod(line.substr(line.rfind(' ') + 1));
    }
    return out;
  }

  TempDir dir_;
  FakeLlmServer fake_;
  ServerProcess server_;
};

TEST_F(LedgerE2e, UpstreamReportedTokensEqualStatsSpendAndPrometheusForEveryPurpose) {
  // gpt-4.1-mini's first builder call fails (three 500s, no usage): its pool stays empty for
  // the backoff, so the ?model= request below makes its own call (purpose model_request).
  ASSERT_EQ(fake_.fake().control({{"models", {{"gpt-4.1-mini", {{"statuses", {500, 500, 500}}}}}}}),
            "");
  start();
  std::map<std::string, int> client_sources;
  int client_cache_hits = 0;
  auto saying = [&](const std::string& path) {
    auto r = get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    ++client_sources[j["source"].get<std::string>()];
    if (j["cached"].get<bool>()) ++client_cache_hits;
  };
  saying("/api/sayings");  // starts the builder (cache_fill)
  ASSERT_TRUE(waitFor([&] {
    auto sizes = poolSizes();
    return sizes["claude-haiku-4-5"] >= 3 && sizes["claude-sonnet-4-5"] >= 3 &&
           sizes["gpt-4.1"] >= 3;
  })) << server_.logs();
  for (int i = 0; i < 6; ++i) saying("/api/sayings");  // cache hits
  EXPECT_GE(client_cache_hits, 6);

  // Once its failed refill is over, ?model= on the empty pool makes a synchronous generation
  // for this request (while the refill ran, it would have joined it: honestly cache_fill).
  ASSERT_TRUE(waitFor([&] {
    return metricValue(get("/metrics").body,
                       R"(cloudsayings_cache_refill_failures_total{model="gpt-4.1-mini"})")
               .value_or(0) >= 1;
  })) << server_.logs();
  auto r = get("/api/sayings?model=gpt-4.1-mini");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["model"], "gpt-4.1-mini") << server_.logs();
  ++client_sources[json::parse(r.body)["source"].get<std::string>()];

  // Compare as JSON and as SSE (what the Compare page uses).
  ASSERT_EQ(fake_.fake().control(
                {{"models", {{"claude-haiku-4-5", {{"statuses", {529}}, {"retry_after", "0"}}}}}}),
            "");
  auto cmp = httpRequest("POST", server_.url("/api/compare"),
                         R"({"models":["claude-haiku-4-5","gpt-4.1"]})",
                         {"Content-Type: application/json"}, 30'000);
  ASSERT_EQ(cmp.status, 200) << cmp.body;
  std::map<std::string, Tokens> client_compare;
  for (const auto& o : json::parse(cmp.body)["results"]) {
    // haiku's first answer was a 529: the result says it took two attempts.
    EXPECT_EQ(o["attempts"], o["model"] == "claude-haiku-4-5" ? 2 : 1) << o;
    client_compare[o["model"]] = {o["tokens"]["input"], o["tokens"]["output"]};
  }
  auto sse =
      get("/api/compare?models=claude-sonnet-4-5,gpt-4.1-mini", {"Accept: text/event-stream"});
  ASSERT_EQ(sse.status, 200);
  int sse_results = 0;
  std::istringstream events(sse.body);
  for (std::string line; std::getline(events, line);)
    if (line.starts_with("data: ") && line.find("\"attempts\"") != std::string::npos) {
      auto o = json::parse(line.substr(6));
      EXPECT_EQ(o["attempts"], 1) << o;
      ++sse_results;
    }
  EXPECT_EQ(sse_results, 2) << sse.body;

  // A consistent moment: the fake's counts unchanged across reading the app's figures.
  std::map<std::string, Tokens> upstream, stats_spend, prom;
  json stats;
  std::string metrics;
  const bool settled = waitFor([&] {
    auto before = fakeTokens();
    metrics = get("/metrics").body;
    stats = getJson("/api/stats");
    upstream = fakeTokens();
    if (before != upstream) return false;
    stats_spend.clear();
    for (const auto& m : stats["models"])
      if (m["spend"]["calls"].get<int>() > 0)
        stats_spend[m["model"]] = {m["spend"]["input_tokens"], m["spend"]["output_tokens"]};
    prom.clear();
    for (const auto& [model, v] :
         promSums(metrics, "cloudsayings_llm_tokens_total", "model", "input"))
      prom[model].input = static_cast<std::int64_t>(v);
    for (const auto& [model, v] :
         promSums(metrics, "cloudsayings_llm_tokens_total", "model", "output"))
      prom[model].output = static_cast<std::int64_t>(v);
    std::erase_if(prom, [](const auto& kv) { return kv.second == Tokens{}; });
    return upstream == stats_spend && upstream == prom;
  });
  EXPECT_TRUE(settled);
  EXPECT_EQ(upstream.size(), 4u);
  EXPECT_EQ(stats_spend, upstream);
  EXPECT_EQ(prom, upstream);

  // Totals = the sum over models; every purpose was exercised.
  const auto& spend = stats["totals"]["spend"];
  Tokens sum;
  for (const auto& [m, t] : upstream) sum = {sum.input + t.input, sum.output + t.output};
  EXPECT_EQ(spend["input_tokens"], sum.input);
  EXPECT_EQ(spend["output_tokens"], sum.output);
  for (const char* p : {"cache_fill", "model_request", "compare"})
    EXPECT_GT(spend["by_purpose"][p]["calls"].get<int>(), 0) << p << stats.dump();
  EXPECT_EQ(spend["by_purpose"]["compare"]["calls"], 4);
  EXPECT_GE(spend["failed_calls"].get<int>(), 1);  // gpt-4.1-mini's failed refill
  // The compare clients saw their calls' tokens; the ledger's compare share holds them.
  std::int64_t compare_in = 0;
  for (const auto& [m, t] : client_compare) compare_in += t.input;
  EXPECT_GE(spend["by_purpose"]["compare"]["input_tokens"].get<std::int64_t>(), compare_in);
  // Cost is the catalog's price of those tokens, rounded to 1e-9 like all money.
  const auto cost_sum = promSums(metrics, "cloudsayings_llm_cost_usd_total", "model");
  double prom_cost = 0;
  for (const auto& [m, v] : cost_sum) prom_cost += v;
  EXPECT_NEAR(spend["cost_usd"].get<double>(), prom_cost, 1e-8);
  EXPECT_GT(prom_cost, 0.0);
  double per_model = 0;
  for (const auto& m : stats["models"]) per_model += m["spend"]["cost_usd"].get<double>();
  EXPECT_NEAR(per_model, spend["cost_usd"].get<double>(), 1e-8);
  // Provider figures add up too.
  std::int64_t provider_in = 0;
  for (const auto& p : stats["providers"]) provider_in += p["spend"]["input_tokens"].get<int>();
  EXPECT_EQ(provider_in, sum.input);
  const auto calls = promSums(metrics, "cloudsayings_llm_calls_total", "purpose");
  EXPECT_EQ(calls.at("compare"), 4);
  EXPECT_EQ(metrics.find("model=\"none\""), std::string::npos);

  // The flushed rollups survive a restart: spend read back from the store alone.
  ASSERT_EQ(server_.stop(SIGTERM), 0);
  const auto lines = server_.logLines();
  start();
  auto again = getJson("/api/stats");
  EXPECT_EQ(again["totals"]["spend"]["input_tokens"], sum.input) << again.dump();
  ASSERT_EQ(server_.stop(SIGTERM), 0);

  // Logs Insights, the seed's three queries over the first run's lines.
  // 2. filter ispresent(extra_fields.source) | stats avg(execution_time) by source
  std::map<std::string, int> by_source;
  // 3. filter ispresent(extra_fields.cache_hit) | stats count() by cache_hit
  std::map<bool, int> cache_hit;
  // 1. filter ispresent(error_type) and error_type != "" | stats count() by error_type, model
  std::map<std::string, int> errors;
  int llm_lines = 0;
  std::int64_t llm_line_tokens = 0;
  for (const auto& text : lines) {
    auto line = json::parse(text, nullptr, false);
    if (!line.is_object() || !line.contains("extra_fields")) continue;
    const auto& f = line["extra_fields"];
    if (line["message"] == "LLM call succeeded") {
      ++llm_lines;
      // Written by hand (gateway_impl.cpp): every field, of the right type.
      EXPECT_TRUE(f["attempts"].is_number_integer() && f["attempts"].get<int>() >= 1) << text;
      EXPECT_TRUE(f["cost_usd"].is_number() && f["llm_ms"].is_number()) << text;
      EXPECT_TRUE(upstream.contains(f["model"].get<std::string>())) << text;
      EXPECT_TRUE(f["provider"].is_string() && f["purpose"].is_string()) << text;
      EXPECT_EQ(f.contains("sayings"), f["purpose"] != "passthrough") << text;
      llm_line_tokens += f["tokens"].get<std::int64_t>();
    }
    if (f.contains("source")) {
      EXPECT_TRUE(f["execution_time"].is_number()) << text;
      ++by_source[f["source"].get<std::string>()];
    }
    if (f.contains("cache_hit")) ++cache_hit[f["cache_hit"].get<bool>()];
    if (f.contains("error_type") && f["error_type"].is_string() && f["error_type"] != "")
      ++errors[f["error_type"].get<std::string>() + "/" + f.value("model", "")];
  }
  EXPECT_GT(llm_lines, 0);
  // The succeeded calls' lines hold their tokens; a failed call that spent some is not there.
  EXPECT_GT(llm_line_tokens, 0);
  EXPECT_LE(llm_line_tokens, sum.input + sum.output);
  // Compare answers carry source "llm" on their access line; saying answers as the client saw.
  std::map<std::string, int> expected_sources = client_sources;
  expected_sources["llm"] += 2;
  EXPECT_EQ(by_source, expected_sources);
  EXPECT_EQ(cache_hit[true], client_cache_hits);
  int saying_requests = 0;
  for (const auto& [s, n] : client_sources) saying_requests += n;
  EXPECT_EQ(cache_hit[true] + cache_hit[false], saying_requests + 2);
  // The one failed call (the refill's three 500s are attempts of it): counted once, as the
  // ledger counts it; the "Cache refill failed" line does not carry error_type.
  EXPECT_EQ(errors["server_error/gpt-4.1-mini"], 1);
}

}  // namespace
}  // namespace cs::testing
