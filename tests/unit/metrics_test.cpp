#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_clock.hpp"
#include "obs/emf.hpp"
#include "obs/metrics.hpp"
#include "service/request_stats.hpp"
#include "store/sqlite_store.hpp"

namespace cs {
namespace {

obs::RequestSample sample(std::string_view source, std::string_view model, double ms) {
  obs::RequestSample s;
  s.source = source;
  s.model = model;
  s.total_ms = ms;
  return s;
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  obs::Metrics m;
  m.recordRequest(sample("cache", "haiku", 0.2));  // 0.0002 s
  m.recordRequest(sample("cache", "haiku", 3.0));
  auto llm = sample("llm", "haiku", 1500.0);
  llm.api_ms = 1400.0;
  llm.tokens = 150;
  llm.cost_usd = 0.000375;
  m.recordRequest(llm);
  const std::string text = m.renderPrometheus();
  const std::string base = "cloudsayings_total_execution_time_seconds";
  EXPECT_NE(text.find("# TYPE " + base + " histogram"), std::string::npos);
  EXPECT_NE(text.find(base + R"(_bucket{source="cache",model="haiku",le="0.0005"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(base + R"(_bucket{source="cache",model="haiku",le="0.005"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(base + R"(_bucket{source="cache",model="haiku",le="+Inf"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(base + R"(_count{source="cache",model="haiku"} 2)"), std::string::npos);
  EXPECT_NE(text.find(R"(cloudsayings_api_latency_seconds_count{source="llm",model="haiku"} 1)"),
            std::string::npos);
  EXPECT_EQ(text.find(R"(cloudsayings_api_latency_seconds_count{source="cache")"),
            std::string::npos)
      << "no upstream call, no APILatency";
  EXPECT_NE(text.find(R"(cloudsayings_tokens_used_total{source="llm",model="haiku"} 150)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(cloudsayings_cost_usd_total{source="llm",model="haiku"} 0.000375)"),
            std::string::npos);
}

TEST(Metrics, CacheHitsErrorsResponsesAndNamedSeries) {
  obs::Metrics m;
  auto hit = sample("cache", "gpt-4.1", 1);
  hit.cache_hit = true;
  m.recordRequest(hit);
  auto failed = sample("fallback", "none", 2);
  failed.status = 503;
  m.recordRequest(failed);
  m.recordResponse(200);
  m.recordResponse(404);
  m.recordResponse(404);
  m.counter("cloudsayings_dedup_drops_total", "Dropped duplicates.", {{"model", "x\"y"}}).inc(2);
  int renders = 0;
  m.onRender([&](obs::Metrics& self) {
    ++renders;
    self.gauge("cloudsayings_circuit_state", "0 closed, 1 half-open, 2 open.", {{"model", "haiku"}})
        .set(2);
  });
  const std::string text = m.renderPrometheus();
  EXPECT_EQ(renders, 1);
  EXPECT_NE(text.find(R"(cloudsayings_cache_hit_total{source="cache",model="gpt-4.1"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(cloudsayings_errors_total{source="fallback",model="none"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(cloudsayings_http_responses_total{code="4xx"} 2)"), std::string::npos);
  EXPECT_NE(text.find(R"(cloudsayings_dedup_drops_total{model="x\"y"} 2)"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "# TYPE cloudsayings_circuit_state gauge\ncloudsayings_circuit_state{model=\"haiku\"} 2"),
      std::string::npos);
}

TEST(Metrics, BoundsTheNumberOfModelSeries) {
  obs::Metrics m;
  std::vector<std::string> models;
  for (std::size_t i = 0; i < obs::Metrics::kMaxRequestSeries + 10; ++i)
    models.push_back("m" + std::to_string(i));
  for (const auto& id : models) m.recordRequest(sample("llm", id, 1));
  const std::string text = m.renderPrometheus();
  EXPECT_NE(text.find(R"(cloudsayings_requests_total{source="llm",model="other"} 10)"),
            std::string::npos);
}

// TokensUsed and Cost come from the ledger's spend lines (ledger_test.cpp, LedgerEmf).
TEST(Emf, CarriesTheRequestMetricsAndDimensions) {
  auto s = sample("llm", "claude-haiku-4-5", 1234.5);
  s.api_ms = 1200.0;
  s.tokens = 150;
  s.cost_usd = 0.000375;
  auto j = nlohmann::json::parse(obs::emfLine(s, 1'700'000'000'000));
  const auto& def = j["_aws"]["CloudWatchMetrics"][0];
  EXPECT_EQ(j["_aws"]["Timestamp"], 1'700'000'000'000);
  EXPECT_EQ(def["Namespace"], "CloudSayings");
  EXPECT_EQ(def["Dimensions"], nlohmann::json::parse(R"([["source","model"]])"));
  std::vector<std::string> names;
  for (const auto& metric : def["Metrics"]) {
    names.push_back(metric["Name"]);
    EXPECT_TRUE(j.contains(metric["Name"].get<std::string>()))
        << "every declared metric has a value";
  }
  EXPECT_EQ(names, (std::vector<std::string>{"TotalExecutionTime", "APILatency", "CacheHit"}));
  EXPECT_EQ(def["Metrics"][0]["Unit"], "Milliseconds");
  EXPECT_EQ(j["source"], "llm");
  EXPECT_EQ(j["model"], "claude-haiku-4-5");
  EXPECT_EQ(j["TotalExecutionTime"], 1234.5);
  EXPECT_EQ(j["APILatency"], 1200.0);
  EXPECT_FALSE(j.contains("TokensUsed")) << "a request's share would double-count the ledger";
  EXPECT_EQ(j["CacheHit"], 0);
  auto cached = nlohmann::json::parse(obs::emfLine(sample("cache", "x", 0.1), 0, "Other"));
  EXPECT_FALSE(cached.contains("APILatency")) << "only when an upstream call was made";
  EXPECT_EQ(cached["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Other");
}

TEST(RequestStatsRecorder, RollsUpPerMinuteModelAndSourceAndFlushesInOneBatch) {
  SqliteStore store(":memory:");
  testing::FakeClock clock;
  clock.setWallMs(10 * 60'000 + 5'000);
  RequestStatsRecorder recorder(store, clock, {std::chrono::hours(1), false});
  auto hit = sample("cache", "haiku", 2.0);
  hit.cache_hit = true;
  recorder.record(hit);
  recorder.record(hit);
  auto llm = sample("llm", "haiku", 900.0);
  llm.api_ms = 850.0;
  llm.tokens = 100;
  llm.cost_usd = 0.25;
  recorder.record(llm);
  clock.advance(std::chrono::seconds(60));
  recorder.record(hit);  // the next minute
  EXPECT_EQ(recorder.pending().size(), 3u);
  EXPECT_TRUE(store.listRequestStats({}).value().empty()) << "nothing written per request";
  ASSERT_EQ(recorder.flush().value(), 3u);
  EXPECT_TRUE(recorder.pending().empty());
  auto rows = store.listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 3u);
  std::int64_t invocations = 0, hits = 0, api_calls = 0;
  for (const auto& r : rows) {
    invocations += r.invocations;
    hits += r.cache_hits;
    api_calls += r.api_calls;
    EXPECT_EQ(r.minute_ms % 60'000, 0);
    if (r.source == "llm") {
      EXPECT_EQ(r.minute_ms, 10 * 60'000);
      EXPECT_EQ(r.tokens, 100);
      EXPECT_DOUBLE_EQ(r.cost_usd, 0.25);
      EXPECT_DOUBLE_EQ(r.api_ms, 850.0);
    }
  }
  EXPECT_EQ(invocations, 4);
  EXPECT_EQ(hits, 3);
  EXPECT_EQ(api_calls, 1);
  EXPECT_EQ(recorder.flush().value(), 0u) << "empty flush writes nothing";
}

TEST(RequestStatsRecorder, DestructorFlushesWhatIsLeft) {
  SqliteStore store(":memory:");
  testing::FakeClock clock;
  {
    RequestStatsRecorder recorder(store, clock, {std::chrono::hours(1), true});
    recorder.record(sample("store", "corpus", 1.0));
  }
  auto rows = store.listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].invocations, 1);
}

}  // namespace
}  // namespace cs
