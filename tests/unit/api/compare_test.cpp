#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <map>
#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "fakes/fake_gateway.hpp"
#include "support/deferred.hpp"
#include "support/requests.hpp"

namespace cs::testing {
namespace {

// Collects a streamed response; write() fails once `fail_after` chunks were taken (a client
// that went away).
class CollectingSink final : public http::StreamSink {
 public:
  explicit CollectingSink(std::size_t fail_after = SIZE_MAX) : fail_after_(fail_after) {}
  bool write(std::string chunk) override {
    std::lock_guard lock(mutex_);
    if (chunks_.size() >= fail_after_) return false;
    chunks_.push_back(std::move(chunk));
    return true;
  }
  void close() override {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  bool waitClosed() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20), [&] { return closed_; });
  }
  std::vector<std::pair<std::string, nlohmann::json>> events() {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, nlohmann::json>> out;
    for (const auto& c : chunks_) {
      EXPECT_TRUE(c.starts_with("event: ")) << c;
      EXPECT_TRUE(c.ends_with("\n\n")) << c;
      const auto nl = c.find('\n');
      const auto data = c.find("data: ");
      out.emplace_back(c.substr(7, nl - 7), nlohmann::json::parse(c.substr(data + 6)));
    }
    return out;
  }

 private:
  std::size_t fail_after_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> chunks_;
  bool closed_ = false;
};

class Compare : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gateway = std::make_unique<FakeGateway>();
    fake_ = gateway.get();
    const std::vector<std::pair<std::string, int>> models = {
        {"d", 400}, {"a", 100}, {"c", 300}, {"b", 200}};
    for (const auto& [id, ms] : models) {
      fake_->addModel(id);
      fake_->setLatency(id, std::chrono::milliseconds(ms));
    }
    fake_->addModel("off", false);
    app::Config config;
    config.store.url = "sqlite::memory:";
    config.cache.enabled = false;       // compare is fresh: no background building in these tests
    config.rate_limit.enabled = false;  // every request here comes from one client
    app_ = std::make_unique<app::App>(config, SystemClock::instance(), std::move(gateway));
  }
  http::Response send(http::Request request) { return settle(app_->handler().handle(request)); }

  FakeGateway* fake_ = nullptr;
  std::unique_ptr<app::App> app_;
};

TEST_F(Compare, CallsAllModelsAtOnceAndReturnsEveryResult) {
  auto response = send(http::Request::make("GET", "/api/compare?models=a,b,c,d&topic=Amazon%20S3"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto j = nlohmann::json::parse(response.body);
  EXPECT_EQ(fake_->maxConcurrent(), 4);  // all four in flight together, not one after another
  EXPECT_LT(j["wall_ms"].get<double>(), 1000.0) << "about the slowest (400 ms), not the sum (1 s)";
  EXPECT_EQ(j["topic"], "Amazon S3");
  ASSERT_EQ(j["results"].size(), 4u);
  for (const auto& r : j["results"]) {
    EXPECT_EQ(r["ok"], true);
    EXPECT_TRUE(r["error"].is_null());
    ASSERT_EQ(r["sayings"].size(), 1u);
    EXPECT_GT(r["latency_ms"].get<double>(), 0.0);
    EXPECT_GT(r["tokens"]["input"].get<int>(), 0);
    EXPECT_GT(r["cost_usd"].get<double>(), 0.0);
    // Stored, so it can be voted on.
    const auto id = r["sayings"][0]["id"].get<std::string>();
    auto stored = app_->store().getSaying(id);
    ASSERT_TRUE(stored && *stored) << id;
    EXPECT_EQ((*stored)->model, r["model"].get<std::string>());
    EXPECT_NE((*stored)->text.find("about Amazon S3"),
              std::string::npos);  // the topic reached the prompt
  }
  for (const auto& req : fake_->requests())
    EXPECT_EQ(req.topic, std::optional<std::string>("Amazon S3"));
  ASSERT_TRUE(response.observation);
  EXPECT_EQ(response.observation->source, "llm");
}

TEST_F(Compare, RunsManyComparisonsOneAfterAnother) {
  // Each comparison's calls free their slots (max_concurrent_calls) when they end.
  for (int i = 0; i < 3; ++i) {
    auto response = send(http::Request::make("GET", "/api/compare?models=a,b"));
    ASSERT_EQ(response.status, 200) << response.body;
  }
  EXPECT_EQ(fake_->totalCalls(), 6);
}

TEST_F(Compare, AFailingModelDoesNotHoldBackTheOthers) {
  fake_->failAlways("c", cache::localError(llm::LlmError::Kind::kOverloaded, "upstream 529"));
  auto request = http::Request::make("POST", "/api/compare", R"({"models": ["a", "b", "c", "d"]})");
  request.headers.set("Content-Type", "application/json");
  auto j = nlohmann::json::parse(send(request).body);
  ASSERT_EQ(j["results"].size(), 4u);
  int ok = 0;
  for (const auto& r : j["results"]) {
    if (r["model"] == "c") {
      EXPECT_EQ(r["ok"], false);
      EXPECT_EQ(r["error"]["error"], "overloaded");
      EXPECT_EQ(r["error"]["retryable"], true);
      EXPECT_TRUE(r["sayings"].empty());
    } else {
      ok += r["ok"] == true;
    }
  }
  EXPECT_EQ(ok, 3);
}

TEST_F(Compare, StreamsOneEventPerModelInFinishingOrderThenDone) {
  auto request = http::Request::make("GET", "/api/compare?models=d,c,b,a");
  request.headers.set("Accept", "text/event-stream");
  auto response = send(request);
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/event-stream");
  ASSERT_TRUE(response.stream);
  auto sink = std::make_shared<CollectingSink>();
  response.stream(sink);
  ASSERT_TRUE(sink->waitClosed());
  auto events = sink->events();
  ASSERT_EQ(events.size(), 5u);
  std::vector<std::string> order;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(events[i].first, "result");
    order.push_back(events[i].second["model"]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "d"}));  // fastest first
  EXPECT_EQ(events[4].first, "done");
  EXPECT_EQ(events[4].second["count"], 4);
}

