// The real http::Server with the real Pipeline and handlers, in-process on 127.0.0.1:0, driven
// by real clients. Label `unit`, so the tsan preset runs these: several client threads against
// the I/O threads, the worker pool, compare's call threads, the cache builder and the libcurl
// loop calling an in-process fake upstream.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "app/app.hpp"
#include "core/thread_boundary.hpp"
#include "fakes/fake_gateway.hpp"
#include "fakes/fake_llm.hpp"
#include "http/server.hpp"
#include "obs/logger.hpp"
#include "store/sqlite_store.hpp"
#include "support/forwarding_store.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

app::Config baseConfig(const TempDir& dir) {
  app::Config c;
  c.server.host = "127.0.0.1";
  c.server.port = 0;
  c.server.io_threads = 2;
  c.server.worker_threads = 8;
  c.server.drain_timeout = 5s;
  c.store.url = "sqlite:" + dir.file("cs.db");
  c.log.access_log = false;
  c.rate_limit.enabled = false;
  c.budget.max_calls_per_minute = 0;
  c.budget.max_usd_per_day = 0;
  c.stats.flush_interval_ms = 600'000;
  return c;
}

// An App behind the real server, run on a background thread; stopped gracefully on destruction.
class Served {
 public:
  explicit Served(app::Config config, llm::GatewayPtr gateway = nullptr, StorePtr store = nullptr)
      : app_(std::make_unique<app::App>(config, SystemClock::instance(), std::move(gateway),
                                        std::move(store))),
        server_(std::make_unique<http::Server>(config.server, app_->handler())) {
    app_->attachServer(*server_);
    server_->listen();
    thread_ = std::thread([this] { server_->run(false); });
  }
  ~Served() {
    server_->stop();
    thread_.join();
    server_.reset();  // before the App: the server serves the App's pipeline
  }
  Served(const Served&) = delete;
  Served& operator=(const Served&) = delete;
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  app::App& app() { return *app_; }
  http::Server& server() { return *server_; }

