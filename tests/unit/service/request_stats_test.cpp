#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_clock.hpp"
#include "obs/metrics.hpp"
#include "service/request_stats.hpp"
#include "store/sqlite_store.hpp"
#include "support/samples.hpp"

namespace cs {
namespace {

TEST(RequestStatsRecorder, RollsUpPerMinuteModelAndSourceAndFlushesInOneBatch) {
  SqliteStore store(":memory:");
  testing::FakeClock clock;
  clock.setWallMs(10 * 60'000 + 5'000);
  RequestStatsRecorder recorder(store, clock, {std::chrono::hours(1), false});
  auto hit = cs::testing::requestSample("cache", "haiku", 2.0);
  hit.cache_hit = true;
  recorder.record(hit);
  recorder.record(hit);
  auto llm = cs::testing::requestSample("llm", "haiku", 900.0);
  llm.api_ms = 850.0;
  llm.tokens = 100;
  llm.cost_usd = 0.25;
  recorder.record(llm);
  clock.advance(std::chrono::seconds(60));
  recorder.record(hit);  // the next minute
  EXPECT_EQ(recorder.pending().size(), 3u);
  EXPECT_TRUE(store.listRequestStats({}).value().empty()) << "nothing written per request";
  ASSERT_EQ(recorder.flush().value(), 3u);
  EXPECT_TRUE(recorder.pending().empty());
  auto rows = store.listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 3u);
  std::int64_t invocations = 0, hits = 0, api_calls = 0;
  for (const auto& r : rows) {
    invocations += r.invocations;
    hits += r.cache_hits;
    api_calls += r.api_calls;
    EXPECT_EQ(r.minute_ms % 60'000, 0);
    if (r.source == "llm") {
      EXPECT_EQ(r.minute_ms, 10 * 60'000);
      EXPECT_EQ(r.tokens, 100);
      EXPECT_DOUBLE_EQ(r.cost_usd, 0.25);
      EXPECT_DOUBLE_EQ(r.api_ms, 850.0);
    }
  }
  EXPECT_EQ(invocations, 4);
  EXPECT_EQ(hits, 3);
  EXPECT_EQ(api_calls, 1);
  EXPECT_EQ(recorder.flush().value(), 0u) << "empty flush writes nothing";
}

TEST(RequestStatsRecorder, DestructorFlushesWhatIsLeft) {
  SqliteStore store(":memory:");
  testing::FakeClock clock;
  {
    RequestStatsRecorder recorder(store, clock, {std::chrono::hours(1), true});
    recorder.record(cs::testing::requestSample("store", "corpus", 1.0));
  }
  auto rows = store.listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].invocations, 1);
}

}  // namespace
}  // namespace cs
