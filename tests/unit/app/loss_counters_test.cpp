// What the program loses on purpose under pressure is counted and on GET /metrics, through
// the App's real handler: log lines the logger's bounded queue refused, and per-minute request
// statistics rows whose flush the store failed (a really full SQLite file: PRAGMA
// max_page_count, as in store_disk_full_test.cpp).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "app/app.hpp"
#include "fakes/fake_clock.hpp"
#include "obs/logger.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

class LossCountersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Config config;
    config.store.url = "sqlite:" + dir.file("loss.db");
    config.log.access_log = false;
    config.stats.flush_interval_ms = 600'000;  // flushes only when the test says so
    config.stats.background_flush = false;
    app = std::make_unique<app::App>(config, clock);
  }
  http::Response get(const std::string& target) {
    auto request = http::Request::make("GET", target);
    return app->handler().handle(request);
  }
  double scraped(const std::string& series) {
    const auto metrics = get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    const auto value = testing::metricValue(metrics.body, series);
    EXPECT_TRUE(value.has_value()) << series << " missing from /metrics";
    return value.value_or(-1.0);
  }

  testing::TempDir dir;
  testing::FakeClock clock;
  std::unique_ptr<app::App> app;
};

TEST_F(LossCountersTest, LogLinesTheQueueRefusedAreOnMetrics) {
  std::atomic<std::size_t> written_bytes{0};  // the writer thread adds, this one reads
  obs::Logger logger(obs::Level::kInfo,
                     [&](std::string_view lines) { written_bytes += lines.size(); });
  obs::setGlobalLogger(&logger);
  struct Restore {
    ~Restore() { obs::setGlobalLogger(nullptr); }
  } restore;

  EXPECT_EQ(scraped("cloudsayings_log_lines_dropped_total"), 0.0);
  // Lines larger than the whole queue (8 MB) cannot be queued: each is dropped and counted.
  const std::string huge(9 * 1024 * 1024, 'x');
  logger.writeLine(huge);
  logger.info("a normal line still gets through");
  logger.writeLine(huge);
  logger.flush();
  EXPECT_EQ(logger.dropped(), 2u);
  EXPECT_GT(written_bytes.load(), 0u);
  EXPECT_LT(written_bytes.load(), huge.size());
  EXPECT_EQ(scraped("cloudsayings_log_lines_dropped_total"), 2.0);
}

TEST_F(LossCountersTest, StatsRowsAFailedFlushLostAreOnMetrics) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&app->store());
  ASSERT_NE(sqlite, nullptr);
  EXPECT_EQ(scraped("cloudsayings_request_stats_rows_dropped_total"), 0.0);
  ASSERT_TRUE(sqlite->setMaxPageCount(1));  // clamped to the current size: no page to spare

  // Each minute's requests make rows of their own; the pages' free room takes a few, then a
  // flush needs a page the file cannot have and its batch is dropped.
  std::size_t batch = 0;
  bool failed = false;
  for (int minute = 0; minute < 2'000 && !failed; ++minute) {
    clock.advance(std::chrono::minutes(1));  // a new minute's row; the rate limit refills
    ASSERT_EQ(get("/api/sayings").status, 200);
    batch = app->requestStats().pending().size();
    ASSERT_GT(batch, 0u);
    failed = !app->requestStats().flush();
  }
  ASSERT_TRUE(failed) << "the capped store never filled";
  EXPECT_EQ(app->requestStats().droppedRows(), batch);
  EXPECT_EQ(scraped("cloudsayings_request_stats_rows_dropped_total"), static_cast<double>(batch));
}

}  // namespace
}  // namespace cs
