// Shared state touched from every I/O thread, hammered from several threads at once. These run
// in every preset; under the `tsan` preset they are what ThreadSanitizer checks for races.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_clock.hpp"
#include "http/rate_limiter.hpp"
#include "obs/logger.hpp"
#include "obs/metrics.hpp"
#include "service/stats_service.hpp"
#include "store/sqlite_store.hpp"

namespace {

constexpr int kThreads = 4;

template <typename Fn>
void onThreads(Fn fn) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back([&fn, t] { fn(t); });
  for (auto& th : threads) th.join();
}

TEST(Concurrency, MetricsCountEveryRequestWhileBeingScraped) {
  cs::obs::Metrics metrics;
  constexpr int kEach = 2'000;
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done) EXPECT_FALSE(metrics.renderPrometheus().empty());
  });
  onThreads([&](int t) {
    const std::string model = t % 2 ? "gpt-4.1" : "claude-haiku-4-5";
    for (int i = 0; i < kEach; ++i) {
      metrics.recordResponse(200);
      metrics.recordRequest({"cache", model, 200, 1.5, std::nullopt, 10, 0.001, true});
      metrics.counter("cloudsayings_test_events_total", "Test events.").inc();
    }
  });
  done = true;
  scraper.join();
  const std::string text = metrics.renderPrometheus();
  const int per_model = kEach * kThreads / 2;
  for (const char* model : {"gpt-4.1", "claude-haiku-4-5"}) {
    const std::string line = std::string(R"(cloudsayings_requests_total{source="cache",model=")") +
                             model + "\"} " + std::to_string(per_model);
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_NE(text.find("cloudsayings_test_events_total " + std::to_string(kEach * kThreads)),
            std::string::npos);
}

TEST(Concurrency, RateLimiterGrantsExactlyTheBurstAcrossThreads) {
  cs::testing::FakeClock clock;  // frozen: no refill, so exactly `burst` tokens exist
  cs::http::RateLimitOptions options;
  options.routes = {{"/api/compare", 0.2, 25.0}};
  cs::http::RateLimiter limiter(options, clock);
  std::atomic<int> granted{0}, refused{0}, own_granted{0};
  onThreads([&](int t) {
    const std::string own = "10.0.0." + std::to_string(t + 10);
    auto shared = cs::http::Request::make("GET", "/api/compare");
    shared.remote_address = "10.0.0.1";
    auto mine = cs::http::Request::make("GET", "/api/compare");
    mine.remote_address = own;
    for (int i = 0; i < 100; ++i) {
      (limiter.check(shared) ? refused : granted)++;
      if (!limiter.check(mine)) own_granted++;
    }
  });
  EXPECT_EQ(granted, 25);
  EXPECT_EQ(refused, 100 * kThreads - 25);
  EXPECT_EQ(own_granted, 25 * kThreads);
  EXPECT_EQ(limiter.rejectedTotal(), static_cast<std::uint64_t>(refused + (100 - 25) * kThreads));
}

TEST(Concurrency, LoggerKeepsEveryLineWholeFromManyThreads) {
  std::mutex mutex;
  std::string out;
  constexpr int kEach = 500;
  {
    cs::obs::Logger logger(cs::obs::Level::kInfo, [&](std::string_view lines) {
      std::lock_guard lock(mutex);
      out.append(lines);
    });
    onThreads([&](int t) {
      for (int i = 0; i < kEach; ++i) logger.info("Concurrent line", {{"thread", t}, {"i", i}});
    });
    logger.flush();
    EXPECT_EQ(logger.dropped(), 0u);
  }
  std::size_t lines = 0;
  for (std::size_t pos = 0; (pos = out.find('\n', pos)) != std::string::npos; ++pos) ++lines;
  EXPECT_EQ(lines, static_cast<std::size_t>(kEach * kThreads));
  EXPECT_EQ(out.find("}{"), std::string::npos);  // no two lines run together
}

TEST(Concurrency, StatsForOneFilterAreComputedOnceWhileManyAsk) {
  cs::SqliteStore store(":memory:");
  cs::testing::FakeClock clock;
  clock.setWallMs(10'000'000);
  cs::Saying saying;
  saying.id = "s1";
  saying.text = "Amazon S3 is a closet that never fills up.";
  saying.services = {"Amazon S3"};
  saying.model = "claude-haiku-4-5";
  saying.provider = "anthropic";
  saying.created_at_ms = 1'000;
  ASSERT_TRUE(store.putSaying(saying));
  for (int i = 0; i < 2'000; ++i) {
    cs::FeedbackRecord vote;
    vote.id = "v" + std::to_string(i);
    vote.saying_id = "s1";
    vote.vote = i % 3 ? cs::Vote::kUp : cs::Vote::kDown;
    vote.model = "claude-haiku-4-5";
    vote.provider = "anthropic";
    vote.client_key = "client-" + std::to_string(i);
    vote.created_at_ms = 2'000 + i;
    ASSERT_TRUE(store.recordVote(vote));
  }
  cs::StatsService service(store, nullptr, clock, {});
  std::vector<cs::StatsResultPtr> results(kThreads);
  onThreads([&](int t) {
    auto r = service.stats({});
    ASSERT_TRUE(r) << r.error().message;
    results[static_cast<std::size_t>(t)] = *r;
  });
  // Every caller got the one computed result (a second computation makes a new object).
  for (const auto& r : results) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r.get(), results.front().get());
    EXPECT_EQ(r->stats.totals.total(), 2'000);
  }
}

}  // namespace
