// Per-thread shards merged by readers (core/per_thread).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/per_thread.hpp"

namespace cs::testing {
namespace {

TEST(PerThread, ReadersMergeEveryThreadsShardIncludingThreadsThatExited) {
  PerThread<long> counts;
  constexpr int kThreads = 4, kEach = 10'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) counts.withLocal([](long& n) { ++n; });
    });
  for (auto& t : threads) t.join();
  counts.withLocal([](long& n) { n += 5; });
  long total = 0, shards = 0;
  counts.forEach([&](long& n) {
    total += n;
    ++shards;
  });
  EXPECT_EQ(total, kThreads * kEach + 5);
  EXPECT_EQ(shards, kThreads + 1);
}

TEST(PerThread, TwoOwnersOnOneThreadKeepSeparateShards) {
  PerThread<int> a, b;
  a.withLocal([](int& n) { n = 1; });
  b.withLocal([](int& n) { n = 2; });
  int sum_a = 0, sum_b = 0;
  a.forEach([&](int& n) { sum_a += n; });
  b.forEach([&](int& n) { sum_b += n; });
  EXPECT_EQ(sum_a, 1);
  EXPECT_EQ(sum_b, 2);
}

}  // namespace
}  // namespace cs::testing
