#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/stats_handler.hpp"
#include "core/money.hpp"
#include "fakes/scripted_transport.hpp"
#include "llm/gateway_impl.hpp"
#include "service/stats_aggregate.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

constexpr std::int64_t kMin = 60'000;

constexpr std::int64_t kHour = 60 * kMin;

constexpr std::int64_t kDay = 24 * kHour;

FeedbackRecord vote(std::string saying, Vote v, std::string model, std::string provider,
                    std::int64_t at) {
  FeedbackRecord r;
  r.id = saying + std::to_string(at);
  r.saying_id = std::move(saying);
  r.vote = v;
  r.model = std::move(model);
  r.provider = std::move(provider);
  r.created_at_ms = at;
  return r;
}

RequestStatsRow rollup(std::int64_t minute, std::string model, std::string source, std::int64_t n,
                       std::int64_t hits) {
  RequestStatsRow r;
  r.minute_ms = minute;
  r.model = std::move(model);
  r.source = std::move(source);
  r.invocations = n;
  r.cache_hits = hits;
  r.tokens = 10 * n;
  r.cost_usd = 0.001 * static_cast<double>(n);
  r.total_ms = 2.0 * static_cast<double>(n);
  return r;
}

// --- the original's response-time rule, one test per branch ---
TEST(ResponseTimeRule, UsesOriginalLlmTimeWhenPresentEvenIfCachedAndFast) {
  FeedbackRecord r;
  r.original_llm_time = 840.0;
  r.is_cached = true;
  r.execution_time = 3.0;
  EXPECT_EQ(responseTimeSample(r), 840.0);
}

TEST(ResponseTimeRule, SkipsRecordsMarkedCached) {
  FeedbackRecord r;
  r.is_cached = true;
  r.execution_time = 950.0;
  EXPECT_EQ(responseTimeSample(r), std::nullopt);
}

TEST(ResponseTimeRule, SkipsExecutionTimesBelow100msAsAssumedCacheHits) {
  FeedbackRecord r;
  r.is_cached = false;
  r.execution_time = 99.9;
  EXPECT_EQ(responseTimeSample(r), std::nullopt);
  r.is_cached.reset();  // not marked either way: the same rule
  EXPECT_EQ(responseTimeSample(r), std::nullopt);
}

TEST(ResponseTimeRule, UsesExecutionTimeOtherwise) {
  FeedbackRecord r;
  r.is_cached = false;
  r.execution_time = 100.0;
  EXPECT_EQ(responseTimeSample(r), 100.0);
  r.is_cached.reset();
  r.execution_time = 1234.5;
  EXPECT_EQ(responseTimeSample(r), 1234.5);
}

TEST(ResponseTimeRule, NoTimesAtAllIsSkipped) {
  EXPECT_EQ(responseTimeSample(FeedbackRecord{}), std::nullopt);
}

TEST(BucketSize, FitsTheRangeInAtMostSixtyBuckets) {
  EXPECT_EQ(bucketSizeFor(kHour), kMin);
  EXPECT_EQ(bucketSizeFor(2 * kHour), 5 * kMin);
  EXPECT_EQ(bucketSizeFor(kDay), 30 * kMin);
  EXPECT_EQ(bucketSizeFor(7 * kDay), 3 * kHour);
  EXPECT_EQ(bucketSizeFor(30 * kDay), 12 * kHour);
  EXPECT_EQ(bucketSizeFor(365 * kDay), 7 * kDay);
  EXPECT_EQ(bucketSizeFor(5000 * kDay), 30 * kDay);
  EXPECT_EQ(bucketSizeFor(1), kMin);
}

class AggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::int64_t t0 = 100 * kDay;
    auto up = [&](std::string s, std::string m, std::string p, std::int64_t at) {
      feedback.push_back(vote(std::move(s), Vote::kUp, std::move(m), std::move(p), at));
    };
    auto down = [&](std::string s, std::string m, std::string p, std::int64_t at) {
      feedback.push_back(vote(std::move(s), Vote::kDown, std::move(m), std::move(p), at));
    };
    up("s1", "haiku", "anthropic", t0);
    up("s1", "haiku", "anthropic", t0 + kMin);
    up("s2", "haiku", "anthropic", t0 + 2 * kMin);
    down("s2", "haiku", "anthropic", t0 + 3 * kMin);
    down("s3", "gpt-4.1", "openai", t0 + 4 * kMin);
    up("s4", "sonnet", "anthropic", t0 + 5 * kMin);
    feedback[0].original_llm_time = 800.0;
    feedback[1].execution_time = 50.0;  // assumed cached: skipped
    feedback[2].execution_time = 400.0;
    feedback[4].execution_time = 1000.0;
    rollups.push_back(rollup(t0, "haiku", "cache", 8, 8));
    rollups.push_back(rollup(t0, "haiku", "llm", 2, 0));
    rollups.push_back(rollup(t0 + kMin, "gpt-4.1", "llm", 5, 0));
    rollups.push_back(
        rollup(t0 + kMin, "mystery", "llm", 1, 0));  // no votes: provider via resolver
    rollups.push_back(rollup(t0 + kMin, "none", "fallback", 3, 0));
    services = {{"s1", {"Amazon S3", "AWS Lambda"}}, {"s2", {"Amazon S3"}}, {"s3", {"Amazon EC2"}}};
    input.feedback = feedback;
    input.rollups = rollups;
    input.services_by_saying = &services;
    input.provider_of = [](std::string_view m) {
      return m == "mystery" ? std::string("openai") : std::string();
    };
    input.now_ms = t0 + kHour;
    filter.to_ms = t0 + kHour;
  }
  const ModelFigures* model(const Stats& s, const std::string& id) {
    for (const auto& m : s.models)
      if (m.model == id) return &m;
    return nullptr;
  }
  const ProviderFigures* provider(const Stats& s, const std::string& id) {
    for (const auto& p : s.providers)
      if (p.provider == id) return &p;
    return nullptr;
  }
  std::vector<FeedbackRecord> feedback;
  std::vector<RequestStatsRow> rollups;
  std::unordered_map<std::string, std::vector<std::string>> services;
  StatsInput input;
  StatsFilter filter;
};

TEST_F(AggregateTest, PerModelFiguresFollowTheOriginalsFormulas) {
  Stats s = aggregate(input, filter);
  const auto* haiku = model(s, "haiku");
  ASSERT_NE(haiku, nullptr);
  EXPECT_EQ(haiku->provider, "anthropic");
  EXPECT_EQ(haiku->figures.positive, 3);
  EXPECT_EQ(haiku->figures.negative, 1);
  EXPECT_EQ(haiku->figures.total(), 4);
  EXPECT_DOUBLE_EQ(haiku->figures.successRate(), 75.0);
  EXPECT_EQ(haiku->figures.score(), 2);
  EXPECT_DOUBLE_EQ(haiku->figures.avgResponseTimeMs(),
                   (800.0 + 400.0) / 2);  // 50 ms skipped, one has none
  EXPECT_EQ(haiku->figures.invocations, 10);
  EXPECT_EQ(haiku->figures.cache_hits, 8);
  EXPECT_DOUBLE_EQ(haiku->figures.cacheHitRate(), 80.0);
  EXPECT_EQ(haiku->figures.tokens, 100);
  EXPECT_NEAR(haiku->figures.cost_usd, 0.01, 1e-12);
  const auto* gpt = model(s, "gpt-4.1");
  EXPECT_DOUBLE_EQ(gpt->figures.successRate(), 0.0);
  EXPECT_EQ(gpt->figures.score(), -1);
  EXPECT_EQ(model(s, "mystery")->provider, "openai");
  EXPECT_EQ(model(s, "none"), nullptr) << "fallback answers count in totals only";
  EXPECT_EQ(s.models.front().model, "haiku") << "busiest first";
}

TEST_F(AggregateTest, PerProviderAndTotals) {
  Stats s = aggregate(input, filter);
  const auto* anthropic = provider(s, "anthropic");
  EXPECT_EQ(anthropic->figures.positive, 4);
  EXPECT_EQ(anthropic->figures.negative, 1);
  EXPECT_DOUBLE_EQ(anthropic->figures.successRate(), 80.0);
  EXPECT_EQ(anthropic->figures.invocations, 10);
  const auto* openai = provider(s, "openai");
  EXPECT_EQ(openai->figures.invocations, 6);
  EXPECT_DOUBLE_EQ(openai->figures.avgResponseTimeMs(), 1000.0);
  EXPECT_EQ(s.totals.total(), 6);
  EXPECT_EQ(s.totals.invocations, 19);
  EXPECT_EQ(s.totals.score(), 2);
}

