// GatewayImpl on a scripted transport, an injected clock and a hand-driven executor: retries,
// Retry-After, deadline, 401 key refresh, circuit breaker, disabled models, and the callback
// contract of generateAsync (exactly once, never on the caller's stack). No sockets, no
// sleeping: a retry wait is a timer the test fires by moving the FakeClock.
#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "core/thread_boundary.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_keys.hpp"
#include "fakes/manual_executor.hpp"
#include "fakes/manual_loop.hpp"
#include "fakes/recording_ledger.hpp"
#include "fakes/scripted_transport.hpp"
#include "llm/gateway_impl.hpp"
#include "llm/model_catalog.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

net::HttpResponse anthropicOk() {
  net::HttpResponse r;
  r.status = 200;
  r.headers["content-type"] = "application/json";
  r.body = json{{"id", "msg_1"},
                {"type", "message"},
                {"role", "assistant"},
                {"content",
                 {{{"type", "text"},
                   {"text",
                    "1. Amazon S3 is like a bottomless closet that never fills.\n2. AWS Lambda is "
                    "like a taxi you "
                    "pay per ride.\n3. Amazon SQS is like a deli ticket machine for messages."}}}},
                {"stop_reason", "end_turn"},
                {"usage", {{"input_tokens", 90}, {"output_tokens", 60}}}}
               .dump();
  return r;
}

net::HttpResponse status(long code, std::string retry_after = "") {
  net::HttpResponse r;
  r.status = code;
  r.headers["content-type"] = "application/json";
  r.body = R"({"type":"error","error":{"type":"x","message":"echo sk-ant-test-FAKE-key-1 back"}})";
  if (!retry_after.empty()) r.headers["retry-after"] = retry_after;
  return r;
}

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest() {
    GatewayOptions options;
    options.retry = RetryPolicy{3, milliseconds(100), milliseconds(1000)};
    options.breaker = CircuitBreaker::Options{4, milliseconds(60'000), milliseconds(30'000)};
    gateway_ = std::make_unique<GatewayImpl>(loadModelCatalog("").value(), options, transport_,
                                             keys_, clock_, executor_);
    gateway_->setRandom([] { return 0.5; });
    transport_.setFallback(testing::ScriptedTransport::timeouts());
    gateway_->ledger().subscribe(ledger_);
  }
  // Starts the call, checks its callback did not run on this stack, runs the executor (timers
  // included: the clock moves to each) until nothing is left, and checks it ran exactly once.
  GenerationOutcome generate(GenerationRequest r) {
    return runOnce<GenerationOutcome>(
        [&](auto done) { gateway_->generateAsync(std::move(r), done); });
  }
  // The callback contract both kinds of call keep: `start` is given the callback.
  template <typename Outcome, typename Start>
  Outcome runOnce(Start start) {
    int callbacks = 0;
    std::optional<Outcome> out;
    start([&](Outcome o) {
      ++callbacks;
      out = std::move(o);
    });
    EXPECT_EQ(callbacks, 0) << "the callback ran on the caller's stack";
    executor_.runAll();
    EXPECT_EQ(callbacks, 1);
    if (!out) return std::unexpected(LlmError{LlmError::Kind::kInternal, "no callback", 0, {}});
    return std::move(*out);
  }
  GenerationRequest request(milliseconds budget = milliseconds(10'000)) {
    GenerationRequest r;
    r.model_id = "claude-haiku-4-5";
    r.deadline = clock_.now() + budget;
    return r;
  }
  testing::FakeClock clock_;
  testing::ManualExecutor executor_{clock_};
  testing::ScriptedTransport transport_;
  testing::FakeKeys keys_{{{"anthropic", "sk-ant-test-FAKE-key-1"}}};
  testing::RecordingLedger ledger_;
  std::unique_ptr<GatewayImpl> gateway_;
};

