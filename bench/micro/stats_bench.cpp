// Dashboard statistics: aggregate() over 100,000 feedback records (4 models, 2 providers,
// 2,000 sayings, a week of votes) plus a week of per-minute request rollups.
#include <benchmark/benchmark.h>

#include <random>

#include "service/stats_aggregate.hpp"

namespace {

struct StatsData {
  std::vector<cs::FeedbackRecord> feedback;
  std::vector<cs::RequestStatsRow> rollups;
  std::unordered_map<std::string, std::vector<std::string>> services;
  std::int64_t now_ms = 1'764'300'000'000;
};

const StatsData& data() {
  static const StatsData d = [] {
    StatsData out;
    const char* models[] = {"claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1", "gpt-4.1-mini"};
    const char* services[] = {"Amazon S3", "AWS Lambda", "Amazon DynamoDB", "Amazon SQS",
                              "Amazon EC2"};
    const std::int64_t week = 7LL * 24 * 3600 * 1000;
    std::mt19937_64 gen(7);
    for (int i = 0; i < 2000; ++i)
      out.services["s-" + std::to_string(i)] = {services[i % 5], services[(i / 5) % 5]};
    out.feedback.reserve(100'000);
    for (int i = 0; i < 100'000; ++i) {
      cs::FeedbackRecord r;
      r.id = "f-" + std::to_string(i);
      r.saying_id = "s-" + std::to_string(gen() % 2000);
      r.vote = gen() % 3 ? cs::Vote::kUp : cs::Vote::kDown;
      r.model = models[i % 4];
      r.provider = i % 4 < 2 ? "anthropic" : "openai";
      r.execution_time = static_cast<double>(gen() % 3000);
      if (i % 2) r.original_llm_time = static_cast<double>(500 + gen() % 3000);
      if (i % 5 == 0) r.is_cached = true;
      r.client_key = "c-" + std::to_string(gen() % 50'000);
      r.created_at_ms =
          out.now_ms - static_cast<std::int64_t>(gen() % static_cast<std::uint64_t>(week));
      out.feedback.push_back(std::move(r));
    }
    for (std::int64_t m = out.now_ms - week; m < out.now_ms; m += 60'000)
      for (int k = 0; k < 2; ++k) {
        cs::RequestStatsRow row;
        row.minute_ms = m - m % 60'000;
        row.model = models[(m / 60'000 + k) % 4];
        row.source = k ? "cache" : "llm";
        row.invocations = 10;
        row.cache_hits = k ? 10 : 0;
        row.tokens = 400;
        row.cost_usd = 0.001;
        row.total_ms = 50.0;
        out.rollups.push_back(std::move(row));
      }
    return out;
  }();
  return d;
}

void BM_StatsAggregate100k(benchmark::State& state) {
  const auto& d = data();
  cs::StatsInput input;
  input.feedback = d.feedback;
  input.rollups = d.rollups;
  input.services_by_saying = &d.services;
  input.now_ms = d.now_ms;
  cs::StatsFilter filter;
  filter.to_ms = d.now_ms;
  for (auto _ : state) {
    auto stats = cs::aggregate(input, filter);
    benchmark::DoNotOptimize(&stats);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.feedback.size()));
}
BENCHMARK(BM_StatsAggregate100k)->Unit(benchmark::kMillisecond);

}  // namespace
