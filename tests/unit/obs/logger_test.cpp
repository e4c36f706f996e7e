// Shared state touched from every I/O thread, hammered from several threads at once. These run
// in every preset; under the `tsan` preset they are what ThreadSanitizer checks for races.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "obs/logger.hpp"
#include "obs/metrics.hpp"
#include "service/stats_service.hpp"
#include "support/threads.hpp"

namespace {

TEST(Concurrency, LoggerKeepsEveryLineWholeFromManyThreads) {
  std::mutex mutex;
  std::string out;
  constexpr int kEach = 500;
  {
    cs::obs::Logger logger(cs::obs::Level::kInfo, [&](std::string_view lines) {
      std::lock_guard lock(mutex);
      out.append(lines);
    });
    cs::testing::onThreads([&](int t) {
      for (int i = 0; i < kEach; ++i) logger.info("Concurrent line", {{"thread", t}, {"i", i}});
    });
    logger.flush();
    EXPECT_EQ(logger.dropped(), 0u);
  }
  std::size_t lines = 0;
  for (std::size_t pos = 0; (pos = out.find('\n', pos)) != std::string::npos; ++pos) ++lines;
  EXPECT_EQ(lines, static_cast<std::size_t>(kEach * cs::testing::kThreads));
  EXPECT_EQ(out.find("}{"), std::string::npos);  // no two lines run together
}

}  // namespace