TEST_F(GatewayTest, SuccessSplitsUsageAndCost) {
  transport_.setScript({anthropicOk()});
  auto r = generate(request());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->sayings.size(), 3u);
  EXPECT_EQ(r->usage.total(), 150);
  EXPECT_DOUBLE_EQ(r->cost_usd, 150 * 0.0025 / 1000);
  EXPECT_EQ(r->sayings[0].tokens.input_tokens, 30);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(r->finish_reason, "stop");
  EXPECT_EQ(json::parse(transport_.requests()[0].body)["model"], "claude-haiku-4-5");
}

TEST_F(GatewayTest, RetriesOverloadWithJitteredBackoff) {
  transport_.setScript({status(529), status(500), anthropicOk()});
  auto r = generate(request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(executor_.delays,
            (std::vector{milliseconds(50), milliseconds(100)}));  // 0.5 * 100, 0.5 * 200
}

TEST_F(GatewayTest, HonoursRetryAfter) {
  transport_.setScript({status(429, "2"), anthropicOk()});
  ASSERT_TRUE(generate(request()));
  EXPECT_EQ(executor_.delays, (std::vector{milliseconds(2000)}));
}

TEST_F(GatewayTest, NeverWaitsPastTheDeadline) {
  transport_.setScript({status(429, "30"), anthropicOk()});
  auto r = generate(request(milliseconds(5'000)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kRateLimited);
  EXPECT_TRUE(executor_.delays.empty());
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(GatewayTest, PerAttemptTimeoutIsCutToTheDeadline) {
  transport_.setFallback(testing::ScriptedTransport::timeouts(
      [this](const net::HttpRequest& req) { clock_.advance(req.total_timeout); }));
  auto r = generate(request(milliseconds(1'500)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kTimeout);
  ASSERT_FALSE(transport_.requests().empty());
  EXPECT_EQ(transport_.requests()[0].total_timeout, milliseconds(1'500));
  milliseconds total{0};
  for (const auto& req : transport_.requests()) total += req.total_timeout;
  for (const auto& w : executor_.delays) total += w;
  EXPECT_LE(total, milliseconds(1'500));
}

TEST_F(GatewayTest, StopsAfterMaxAttemptsAndDoesNotRetryBadRequests) {
  transport_.setScript({status(500), status(502), status(500), anthropicOk()});
  auto r = generate(request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kServer);
  EXPECT_EQ(transport_.requests().size(), 3u);
  transport_.clearRequests();
  transport_.setScript({status(400), anthropicOk()});
  EXPECT_EQ(generate(request()).error().kind, LlmError::Kind::kBadRequest);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(GatewayTest, A401RefreshesTheKeyOnceAndNeverLeaksIt) {
  keys_.rotateTo("anthropic", "sk-ant-test-FAKE-key-2");
  transport_.setScript({status(401), anthropicOk()});
  ASSERT_TRUE(generate(request()));
  EXPECT_EQ(keys_.invalidations(), 1);
  ASSERT_EQ(transport_.requests().size(), 2u);
  auto key_of = [](const net::HttpRequest& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "x-api-key") return v;
    return std::string();
  };
  EXPECT_EQ(key_of(transport_.requests()[1]), "sk-ant-test-FAKE-key-2");

  transport_.clearRequests();
  transport_.setScript({status(401), status(401), anthropicOk()});
  auto r = generate(request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kAuth);
  EXPECT_EQ(transport_.requests().size(), 2u);
  EXPECT_EQ(r.error().message.find("FAKE-key"), std::string::npos) << r.error().message;
}

TEST_F(GatewayTest, BreakerOpensThenFailsFastAndShowsInModels) {
  transport_.setScript({status(500), status(500), status(500), status(500)});
  (void)generate(request());  // 3 attempts
  (void)generate(request());  // 4th failure opens the breaker
  const auto sent = transport_.requests().size();
  auto r = generate(request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kCircuitOpen);
  EXPECT_EQ(transport_.requests().size(), sent);
  for (const auto& m : gateway_->models())
    if (m.info.id == "claude-haiku-4-5") {
      EXPECT_EQ(m.health, "open");
    }
  clock_.advance(milliseconds(31'000));
  transport_.setScript({anthropicOk()});
  EXPECT_TRUE(generate(request()));  // the half-open probe closes it
}

// Regression: a half-open probe whose call never went out (its deadline had already passed)
// kept the probe slot taken, so the circuit stayed open for good and every call failed fast.
TEST_F(GatewayTest, AProbeThatNeverWentOutDoesNotWedgeTheBreaker) {
  transport_.setScript({status(500), status(500), status(500), status(500)});
  (void)generate(request());
  (void)generate(request());  // open
  clock_.advance(milliseconds(31'000));
  auto late = generate(request(milliseconds(0)));  // allowed as the probe, no time left
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, LlmError::Kind::kTimeout);
  const auto sent = transport_.requests().size();
  transport_.setScript({anthropicOk()});
  auto r = generate(request());
  ASSERT_TRUE(r) << r.error().message;  // the next call probes and closes the circuit
  EXPECT_EQ(transport_.requests().size(), sent + 1);
  for (const auto& m : gateway_->models())
    if (m.info.id == "claude-haiku-4-5") {
      EXPECT_EQ(m.health, "ok");
    }
}

TEST_F(GatewayTest, ModelsWithoutKeysAreDisabled) {
  for (const auto& m : gateway_->models()) {
    EXPECT_EQ(m.enabled, m.info.provider == "anthropic") << m.info.id;
    if (!m.enabled) {
      EXPECT_NE(m.disabled_reason.find("no API key"), std::string::npos);
    }
  }
  GenerationRequest r;
  r.model_id = "gpt-4.1";
  EXPECT_EQ(generate(r).error().kind, LlmError::Kind::kDisabled);
  r.model_id = "no-such-model";
  EXPECT_EQ(generate(r).error().kind, LlmError::Kind::kDisabled);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GatewayTest, AnswerWithoutSayingsIsABadResponse) {
  auto r = anthropicOk();
  auto body = json::parse(r.body);
  body["content"][0]["text"] = "Sure, here you go:";
  r.body = body.dump();
  transport_.setScript({r});
  EXPECT_EQ(generate(request()).error().kind, LlmError::Kind::kBadResponse);
}

// Every way a call can end answers its callback once, off the caller's stack (the fixture's
// generate() checks both), and writes the ledger once when a request went out.
TEST_F(GatewayTest, EveryPathAnswersTheCallbackOnceAndTheLedgerAtMostOnce) {
  struct Case {
    const char* name;
    std::deque<net::HttpResponse> script;
    std::string model;
    LlmError::Kind kind;
    std::size_t records;
  };
  const std::vector<Case> cases = {
      {"success", {anthropicOk()}, "claude-haiku-4-5", LlmError::Kind::kServer, 1},
      {"unknown model", {}, "no-such-model", LlmError::Kind::kDisabled, 0},
      {"no key", {}, "gpt-4.1", LlmError::Kind::kDisabled, 0},
      {"bad request", {status(400)}, "claude-haiku-4-5", LlmError::Kind::kBadRequest, 1},
      {"retries spent",
       {status(500), status(500), status(500)},
       "claude-haiku-4-5",
       LlmError::Kind::kServer,
       1},
  };
  for (const auto& c : cases) {
    ledger_.clear();
    transport_.setScript(c.script);
    auto req = request();
    req.model_id = c.model;
    auto r = generate(req);
    if (std::string(c.name) == "success")
      EXPECT_TRUE(r) << c.name;
    else
      EXPECT_EQ(r.error().kind, c.kind) << c.name;
    EXPECT_EQ(ledger_.records().size(), c.records) << c.name;
  }
  EXPECT_EQ(gateway_->callsInFlight(), 0u);
}

TEST_F(GatewayTest, ARetryWaitIsATimerNotASleepingThread) {
  transport_.setScript({status(529), anthropicOk()});
  std::optional<GenerationOutcome> out;
  gateway_->generateAsync(request(), [&](GenerationOutcome o) { out = std::move(o); });
  executor_.runReady();  // the first attempt went out and failed
  EXPECT_FALSE(out);
  EXPECT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(executor_.pendingTimers(), 1u);  // the wait is a timer
  EXPECT_EQ(gateway_->callsInFlight(), 1u);
  ASSERT_TRUE(executor_.fireNextTimer());
  ASSERT_TRUE(out && *out) << (out ? out->error().message : "no answer");
  EXPECT_EQ((*out)->attempts, 2);
  EXPECT_EQ(gateway_->callsInFlight(), 0u);
}

TEST_F(GatewayTest, TheDeadlinePassingDuringARetryWaitEndsTheCallAsATimeout) {
  transport_.setScript({status(529), anthropicOk()});
  int callbacks = 0;
  std::optional<GenerationOutcome> out;
  gateway_->generateAsync(request(milliseconds(10'000)), [&](GenerationOutcome o) {
    ++callbacks;
    out = std::move(o);
  });
  executor_.runReady();
  ASSERT_EQ(executor_.pendingTimers(), 1u);
  clock_.advance(milliseconds(20'000));  // the process stalled: the wait ends past the deadline
  executor_.runAll();
  EXPECT_EQ(callbacks, 1);
  ASSERT_TRUE(out && !*out);
  EXPECT_EQ(out->error().kind, LlmError::Kind::kTimeout);
  EXPECT_NE(out->error().message.find("deadline passed after 1 attempt(s)"), std::string::npos)
      << out->error().message;
  EXPECT_EQ(out->error().attempts, 1);
  EXPECT_EQ(transport_.requests().size(), 1u);  // no attempt after the deadline
  ASSERT_EQ(ledger_.records().size(), 1u);
  EXPECT_EQ(ledger_.records()[0].outcome, "timeout");
}

TEST_F(GatewayTest, ARetryTimerFiredAtShutdownEndsTheCallWithoutAnotherAttempt) {
  transport_.setScript({status(503), anthropicOk()});
  std::optional<GenerationOutcome> out;
  int callbacks = 0;
  gateway_->generateAsync(request(), [&](GenerationOutcome o) {
    ++callbacks;
    out = std::move(o);
  });
  executor_.runReady();
  ASSERT_EQ(executor_.pendingTimers(), 1u);
  executor_.setStopping(true);  // stop(): pending timers fire at once
  executor_.runReady();
  EXPECT_EQ(callbacks, 1);
  ASSERT_TRUE(out && !*out);
  EXPECT_EQ(out->error().kind, LlmError::Kind::kShuttingDown);
  EXPECT_EQ(transport_.requests().size(), 1u);
  ASSERT_EQ(ledger_.records().size(), 1u);  // the attempt that went out is still accounted for
}

TEST_F(GatewayTest, AThrowingCallbackIsCountedAndTheCallStillEndsOnce) {
  transport_.setScript({anthropicOk()});
  const auto before = surprisesIn(ThreadKind::kExecutor);
  int callbacks = 0;
  gateway_->generateAsync(request(), [&](GenerationOutcome) {
    ++callbacks;
    throw std::runtime_error("caller bug");
  });
  executor_.runAll();
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(surprisesIn(ThreadKind::kExecutor), before + 1);
  EXPECT_EQ(ledger_.records().size(), 1u);
  EXPECT_EQ(gateway_->callsInFlight(), 0u);
}

// Forwarded chat completions (POST /v1/chat/completions): the same state machine, the
// client's object as the request, the provider's bytes as the answer.
class GatewayForwardTest : public GatewayTest {
 protected:
  GatewayForwardTest() { keys_.set("openai", "sk-test-FAKE-key-2"); }
  // The client's text and its `model` value's span, as the passthrough handler hands them on.
  ForwardRequest forwardRequest(const std::string& model, const json& body) {
    ForwardRequest r;
    r.model_id = model;
    r.body = body.dump();
    if (const auto scanned = jsonf::scan(r.body))
      if (const auto* m = scanned->find("model").member) r.model_value = m->value;
    r.deadline = clock_.now() + milliseconds(10'000);
    return r;
  }
  ForwardOutcome forward(const std::string& model, json body) {
    return runOnce<ForwardOutcome>(
        [&](auto done) { gateway_->forwardAsync(forwardRequest(model, body), done); });
  }
  static net::HttpResponse openAiOk(std::int64_t in, std::int64_t out) {
    net::HttpResponse r;
    r.status = 200;
    r.headers["content-type"] = "application/json";
    r.body = json{{"id", "chatcmpl-1"},
                  {"object", "chat.completion"},
                  {"choices", json::array({{{"index", 0},
                                            {"message", {{"role", "assistant"}, {"content", "hi"}}},
                                            {"finish_reason", "stop"}}})},
                  {"usage", {{"prompt_tokens", in}, {"completion_tokens", out}}}}
                 .dump();
    return r;
  }
  static json chat() {
    return {{"model", "ignored"},
            {"messages", json::array({{{"role", "user"}, {"content", "x"}}})},
            {"temperature", 0.1}};
  }
};

TEST_F(GatewayForwardTest, SendsTheClientsObjectWithTheUpstreamModelAndReturnsTheAnswersBytes) {
  const auto answer = openAiOk(11, 7);
  transport_.setScript({answer});
  auto r = forward("gpt-4.1-mini", chat());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, answer.body);
  EXPECT_EQ(r->usage.input_tokens, 11);
  EXPECT_EQ(r->usage.output_tokens, 7);
  EXPECT_DOUBLE_EQ(r->cost_usd, 18 * 0.001 / 1000);
  const auto sent = transport_.requests().at(0);  // requests() is a copy
  EXPECT_TRUE(sent.url.ends_with("/chat/completions"));
  auto body = json::parse(sent.body);
  EXPECT_EQ(body["model"], "gpt-4.1-mini");
  EXPECT_EQ(body["temperature"], 0.1);
  EXPECT_EQ(body["messages"], chat()["messages"]);
  const auto records = ledger_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].purpose, Purpose::kPassthrough);
  EXPECT_EQ(records[0].outcome, "ok");
  EXPECT_EQ(records[0].tokens.total(), 18);
}

// On an event loop (an HTTP I/O thread) with the key cached, the call is sent before
// forwardAsync returns: no executor hop. Its answer still reaches the caller off its stack.
TEST_F(GatewayForwardTest, OnAnEventLoopWithACachedKeyTheCallIsSentWithoutAnExecutorHop) {
  testing::ManualLoop loop;
  EventLoop::Scope on_loop(loop);
  transport_.setScript({openAiOk(2, 3)});
  std::size_t sent_before_return = 0;
  auto r = runOnce<ForwardOutcome>([&](auto done) {
    gateway_->forwardAsync(forwardRequest("gpt-4.1-mini", chat()), done);
    sent_before_return = transport_.requests().size();
  });
  EXPECT_EQ(sent_before_return, 1u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->usage.total(), 5);
  EXPECT_EQ(ledger_.records().at(0).outcome, "ok");
}

// A key only a source call could give (SSM) is never fetched on the loop's thread.
TEST_F(GatewayForwardTest, OnAnEventLoopAKeyThatIsNotCachedIsFetchedOnTheExecutor) {
  testing::ManualLoop loop;
  EventLoop::Scope on_loop(loop);
  keys_.setPeekable(false);
  transport_.setScript({openAiOk(2, 3)});
  std::size_t sent_before_return = 1;
  auto r = runOnce<ForwardOutcome>([&](auto done) {
    gateway_->forwardAsync(forwardRequest("gpt-4.1-mini", chat()), done);
    sent_before_return = transport_.requests().size();
  });
  EXPECT_EQ(sent_before_return, 0u);
  ASSERT_TRUE(r) << r.error().message;
}

// Ends before any transfer (another wire format, an open circuit) answer off the caller's
// stack on the inline path too (runOnce checks).
TEST_F(GatewayForwardTest, OnAnEventLoopARefusalStillAnswersOffTheCallersStack) {
  testing::ManualLoop loop;
  EventLoop::Scope on_loop(loop);
  keys_.set("anthropic", "sk-ant-test-FAKE-key-1");
  auto wrong_wire = forward("claude-haiku-4-5", chat());
  ASSERT_FALSE(wrong_wire);
  EXPECT_EQ(wrong_wire.error().kind, LlmError::Kind::kBadRequest);
  EXPECT_TRUE(transport_.requests().empty());
  transport_.setFallback([](const net::HttpRequest&) { return status(500); });
  for (int i = 0; i < 4; ++i) (void)forward("gpt-4.1-mini", chat());  // opens the circuit
  const auto sent = transport_.requests().size();
  auto open = forward("gpt-4.1-mini", chat());
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().kind, LlmError::Kind::kCircuitOpen);
  EXPECT_EQ(transport_.requests().size(), sent);
}

TEST_F(GatewayForwardTest, RetriesServerErrorsAndCountsEveryAttempt) {
  transport_.setScript({status(500), status(503), openAiOk(3, 4)});
  auto r = forward("gpt-4.1-mini", chat());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(transport_.requests().size(), 3u);
  EXPECT_EQ(ledger_.records().at(0).attempts, 3);
}

TEST_F(GatewayForwardTest, SendsTheClientsBytesUnchangedButTheModelValue) {
  // Spacing, key order, escapes and number spellings a DOM re-dump would have rewritten.
  const std::string client =
      R"( {"temperature" : 0.10, "mod\u0065l":"ign\u006fred" ,"messages":[{"role":"user",)"
      R"("content":"caf\u00e9 \/ \ud83d\ude00"}], "n":1E0 } )";
  const auto scanned = jsonf::scan(client);
  ASSERT_TRUE(scanned);
  ForwardRequest request;
  request.model_id = "gpt-4.1-mini";
  request.body = client;
  request.model_value = scanned->find("model").member->value;
  request.deadline = clock_.now() + milliseconds(10'000);
  transport_.setScript({openAiOk(1, 1)});
  auto r =
      runOnce<ForwardOutcome>([&](auto done) { gateway_->forwardAsync(std::move(request), done); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(transport_.requests().at(0).body,
            R"( {"temperature" : 0.10, "mod\u0065l":"gpt-4.1-mini" ,"messages":[{"role":"user",)"
            R"("content":"caf\u00e9 \/ \ud83d\ude00"}], "n":1E0 } )");
}

TEST_F(GatewayForwardTest, RefusesAModelOfAnotherWireFormatBeforeSendingAnything) {
  auto r = forward("claude-haiku-4-5", chat());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kBadRequest);
  EXPECT_TRUE(transport_.requests().empty());
  EXPECT_TRUE(ledger_.records().empty());
}

TEST_F(GatewayForwardTest, AnAnswerWithoutChoicesOrWithBadUsageIsABadResponseButItsUsageIsSpent) {
  auto odd = openAiOk(5, 5);
  odd.body = R"({"usage":{"prompt_tokens":5,"completion_tokens":5}})";
  auto negative = openAiOk(5, 5);
  negative.body = R"({"choices":[],"usage":{"prompt_tokens":-1,"completion_tokens":5}})";
  for (const auto& answer : {odd, negative}) {
    transport_.setScript({answer});
    auto r = forward("gpt-4.1-mini", chat());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, LlmError::Kind::kBadResponse) << r.error().message;
  }
  EXPECT_EQ(ledger_.records().size(), 2u);
}

TEST_F(GatewayForwardTest, TheProvidersRejectionOfTheClientsRequestKeepsItsReasonRedacted) {
  auto rejected = status(400);
  rejected.body =
      R"({"error":{"type":"invalid_request_error","message":"bad temperature sk-test-FAKE-key-2"}})";
  transport_.setScript({rejected});
  auto r = forward("gpt-4.1-mini", chat());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LlmError::Kind::kBadRequest);
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_NE(r.error().message.find("bad temperature"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("sk-test-FAKE-key-2"), std::string::npos) << r.error().message;
  EXPECT_EQ(transport_.requests().size(), 1u);  // a 400 is not retried
}

}  // namespace
}  // namespace cs::llm
