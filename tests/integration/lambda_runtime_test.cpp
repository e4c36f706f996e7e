// `cloud-sayings lambda` against a real Runtime API server on loopback (tests/fakes), fed API
// Gateway events of the recorded shapes in tests/data/lambda/.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "core/base64.hpp"
#include "fakes/fake_runtime_api.hpp"
#include "fakes/loopback_server.hpp"
#include "store/sqlite_store.hpp"
#include "support/lambda_process.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

json fixture(const std::string& name) {
  std::ifstream in(sourceDir() + "/tests/data/lambda/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

json v1Event(const std::string& method, const std::string& path) {
  json e = fixture("apigw_v1_event.json");
  e["httpMethod"] = method;
  e["path"] = path;
  e["requestContext"]["httpMethod"] = method;
  e["requestContext"]["path"] = "/prod" + path;
  return e;
}

json v2Event(const std::string& method, const std::string& path, const std::string& query = "") {
  json e = fixture("apigw_v2_event.json");
  e["rawPath"] = path;
  e["rawQueryString"] = query;
  e["requestContext"]["http"]["method"] = method;
  e["requestContext"]["http"]["path"] = path;
  return e;
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One invocation through the runtime; the proxy response as JSON (null when none came).
json invoke(FakeRuntimeApi& api, const json& event, std::int64_t deadline_ms = 0) {
  const auto id = api.enqueue(event.dump(), deadline_ms);
  auto outcome = api.waitOutcome(id);
  if (!outcome || outcome->kind != "response") return nullptr;
  return json::parse(outcome->body, nullptr, false);
}

json bodyOf(const json& proxy) {
  return json::parse(proxy["body"].get<std::string>(), nullptr, false);
}

std::map<std::string, std::string> baseEnv(const FakeRuntimeApi& api, const TempDir& dir) {
  return {{"AWS_LAMBDA_RUNTIME_API", api.address()},
          {"CLOUD_SAYINGS_STORE_URL", "sqlite:" + dir.file("sayings.db")}};
}

TEST(LambdaRuntime, ServesRestAndHttpApiEventsThroughThePipeline) {
  FakeRuntimeApi api;
  TempDir dir;
  LambdaProcess fn;
  ASSERT_TRUE(fn.start({binaryPath(), "lambda"}, baseEnv(api, dir)));
  // The function's store, read beside it (opened once the function has created it: two
  // processes migrating one new file at once would race).
  std::optional<SqliteStore> store;
  auto storedInvocations = [&store, &dir] {
    if (!store) store.emplace(dir.file("sayings.db"));
    std::int64_t n = 0;
    if (auto rows = store->listRequestStats({}))
      for (const auto& r : *rows) n += r.invocations;
    return n;
  };

  // Requests 1-3 of an instance come from the store; v1 and v2 alike. Several invocations in
  // a row with the rollups flushed: once the runtime asks for the next event, the requests so
  // far are in the store, not in the memory of a process Lambda may freeze.
  std::vector<std::string> ids;
  for (int i = 1; i <= 3; ++i) {
    const json proxy =
        invoke(api, i == 2 ? v2Event("GET", "/api/sayings") : v1Event("GET", "/api/sayings"));
    ASSERT_TRUE(proxy.is_object()) << fn.logs();
    ASSERT_TRUE(api.waitNextCalls(static_cast<std::size_t>(i) + 1));
    EXPECT_EQ(storedInvocations(), i);
    EXPECT_EQ(proxy["statusCode"], 200);
    EXPECT_EQ(proxy["isBase64Encoded"], false);
    EXPECT_EQ(proxy["headers"]["Content-Type"], "application/json");
    EXPECT_EQ(proxy["headers"]["X-Content-Type-Options"], "nosniff");  // security headers ran
    const json saying = bodyOf(proxy);
    EXPECT_EQ(saying["source"], "store");
    EXPECT_EQ(saying["request_number"], i);
    ids.push_back(saying["id"].get<std::string>());
  }

  // A base64 POST /api/feedback (HTTP API v2 encodes bodies it does not know as text).
  json vote = v2Event("POST", "/api/feedback");
  vote["headers"]["content-type"] = "application/json";
  vote["body"] = base64Encode(json{{"saying_id", ids[0]}, {"vote", "up"}}.dump());
  vote["isBase64Encoded"] = true;
  json proxy = invoke(api, vote);
  ASSERT_TRUE(proxy.is_object());
  EXPECT_EQ(proxy["statusCode"], 201) << proxy.dump();

  // The server's limits apply before a handler sees the request: 413 past the feedback limit.
  json big = v1Event("POST", "/api/feedback");
  big["body"] =
      json{{"saying_id", ids[0]}, {"vote", "up"}, {"pad", std::string(8 * 1024, 'x')}}.dump();
  proxy = invoke(api, big);
  EXPECT_EQ(proxy["statusCode"], 413);
  EXPECT_EQ(bodyOf(proxy)["error"], "payload_too_large");

  proxy = invoke(api, v1Event("GET", "/api/stats"));
  EXPECT_EQ(proxy["statusCode"], 200);
  EXPECT_TRUE(bodyOf(proxy).is_object());

  proxy = invoke(api, v2Event("GET", "/no/such/page"));
  EXPECT_EQ(proxy["statusCode"], 404);
  EXPECT_EQ(bodyOf(proxy)["error"], "not_found");

  proxy = invoke(api, v1Event("DELETE", "/api/sayings"));
  EXPECT_EQ(proxy["statusCode"], 405);
  EXPECT_EQ(bodyOf(proxy)["error"], "method_not_allowed");

  // /metrics is not routed in Lambda mode (it would be public through API Gateway).
  proxy = invoke(api, v2Event("GET", "/metrics"));
  EXPECT_EQ(proxy["statusCode"], 404);

  // The home page: HTML, as text.
  proxy = invoke(api, v2Event("GET", "/"));
  EXPECT_EQ(proxy["statusCode"], 200);
  EXPECT_EQ(proxy["isBase64Encoded"], false);
  EXPECT_NE(proxy["headers"]["Content-Type"].get<std::string>().find("text/html"),
            std::string::npos);
  EXPECT_NE(proxy["body"].get<std::string>().find("<html"), std::string::npos);

  // A streaming compare answers its JSON form.
  json compare = v2Event("GET", "/api/compare");
  compare["headers"]["accept"] = "text/event-stream";
  proxy = invoke(api, compare);
  ASSERT_TRUE(proxy.is_object());
  EXPECT_EQ(proxy["headers"]["Content-Type"].get<std::string>().find("event-stream"),
            std::string::npos);
  EXPECT_TRUE(bodyOf(proxy).is_object());

  // A malformed API Gateway event: 400 proxy response, and the runtime carries on.
  json malformed = v2Event("GET", "/api/sayings");
  malformed["rawPath"] = 42;
  proxy = invoke(api, malformed);
  EXPECT_EQ(proxy["statusCode"], 400);
  EXPECT_NE(bodyOf(proxy)["message"].get<std::string>().find("rawPath"), std::string::npos);
  json bad_base64 = v1Event("POST", "/api/feedback");
  bad_base64["body"] = "not base64!";
  bad_base64["isBase64Encoded"] = true;
  EXPECT_EQ(invoke(api, bad_base64)["statusCode"], 400);

  // Not an API Gateway event at all: an invocation error.
  const auto id = api.enqueue(R"({"source":"aws.events","detail-type":"Scheduled Event"})");
  auto outcome = api.waitOutcome(id);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->kind, "error");
  EXPECT_EQ(outcome->error_type, "Runtime.UnsupportedEvent");
  EXPECT_EQ(json::parse(outcome->body)["errorType"], "Runtime.UnsupportedEvent");

  // The invocation's request and trace ids are in its log lines.
  api.shutdown();
  EXPECT_EQ(fn.wait(), 1);
  const std::string logs = fn.logs();
  EXPECT_NE(logs.find("\"trace_id\":\"Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1\""),
            std::string::npos);
  EXPECT_NE(logs.find("\"aws_request_id\":\"8476a536-"), std::string::npos);
  EXPECT_NE(logs.find("\"_aws\""), std::string::npos) << "EMF is on by default in Lambda mode";
}

TEST(LambdaRuntime, NoSubcommandWithTheRuntimeApiSetIsLambdaMode) {
  FakeRuntimeApi api;
  TempDir dir;
  LambdaProcess fn;  // the binary itself as `bootstrap`: no arguments
  ASSERT_TRUE(fn.start({binaryPath()}, baseEnv(api, dir)));
  const json proxy = invoke(api, v2Event("GET", "/healthz"));
  ASSERT_TRUE(proxy.is_object()) << fn.logs();
  EXPECT_EQ(proxy["statusCode"], 200);
  api.shutdown();
  EXPECT_EQ(fn.wait(), 1);  // the Runtime API went away
}

TEST(LambdaRuntime, BadConfigurationIsAnInitErrorThenANonZeroExit) {
  FakeRuntimeApi api;
  TempDir dir;
  auto env = baseEnv(api, dir);
  env["CLOUD_SAYINGS_CACHE_ENABLED"] = "maybe";
  LambdaProcess fn;
  ASSERT_TRUE(fn.start({binaryPath(), "lambda"}, env));
  auto init = api.waitInitError();
  ASSERT_TRUE(init);
  EXPECT_EQ(init->error_type, "Runtime.ConfigError");
  const json body = json::parse(init->body);
  EXPECT_NE(body["errorMessage"].get<std::string>().find("CLOUD_SAYINGS_CACHE_ENABLED"),
            std::string::npos);
  EXPECT_EQ(fn.wait(), 2);
  EXPECT_EQ(api.nextCalls(), 0u);
}

TEST(LambdaRuntime, UnreachableStoreIsAnInitError) {
  FakeRuntimeApi api;
  TempDir dir;
  auto env = baseEnv(api, dir);
  env["CLOUD_SAYINGS_STORE_URL"] = "dynamodb";
  env["CLOUD_SAYINGS_DYNAMODB_ENDPOINT"] = "http://127.0.0.1:9";  // nothing listens there
  env["CLOUD_SAYINGS_DYNAMODB_DEADLINE_MS"] = "500";
  env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLEFAKE";
  env["AWS_SECRET_ACCESS_KEY"] = "fake-secret-for-tests";
  LambdaProcess fn;
  ASSERT_TRUE(fn.start({binaryPath(), "lambda"}, env));
  auto init = api.waitInitError();
  ASSERT_TRUE(init) << fn.logs();
  EXPECT_NE(fn.wait(), 0);
  EXPECT_EQ(api.nextCalls(), 0u);
}

// An LLM endpoint that answers nothing until released: work that outlives any deadline.
class HangingLlm {
 public:
  HangingLlm() {
    http::Router router;
    router.add(
        "POST", "/v1/messages",
        [this](const http::Request&) {
          std::unique_lock lock(mutex_);
          ++calls_;
          changed_.notify_all();
          changed_.wait_for(lock, std::chrono::seconds(60), [&] { return released_; });
          http::Response r;
          r.status = 529;
          r.body = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
          return r;
        },
        /*may_block=*/true);
    server_ = std::make_unique<LoopbackServer>(std::move(router));
  }
  ~HangingLlm() {
    release();
    server_->stop();
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::string url() const { return server_->url(""); }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  bool released_ = false;
  std::unique_ptr<LoopbackServer> server_;
};

TEST(LambdaRuntime, TheInvocationDeadlineBoundsTheWork) {
  HangingLlm llm;
  FakeRuntimeApi api;
  TempDir dir;
  auto env = baseEnv(api, dir);
  env["ANTHROPIC_API_KEY"] = "sk-ant-test-fake-key";
  env["CLOUD_SAYINGS_LLM_ANTHROPIC_BASE_URL"] = llm.url();
  env["CLOUD_SAYINGS_LLM_MAX_ATTEMPTS"] = "1";
  // Per-client limits keyed on the event's source IP: a burst of 2 for pages and stats.
  env["CLOUD_SAYINGS_RATE_LIMIT_BURST"] = "2";
  env["CLOUD_SAYINGS_RATE_LIMIT_REQUESTS_PER_SECOND"] = "0.001";
  LambdaProcess fn;
  ASSERT_TRUE(fn.start({binaryPath(), "lambda"}, env));

  // ?model= waits for one generation (flow.model_deadline_ms, 10 s), far past this
  // invocation's 1.5 s: the runtime answers 504 before Lambda's deadline and moves on.
  const auto deadline = nowMs() + 1'500;
  json proxy = invoke(api, v2Event("GET", "/api/sayings", "model=claude-haiku-4-5"), deadline);
  ASSERT_TRUE(proxy.is_object()) << fn.logs();
  EXPECT_EQ(proxy["statusCode"], 504);
  EXPECT_EQ(bodyOf(proxy)["error"], "timeout");
  // The refill still hangs, yet the runtime asked for the next event: the work after the
  // response is bounded by the deadline too.
  ASSERT_TRUE(api.waitNextCalls(2));
  // The provider recovers (answers 529 at once), so later invocations wait on no refill.
  llm.release();
  proxy = invoke(api, v1Event("GET", "/healthz"));
  EXPECT_EQ(proxy["statusCode"], 200);

  // Rate limiting keyed on requestContext's source IP.
  json a = v1Event("GET", "/api/stats");  // 198.51.100.7
  EXPECT_EQ(invoke(api, a)["statusCode"], 200);
  EXPECT_EQ(invoke(api, a)["statusCode"], 200);
  proxy = invoke(api, a);
  EXPECT_EQ(proxy["statusCode"], 429);
  EXPECT_TRUE(proxy["headers"].contains("Retry-After"));
  json b = a;
  b["requestContext"]["identity"]["sourceIp"] = "192.0.2.44";
  EXPECT_EQ(invoke(api, b)["statusCode"], 200);
  api.shutdown();
  fn.wait();
}

}  // namespace
}  // namespace cs::testing
