// The LLM call ledger: one record per upstream call from the gateway (retries are attempts,
// reported usage of failed attempts still costed), and purpose names.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_keys.hpp"
#include "fakes/recording_ledger.hpp"
#include "fakes/scripted_transport.hpp"
#include "llm/cost.hpp"
#include "llm/gateway_impl.hpp"
#include "llm/model_catalog.hpp"
#include "obs/metrics.hpp"
#include "service/ledger_metrics.hpp"
#include "service/ledger_rollup.hpp"
#include "service/stats_aggregate.hpp"
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
  testing::FakeKeys keys_{{{"anthropic", "sk-ant-test-FAKE-key"}}};
  testing::RecordingLedger sink_;
  ThreadExecutor executor_{1};  // retry waits of 1-2 ms, on real timers
  std::unique_ptr<llm::GatewayImpl> gateway_;
};

TEST_F(LedgerGateway, OneRecordPerCallRetriesAreAttempts) {
  transport_.push(answer(529, R"({"type":"error","error":{"type":"overloaded_error"}})"));
  transport_.push(answer(200, anthropicBody(kThree, 90, 60)));
  auto r = gateway_->generate(request(llm::Purpose::kCompare));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(sink_.records().size(), 1u);
  const auto rec = sink_.records()[0];
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
  ASSERT_EQ(sink_.records().size(), 1u);
  const auto rec = sink_.records()[0];
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
  ASSERT_EQ(sink_.records().size(), 1u);
  EXPECT_EQ(sink_.records()[0].outcome, "server_error");
  EXPECT_EQ(sink_.records()[0].attempts, 3);
  EXPECT_EQ(sink_.records()[0].tokens.total(), 0);
  EXPECT_EQ(sink_.records()[0].cost_usd, 0.0);
}

TEST_F(LedgerGateway, NoUpstreamRequestNoRecord) {
  keys_.erase("anthropic");
  auto r = gateway_->generate(request(llm::Purpose::kCacheFill));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, llm::LlmError::Kind::kDisabled);
  EXPECT_EQ(r.error().attempts, 0);
  EXPECT_TRUE(sink_.records().empty());
  EXPECT_TRUE(transport_.requests().empty());
}

TEST(LedgerPurpose, NamesRoundTrip) {
  for (llm::Purpose p : llm::kAllPurposes) EXPECT_EQ(llm::purposeFromName(llm::purposeName(p)), p);
  EXPECT_STREQ(llm::purposeName(llm::Purpose::kCacheFill), "cache_fill");
  EXPECT_STREQ(llm::purposeName(llm::Purpose::kModelRequest), "model_request");
  EXPECT_FALSE(llm::purposeFromName("none"));
}

}  // namespace
}  // namespace cs
