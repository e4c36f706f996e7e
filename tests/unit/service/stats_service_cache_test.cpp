// StatsService's cache of /api/stats results (a TtlCache per filter combination, on the
// injected clock): a result is computed once and served until the TTL has passed, to the
// millisecond on a FakeClock; each filter has its own entry; a call this instance made (the
// ledger's version) is never hidden by it; bad filters and failed computations are not cached.
// A computation is counted where it starts, at its first store read (listRequestStats).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "fakes/fake_clock.hpp"
#include "service/ledger_rollup.hpp"
#include "service/stats_service.hpp"
#include "store/sqlite_store.hpp"
#include "support/counting_store.hpp"
#include "support/samples.hpp"

namespace cs {
namespace {

using std::chrono::milliseconds;
using Query = std::map<std::string, std::string>;

constexpr milliseconds kTtl{120'000};

class StatsCache : public ::testing::Test {
 protected:
  StatsResultPtr stats(const Query& query = {}) {
    auto r = service_.stats(query);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : nullptr;
  }
  int computations() const { return store_.list_request_stats_calls; }

  SqliteStore sqlite_{":memory:"};
  testing::CountingStore store_{sqlite_};
  testing::FakeClock clock_;
  StatsService service_{store_, nullptr, clock_, StatsService::Options{kTtl, 50}};
};

TEST_F(StatsCache, AResultIsServedUntilTheTtlHasPassed) {
  const auto first = stats();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->computed_at_ms, clock_.wallMs());
  EXPECT_EQ(stats(), first);
  clock_.advance(kTtl - milliseconds(1));
  EXPECT_EQ(stats(), first) << "one millisecond before the TTL it is still the cached result";
  EXPECT_EQ(computations(), 1);

  clock_.advance(milliseconds(1));
  const auto second = stats();
  ASSERT_NE(second, nullptr);
  EXPECT_NE(second, first) << "at the TTL the result is computed again";
  EXPECT_EQ(second->computed_at_ms, clock_.wallMs());
  EXPECT_EQ(computations(), 2);
}

TEST_F(StatsCache, EachFilterCombinationHasItsOwnEntry) {
  const auto all = stats();
  const auto one_model = stats({{"model", "gpt-4.1"}});
  const auto one_provider = stats({{"provider", "openai"}});
  EXPECT_EQ(computations(), 3);
  EXPECT_NE(all, one_model);
  EXPECT_NE(one_model, one_provider);
  EXPECT_EQ(stats({{"model", "gpt-4.1"}}), one_model);
  EXPECT_EQ(stats(), all);
  EXPECT_EQ(computations(), 3);
}

TEST_F(StatsCache, ACallThisInstanceMadeIsNeverHiddenByTheCache) {
  LedgerRollup ledger(store_, LedgerRollup::Options{milliseconds(60'000), false});
  service_.setLedger(&ledger);
  const auto before = stats();
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(stats(), before);
  ledger.record(testing::ledgerRecord(clock_.wallMs(), "gpt-4.1", "openai",
                                      llm::Purpose::kModelRequest, "ok", 100, 50, 0.25));
  const auto after = stats();
  ASSERT_NE(after, nullptr);
  EXPECT_NE(after, before) << "the ledger moved on: a new computation, well within the TTL";
  EXPECT_EQ(computations(), 2);
  EXPECT_EQ(stats(), after);
  EXPECT_EQ(computations(), 2);
}

TEST_F(StatsCache, BadFiltersAndFailedComputationsAreNotCached) {
  auto bad = service_.stats({{"from", "tomorrow"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(computations(), 0) << "a bad filter is refused before any store read";

  store_.fail_request_stats = 1;
  auto failed = service_.stats({});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kStoreUnavailable);
  const auto recovered = stats();
  ASSERT_NE(recovered, nullptr) << "the failure was not cached";
  EXPECT_EQ(computations(), 2);
  EXPECT_EQ(stats(), recovered);
  EXPECT_EQ(computations(), 2);
}

}  // namespace
}  // namespace cs