TEST_F(AggregateTest, ProviderAndModelFiltersApplyToVotesAndRollups) {
  filter.provider = "openai";
  Stats s = aggregate(input, filter);
  EXPECT_EQ(s.totals.total(), 1);
  EXPECT_EQ(s.totals.invocations, 6);
  ASSERT_EQ(s.providers.size(), 1u);
  filter.provider.reset();
  filter.model = "haiku";
  s = aggregate(input, filter);
  EXPECT_EQ(s.totals.total(), 4);
  EXPECT_EQ(s.totals.invocations, 10);
  ASSERT_EQ(s.models.size(), 1u);
}

TEST_F(AggregateTest, TimeRangeIsHalfOpenAndSeriesCoversIt) {
  filter.from_ms = 100 * kDay + kMin;
  filter.from_given = true;
  filter.to_ms = 100 * kDay + 4 * kMin;
  Stats s = aggregate(input, filter);
  EXPECT_EQ(s.totals.total(), 3);      // t0+1m .. t0+3m
  EXPECT_EQ(s.totals.invocations, 9);  // the t0+1m minute
  EXPECT_EQ(s.bucket_ms, kMin);
  ASSERT_EQ(s.series.size(), 3u);
  EXPECT_EQ(s.series[0].start_ms, 100 * kDay + kMin);
  EXPECT_EQ(s.series[0].figures.positive, 1);
  EXPECT_EQ(s.series[0].figures.invocations, 9);
  EXPECT_EQ(s.series[2].figures.negative, 1);
}

TEST_F(AggregateTest, OpenRangeStartsAtTheFirstDataAndBucketsAreContiguous) {
  Stats s = aggregate(input, filter);
  EXPECT_EQ(s.from_ms, 100 * kDay);
  EXPECT_EQ(s.bucket_ms, kMin);
  ASSERT_EQ(s.series.size(), 60u);
  std::int64_t votes = 0;
  for (std::size_t i = 0; i < s.series.size(); ++i) {
    EXPECT_EQ(s.series[i].start_ms, 100 * kDay + static_cast<std::int64_t>(i) * kMin);
    votes += s.series[i].figures.total();
  }
  EXPECT_EQ(votes, 6);
}

TEST_F(AggregateTest, ServicesRankedByDistinctVotedSayings) {
  Stats s = aggregate(input, filter);
  ASSERT_EQ(s.services.size(), 3u);
  EXPECT_EQ(s.services[0].service, "Amazon S3");
  EXPECT_EQ(s.services[0].sayings, 2);
  EXPECT_EQ(s.services[0].positive, 3);
  EXPECT_EQ(s.services[0].negative, 1);
  EXPECT_EQ(s.services[1].service, "AWS Lambda");  // 1 saying, 2 votes beats EC2's 1 vote
  EXPECT_EQ(s.services[2].service, "Amazon EC2");
}

TEST(Aggregate, EmptyInputGivesZerosNotNaN) {
  StatsInput in;
  in.now_ms = kDay;
  StatsFilter f;
  f.to_ms = kDay;
  Stats s = aggregate(in, f);
  EXPECT_EQ(s.totals.successRate(), 0.0);
  EXPECT_EQ(s.totals.avgResponseTimeMs(), 0.0);
  EXPECT_EQ(s.totals.cacheHitRate(), 0.0);
  EXPECT_TRUE(s.series.empty());
  EXPECT_TRUE(s.models.empty());
}

// The spend figures /api/stats derives from the ledger's rollups.

using nlohmann::json;

LedgerRow row(std::int64_t minute, std::string model, std::string provider, std::string purpose,
              std::int64_t in, std::int64_t out, double cost, std::int64_t failed = 0) {
  LedgerRow r;
  r.minute_ms = minute;
  r.model = std::move(model);
  r.provider = std::move(provider);
  r.purpose = std::move(purpose);
  r.calls = 1 + failed;
  r.failed_calls = failed;
  r.input_tokens = in;
  r.output_tokens = out;
  r.cost_usd = cost;
  return r;
}

