#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "fakes/cache_fixture.hpp"
#include "fakes/fake_gateway.hpp"
#include "obs/logger.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

// The whole program (App) with a FakeGateway, driven through the HTTP pipeline.
class SayingFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    obs::setGlobalLogger(&logger_);
    auto gateway = std::make_unique<FakeGateway>();
    fake_ = gateway.get();
    fake_->addModel("m1");
    fake_->addModel("m2");
    fake_->addModel("off", /*enabled=*/false);
    app::Config config;
    // A file only where the test breaks the store from outside; memory is faster elsewhere.
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    config.store.url = name.find("StoreDown") != std::string::npos ? "sqlite:" + dir_.file("cs.db")
                                                                   : "sqlite::memory:";
    config.store.id_list_ttl_ms = 0;  // every pick reads the store: a dead store shows at once
    config.store.item_cache_ttl_ms = 0;
    config.cache.retry_backoff_ms = 60'000;
    config.flow.model_deadline_ms = 10'000;
    app_ = std::make_unique<app::App>(config, SystemClock::instance(), std::move(gateway));
  }
  void TearDown() override {
    app_.reset();
    logger_.flush();
    obs::setGlobalLogger(nullptr);
  }

  nlohmann::json get(const std::string& target, int expect_status = 200) {
    auto request = http::Request::make("GET", target);
    auto response = app_->handler().handle(request);
    EXPECT_EQ(response.status, expect_status) << response.body;
    last_ = response;
    return nlohmann::json::parse(response.body);
  }
  bool warm() {
    return eventually([&] {
      for (const auto& s : app_->sayingCache()->stats())
        if (s.enabled && (s.size < 9 || s.in_flight)) return false;
      return true;
    });
  }
  std::vector<nlohmann::json> logLines(const std::string& message) {
    logger_.flush();
    std::lock_guard lock(lines_mutex_);
    std::vector<nlohmann::json> out;
    for (const auto& l : lines_)
      if (auto j = nlohmann::json::parse(l, nullptr, false);
          !j.is_discarded() && j["message"] == message)
        out.push_back(j);
    return out;
  }
  void breakStore() {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.file("cs.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE main_humor", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  TempDir dir_;
  std::mutex lines_mutex_;
  std::vector<std::string> lines_;
  obs::Logger logger_{obs::Level::kInfo, [this](std::string_view text) {
                        std::lock_guard lock(lines_mutex_);
                        std::size_t start = 0;
                        while (start < text.size()) {
                          auto end = text.find('\n', start);
                          if (end == std::string_view::npos) end = text.size();
                          if (end > start) lines_.emplace_back(text.substr(start, end - start));
                          start = end + 1;
                        }
                      }};
  FakeGateway* fake_ = nullptr;
  std::unique_ptr<app::App> app_;
  http::Response last_;
};

TEST_F(SayingFlow, FirstThreeFromTheStoreThenFromTheCache) {
  fake_->hold();  // building starts at request 1 but cannot finish before request 3
  for (int i = 1; i <= 3; ++i) {
    auto j = get("/api/sayings");
    EXPECT_EQ(j["source"], "store");
    EXPECT_EQ(j["cached"], false);
    EXPECT_EQ(j["request_number"], i);
  }
  fake_->waitForCalls(2);  // the first request started building both enabled models
  EXPECT_EQ(fake_->calls("off"), 0);
  fake_->release();
  ASSERT_TRUE(warm());
  const auto stored_before = app_->store().listSayingIds()->size();
  for (int i = 4; i <= 10; ++i) {
    auto j = get("/api/sayings");
    EXPECT_EQ(j["source"], "cache");
    EXPECT_EQ(j["cached"], true);
    EXPECT_EQ(j["request_number"], i);
    EXPECT_TRUE(j["model"] == "m1" || j["model"] == "m2");
    EXPECT_FALSE(j["llm_ms"].is_null());  // the original generation time
    EXPECT_GT(j["tokens"]["output"].get<int>(), 0);
    ASSERT_TRUE(last_.observation);
    EXPECT_TRUE(last_.observation->cache_hit);
    EXPECT_EQ(last_.observation->source, "cache");
  }
  EXPECT_EQ(app_->store().listSayingIds()->size(), stored_before);  // serving stores nothing
  auto hits = logLines("Cache hit");
  ASSERT_EQ(hits.size(), 7u);
  EXPECT_EQ(hits[0]["level"], "INFO");
  for (auto key : {"served_from", "cache_size", "request_number"})
    EXPECT_TRUE(hits[0]["extra_fields"].contains(key));
  // Logs Insights counts lines carrying these as requests: the access line only has them.
  for (auto key : {"source", "cache_hit", "execution_time"})
    EXPECT_FALSE(hits[0]["extra_fields"].contains(key)) << key;
  EXPECT_EQ(hits[0]["extra_fields"]["request_number"], 4);
}

TEST_F(SayingFlow, AMissAnswersFromTheStoreAndStartsARefill) {
  fake_->failAlways("m1", cache::localError(llm::LlmError::Kind::kServer, "down"));
  fake_->failAlways("m2", cache::localError(llm::LlmError::Kind::kServer, "down"));
  for (int i = 0; i < 3; ++i) get("/api/sayings");
  ASSERT_TRUE(eventually([&] { return fake_->totalCalls() == 2; }));
  auto j = get("/api/sayings");  // upstream down, store up -> store
  EXPECT_EQ(j["source"], "store");
  EXPECT_EQ(j["request_number"], 4);
}

TEST_F(SayingFlow, UpstreamAndStoreDownGiveTheFallback) {
  fake_->failAlways("m1", cache::localError(llm::LlmError::Kind::kNetwork, "refused"));
  fake_->failAlways("m2", cache::localError(llm::LlmError::Kind::kNetwork, "refused"));
  get("/api/sayings");
  ASSERT_TRUE(eventually([&] { return fake_->totalCalls() == 2; }));
  breakStore();
  auto j = get("/api/sayings", 503);
  EXPECT_EQ(j["source"], "fallback");
  EXPECT_EQ(j["error"], "unavailable");
  EXPECT_FALSE(j["message"].get<std::string>().empty());
  EXPECT_EQ(j["request_number"], 2);
}

TEST_F(SayingFlow, ModelParameterServesThatModel) {
  // The first request starts the cache builder, whose refill of m2 could fill the pool before
  // the request looks at it; a slow upstream keeps that refill in flight, so the request finds
  // the pool empty and joins it: one synchronous generation either way.
  fake_->setLatency("m2", std::chrono::milliseconds(500));
  auto j = get("/api/sayings?model=m2");
  EXPECT_EQ(j["source"], "llm");
  EXPECT_EQ(j["model"], "m2");
  EXPECT_EQ(j["cached"], false);
  ASSERT_TRUE(last_.observation);
  EXPECT_EQ(last_.observation->source, "llm");
  ASSERT_TRUE(eventually([&] { return !app_->sayingCache()->stats()[1].in_flight; }));
  auto k = get("/api/sayings?model=m2");
  EXPECT_EQ(k["source"], "cache");
  EXPECT_EQ(k["model"], "m2");
}

TEST_F(SayingFlow, ModelParameterFallsBackToTheStoreWhenGenerationFails) {
  fake_->failAlways("m1", cache::localError(llm::LlmError::Kind::kServer, "upstream 500"));
  auto j = get("/api/sayings?model=m1");
  EXPECT_EQ(j["source"], "store");
}

TEST_F(SayingFlow, UnknownOrDisabledModelIs400NamingTheValidOnes) {
  auto unknown = get("/api/sayings?model=gpt-99", 400);
  EXPECT_EQ(unknown["error"], "unknown_model");
  EXPECT_NE(unknown["message"].get<std::string>().find("m1, m2"), std::string::npos)
      << unknown["message"];
  auto off = get("/api/sayings?model=off", 400);
  EXPECT_EQ(off["error"], "model_disabled");
  EXPECT_NE(off["message"].get<std::string>().find("m1, m2"), std::string::npos);
  EXPECT_EQ(fake_->calls("off"), 0);
}

TEST_F(SayingFlow, StoreAndModelRequestsMayBlockCachedOnesDoNot) {
  auto& h = app_->handler();
  const auto plain = http::Request::make("GET", "/api/sayings");
  // Requests 1..3 are answered by the store: they run off the I/O threads.
  EXPECT_TRUE(h.mayBlock(plain));
  for (int i = 0; i < 3; ++i) get("/api/sayings");
  ASSERT_TRUE(warm());
  EXPECT_FALSE(h.mayBlock(plain));  // the cache answers: stays on the I/O thread
  EXPECT_TRUE(h.mayBlock(http::Request::make("GET", "/api/sayings?model=m1")));
  // Decided on the decoded parameter, not on the raw query text.
  EXPECT_TRUE(h.mayBlock(http::Request::make("GET", "/api/sayings?mod%65l=m1")));
  EXPECT_TRUE(h.mayBlock(http::Request::make("GET", "/api/sayings?x=1&%6Dodel=m1")));
  EXPECT_FALSE(h.mayBlock(http::Request::make("GET", "/api/sayings?nomodel=m1")));
  EXPECT_TRUE(h.mayBlock(http::Request::make("GET", "/api/compare?models=m1")));
  EXPECT_TRUE(h.mayBlock(http::Request::make("POST", "/api/feedback")));
  EXPECT_TRUE(h.mayBlock(http::Request::make("GET", "/api/stats")));
  EXPECT_TRUE(h.mayBlock(http::Request::make("GET", "/readyz")));
  EXPECT_FALSE(h.mayBlock(http::Request::make("GET", "/healthz")));
}

TEST_F(SayingFlow, HeadOnCompareIs405WithoutCallingAModel) {
  auto head = http::Request::make("HEAD", "/api/compare?models=m1,m2");
  auto response = app_->handler().handle(head);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers.get("Allow").value_or(""), "GET, POST");
  EXPECT_EQ(fake_->calls("m1") + fake_->calls("m2"), 0);
}

}  // namespace
}  // namespace cs::testing
