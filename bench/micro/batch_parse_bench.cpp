// Batch parsing: the three sayings out of one model answer (builder path).
#include <benchmark/benchmark.h>

#include "llm/batch_parser.hpp"

namespace {

void BM_BatchParse(benchmark::State& state) {
  const std::string answer =
      "Here are three sayings:\n\n"
      "1. **Amazon S3 is like a grandparent's basement:** it holds everything anyone ever brought "
      "home, and nobody is brave enough to delete the boxes from 2014.\n"
      "2. \"AWS Lambda is like a taxi: you pay per ride, and the meter runs in milliseconds.\"\n"
      "3. Amazon DynamoDB is like a library with one perfect index card per book: instant if you "
      "know the title, hopeless if you only remember the cover.\n\n"
      "I hope these brighten your day!";
  for (auto _ : state) {
    auto sayings = cs::llm::parseSayings(answer);
    benchmark::DoNotOptimize(sayings.data());
  }
}
BENCHMARK(BM_BatchParse);

}  // namespace