TEST(LedgerSpend, StatsSumTheLedgerOverRangeAndFilters) {
  std::vector<LedgerRow> ledger = {
      row(60'000, "haiku", "anthropic", "cache_fill", 10, 20, 0.1),
      row(60'000, "haiku", "anthropic", "compare", 1, 2, 0.2, 1),
      row(120'000, "gpt", "openai", "model_request", 100, 200, 0.4),
      row(600'000, "gpt", "openai", "cache_fill", 1000, 2000, 0.8),  // outside [0, 300000)
  };
  StatsInput in;
  in.ledger = ledger;
  in.now_ms = 900'000;
  StatsFilter all;
  all.to_ms = 300'000;
  auto s = aggregate(in, all);
  EXPECT_EQ(s.totals.spend.calls, 4);
  EXPECT_EQ(s.totals.spend.failed_calls, 1);
  EXPECT_EQ(s.totals.spend.input_tokens, 111);
  EXPECT_EQ(s.totals.spend.output_tokens, 222);
  EXPECT_NEAR(s.totals.spend.cost_usd, 0.7, 1e-12);
  EXPECT_EQ(s.totals.spend.by_purpose.at("cache_fill").input_tokens, 10);
  EXPECT_EQ(s.totals.spend.by_purpose.at("compare").calls, 2);
  ASSERT_EQ(s.models.size(), 2u);
  ASSERT_EQ(s.providers.size(), 2u);
  for (const auto& m : s.models) {
    if (m.model == "haiku") {
      EXPECT_EQ(m.provider, "anthropic");
      EXPECT_EQ(m.figures.spend.input_tokens, 11);
      EXPECT_EQ(m.figures.spend.by_purpose.size(), 2u);
    } else {
      EXPECT_EQ(m.provider, "openai");
      EXPECT_EQ(m.figures.spend.output_tokens, 200);
    }
  }
  StatsFilter openai = all;
  openai.provider = "openai";
  s = aggregate(in, openai);
  EXPECT_EQ(s.totals.spend.input_tokens, 100);
  ASSERT_EQ(s.models.size(), 1u);
  StatsFilter haiku = all;
  haiku.model = "haiku";
  haiku.from_ms = 61'000;  // rollups are per minute: the minute holding `from` counts
  haiku.from_given = true;
  s = aggregate(in, haiku);
  EXPECT_EQ(s.totals.spend.calls, 3);
}

TEST(LedgerSpend, JsonListsEveryPurposeAndRoundsMoneyToNanoDollars) {
  // 0.1 + 0.2 style sums: 7 x 2.5e-5 is 0.00017500000000000003 in doubles.
  double cost = 0.0;
  for (int i = 0; i < 7; ++i) cost += 2.5e-5;
  ASSERT_NE(json(cost).dump(), "0.000175");
  EXPECT_EQ(json(roundUsd(cost)).dump(), "0.000175");
  EXPECT_EQ(roundUsd(std::numeric_limits<double>::infinity()), 0.0);
  std::vector<LedgerRow> ledger = {row(60'000, "haiku", "anthropic", "compare", 7, 8, cost)};
  StatsInput in;
  in.ledger = ledger;
  in.now_ms = 120'000;
  StatsResult result;
  result.stats = aggregate(in, StatsFilter{});
  result.filter.to_ms = 120'000;
  const auto j = api::statsJson(result);
  const auto& spend = j["totals"]["spend"];
  EXPECT_EQ(spend["calls"], 1);
  EXPECT_EQ(spend["failed_calls"], 0);
  EXPECT_EQ(spend["input_tokens"], 7);
  EXPECT_EQ(spend["output_tokens"], 8);
  EXPECT_EQ(spend["cost_usd"].dump(), "0.000175");
  for (const char* p : {"cache_fill", "model_request", "compare", "arena", "passthrough"})
    ASSERT_TRUE(spend["by_purpose"].contains(p)) << p;
  EXPECT_EQ(spend["by_purpose"]["compare"]["cost_usd"].dump(), "0.000175");
  EXPECT_EQ(spend["by_purpose"]["arena"]["calls"], 0);
  EXPECT_EQ(j["models"][0]["spend"]["input_tokens"], 7);
  EXPECT_EQ(j["providers"][0]["spend"]["output_tokens"], 8);
}

}  // namespace
}  // namespace cs
