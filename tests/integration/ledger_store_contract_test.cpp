// The ledger rollups' store contract, on each backend (SQLite, and DynamoDB as dynalite):
// rows merge with ADD semantics per (minute, model, provider, purpose), filter by minute, add
// up under concurrent flushes, and live beside the request-stats rows without mixing with them.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "fakes/dynalite_process.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

LedgerRow ledgerRow(std::int64_t minute, const std::string& model, const std::string& purpose,
                    std::int64_t n) {
  LedgerRow r;
  r.minute_ms = minute;
  r.model = model;
  r.provider = "anthropic";
  r.purpose = purpose;
  r.calls = n;
  r.failed_calls = 1;
  r.attempts = n + 1;
  r.input_tokens = 100 * n;
  r.output_tokens = 30 * n;
  r.cost_usd = 0.000125 * static_cast<double>(n);
  r.latency_ms = 10.5 * static_cast<double>(n);
  return r;
}

class LedgerStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      store_ = std::make_unique<SqliteStore>(dir_.file("ledger.db"));
    } else {
      ASSERT_TRUE(dynalite_.start()) << dynalite_.why();
      store_ = testing::makeDynaliteStore(dynalite_, testing::uniqueTables(), 7);
    }
  }
  Store& store() { return *store_; }

  testing::TempDir dir_;
  testing::DynaliteProcess dynalite_;
  StorePtr store_;
};

TEST_P(LedgerStoreContract, RowsMergeWithAddAndFilterByMinute) {
  ASSERT_TRUE(store().addLedgerStats(
      {ledgerRow(60'000, "haiku", "cache_fill", 3), ledgerRow(60'000, "haiku", "compare", 2)}));
  ASSERT_TRUE(store().addLedgerStats({ledgerRow(60'000, "haiku", "cache_fill", 4),
                                      ledgerRow(60'000, "haiku", "cache_fill", 1),
                                      ledgerRow(120'000, "gpt", "model_request", 5)}));
  EXPECT_TRUE(store().addLedgerStats({}));
  auto rows = store().listLedgerStats({}).value();
  ASSERT_EQ(rows.size(), 3u);
  auto it = std::ranges::find_if(rows, [](const LedgerRow& r) {
    return r.minute_ms == 60'000 && r.model == "haiku" && r.purpose == "cache_fill";
  });
  ASSERT_NE(it, rows.end());
  EXPECT_EQ(it->provider, "anthropic");
  EXPECT_EQ(it->calls, 8);
  EXPECT_EQ(it->failed_calls, 3);
  EXPECT_EQ(it->attempts, 11);
  EXPECT_EQ(it->input_tokens, 800);
  EXPECT_EQ(it->output_tokens, 240);
  EXPECT_NEAR(it->cost_usd, 0.001, 1e-15);
  EXPECT_DOUBLE_EQ(it->latency_ms, 84.0);
  auto window = store().listLedgerStats({120'000, 180'000}).value();
  ASSERT_EQ(window.size(), 1u);
  EXPECT_EQ(window[0].purpose, "model_request");
  EXPECT_TRUE(store().listLedgerStats({0, 60'000}).value().empty());
}

TEST_P(LedgerStoreContract, LivesBesideRequestStatsWithoutMixing) {
  RequestStatsRow stats;
  stats.minute_ms = 60'000;
  stats.model = "haiku";
  stats.source = "cache";
  stats.invocations = 2;
  ASSERT_TRUE(store().addRequestStats({stats}));
  ASSERT_TRUE(store().addLedgerStats({ledgerRow(60'000, "haiku", "cache_fill", 1)}));
  auto requests = store().listRequestStats({}).value();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].invocations, 2);
  auto ledger = store().listLedgerStats({}).value();
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].calls, 1);
}

TEST_P(LedgerStoreContract, ConcurrentFlushesAllAddUp) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(store().addLedgerStats({ledgerRow(0, "m", "compare", 2)}));
    });
  for (auto& th : threads) th.join();
  auto rows = store().listLedgerStats({}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].calls, 160);
  EXPECT_EQ(rows[0].input_tokens, 16'000);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerStoreContract, ::testing::Values("sqlite", "dynalite"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace cs
