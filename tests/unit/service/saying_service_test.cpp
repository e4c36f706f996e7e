#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "app/app.hpp"
#include "fakes/cache_fixture.hpp"
#include "fakes/fake_gateway.hpp"
#include "obs/logger.hpp"
#include "support/deferred.hpp"
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
    config.flow.model_deadline_ms = name.find("Deadline") != std::string::npos ? 200 : 10'000;
    config.cache.enabled = name.find("CacheDisabled") == std::string::npos;
    // Budget tests: 4 calls a minute, 2 of them people's (the default people_share of 0.5).
    config.budget.max_calls_per_minute = name.find("Budget") != std::string::npos ? 4 : 60;
    app_ = std::make_unique<app::App>(config, SystemClock::instance(), std::move(gateway));
  }
  void TearDown() override {
    app_.reset();
    logger_.flush();
    obs::setGlobalLogger(nullptr);
  }

  nlohmann::json get(const std::string& target, int expect_status = 200) {
    auto request = http::Request::make("GET", target);
    auto response = settle(app_->handler().handle(request));
    EXPECT_EQ(response.status, expect_status) << response.body;
    last_ = response;
    return nlohmann::json::parse(response.body);
  }
  bool warm() {
    return waitFor([&] {
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
  ASSERT_TRUE(waitFor([&] { return fake_->totalCalls() == 2; }));
  auto j = get("/api/sayings");  // upstream down, store up -> store
  EXPECT_EQ(j["source"], "store");
  EXPECT_EQ(j["request_number"], 4);
}

TEST_F(SayingFlow, UpstreamAndStoreDownGiveTheFallback) {
  fake_->failAlways("m1", cache::localError(llm::LlmError::Kind::kNetwork, "refused"));
  fake_->failAlways("m2", cache::localError(llm::LlmError::Kind::kNetwork, "refused"));
  get("/api/sayings");
  ASSERT_TRUE(waitFor([&] { return fake_->totalCalls() == 2; }));
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
  ASSERT_TRUE(waitFor([&] { return !app_->sayingCache()->stats()[1].in_flight; }));
  auto k = get("/api/sayings?model=m2");
  EXPECT_EQ(k["source"], "cache");
  EXPECT_EQ(k["model"], "m2");
}

llm::LlmError upstreamError(llm::LlmError::Kind kind, std::string message, int status = 0) {
  auto e = cache::localError(kind, std::move(message));
  e.http_status = status;
  e.attempts = 3;
  return e;
}

TEST_F(SayingFlow, ModelParameterThatFailsUpstreamIs503NamingTheModelAndWhy) {
  // The provider's own text names an internal address: the client gets a sentence instead.
  fake_->failAlways("m1", upstreamError(llm::LlmError::Kind::kServer,
                                        "HTTP 500 from http://10.1.2.3:8443/v1/messages", 500));
  auto j = get("/api/sayings?model=m1", 503);
  EXPECT_EQ(j["error"], "upstream_error");
  EXPECT_EQ(j["model"], "m1");
  const auto message = j["message"].get<std::string>();
  EXPECT_EQ(message,
            "the provider of model 'm1' answered with a server error (HTTP 500) after 3 attempts");
  EXPECT_EQ(message.find("10.1.2.3"), std::string::npos);
  EXPECT_FALSE(j.contains("source"));  // an error, not a saying from somewhere else
  EXPECT_FALSE(last_.observation);     // no model served it: no per-model request figures
  auto logged = logLines("Synchronous generation failed");
  ASSERT_FALSE(logged.empty());
  EXPECT_EQ(logged.back()["extra_fields"]["answered"], "upstream_error");
}

TEST_F(SayingFlow, ModelParameterWithItsCircuitOpenIs503CircuitOpen) {
  fake_->failAlways("m2", upstreamError(llm::LlmError::Kind::kCircuitOpen, "circuit open"));
  auto j = get("/api/sayings?model=m2", 503);
  EXPECT_EQ(j["error"], "circuit_open");
  EXPECT_EQ(j["model"], "m2");
  EXPECT_NE(j["message"].get<std::string>().find("paused"), std::string::npos) << j;
}

TEST_F(SayingFlow, ModelParameterPastItsDeadlineIs503Timeout) {
  fake_->hold();  // the call cannot finish before the 200 ms model deadline
  auto j = get("/api/sayings?model=m1", 503);
  EXPECT_EQ(j["error"], "timeout");
  EXPECT_EQ(j["model"], "m1");
  fake_->release();
}

TEST_F(SayingFlow, BudgetSplitTheBuilderCannotStarveModelRequestsOrCompare) {
  // The builder's first calls fail: they spend the builder's 2 calls of the minute.
  fake_->failNext("m1", upstreamError(llm::LlmError::Kind::kServer, "down", 500));
  fake_->failNext("m2", upstreamError(llm::LlmError::Kind::kServer, "down", 500));
  get("/api/sayings");  // starts the builder
  ASSERT_TRUE(waitFor([&] {
    for (const auto& s : app_->sayingCache()->stats())
      if (s.in_flight || (s.enabled && s.failures == 0)) return false;
    return true;
  }));
  ASSERT_EQ(fake_->totalCalls(), 2);
  // People's share is untouched: a ?model= generation and a compare still get through...
  auto j = get("/api/sayings?model=m1");
  EXPECT_EQ(j["source"], "llm");
  EXPECT_DOUBLE_EQ(j["request_cost_usd"].get<double>(), 0.003);
  auto compare = get("/api/compare?models=m2");
  ASSERT_EQ(compare["results"].size(), 1u);
  EXPECT_EQ(compare["results"][0]["ok"], true) << compare;
  EXPECT_EQ(fake_->totalCalls(), 4);
  // ...while the builder, past its share, is refused (its next m1 refill)...
  ASSERT_TRUE(waitFor([&] { return app_->budget()->snapshot().builder.refusals >= 1; }));
  // ...and people's share is bounded too: the next ?model= call is refused, naming why.
  auto refused = get("/api/sayings?model=m2", 503);
  EXPECT_EQ(refused["error"], "budget_exhausted");
  EXPECT_EQ(refused["model"], "m2");
  auto refused_compare = get("/api/compare?models=m1");
  EXPECT_EQ(refused_compare["results"][0]["ok"], false) << refused_compare;
  EXPECT_EQ(fake_->totalCalls(), 4);  // refusals call nobody
  const auto snap = app_->budget()->snapshot();
  EXPECT_EQ(snap.people.calls_last_minute, 2);
  EXPECT_EQ(snap.builder.calls_last_minute, 2);
  EXPECT_GE(snap.people.refusals, 2u);
}

TEST_F(SayingFlow, ModelParameterWithCacheDisabledIsAMarkedStoreFallback) {
  auto j = get("/api/sayings?model=m1");
  EXPECT_EQ(j["source"], "store");
  EXPECT_EQ(j["requested_model"], "m1");
  EXPECT_EQ(j["fallback_reason"], "generation_disabled");
  EXPECT_NE(j["model"], "m1");
  EXPECT_EQ(j["request_cost_usd"], 0);
  EXPECT_EQ(fake_->totalCalls(), 0);
}

TEST_F(SayingFlow, ModelParameterAnsweredOnlyWithKnownSayingsIsAMarkedFallbackThatSaysItsCost) {
  fake_->setTexts("m1", [](const llm::GenerationRequest&, int) {
    return std::vector<std::string>{"Amazon S3 is like a closet that forgets nothing you put in."};
  });
  auto first = get("/api/sayings?model=m1");
  EXPECT_EQ(first["model"], "m1");
  // The builder's next m1 refill repeats it (a duplicate: nothing added), then backs off.
  ASSERT_TRUE(waitFor(
      [&] { return fake_->calls("m1") >= 2 && !app_->sayingCache()->stats()[0].in_flight; }));
  auto j = get("/api/sayings?model=m1");
  EXPECT_EQ(j["source"], "store");
  EXPECT_EQ(j["requested_model"], "m1");
  EXPECT_EQ(j["fallback_reason"], "duplicates");
  EXPECT_DOUBLE_EQ(j["request_cost_usd"].get<double>(), 0.003);  // the call it made was paid
}

TEST_F(SayingFlow, RequestCostIsTheCallThisRequestMadeSayingCostItsShare) {
  fake_->setLatency("m2", std::chrono::milliseconds(300));  // see ModelParameterServesThatModel
  auto made = get("/api/sayings?model=m2");
  ASSERT_EQ(made["source"], "llm");
  // FakeGateway: $0.003 per call of 3 sayings, 40 + 30 tokens each.
  EXPECT_DOUBLE_EQ(made["request_cost_usd"].get<double>(), 0.003);
  EXPECT_EQ(made["request_tokens"]["input"], 120);
  EXPECT_EQ(made["request_tokens"]["output"], 90);
  EXPECT_DOUBLE_EQ(made["saying_cost_usd"].get<double>(), 0.001);
  EXPECT_EQ(made["cost_usd"], made["saying_cost_usd"]);
  ASSERT_TRUE(last_.observation);
  EXPECT_DOUBLE_EQ(last_.observation->cost_usd, 0.003);
  EXPECT_EQ(last_.observation->tokens, 210);
  ASSERT_TRUE(waitFor([&] { return !app_->sayingCache()->stats()[1].in_flight; }));
  auto cached = get("/api/sayings?model=m2");
  ASSERT_EQ(cached["source"], "cache");
  EXPECT_EQ(cached["request_cost_usd"], 0);
  EXPECT_EQ(cached["request_tokens"]["input"], 0);
  EXPECT_DOUBLE_EQ(cached["saying_cost_usd"].get<double>(), 0.001);
  EXPECT_DOUBLE_EQ(last_.observation->cost_usd, 0.0);
}

TEST_F(SayingFlow, MoneyIsRoundedToANanoDollarInSayingsAndCompare) {
  // 35 tokens at $5e-6 each is 0.00017500000000000003 in doubles.
  const double ugly = 35 * 5e-6;
  ASSERT_NE(ugly, 0.000175);
  fake_->setCostPerCall(ugly);
  fake_->setTexts("m1", [](const llm::GenerationRequest&, int n) {
    return std::vector<std::string>{"AWS Lambda is a taxi: you pay for the ride, not the car #" +
                                    std::to_string(n) + "."};
  });
  get("/api/sayings?model=m1");
  const std::string saying = last_.body;
  EXPECT_NE(saying.find("\"saying_cost_usd\":0.000175,"), std::string::npos) << saying;
  EXPECT_NE(saying.find("\"request_cost_usd\":0.000175,"), std::string::npos) << saying;
  get("/api/compare?models=m1");
  const std::string compare = last_.body;
  EXPECT_NE(compare.find("\"cost_usd\":0.000175,"), std::string::npos) << compare;
  // No money field anywhere with more than 9 decimals.
  const std::regex long_money(R"(cost_usd":-?[0-9]+\.[0-9]{10,})");
  EXPECT_FALSE(std::regex_search(saying, long_money)) << saying;
  EXPECT_FALSE(std::regex_search(compare, long_money)) << compare;
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
  // A compare is deferred (answered later, holding no thread): not blocking.
  EXPECT_FALSE(h.mayBlock(http::Request::make("GET", "/api/compare?models=m1")));
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
