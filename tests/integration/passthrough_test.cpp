// POST /v1/chat/completions end to end: the real binary on loopback forwarding to the fake
// OpenAI upstream over HTTP. The client's body reaches the upstream as sent (only `model`
// replaced by the catalog's upstream name, our key added); the answer comes back byte for
// byte; the spend /api/stats and /metrics show equals the usage the upstream reported; and
// every hostile request or broken upstream answer gets a clear JSON error, never a crash.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

constexpr const char* kToken = "test-FAKE-passthrough-token-0001";

class Passthrough : public ::testing::Test {
 protected:
  void SetUp() override {
    // "mini" is our id for the upstream's gpt-4.1-mini, so the forwarded body must show the
    // replacement; "haiku" is an Anthropic model (another wire format).
    std::ofstream(dir_.file("models.toml"))
        << "[[models]]\nid = \"mini\"\nprovider = \"openai\"\nupstream_model = \"gpt-4.1-mini\"\n"
        << "display_name = \"Mini\"\ninput_cost_per_token = 0.0000004\n"
        << "output_cost_per_token = 0.0000016\nprompt = \"openai\"\n"
        << "[[models]]\nid = \"haiku\"\nprovider = \"anthropic\"\nupstream_model = "
           "\"claude-haiku-4-5\"\n"
        << "display_name = \"Haiku\"\ncost_per_1k_tokens = 0.0025\nprompt = \"anthropic\"\n";
  }
  void start(bool enabled = true, const std::string& extra = "") {
    std::ofstream(dir_.file("cs.toml"))
        << "[store]\nurl = \"sqlite:" << dir_.file("cs.db") << "\"\n"
        << "[cache]\nenabled = false\n"
        << "[llm]\nmodels_file = \"" << dir_.file("models.toml")
        << "\"\n"
        // Quick retries; a breaker that stays closed, so each scripted fault is seen as itself.
        << "backoff_base_ms = 1\nbackoff_cap_ms = 5\nbreaker_failures = 1000\n"
        << "[stats]\ncache_ttl_ms = 0\nflush_interval_ms = 100\n"
        << "[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n"
        << "[passthrough]\nenabled = " << (enabled ? "true" : "false") << "\n"
        << extra;
    const std::map<std::string, std::string> env = {{"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-pass"},
                                                    {"OPENAI_API_KEY", "sk-test-FAKE-pass"},
                                                    {"ANTHROPIC_BASE_URL", fake_.url()},
                                                    {"OPENAI_BASE_URL", fake_.url("/v1")},
                                                    {"CS_PASSTHROUGH_TOKEN", kToken}};
    ASSERT_TRUE(server_.start({"--config", dir_.file("cs.toml")}, env)) << server_.logs();
  }
  HttpResult post(const std::string& body, std::vector<std::string> headers = {
                                               "Content-Type: application/json",
                                               std::string("Authorization: Bearer ") + kToken}) {
    return httpRequest("POST", server_.url("/v1/chat/completions"), body, headers, 30'000);
  }
  static json chat(const std::string& model = "mini") {
    return {{"model", model},
            {"messages", json::array({{{"role", "user"}, {"content", "One saying about S3."}}})},
            {"temperature", 0.25},
            {"max_tokens", 64},
            {"user", "client-42"}};
  }
  // The error document every refusal has: {"error": code, "message": ...} and the status.
  static void expectError(const HttpResult& r, long status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    const auto j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j.value("error", ""), code) << r.body;
    EXPECT_FALSE(j.value("message", "").empty()) << r.body;
    EXPECT_EQ(r.body.find(kToken), std::string::npos);
    EXPECT_EQ(r.body.find("sk-test-FAKE-pass"), std::string::npos);
  }
  json lastUpstreamBody() {
    const json stats = fake_.fake().stats();
    return json::parse(stats["recent"].back()["body"].get<std::string>());
  }
  // What the fake answers gpt-4.1-mini from now on (its earlier script and counters reset).
  void scriptUpstream(json model_script) {
    ASSERT_EQ(fake_.fake().control(json{{"reset", true}}), "");
    ASSERT_EQ(fake_.fake().control({{"models", {{"gpt-4.1-mini", std::move(model_script)}}}}), "");
  }

