// The LLM call ledger: one record per upstream call from the gateway (retries are attempts,
// reported usage of failed attempts still costed), its rollups (LedgerRollup + SQLite ADD
// semantics), the spend figures /api/stats derives from them, and the Prometheus/EMF sink.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/stats_handler.hpp"
#include "core/money.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/scripted_transport.hpp"
#include "llm/cost.hpp"
#include "llm/gateway_impl.hpp"
#include "llm/model_catalog.hpp"
#include "obs/emf.hpp"
#include "obs/metrics.hpp"
#include "service/ledger_metrics.hpp"
#include "service/ledger_rollup.hpp"
#include "service/stats_aggregate.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::string anthropicBody(const std::string& text, int in, int out) {
  return json{{"id", "msg_1"},
              {"type", "message"},
              {"role", "assistant"},
              {"content", {{{"type", "text"}, {"text", text}}}},
              {"stop_reason", "end_turn"},
              {"usage", {{"input_tokens", in}, {"output_tokens", out}}}}
      .dump();
}
const char* kThree =
    "1. Amazon S3 is like a bottomless closet.\n2. AWS Lambda is like a taxi you pay per "
    "ride.\n3. Amazon SQS is like a deli ticket machine.";

net::HttpResponse answer(long status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.headers["content-type"] = "application/json";
  r.body = std::move(body);
  return r;
}

class Keys final : public SecretProvider {
 public:
  Result<std::string> get(const std::string& name) override {
    if (name == "anthropic" && present) return std::string("sk-ant-test-FAKE-key");
    return fail(ErrorCode::kNoSecret, "not found");
  }
  void invalidate(const std::string&) override {}
  bool present = true;
};

struct Collect final : llm::LedgerSink {
  void record(const llm::LedgerRecord& r) override { records.push_back(r); }
  std::vector<llm::LedgerRecord> records;
};

class LedgerGateway : public ::testing::Test {
 protected:
  LedgerGateway() {
    llm::GatewayOptions options;
    options.retry = llm::RetryPolicy{3, milliseconds(1), milliseconds(2)};
    catalog_ = llm::loadModelCatalog("").value();
    gateway_ =
        std::make_unique<llm::GatewayImpl>(catalog_, options, transport_, keys_, clock_, executor_);
    gateway_->setRandom([] { return 0.0; });
    gateway_->ledger().subscribe(sink_);
  }
  llm::GenerationRequest request(llm::Purpose purpose) {
    llm::GenerationRequest r;
    r.model_id = "claude-haiku-4-5";
    r.purpose = purpose;
    r.deadline = clock_.now() + milliseconds(10'000);
    return r;
  }
  const llm::ModelInfo& haiku() const {
    return *std::ranges::find_if(
        catalog_, [](const llm::ModelInfo& m) { return m.id == "claude-haiku-4-5"; });
  }
  std::vector<llm::ModelInfo> catalog_;
  testing::FakeClock clock_;
  testing::ScriptedTransport transport_;
  Keys keys_;
  Collect sink_;
  ThreadExecutor executor_{1};  // retry waits of 1-2 ms, on real timers
  std::unique_ptr<llm::GatewayImpl> gateway_;
};

TEST_F(LedgerGateway, OneRecordPerCallRetriesAreAttempts) {
  transport_.push(answer(529, R"({"type":"error","error":{"type":"overloaded_error"}})"));
  transport_.push(answer(200, anthropicBody(kThree, 90, 60)));
  auto r = gateway_->generate(request(llm::Purpose::kCompare));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(sink_.records.size(), 1u);
  const auto& rec = sink_.records[0];
  EXPECT_EQ(rec.model, "claude-haiku-4-5");
  EXPECT_EQ(rec.provider, "anthropic");
  EXPECT_EQ(rec.purpose, llm::Purpose::kCompare);
  EXPECT_EQ(rec.outcome, "ok");
  EXPECT_EQ(rec.attempts, 2);
  EXPECT_EQ(rec.tokens.input_tokens, 90);
  EXPECT_EQ(rec.tokens.output_tokens, 60);
  EXPECT_GT(rec.cost_usd, 0.0);
  EXPECT_DOUBLE_EQ(rec.cost_usd, llm::callCost(haiku(), Usage{90, 60}));
  EXPECT_EQ(rec.ended_at_ms, clock_.wallMs());
}

TEST_F(LedgerGateway, AFailedCallWithReportedUsageIsStillCosted) {
  // Answers with usage but no sayings: bad_response (not retried), the tokens were spent.
  transport_.push(answer(200, anthropicBody("", 120, 7)));
  auto r = gateway_->generate(request(llm::Purpose::kModelRequest));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().attempts, 1);
  ASSERT_EQ(sink_.records.size(), 1u);
  const auto& rec = sink_.records[0];
  EXPECT_EQ(rec.outcome, "bad_response");
  EXPECT_FALSE(rec.ok());
  EXPECT_EQ(rec.purpose, llm::Purpose::kModelRequest);
  EXPECT_EQ(rec.tokens.input_tokens, 120);
  EXPECT_EQ(rec.tokens.output_tokens, 7);
  EXPECT_DOUBLE_EQ(rec.cost_usd, llm::callCost(haiku(), Usage{120, 7}));
}

