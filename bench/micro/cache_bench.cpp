// The cache's hot and builder paths: taking a saying from a model's pool, and checking a new
// saying against a full dedup index.
#include <benchmark/benchmark.h>

#include "cache/dedup.hpp"
#include "cache/model_pool.hpp"
#include "micro/fixtures.hpp"

namespace {

void BM_PoolTake(benchmark::State& state) {
  cs::cache::ModelPool pool(64, 1'000'000'000);  // serves never run out: every take hits
  std::vector<cs::cache::SayingPtr> sayings;
  for (int i = 0; i < 64; ++i)
    sayings.push_back(std::make_shared<const cs::Saying>(cs::bench::sampleSaying(i)));
  pool.add(sayings);
  for (auto _ : state) {
    auto taken = pool.take();
    benchmark::DoNotOptimize(taken);
  }
}
BENCHMARK(BM_PoolTake);
BENCHMARK(BM_PoolTake)->Threads(2);

void BM_DedupCheckFullIndex(benchmark::State& state) {
  cs::cache::DedupIndex index({});
  const char* services[] = {"Amazon S3", "AWS Lambda", "Amazon DynamoDB", "Amazon SQS",
                            "Amazon EC2"};
  for (int i = 0; i < 2000; ++i)  // the default capacity: a full index
    index.remember("s-" + std::to_string(i),
                   std::string(services[i % 5]) + " is like saying number " + std::to_string(i) +
                       ": a cloud with " + std::to_string(i * 7) +
                       " silver linings, each one billed by the millisecond.");
  const std::string fresh = cs::bench::sampleSaying().text;
  for (auto _ : state) {
    auto dup = index.findDuplicate(fresh);
    benchmark::DoNotOptimize(dup);
  }
}
BENCHMARK(BM_DedupCheckFullIndex)->Unit(benchmark::kMicrosecond);

}  // namespace