  json spend() {
    auto r = httpRequest("GET", server_.url("/api/stats"));
    return json::parse(r.body)["totals"]["spend"]["by_purpose"]["passthrough"];
  }

  TempDir dir_;
  FakeLlmServer fake_;
  ServerProcess server_;
};

TEST_F(Passthrough, ForwardsTheClientsBodyAndAnswersWithTheUpstreamsOwnBytes) {
  start();
  const auto r = post(chat().dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("content-type").find("application/json"), 0u);
  const auto answer = json::parse(r.body);
  EXPECT_EQ(answer["object"], "chat.completion");
  EXPECT_EQ(answer["model"], "gpt-4.1-mini");  // the upstream's answer, not rewritten
  EXPECT_TRUE(answer["id"].get<std::string>().starts_with("chatcmpl-fake"));
  // What the upstream received: the client's fields untouched, only the model replaced.
  auto sent = lastUpstreamBody();
  EXPECT_EQ(sent["model"], "gpt-4.1-mini");
  EXPECT_EQ(sent["temperature"], 0.25);
  EXPECT_EQ(sent["max_tokens"], 64);
  EXPECT_EQ(sent["user"], "client-42");
  EXPECT_EQ(sent["messages"], chat()["messages"]);
  EXPECT_EQ(sent.size(), chat().size());
}

TEST_F(Passthrough, SpendShownEqualsTheUsageTheUpstreamReported) {
  start();
  std::int64_t in = 0, out = 0;
  for (int i = 0; i < 5; ++i) {
    const auto r = post(chat().dump());
    ASSERT_EQ(r.status, 200) << r.body;
    // The client's own view of the usage: what the upstream put in the answer it forwarded.
    const auto usage = json::parse(r.body)["usage"];
    in += usage["prompt_tokens"].get<std::int64_t>();
    out += usage["completion_tokens"].get<std::int64_t>();
  }
  const json upstream = fake_.fake().stats()["usage_by_model"]["gpt-4.1-mini"];
  EXPECT_EQ(upstream["input_tokens"], in);
  EXPECT_EQ(upstream["output_tokens"], out);
  json s;
  ASSERT_TRUE(waitFor([&] {
    s = spend();
    return s["calls"] == 5;
  })) << s;
  EXPECT_EQ(s["input_tokens"], in);
  EXPECT_EQ(s["output_tokens"], out);
  EXPECT_NEAR(s["cost_usd"].get<double>(), in * 0.0000004 + out * 0.0000016, 1e-6);
  const auto metrics = httpRequest("GET", server_.url("/metrics")).body;
  EXPECT_EQ(metricValue(metrics,
                        "cloudsayings_llm_tokens_total{model=\"mini\",provider=\"openai\","
                        "purpose=\"passthrough\",direction=\"input\"}"),
            static_cast<double>(in))
      << metrics.substr(0, 4000);
}

