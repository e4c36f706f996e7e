// Response rendering on the hot path: a served saying to the HTTP body, through a
// nlohmann::json tree (before) and written directly (now).
#include <benchmark/benchmark.h>

#include "api/json_response.hpp"
#include "api/saying_json.hpp"
#include "micro/fixtures.hpp"
#include "support/saying_json_oracle.hpp"

namespace {

void BM_RenderSayingJson(benchmark::State& state) {
  const cs::ServedSaying served{std::make_shared<const cs::Saying>(cs::bench::sampleSaying()),
                                cs::Source::kCache, 12345};
  for (auto _ : state) {
    auto response = cs::api::jsonResponse(200, cs::testing::sayingJsonOracle(served, 0.0421));
    benchmark::DoNotOptimize(response.body.data());
  }
}
BENCHMARK(BM_RenderSayingJson);

// What the hot path does now: the same bytes written without a JSON tree.
void BM_RenderSayingBody(benchmark::State& state) {
  const cs::ServedSaying served{std::make_shared<const cs::Saying>(cs::bench::sampleSaying()),
                                cs::Source::kCache, 12345};
  for (auto _ : state) {
    auto response = cs::api::jsonTextResponse(200, cs::api::sayingBody(served, 0.0421));
    benchmark::DoNotOptimize(response.body.data());
  }
}
BENCHMARK(BM_RenderSayingBody);

}  // namespace