TEST_F(LedgerGateway, ServerErrorsAreAttemptsOfOneUncostedCall) {
  transport_.push(answer(500, R"({"type":"error","error":{"type":"api_error"}})"));
  transport_.push(answer(500, R"({"type":"error","error":{"type":"api_error"}})"));
  transport_.push(answer(500, R"({"type":"error","error":{"type":"api_error"}})"));
  auto r = gateway_->generate(request(llm::Purpose::kCacheFill));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().attempts, 3);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].outcome, "server_error");
  EXPECT_EQ(sink_.records[0].attempts, 3);
  EXPECT_EQ(sink_.records[0].tokens.total(), 0);
  EXPECT_EQ(sink_.records[0].cost_usd, 0.0);
}

TEST_F(LedgerGateway, NoUpstreamRequestNoRecord) {
  keys_.present = false;
  auto r = gateway_->generate(request(llm::Purpose::kCacheFill));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, llm::LlmError::Kind::kDisabled);
  EXPECT_EQ(r.error().attempts, 0);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_TRUE(transport_.requests().empty());
}

TEST(LedgerPurpose, NamesRoundTrip) {
  for (llm::Purpose p : llm::kAllPurposes) EXPECT_EQ(llm::purposeFromName(llm::purposeName(p)), p);
  EXPECT_STREQ(llm::purposeName(llm::Purpose::kCacheFill), "cache_fill");
  EXPECT_STREQ(llm::purposeName(llm::Purpose::kModelRequest), "model_request");
  EXPECT_FALSE(llm::purposeFromName("none"));
}

llm::LedgerRecord rec(std::int64_t at_ms, std::string model, std::string provider,
                      llm::Purpose purpose, std::string outcome, std::int64_t in, std::int64_t out,
                      double cost) {
  llm::LedgerRecord r;
  r.model = std::move(model);
  r.provider = std::move(provider);
  r.purpose = purpose;
  r.outcome = std::move(outcome);
  r.attempts = 1;
  r.tokens = Usage{in, out};
  r.cost_usd = cost;
  r.latency_ms = 10;
  r.ended_at_ms = at_ms;
  return r;
}

const LedgerRow* find(const std::vector<LedgerRow>& rows, std::int64_t minute,
                      const std::string& model, const std::string& purpose) {
  auto it = std::ranges::find_if(rows, [&](const LedgerRow& r) {
    return r.minute_ms == minute && r.model == model && r.purpose == purpose;
  });
  return it == rows.end() ? nullptr : &*it;
}