TEST_F(Passthrough, HostileRequestsGetClearJsonErrorsAndNothingIsForwarded) {
  start();
  const std::string good = chat().dump();
  const std::string ct = "Content-Type: application/json";
  const std::string auth = std::string("Authorization: Bearer ") + kToken;
  auto r = post(good, {ct});
  expectError(r, 401, "unauthorized");
  EXPECT_EQ(r.headers.at("www-authenticate"), "Bearer");
  std::string wrong = kToken;
  wrong.back() = 'X';  // same length, one byte off
  expectError(post(good, {ct, "Authorization: Bearer " + wrong}), 401, "unauthorized");
  expectError(post(good, {ct, "Authorization: Bearer "}), 401, "unauthorized");
  expectError(post(good, {ct, std::string("Authorization: Basic ") + kToken}), 401, "unauthorized");
  expectError(post(good, {"Content-Type: text/plain", auth}), 415, "unsupported_media_type");
  expectError(post("{\"model\": ", {ct, auth}), 400, "invalid_json");
  expectError(post("[1,2]", {ct, auth}), 400, "invalid_json");
  expectError(post(std::string(100'000, '[') + std::string(100'000, ']'), {ct, auth}), 400,
              "invalid_json");
  auto with = [&](const char* field, json value) {
    auto body = chat();
    if (value.is_discarded())
      body.erase(field);
    else
      body[field] = std::move(value);
    return post(body.dump(), {ct, auth});
  };
  expectError(with("model", 42), 400, "bad_request");
  expectError(with("model", ""), 400, "bad_request");
  expectError(with("model", json(json::value_t::discarded)), 400, "bad_request");
  expectError(with("model", "no-such-model"), 400, "unknown_model");
  expectError(with("stream", true), 400, "bad_request");
  expectError(with("stream", "yes"), 400, "bad_request");
  expectError(with("messages", "hi"), 400, "bad_request");
  expectError(with("messages", json(json::value_t::discarded)), 400, "bad_request");
  // Another wire format: refused by the gateway before any request goes out.
  expectError(with("model", "haiku"), 400, "bad_request");
  // Over the route's body limit (1 MiB by default).
  auto big = chat();
  big["messages"][0]["content"] = std::string(2 * 1024 * 1024, 'a');
  expectError(post(big.dump(), {ct, auth}), 413, "payload_too_large");
  EXPECT_EQ(fake_.fake().stats()["requests"], 0);
  // A stream:false request is an ordinary one.
  EXPECT_EQ(with("stream", false).status, 200);
}

TEST_F(Passthrough, TheUpstreamReceivesTheClientsBytesWithOnlyTheModelValueReplaced) {
  start();
  // Spacing, key order, escapes, number spellings and an escaped `model` key: a DOM re-dump
  // would have rewritten all of them; now only the model's value changes.
  const std::string client =
      " {\"temperature\" : 0.250, \"mod\\u0065l\" : \"m\\u0069ni\",\n\"messages\":[{\"role\":"
      "\"user\",\"content\":\"caf\\u00e9 \\/ \xF0\x9F\x98\x80 S3\"}], \"max_tokens\":64E0,"
      "\"user\":\"client-42\"} ";
  const auto r = post(client);
  ASSERT_EQ(r.status, 200) << r.body;
  const json stats = fake_.fake().stats();
  ASSERT_EQ(stats["requests"], 1);
  const auto& seen = stats["recent"].back();
  EXPECT_EQ(seen["model"], "gpt-4.1-mini");  // the fake read the escaped key as `model`
  EXPECT_EQ(seen["body"].get<std::string>(),
            " {\"temperature\" : 0.250, \"mod\\u0065l\" : \"gpt-4.1-mini\",\n\"messages\":[{"
            "\"role\":\"user\",\"content\":\"caf\\u00e9 \\/ \xF0\x9F\x98\x80 S3\"}], "
            "\"max_tokens\":64E0,\"user\":\"client-42\"} ");
}

TEST_F(Passthrough, AModelOrStreamGivenTwiceIsRefusedAndNothingIsForwarded) {
  start();
  const std::string messages = R"("messages":[{"role":"user","content":"x"}])";
  for (const std::string& body :
       {R"({"model":"mini","model":"mini",)" + messages + "}",
        R"({"model":"mini",)" + messages + R"(,"mod\u0065l":"haiku"})",
        R"({"model":"mini","stream":false,"stream":true,)" + messages + "}"}) {
    const auto r = post(body);
    expectError(r, 400, "bad_request");
    const auto message = json::parse(r.body)["message"].get<std::string>();
    EXPECT_NE(message.find("more than once"), std::string::npos) << message;
    EXPECT_TRUE(
        message.starts_with(body.find("stream\":true") != std::string::npos ? "stream" : "model"))
        << message;
  }
  EXPECT_EQ(fake_.fake().stats()["requests"], 0);
}

TEST_F(Passthrough, UsageAndCostShownAreWhatTheUpstreamAnsweredItselfWrittenOddly) {
  start();
  // The answer the fake sends, byte for byte: usage after choices, spaced, keys reordered.
  const std::string answer =
      R"({ "id" : "chatcmpl-odd", "object":"chat.completion", "choices" : [ {"index":0,)"
      R"("message":{"role":"assistant","content":"S3 is a closet."},"finish_reason":"stop"} ],)"
      R"( "usage" : { "completion_tokens" : 23 , "total_tokens": 60, "prompt_tokens" : 37 } })";
  scriptUpstream(
      {{"raw", {{"status", 200}, {"content_type", "application/json"}, {"body", answer}}}});
  const auto r = post(chat().dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, answer);
  json s;
  ASSERT_TRUE(waitFor([&] {
    s = spend();
    return s["calls"] == 1;
  })) << s;
  EXPECT_EQ(s["input_tokens"], 37);
  EXPECT_EQ(s["output_tokens"], 23);
  EXPECT_NEAR(s["cost_usd"].get<double>(), 37 * 0.0000004 + 23 * 0.0000016, 1e-9);
  // Two usage objects: we cannot tell which one the client believes, so it is not an answer.
  const std::string twice =
      R"({"choices":[],"usage":{"prompt_tokens":1},"usage":{"prompt_tokens":2}})";
  scriptUpstream(
      {{"raw", {{"status", 200}, {"content_type", "application/json"}, {"body", twice}}}});
  expectError(post(chat().dump()), 503, "upstream_error");
}

TEST_F(Passthrough, BrokenUpstreamAnswersBecomeErrorsAndTheServerStaysUp) {
  start();
  // A 500 then an answer: retried, answered, and the ledger counts both attempts.
  scriptUpstream({{"statuses", {500}}});
  auto r = post(chat().dump());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(fake_.fake().stats()["requests"], 2);
  // The upstream refuses the client's own request: the client reads why.
  scriptUpstream({{"status", 400}});
  r = post(chat().dump());
  expectError(r, 400, "bad_request");
  EXPECT_NE(r.body.find("scripted failure"), std::string::npos) << r.body;
  // The upstream rate-limits us past the retries: a 429 the client can back off from.
  scriptUpstream({{"status", 429}, {"retry_after", "0"}});
  expectError(post(chat().dump()), 429, "rate_limited");
  for (const char* mode : {"malformed_json", "truncated", "wrong_content_type"}) {
    scriptUpstream({{"mode", mode}});
    expectError(post(chat().dump()), 503, "upstream_error");
  }
  // Usage that would make spend negative, and an answer that is JSON but no completion.
  for (const std::string& body :
       {std::string(R"({"choices":[],"usage":{"prompt_tokens":-5,"completion_tokens":1}})"),
        std::string(R"({"usage":{"prompt_tokens":1,"completion_tokens":1}})"),
        std::string(R"({"choices":{"0":1}})")}) {
    scriptUpstream(
        {{"raw", {{"status", 200}, {"content_type", "application/json"}, {"body", body}}}});
    expectError(post(chat().dump()), 503, "upstream_error");
  }
  EXPECT_EQ(httpRequest("GET", server_.url("/healthz")).status, 200);
}

TEST_F(Passthrough, OffByDefaultAndRefusesToStartWithoutAStrongToken) {
  start(/*enabled=*/false);
  expectError(post(chat().dump()), 404, "not_found");
  server_.stop();
  std::ofstream(dir_.file("on.toml"))
      << "[store]\nurl = \"sqlite:" << dir_.file("on.db") << "\"\n[passthrough]\nenabled = true\n";
  const auto run = runBinary({"serve", "--config", dir_.file("on.toml"), "--port", "0"},
                             {{"CS_PASSTHROUGH_TOKEN", "short-FAKE"}});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("CS_PASSTHROUGH_TOKEN"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("short-FAKE"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace cs::testing
