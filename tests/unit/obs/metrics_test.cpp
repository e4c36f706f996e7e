#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "obs/metrics.hpp"
#include "support/samples.hpp"
#include "support/threads.hpp"

namespace cs {
namespace {

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  obs::Metrics m;
  m.recordRequest(cs::testing::requestSample("cache", "haiku", 0.2));  // 0.0002 s
  m.recordRequest(cs::testing::requestSample("cache", "haiku", 3.0));
  auto llm = cs::testing::requestSample("llm", "haiku", 1500.0);
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
  auto hit = cs::testing::requestSample("cache", "gpt-4.1", 1);
  hit.cache_hit = true;
  m.recordRequest(hit);
  auto failed = cs::testing::requestSample("fallback", "none", 2);
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
  for (const auto& id : models) m.recordRequest(cs::testing::requestSample("llm", id, 1));
  const std::string text = m.renderPrometheus();
  EXPECT_NE(text.find(R"(cloudsayings_requests_total{source="llm",model="other"} 10)"),
            std::string::npos);
}

}  // namespace
}  // namespace cs

namespace {

// Shared state touched from every I/O thread, hammered from several threads at once. These run
// in every preset; under the `tsan` preset they are what ThreadSanitizer checks for races.

TEST(Concurrency, MetricsCountEveryRequestWhileBeingScraped) {
  cs::obs::Metrics metrics;
  constexpr int kEach = 2'000;
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done) EXPECT_FALSE(metrics.renderPrometheus().empty());
  });
  cs::testing::onThreads([&](int t) {
    const std::string model = t % 2 ? "gpt-4.1" : "claude-haiku-4-5";
    for (int i = 0; i < kEach; ++i) {
      metrics.recordResponse(200);
      metrics.recordRequest({"cache", model, 200, 1.5, std::nullopt, 10, 0.001, true});
      metrics.counter("cloudsayings_test_events_total", "Test events.").inc();
    }
  });
  done = true;
  scraper.join();
  const std::string text = metrics.renderPrometheus();
  const int per_model = kEach * cs::testing::kThreads / 2;
  for (const char* model : {"gpt-4.1", "claude-haiku-4-5"}) {
    const std::string line = std::string(R"(cloudsayings_requests_total{source="cache",model=")") +
                             model + "\"} " + std::to_string(per_model);
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_NE(
      text.find("cloudsayings_test_events_total " + std::to_string(kEach * cs::testing::kThreads)),
      std::string::npos);
}

}  // namespace

namespace cs::testing {
namespace {

// Metrics counted in per-thread shards, merged by the reader that renders them.

TEST(MetricsShards, RequestsCountedOnManyThreadsAreAllRendered) {
  obs::Metrics metrics;
  constexpr int kEach = 2'500;  // on each of kThreads (4) threads
  onThreads([&](int) {
    obs::RequestSample s;
    s.source = "store";
    s.model = "corpus";
    s.total_ms = 0.2;
    s.tokens = 3;
    for (int i = 0; i < kEach; ++i) metrics.recordRequest(s);
  });
  const std::string text = metrics.renderPrometheus();
  EXPECT_NE(text.find(R"(cloudsayings_requests_total{source="store",model="corpus"} 10000)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(cloudsayings_tokens_used_total{source="store",model="corpus"} 30000)"),
            std::string::npos);
  EXPECT_NE(
      text.find(
          R"(cloudsayings_total_execution_time_seconds_count{source="store",model="corpus"} 10000)"),
      std::string::npos);
}

}  // namespace
}  // namespace cs::testing
