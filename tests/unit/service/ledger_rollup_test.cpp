// Ledger rollups (LedgerRollup + SQLite ADD semantics).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fakes/scripted_transport.hpp"
#include "llm/gateway_impl.hpp"
#include "obs/metrics.hpp"
#include "service/ledger_metrics.hpp"
#include "service/ledger_rollup.hpp"
#include "service/stats_aggregate.hpp"
#include "store/sqlite_store.hpp"
#include "support/samples.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

using nlohmann::json;

using std::chrono::milliseconds;

TEST(LedgerRollup, MergesPerMinuteModelProviderPurposeAndAddsInTheStore) {
  testing::TempDir dir;
  SqliteStore store(dir.file("s.db"));
  LedgerRollup rollup(store, LedgerRollup::Options{milliseconds(60'000), false});
  using P = llm::Purpose;
  rollup.record(
      cs::testing::ledgerRecord(60'500, "haiku", "anthropic", P::kCacheFill, "ok", 10, 20, 0.5));
  rollup.record(cs::testing::ledgerRecord(119'999, "haiku", "anthropic", P::kCacheFill, "timeout",
                                          1, 0, 0.25));
  rollup.record(
      cs::testing::ledgerRecord(60'000, "haiku", "anthropic", P::kCompare, "ok", 3, 4, 0.125));
  rollup.record(
      cs::testing::ledgerRecord(120'000, "haiku", "anthropic", P::kCacheFill, "ok", 5, 5, 1.0));
  const auto v = rollup.version();
  EXPECT_EQ(v, 4u);
  auto pending = rollup.pending();
  ASSERT_EQ(pending.size(), 3u);
  const auto* fill = cs::testing::findLedgerRow(pending, 60'000, "haiku", "cache_fill");
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->calls, 2);
  EXPECT_EQ(fill->failed_calls, 1);
  EXPECT_EQ(fill->input_tokens, 11);
  EXPECT_EQ(fill->output_tokens, 20);
  EXPECT_DOUBLE_EQ(fill->cost_usd, 0.75);
  ASSERT_EQ(rollup.flush().value(), 3u);
  EXPECT_TRUE(rollup.pending().empty());

  // Another flush (or another instance on the same database) adds, never overwrites.
  rollup.record(
      cs::testing::ledgerRecord(61'000, "haiku", "anthropic", P::kCacheFill, "ok", 100, 200, 2.0));
  {
    SqliteStore other(dir.file("s.db"));
    ASSERT_TRUE(other.addLedgerStats({ledgerRowOf(cs::testing::ledgerRecord(
        62'000, "haiku", "anthropic", P::kCacheFill, "ok", 1000, 2000, 4.0))}));
  }
  // list() = the store's rows plus this instance's pending ones, in range.
  auto listed = rollup.list({60'000, 120'000}).value();
  std::int64_t in = 0;
  for (const auto& r : listed)
    if (r.purpose == "cache_fill") in += r.input_tokens;
  EXPECT_EQ(in, 11 + 100 + 1000);
  ASSERT_EQ(rollup.flush().value(), 1u);
  auto stored = store.listLedgerStats({60'000, 120'000}).value();
  ASSERT_EQ(stored.size(), 2u);  // the 120'000 minute is outside the range
  fill = cs::testing::findLedgerRow(stored, 60'000, "haiku", "cache_fill");
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->calls, 4);
  EXPECT_EQ(fill->failed_calls, 1);
  EXPECT_EQ(fill->input_tokens, 1111);
  EXPECT_EQ(fill->output_tokens, 2220);
  EXPECT_DOUBLE_EQ(fill->cost_usd, 6.75);
  EXPECT_EQ(fill->attempts, 4);
  EXPECT_TRUE(store.addLedgerStats({}));
}

TEST(LedgerRollup, TheDestructorFlushes) {
  testing::TempDir dir;
  SqliteStore store(dir.file("s.db"));
  {
    LedgerRollup rollup(store, LedgerRollup::Options{milliseconds(60'000), true});
    rollup.record(
        cs::testing::ledgerRecord(60'000, "m", "p", llm::Purpose::kArena, "ok", 1, 2, 0.5));
  }
  auto stored = store.listLedgerStats({0, INT64_MAX}).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].purpose, "arena");
  EXPECT_EQ(stored[0].output_tokens, 2);
}

}  // namespace
}  // namespace cs