TEST_F(Compare, AClientThatGoesAwayStopsTheStreamSafely) {
  auto request = http::Request::make("GET", "/api/compare?models=a,b,c,d");
  request.headers.set("Accept", "text/event-stream");
  auto response = send(request);
  auto sink = std::make_shared<CollectingSink>(1);  // gone after the first event
  response.stream(sink);
  ASSERT_TRUE(sink->waitClosed());
  EXPECT_EQ(sink->events().size(), 1u);
  EXPECT_EQ(fake_->totalCalls(), 4);
}

TEST_F(Compare, DefaultsToEveryEnabledModel) {
  auto j = nlohmann::json::parse(send(http::Request::make("GET", "/api/compare")).body);
  EXPECT_EQ(j["models"], (nlohmann::json{"d", "a", "c", "b"}));
  EXPECT_EQ(fake_->calls("off"), 0);
}

TEST_F(Compare, BadRequestsAreRejectedBeforeAnyCall) {
  auto check = [&](http::Request request, int status, const std::string& code) {
    auto response = send(std::move(request));
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(nlohmann::json::parse(response.body)["error"], code) << response.body;
  };
  check(http::Request::make("GET", "/api/compare?models=a,nope"), 400, "unknown_model");
  check(http::Request::make("GET", "/api/compare?models=off"), 400, "model_disabled");
  check(http::Request::make("GET", "/api/compare?topic=" + std::string(61, 'x')), 400,
        "invalid_topic");
  check(http::Request::make("GET", "/api/compare?topic=%3Cscript%3E"), 400, "invalid_topic");
  check(http::Request::make("POST", "/api/compare", "{}"), 415, "unsupported_media_type");
  auto bad_json = http::Request::make("POST", "/api/compare", "{not json");
  bad_json.headers.set("Content-Type", "application/json");
  check(bad_json, 400, "invalid_json");
  auto bad_models = http::Request::make("POST", "/api/compare", R"({"models": 7})");
  bad_models.headers.set("Content-Type", "application/json");
  check(bad_models, 400, "invalid_models");
  EXPECT_EQ(fake_->totalCalls(), 0);
  auto unknown =
      nlohmann::json::parse(send(http::Request::make("GET", "/api/compare?models=zz")).body);
  EXPECT_NE(unknown["message"].get<std::string>().find("d, a, c, b"), std::string::npos);
}

