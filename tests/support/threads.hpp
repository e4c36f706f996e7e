#pragma once
#include <thread>
#include <vector>

namespace cs::testing {

// The thread count of the tests that hammer shared state from several threads at once (under
// the tsan preset, what ThreadSanitizer checks for races).
constexpr int kThreads = 4;

// Runs fn(0) .. fn(kThreads - 1), each on its own thread, and joins them all.
template <typename Fn>
void onThreads(Fn fn) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back([&fn, t] { fn(t); });
  for (auto& th : threads) th.join();
}

}  // namespace cs::testing