TEST(LedgerRollup, MergesPerMinuteModelProviderPurposeAndAddsInTheStore) {
  testing::TempDir dir;
  SqliteStore store(dir.file("s.db"));
  LedgerRollup rollup(store, LedgerRollup::Options{milliseconds(60'000), false});
  using P = llm::Purpose;
  rollup.record(rec(60'500, "haiku", "anthropic", P::kCacheFill, "ok", 10, 20, 0.5));
  rollup.record(rec(119'999, "haiku", "anthropic", P::kCacheFill, "timeout", 1, 0, 0.25));
  rollup.record(rec(60'000, "haiku", "anthropic", P::kCompare, "ok", 3, 4, 0.125));
  rollup.record(rec(120'000, "haiku", "anthropic", P::kCacheFill, "ok", 5, 5, 1.0));
  const auto v = rollup.version();
  EXPECT_EQ(v, 4u);
  auto pending = rollup.pending();
  ASSERT_EQ(pending.size(), 3u);
  const auto* fill = find(pending, 60'000, "haiku", "cache_fill");
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->calls, 2);
  EXPECT_EQ(fill->failed_calls, 1);
  EXPECT_EQ(fill->input_tokens, 11);
  EXPECT_EQ(fill->output_tokens, 20);
  EXPECT_DOUBLE_EQ(fill->cost_usd, 0.75);
  ASSERT_EQ(rollup.flush().value(), 3u);
  EXPECT_TRUE(rollup.pending().empty());

  // Another flush (or another instance on the same database) adds, never overwrites.
  rollup.record(rec(61'000, "haiku", "anthropic", P::kCacheFill, "ok", 100, 200, 2.0));
  {
    SqliteStore other(dir.file("s.db"));
    ASSERT_TRUE(other.addLedgerStats(
        {ledgerRowOf(rec(62'000, "haiku", "anthropic", P::kCacheFill, "ok", 1000, 2000, 4.0))}));
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
  fill = find(stored, 60'000, "haiku", "cache_fill");
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
    rollup.record(rec(60'000, "m", "p", llm::Purpose::kArena, "ok", 1, 2, 0.5));
  }
  auto stored = store.listLedgerStats({0, INT64_MAX}).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].purpose, "arena");
  EXPECT_EQ(stored[0].output_tokens, 2);
}

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

TEST(LedgerMetrics, CountsCallsTokensAndCostAndNeverModelNone) {
  obs::Metrics metrics;
  testing::FakeClock clock;
  LedgerMetrics sink(metrics, clock, {});
  using P = llm::Purpose;
  sink.record(rec(0, "haiku", "anthropic", P::kCacheFill, "ok", 10, 20, 0.5));
  sink.record(rec(0, "haiku", "anthropic", P::kCacheFill, "timeout", 3, 0, 0.25));
  sink.record(rec(0, "haiku", "anthropic", P::kCompare, "ok", 1, 2, 0.125));
  obs::RequestSample fallback;  // a request no model served
  fallback.source = "fallback";
  fallback.status = 503;
  metrics.recordRequest(fallback);
  const auto text = metrics.renderPrometheus();
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_calls_total{model="haiku",provider="anthropic",purpose="cache_fill",outcome="ok"} 1)"))
      << text;
  EXPECT_NE(text.find(R"(purpose="cache_fill",outcome="timeout"} 1)"), std::string::npos) << text;
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_tokens_total{model="haiku",provider="anthropic",purpose="cache_fill",direction="input"} 13)"))
      << text;
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_tokens_total{model="haiku",provider="anthropic",purpose="cache_fill",direction="output"} 20)"));
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_cost_usd_total{model="haiku",provider="anthropic",purpose="cache_fill"} 0.75)"));
  EXPECT_TRUE(has(
      R"(cloudsayings_llm_cost_usd_total{model="haiku",provider="anthropic",purpose="compare"} 0.125)"));
  EXPECT_EQ(text.find("model=\"none\""), std::string::npos) << text;
  EXPECT_TRUE(has(R"(cloudsayings_requests_total{source="fallback"} 1)")) << text;
}

TEST(LedgerEmf, SpendLinesCarryTokensAndCostWithTheModelDimension) {
  const auto line =
      json::parse(obs::emfSpendLine({"haiku", "anthropic", "compare", "ok", 7, 8, 0.5}, 1234));
  EXPECT_EQ(line["model"], "haiku");
  EXPECT_EQ(line["purpose"], "compare");
  EXPECT_EQ(line["TokensUsed"], 15);
  EXPECT_EQ(line["Cost"], 0.5);
  const auto& m = line["_aws"]["CloudWatchMetrics"][0];
  EXPECT_EQ(m["Dimensions"][0], json::array({"model"}));
  EXPECT_EQ(m["Metrics"][0]["Name"], "TokensUsed");
  EXPECT_EQ(m["Metrics"][1]["Name"], "Cost");
  // The request line no longer carries them (no double count), nor a "none" model.
  obs::RequestSample s;
  s.source = "fallback";
  const auto req = json::parse(obs::emfLine(s, 1234));
  EXPECT_FALSE(req.contains("TokensUsed"));
  EXPECT_FALSE(req.contains("Cost"));
  EXPECT_FALSE(req.contains("model"));
  EXPECT_EQ(req["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0], json::array({"source"}));
}

}  // namespace
}  // namespace cs