 private:
  std::unique_ptr<app::App> app_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

class QuietLogs : public ::testing::Test {
 protected:
  void SetUp() override { obs::setGlobalLogger(&logger_); }
  void TearDown() override {
    logger_.flush();
    obs::setGlobalLogger(nullptr);
  }
  obs::Logger logger_{obs::Level::kError, [](std::string_view) {}};
  TempDir dir_;
};

HttpResult vote(const std::string& base, const std::string& saying, const std::string& client) {
  return httpRequest("POST", base + "/api/feedback",
                     R"({"saying_id":")" + saying + R"(","vote":"up","execution_time":420})",
                     {"Content-Type: application/json", "X-Client-Id: " + client});
}

using ServerConcurrency = QuietLogs;

TEST_F(ServerConcurrency, ManyClientsOnEveryRouteAgainstARealUpstream) {
  FakeLlmServer upstream;
  auto config = baseConfig(dir_);
  config.llm.anthropic_base_url = upstream.url();
  config.llm.openai_base_url = upstream.url("/v1");
  config.llm.max_attempts = 1;
  config.llm.call_timeout_ms = 10'000;
  std::ofstream(dir_.file("anthropic.key")) << "sk-ant-test-FAKE-concurrency\n";
  std::ofstream(dir_.file("openai.key")) << "sk-test-FAKE-concurrency\n";
  config.secrets.anthropic_key_file = dir_.file("anthropic.key");
  config.secrets.openai_key_file = dir_.file("openai.key");
  config.cache.high_water = 3;
  config.compare.deadline_ms = 10'000;
  config.flow.model_deadline_ms = 10'000;
  Served served(config);
  const auto& models = kDefaultModels;

  constexpr int kClients = 4, kRounds = 5;
  std::atomic<int> failures{0};
  std::mutex report_mutex;
  std::string report;
  auto expect = [&](const HttpResult& r, long status, const std::string& what) {
    if (r.status == status) return;
    ++failures;
    std::lock_guard lock(report_mutex);
    report += what + " -> " + std::to_string(r.status) + " " + r.error + " " +
              r.body.substr(0, 200) + "\n";
  };
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string& model = models[static_cast<std::size_t>(c + i) % models.size()];
        auto plain = httpRequest("GET", served.url("/api/sayings"));
        expect(plain, 200, "sayings");
        expect(httpRequest("GET", served.url("/api/sayings?model=" + model)), 200, "sayings?model");
        const std::string pair =
            "models=" + model + "," + models[(static_cast<std::size_t>(c) + 1) % models.size()];
        expect(httpRequest("GET", served.url("/api/compare?" + pair), {}, {}, 20'000), 200,
               "compare");
        auto sse = httpRequest("GET", served.url("/api/compare?" + pair), {},
                               {"Accept: text/event-stream"}, 20'000);
        expect(sse, 200, "compare sse");
        if (sse.body.find("event: done") == std::string::npos) {
          ++failures;
          std::lock_guard lock(report_mutex);
          report += "compare sse ended without done: " + sse.body.substr(0, 200) + "\n";
        }
        const auto j = json::parse(plain.body, nullptr, false);
        if (j.is_object() && j.contains("id") && j["id"].is_string())
          expect(vote(served.url(""), j["id"].get<std::string>(),
                      "client-" + std::to_string(c) + "-round-" + std::to_string(i)),
                 201, "feedback");
        expect(httpRequest("GET", served.url("/healthz")), 200, "healthz");
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0) << report;
  EXPECT_GT(upstream.fake().stats()["requests"].get<int>(), 0);
}

// Every vote write sleeps up to 2 s (or until released): a store as slow as a disk that stalls.
class SlowWrites final : public testing::ForwardingStore {
 public:
  explicit SlowWrites(const std::string& path)
      : ForwardingStore(std::make_unique<SqliteStore>(path)) {}
  Result<VoteOutcome> recordVote(const FeedbackRecord& record) override {
    {
      std::unique_lock lock(mutex_);
      ++started_;
      changed_.notify_all();
      changed_.wait_for(lock, 2s, [&] { return released_; });
    }
    auto out = ForwardingStore::recordVote(record);
    std::lock_guard lock(mutex_);
    ++finished_;
    return out;
  }

  int started() {
    std::lock_guard lock(mutex_);
    return started_;
  }
  int finished() {
    std::lock_guard lock(mutex_);
    return finished_;
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  int finished_ = 0;
  bool released_ = false;
};

TEST_F(ServerConcurrency, SlowStoreWritesDoNotDelayHealthOrCachedSayings) {
  auto config = baseConfig(dir_);
  config.server.io_threads = 1;  // one I/O thread: a vote blocking it would stall everything
  auto store = std::make_unique<SlowWrites>(dir_.file("slow.db"));
  SlowWrites& slow = *store;
  auto gateway = std::make_unique<FakeGateway>();
  gateway->addModel("m1");
  gateway->addModel("m2");
  Served served(config, std::move(gateway), std::move(store));

  auto first = httpRequest("GET", served.url("/api/sayings"));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string saying = json::parse(first.body)["id"];
  for (int i = 0; i < 2; ++i) ASSERT_EQ(httpRequest("GET", served.url("/api/sayings")).status, 200);
  ASSERT_TRUE(waitFor([&] { return served.app().sayingCache()->totalSize() >= 4; }, 20s));

  std::vector<HttpResult> votes(3);
  std::vector<std::thread> voters;
  for (int i = 0; i < 3; ++i)
    voters.emplace_back([&, i] {
      votes[static_cast<std::size_t>(i)] =
          vote(served.url(""), saying, "slow-voter-" + std::to_string(i));
    });
  // All three writes are inside the store, sleeping; other connections are served meanwhile.
  const bool all_writing = waitFor([&] { return slow.started() == 3; }, 10s);
  auto health = httpRequest("GET", served.url("/healthz"));
  auto cached = httpRequest("GET", served.url("/api/sayings"));
  const int finished_when_answered = slow.finished();
  slow.release();
  for (auto& t : voters) t.join();
  EXPECT_TRUE(all_writing) << slow.started() << " of 3 votes reached the store";
  EXPECT_EQ(health.status, 200);
  ASSERT_EQ(cached.status, 200) << cached.body;
  EXPECT_EQ(json::parse(cached.body)["source"], "cache");
  EXPECT_EQ(finished_when_answered, 0) << "health and sayings waited for a store write";
  for (const auto& v : votes) EXPECT_EQ(v.status, 201) << v.body;
}

// A bare handler for the server's own boundaries: /slow waits at a gate, /boom throws.
class GateHandler final : public http::HttpHandler {
 public:
  http::Response handle(http::Request& request) override {
    if (request.path == "/boom") throw std::runtime_error("injected failure");
    if (request.path == "/slow") {
      std::unique_lock lock(mutex_);
      ++entered_;
      changed_.wait(lock, [&] { return open_; });
    }
    http::Response r;
    r.body = "{}";
    return r;
  }
  bool mayBlock(const http::Request& request) const override { return request.path != "/fast"; }
  std::size_t bodyLimit(std::string_view, std::string_view) const override { return 1024; }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  int entered() {
    std::lock_guard lock(mutex_);
    return entered_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  int entered_ = 0;
};

class BareServer : public QuietLogs {
 protected:
  void start(unsigned workers, std::size_t queue) {
    http::ServerOptions o;
    o.port = 0;
    o.io_threads = 1;
    o.worker_threads = workers;
    o.blocking_queue_limit = queue;
    server_ = std::make_unique<http::Server>(o, handler_);
    server_->listen();
    thread_ = std::thread([this] { server_->run(false); });
  }
  void TearDown() override {
    handler_.open();
    if (server_) {
      server_->stop();
      thread_.join();
    }
    QuietLogs::TearDown();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  GateHandler handler_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

TEST_F(BareServer, AFullWorkerQueueAnswers503AtOnce) {
  start(/*workers=*/1, /*queue=*/1);
  HttpResult running, queued;
  std::thread a([&] { running = httpRequest("GET", url("/slow")); });
  ASSERT_TRUE(waitFor([&] { return handler_.entered() == 1; }, 10s));
  std::thread b([&] { queued = httpRequest("GET", url("/slow")); });
  ASSERT_TRUE(waitFor([&] { return server_->inFlight() == 2; }, 10s));
  auto refused = httpRequest("GET", url("/slow"));
  auto fast = httpRequest("GET", url("/fast"));
  const int entered_while_refused = handler_.entered();
  handler_.open();
  a.join();
  b.join();
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["error"], "unavailable");
  EXPECT_EQ(refused.headers["retry-after"], "1");
  EXPECT_EQ(fast.status, 200);  // the I/O thread never waited for a worker
  EXPECT_EQ(entered_while_refused, 1);
  EXPECT_EQ(server_->blockingRejected(), 1u);
  EXPECT_EQ(running.status, 200);
  EXPECT_EQ(queued.status, 200);
}

TEST_F(BareServer, AnExceptionInAWorkerIsAJson500AndTheServerCarriesOn) {
  start(2, 8);
  const auto before = surprisesIn(ThreadKind::kWorkerPool);
  for (int i = 0; i < 3; ++i) {
    auto r = httpRequest("GET", url("/boom?model=m1"));
    ASSERT_EQ(r.status, 500) << r.body;
    EXPECT_EQ(json::parse(r.body)["error"], "internal_error");
    EXPECT_EQ(r.body.find("injected"), std::string::npos) << "no internals in the answer";
  }
  EXPECT_EQ(surprisesIn(ThreadKind::kWorkerPool), before + 3);
  EXPECT_EQ(httpRequest("GET", url("/fast")).status, 200);
  handler_.open();
  EXPECT_EQ(httpRequest("GET", url("/slow")).status, 200);  // workers still run jobs
  obs::Metrics metrics;
  const auto value = metricValue(metrics.renderPrometheus(),
                                 R"(cloudsayings_thread_exceptions_total{thread="worker_pool"})");
  ASSERT_TRUE(value);
  EXPECT_GE(*value, 3.0);
}

// A gateway whose calls for one model throw (a bug in an adapter, say).
class ThrowingGateway final : public llm::Gateway {
 public:
  explicit ThrowingGateway(std::unique_ptr<FakeGateway> inner) : inner_(std::move(inner)) {}
  void generateAsync(llm::GenerationRequest r, llm::GenerationCallback done) override {
    if (r.model_id == "boom") throw std::logic_error("adapter bug");
    inner_->generateAsync(std::move(r), std::move(done));
  }
  void forwardAsync(llm::ForwardRequest r, llm::ForwardCallback done) override {
    inner_->forwardAsync(std::move(r), std::move(done));
  }
  std::vector<llm::ModelStatus> models() const override { return inner_->models(); }

 private:
  std::unique_ptr<FakeGateway> inner_;
};

TEST_F(ServerConcurrency, AnExceptionInACompareCallIsThatModelsErrorOnly) {
  auto fake = std::make_unique<FakeGateway>();
  fake->addModel("m1");
  fake->addModel("boom");
  auto config = baseConfig(dir_);
  config.cache.enabled = false;
  Served served(config, std::make_unique<ThrowingGateway>(std::move(fake)));
  const auto before = surprisesIn(ThreadKind::kCompare);
  auto r = httpRequest("POST", served.url("/api/compare"), R"({"models":["m1","boom"]})",
                       {"Content-Type: application/json"}, 20'000);
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, json> by_model;
  const auto answer = json::parse(r.body);
  for (const auto& o : answer["results"]) by_model[o["model"].get<std::string>()] = o;
  ASSERT_EQ(by_model.size(), 2u) << r.body;
  EXPECT_EQ(by_model["m1"]["ok"], true) << r.body;
  EXPECT_EQ(by_model["boom"]["ok"], false);
  EXPECT_EQ(by_model["boom"]["error"]["error"], "internal");
  EXPECT_EQ(by_model["boom"].dump().find("adapter bug"), std::string::npos);
  EXPECT_EQ(surprisesIn(ThreadKind::kCompare), before + 1);
  const auto metrics = httpRequest("GET", served.url("/metrics"));
  const auto value =
      metricValue(metrics.body, R"(cloudsayings_thread_exceptions_total{thread="compare"})");
  ASSERT_TRUE(value) << metrics.body.substr(0, 500);
  EXPECT_GE(*value, 1.0);
  EXPECT_EQ(httpRequest("GET", served.url("/healthz")).status, 200);
}

}  // namespace
}  // namespace cs::testing
