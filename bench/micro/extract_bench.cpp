// Service extraction: which catalog services a generated saying mentions (builder path).
#include <benchmark/benchmark.h>

#include "core/embedded.hpp"
#include "core/service_catalog.hpp"
#include "micro/fixtures.hpp"

namespace {

void BM_ServiceExtraction(benchmark::State& state) {
  auto catalog = cs::ServiceCatalog::fromJson(cs::embeddedFile("config/services.json"));
  if (!catalog) {
    state.SkipWithError("the embedded service catalog does not parse");
    return;
  }
  const std::string text = cs::bench::sampleSaying().text;
  for (auto _ : state) {
    auto found = catalog->extract(text);
    benchmark::DoNotOptimize(found.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ServiceExtraction);

}  // namespace
