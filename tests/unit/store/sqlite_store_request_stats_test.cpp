#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

RequestStatsRow row(std::int64_t minute, std::string model, std::string source, std::int64_t n) {
  RequestStatsRow r;
  r.minute_ms = minute;
  r.model = std::move(model);
  r.source = std::move(source);
  r.invocations = n;
  r.errors = 1;
  r.cache_hits = n - 1;
  r.tokens = 100 * n;
  r.cost_usd = 0.25 * static_cast<double>(n);
  r.total_ms = 10.0 * static_cast<double>(n);
  r.api_calls = 1;
  r.api_ms = 500.0;
  return r;
}

const RequestStatsRow* find(const std::vector<RequestStatsRow>& rows, std::int64_t minute,
                            const std::string& model, const std::string& source) {
  auto it = std::ranges::find_if(rows, [&](const RequestStatsRow& r) {
    return r.minute_ms == minute && r.model == model && r.source == source;
  });
  return it == rows.end() ? nullptr : &*it;
}

TEST(RequestStatsStore, MergesRowsWithAddSemantics) {
  SqliteStore store(":memory:");
  ASSERT_TRUE(
      store.addRequestStats({row(60'000, "haiku", "cache", 3), row(60'000, "haiku", "llm", 2)}));
  // A second batch (another flush, another instance) and a duplicate key inside one batch.
  ASSERT_TRUE(
      store.addRequestStats({row(60'000, "haiku", "cache", 4), row(60'000, "haiku", "cache", 1),
                             row(120'000, "corpus", "store", 5)}));
  auto rows = store.listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 3u);
  const auto* merged = find(rows, 60'000, "haiku", "cache");
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->invocations, 8);
  EXPECT_EQ(merged->errors, 3);
  EXPECT_EQ(merged->cache_hits, 5);
  EXPECT_EQ(merged->tokens, 800);
  EXPECT_DOUBLE_EQ(merged->cost_usd, 2.0);
  EXPECT_DOUBLE_EQ(merged->total_ms, 80.0);
  EXPECT_EQ(merged->api_calls, 3);
  EXPECT_DOUBLE_EQ(merged->api_ms, 1500.0);
  EXPECT_EQ(find(rows, 60'000, "haiku", "llm")->invocations, 2);
  EXPECT_EQ(find(rows, 120'000, "corpus", "store")->invocations, 5);
}

TEST(RequestStatsStore, ListsOnlyTheHalfOpenRange) {
  SqliteStore store(":memory:");
  ASSERT_TRUE(store.addRequestStats(
      {row(0, "m", "store", 1), row(60'000, "m", "store", 1), row(120'000, "m", "store", 1)}));
  auto rows = store.listRequestStats({60'000, 120'000}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].minute_ms, 60'000);
  EXPECT_TRUE(store.addRequestStats({}));
  EXPECT_TRUE(store.listRequestStats({500'000, 600'000}).value().empty());
}

TEST(RequestStatsStore, SurvivesReopenAndIsSharedByTwoConnections) {
  testing::TempDir dir;
  const auto path = dir.file("stats.db");
  SqliteStore a(path);
  SqliteStore b(path);  // a second instance on the same store
  ASSERT_TRUE(a.addRequestStats({row(60'000, "m", "cache", 2)}));
  ASSERT_TRUE(b.addRequestStats({row(60'000, "m", "cache", 3)}));
  SqliteStore reopened(path);
  auto rows = reopened.listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].invocations, 5);
}

TEST(RequestStatsStore, MigratesAVersionOneDatabase) {
  testing::TempDir dir;
  const auto path = dir.file("v1.db");
  { SqliteStore fresh(path); }
  {
    // Turn it back into a v1 database: what a store written by the skeleton looks like.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db,
                     "DROP TABLE request_stats; DROP TABLE ledger_stats; DROP TABLE vote_stats; "
                     "DROP TABLE vote_stats_hourly; DROP INDEX saying_feedback_window; "
                     "DROP TABLE arena_battles; DROP TABLE arena_votes; "
                     "PRAGMA user_version=1;",
                     nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  SqliteStore upgraded(path);
  EXPECT_EQ(upgraded.schemaVersion(), 5);
  EXPECT_TRUE(upgraded.addRequestStats({row(0, "m", "store", 1)}));
}

}  // namespace
}  // namespace cs