// The handler returns at once (deferred) and nothing waits for the models: one thread starts
// twelve JSON comparisons, all their calls are in flight together, and each answer arrives
// when its models do.
TEST_F(Compare, JsonComparesHoldNoThreadWhileTheirModelsRun) {
  fake_->hold();
  constexpr int kRuns = 12;  // 24 calls: within the people's share of the default budget
  std::vector<std::future<http::Response>> answers;
  for (int i = 0; i < kRuns; ++i) {
    auto request = http::Request::make("GET", "/api/compare?models=a,b");
    auto response = app_->handler().handle(request);
    ASSERT_TRUE(response.deferred);
    auto promise = std::make_shared<std::promise<http::Response>>();
    answers.push_back(promise->get_future());
    response.deferred([promise](http::Response r) { promise->set_value(std::move(r)); });
  }
  fake_->waitForCalls(2 * kRuns);  // every model of every run started, all held at the gate
  for (auto& a : answers)
    EXPECT_EQ(a.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  fake_->release();
  for (auto& a : answers) {
    ASSERT_EQ(a.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    auto r = a.get();
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = nlohmann::json::parse(r.body);
    ASSERT_EQ(j["results"].size(), 2u);
    for (const auto& o : j["results"]) EXPECT_EQ(o["ok"], true) << o;
    EXPECT_TRUE(r.headers.get("X-Request-Id"));  // the pipeline finished the late answer too
  }
  EXPECT_EQ(fake_->maxConcurrent(), 2 * kRuns);
}

TEST(CompareBound, CallsBeyondMaxConcurrentCallsAnswerOverloaded) {
  auto gateway = std::make_unique<FakeGateway>();
  FakeGateway* fake = gateway.get();
  for (const auto* id : {"a", "b", "c", "d"}) fake->addModel(id);
  app::Config config;
  config.store.url = "sqlite::memory:";
  config.cache.enabled = false;
  config.rate_limit.enabled = false;
  config.compare.max_concurrent_calls = 2;
  config.llm.executor_threads = 1;
  app::App app(config, SystemClock::instance(), std::move(gateway));
  fake->hold();
  auto request = http::Request::make("GET", "/api/compare?models=a,b,c,d");
  auto response = app.handler().handle(request);
  auto promise = std::make_shared<std::promise<http::Response>>();
  auto answer = promise->get_future();
  response.deferred([promise](http::Response r) { promise->set_value(std::move(r)); });
  // One executor thread: a job posted after the comparison's start job runs after it, so
  // once it ran every model was dealt with (a and b held at the gate, c and d refused).
  std::promise<void> dealt;
  app.executor().post([&] { dealt.set_value(); });
  dealt.get_future().wait();
  EXPECT_EQ(fake->totalCalls(), 2);
  fake->release();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto j = nlohmann::json::parse(answer.get().body);
  std::map<std::string, std::string> errors;
  for (const auto& o : j["results"])
    errors[o["model"]] = o["error"].is_null() ? "" : o["error"]["error"].get<std::string>();
  EXPECT_EQ(errors, (std::map<std::string, std::string>{
                        {"a", ""}, {"b", ""}, {"c", "overloaded"}, {"d", "overloaded"}}));
  EXPECT_EQ(fake->totalCalls(), 2);
}

// Client bodies with wrong types, wrong shapes and absurd nesting: each is a 400 naming the
// field (or the body), never an exception, and no model is called.

TEST(HostileClientBody, CompareRejectsEveryWrongShapeBeforeAnyCall) {
  auto gateway = std::make_unique<FakeGateway>();
  FakeGateway* fake = gateway.get();
  fake->addModel("a");
  app::Config config;
  config.store.url = "sqlite::memory:";
  config.cache.enabled = false;
  config.rate_limit.enabled = false;
  app::App app(config, SystemClock::instance(), std::move(gateway));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"models":5})", "invalid_models"},
      {R"({"models":{"a":1}})", "invalid_models"},
      {R"({"models":[1,2]})", "invalid_models"},
      {R"({"models":[["a"]]})", "invalid_models"},
      {R"({"models":true})", "invalid_models"},
      {R"({"topic":5})", "invalid_topic"},
      {R"({"topic":["x"]})", "invalid_topic"},
      {R"({"topic":{"t":"x"}})", "invalid_topic"},
      {"[]", "invalid_json"},
      {"null", "invalid_json"},
      {"", "invalid_json"},
      {nestedArrays(200'000), "invalid_json"},
      {R"({"models":)" + nestedArrays(100'000) + "}", "invalid_json"},
  };
  for (const auto& [body, code] : cases) {
    auto request = jsonPost("/api/compare", body);
    const auto r = settle(app.handler().handle(request));
    EXPECT_EQ(r.status, 400) << body.substr(0, 80) << ": " << r.body;
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_EQ(j.value("error", ""), code) << body.substr(0, 80) << ": " << r.body;
  }
  EXPECT_EQ(fake->totalCalls(), 0);
}

}  // namespace
}  // namespace cs::testing
