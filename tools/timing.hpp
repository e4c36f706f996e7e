#pragma once
// What the measuring tools in tools/ share: wall and CPU time of one run of a function.
#include <time.h>

#include <chrono>

namespace cs::tools {

// CPU time of this thread, so the figure means something on a loaded machine too.
inline double cpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Timing {
  double wall_ms = 0;
  double cpu_ms = 0;
};

template <typename F>
Timing timeMs(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu = cpuMs();
  f();
  return {
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
      cpuMs() - cpu};
}

}  // namespace cs::tools
