// The cache-first flow and /api/compare end to end: the real binary on loopback, calling the
// fake LLM upstream (a real HTTP server speaking the Anthropic and OpenAI wire formats).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

const std::vector<std::string>& kModels = kDefaultModels;

class CacheFlow : public ::testing::Test {
 protected:
  // Starts the server with `extra` appended to its config file.
  void start(const std::string& extra = "", const std::string& server_extra = "") {
    std::ofstream(dir_.file("cs.toml"))
        << "[server]\nworker_threads = 64\n"
        << server_extra << "\n[store]\nurl = \"sqlite:" << dir_.file("cs.db")
        << "\"\nid_list_ttl_ms = 0\nitem_cache_ttl_ms = 0\n"
        << "[log]\naccess_log = false\n"
        << extra;
    const std::map<std::string, std::string> env = {{"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-cache"},
                                                    {"OPENAI_API_KEY", "sk-test-FAKE-cache"},
                                                    {"ANTHROPIC_BASE_URL", fake_.url()},
                                                    {"OPENAI_BASE_URL", fake_.url("/v1")}};
    ASSERT_TRUE(server_.start({"--config", dir_.file("cs.toml")}, env)) << server_.logs();
  }
  void control(const json& doc) { ASSERT_EQ(fake_.fake().control(doc), "") << doc.dump(); }
  int upstreamCalls() { return fake_.fake().stats()["requests"].get<int>(); }
  int upstreamCalls(const std::string& model) {
    auto by = fake_.fake().stats()["by_model"];
    return by.contains(model) ? by[model].get<int>() : 0;
  }
  json get(const std::string& path, const std::vector<std::string>& headers = {}) {
    auto r = httpRequest("GET", server_.url(path), {}, headers, 30'000);
    last_status_ = r.status;
    last_body_ = r.body;
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }
  // Pool sizes from GET /metrics (the cache's own gauges).
  std::map<std::string, double> poolSizes() {
    auto r = httpRequest("GET", server_.url("/metrics"));
    std::map<std::string, double> out;
    std::istringstream lines(r.body);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.starts_with("cloudsayings_cache_size{")) continue;
      auto q1 = line.find('"'), q2 = line.find('"', q1 + 1);
      out[line.substr(q1 + 1, q2 - q1 - 1)] = std::stod(line.substr(line.rfind(' ') + 1));
    }
    return out;
  }
  bool warm(double at_least) {
    return waitFor([&] {
      auto sizes = poolSizes();
      if (sizes.size() != kModels.size()) return false;
      for (const auto& [model, size] : sizes)
        if (size < at_least) return false;
      return true;
    });
  }
  int generatedInStore() {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dir_.file("cs.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
        SQLITE_OK)
      return -1;
    sqlite3_stmt* st = nullptr;
    int count = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT COUNT(*) FROM main_humor WHERE model <> 'corpus' AND llm_ms > 0",
                           -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      count = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return count;
  }
  void breakStore() {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.file("cs.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE main_humor", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  TempDir dir_;
  FakeLlmServer fake_;
  ServerProcess server_;
  long last_status_ = 0;
  std::string last_body_;
};

TEST_F(CacheFlow, FirstThreeFromTheStoreThenTheCacheAndTheStoreGrows) {
  start();
  for (int i = 1; i <= 3; ++i) {
    auto j = get("/api/sayings");
    EXPECT_EQ(j["source"], "store") << i;
    EXPECT_EQ(j["request_number"], i);
  }
  ASSERT_TRUE(warm(3)) << server_.logs();
  for (int i = 4; i <= 12; ++i) {
    auto j = get("/api/sayings");
    EXPECT_EQ(j["source"], "cache") << j.dump();
    EXPECT_EQ(j["cached"], true);
    EXPECT_EQ(j["request_number"], i);
    EXPECT_NE(std::find(kModels.begin(), kModels.end(), j["model"].get<std::string>()),
              kModels.end());
    EXPECT_GT(j["tokens"]["output"].get<int>(), 0);
    EXPECT_GT(j["cost_usd"].get<double>(), 0.0);
    EXPECT_FALSE(j["llm_ms"].is_null());
    EXPECT_FALSE(j["services"].empty());
  }
  for (const auto& m : kModels) EXPECT_GE(upstreamCalls(m), 1) << m;  // every model was built
  EXPECT_GE(generatedInStore(), 12);  // generated sayings were written to the store
  ASSERT_EQ(server_.stop(), 0);
  int cache_hits = 0;
  for (const auto& line : server_.logLines()) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded() || j["message"] != "Cache hit") continue;
    ++cache_hits;
    for (auto key : {"served_from", "cache_size", "request_number"})
      EXPECT_TRUE(j["extra_fields"].contains(key)) << line;
    // source/cache_hit are the access line's alone (Logs Insights counts lines).
    EXPECT_FALSE(j["extra_fields"].contains("source")) << line;
    EXPECT_FALSE(j["extra_fields"].contains("cache_hit")) << line;
  }
  EXPECT_EQ(cache_hits, 9);
}

TEST_F(CacheFlow, ASlowRefillDoesNotSlowRequests) {
  control({{"latency_ms", 4000}});  // long, so a loaded CI machine still answers 20 first
  start();
  std::vector<double> execution_ms;
  for (int i = 0; i < 20; ++i) {
    auto j = get("/api/sayings");
    EXPECT_EQ(j["source"], "store");  // cold start, then misses: nobody waits for the refill
    execution_ms.push_back(j["execution_ms"].get<double>());
  }
  // All 20 answered while the first refill calls were still on their way.
  for (const auto& [model, size] : poolSizes()) EXPECT_EQ(size, 0.0) << model;
  // The refill was asked for; on a loaded machine its request may reach the fake a little after
  // the 20 answers (which is the point: nobody waited for it).
  EXPECT_TRUE(waitFor([&] { return upstreamCalls() >= 1; }));
  EXPECT_LT(*std::max_element(execution_ms.begin(), execution_ms.end()), 4000.0)
      << "a request waited on the refill";
  fake_.fake().releaseStalls();  // let the refill calls finish now, so the server stops quickly
}

TEST_F(CacheFlow, FiftyConcurrentMissesOnOneModelMakeOneUpstreamCall) {
  control({{"latency_ms", 3000}});  // all 50 requests arrive while the one call runs
  start("[cache]\nlow_water = 0\nhigh_water = 3\n");
  std::vector<std::thread> clients;
  std::atomic<int> ok{0}, llm{0};
  for (int i = 0; i < 50; ++i)
    clients.emplace_back([&] {
      auto r = httpRequest("GET", server_.url("/api/sayings?model=gpt-4.1"), {}, {}, 30'000);
      auto j = json::parse(r.body, nullptr, false);
      if (r.status == 200 && !j.is_discarded() && j["model"] == "gpt-4.1") ++ok;
      if (!j.is_discarded() && j["source"] == "llm") ++llm;
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(upstreamCalls("gpt-4.1"), 1);
  EXPECT_EQ(ok.load(), 50);
  EXPECT_GT(llm.load(), 0);
}

TEST_F(CacheFlow, UpstreamDownMeansStoreAndStoreDownToMeansFallback) {
  control({{"statuses", json::array({400, 400, 400, 400, 400, 400, 400, 400})}});  // not retried
  start();
  get("/api/sayings");  // the first request starts building: four calls, four failures
  ASSERT_TRUE(waitFor([&] { return upstreamCalls() >= 4; }));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("/api/sayings")["source"], "store");
  breakStore();
  auto j = get("/api/sayings");
  EXPECT_EQ(last_status_, 503) << last_body_;
  EXPECT_EQ(j["source"], "fallback");
  EXPECT_EQ(j["error"], "unavailable");
}

TEST_F(CacheFlow, ModelParameterAndItsErrors) {
  start();
  auto j = get("/api/sayings?model=claude-sonnet-4-5");
  EXPECT_EQ(last_status_, 200);
  EXPECT_EQ(j["model"], "claude-sonnet-4-5");
  EXPECT_TRUE(j["source"] == "llm" || j["source"] == "cache") << j.dump();
  auto bad = get("/api/sayings?model=gpt-99");
  EXPECT_EQ(last_status_, 400);
  EXPECT_EQ(bad["error"], "unknown_model");
  for (const auto& m : kModels)
    EXPECT_NE(bad["message"].get<std::string>().find(m), std::string::npos);
}

TEST_F(CacheFlow, DedupDropsRepeatsAndTheStoreKeepsOneCopy) {
  control({{"sayings",
            json::array({"Amazon S3 is like a bottomless closet that never asks you to tidy up",
                         "AWS Lambda is like a food truck that only shows up when you are hungry",
                         "Amazon SQS is like a post office queue where nobody ever complains"})}});
  start("[cache]\nretry_backoff_ms = 600000\n");
  get("/api/sayings");
  ASSERT_TRUE(waitFor([&] { return upstreamCalls() >= 4; }));
  ASSERT_TRUE(waitFor([&] {
    auto sizes = poolSizes();
    double total = 0;
    for (const auto& [m, s] : sizes) total += s;
    return total == 3;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(generatedInStore(), 3);  // four models answered the same three texts: kept once
  // A batch of nothing new backs off instead of looping: the count stops growing.
  const int calls = upstreamCalls();
  EXPECT_LE(calls, 8);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(upstreamCalls(), calls);
  EXPECT_EQ(get("/api/sayings")["source"], "store");  // still cold (request 2): no new call either
  EXPECT_EQ(upstreamCalls(), calls);
}

TEST_F(CacheFlow, BudgetGuardPausesCallsAndSaysSo) {
  // 4 calls a minute, half of them reserved for people's requests (the default people_share):
  // the builder gets 2.
  start("[budget]\nmax_calls_per_minute = 4\n");
  for (int i = 0; i < 30; ++i) {
    auto j = get("/api/sayings");
    EXPECT_EQ(last_status_, 200);
  }
  ASSERT_TRUE(waitFor([&] { return upstreamCalls() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(upstreamCalls(), 2);
  auto metrics = httpRequest("GET", server_.url("/metrics")).body;
  EXPECT_NE(metrics.find("cloudsayings_budget_exhausted 1"), std::string::npos) << metrics;
  EXPECT_GE(metricValue(metrics, "cloudsayings_budget_refusals_total").value_or(0.0), 1.0)
      << metrics;
  EXPECT_NE(metrics.find(R"(cloudsayings_budget_share_exhausted{share="builder"} 1)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(cloudsayings_budget_share_exhausted{share="people"} 0)"),
            std::string::npos)
      << metrics;
  for (const char* family : {"cloudsayings_cache_llm_calls_total", "cloudsayings_dedup_drops_total",
                             "cloudsayings_cache_refill_failures_total"})
    EXPECT_NE(metrics.find(std::string("# TYPE ") + family + " counter"), std::string::npos)
        << family;
  ASSERT_EQ(server_.stop(), 0);
  EXPECT_NE(server_.logs().find("LLM budget exhausted"), std::string::npos);
}

class Compare : public CacheFlow {
 protected:
  void SetUp() override {
    control({{"models",
              {{"claude-haiku-4-5", {{"latency_ms", 100}}},
               {"claude-sonnet-4-5", {{"latency_ms", 200}}},
               {"gpt-4.1", {{"latency_ms", 300}}},
               {"gpt-4.1-mini", {{"latency_ms", 400}}}}}});
    start("[cache]\nenabled = false\n");
    // Warm-up: libcurl holds new transfers to a host until it knows whether the first
    // connection multiplexes (HTTP/2); the fake speaks HTTP/1.1, so the very first calls of a
    // process queue behind one. Real providers multiplex; the measured compare comes second.
    get("/api/compare");
    baseline_ = upstreamCalls();
  }
  int baseline_ = 0;
};

TEST_F(Compare, FourModelsTakeAboutAsLongAsTheSlowest) {
  auto j = get(
      "/api/"
      "compare?models=gpt-4.1-mini,gpt-4.1,claude-sonnet-4-5,claude-haiku-4-5&topic=Amazon%20S3");
  ASSERT_EQ(last_status_, 200) << last_body_
                               << server_.logs().substr(server_.logs().size() > 3000
                                                            ? server_.logs().size() - 3000
                                                            : 0);
  ASSERT_EQ(j["results"].size(), 4u);
  EXPECT_LT(j["wall_ms"].get<double>(), 1000.0)
      << "the sum of the latencies: calls ran one after another";
  for (const auto& r : j["results"]) {
    EXPECT_EQ(r["ok"], true) << r.dump();
    ASSERT_FALSE(r["sayings"].empty());
    EXPECT_GT(r["tokens"]["output"].get<int>(), 0);
    EXPECT_GT(r["cost_usd"].get<double>(), 0.0);
    // Stored: a vote on it is accepted.
    auto vote = httpRequest("POST", server_.url("/api/feedback"),
                            json{{"saying_id", r["sayings"][0]["id"]}, {"vote", "up"}}.dump(),
                            {"Content-Type: application/json"});
    EXPECT_TRUE(vote.status == 200 || vote.status == 201) << vote.body;
  }
  EXPECT_EQ(upstreamCalls() - baseline_, 4);
}

TEST_F(Compare, OneFailingModelStillYieldsTheOtherThree) {
  control({{"models", {{"gpt-4.1", {{"statuses", json::array({400})}}}}}});
  auto r = httpRequest("POST", server_.url("/api/compare"),
                       json{{"models", json::array({"claude-haiku-4-5", "claude-sonnet-4-5",
                                                    "gpt-4.1", "gpt-4.1-mini"})}}
                           .dump(),
                       {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 200) << r.body;
  int ok = 0;
  const auto body = json::parse(r.body);
  for (const auto& res : body["results"]) {
    if (res["model"] == "gpt-4.1") {
      EXPECT_EQ(res["ok"], false);
      EXPECT_FALSE(res["error"].is_null());
    } else {
      ok += res["ok"] == true;
    }
  }
  EXPECT_EQ(ok, 3) << r.body;
}

TEST_F(Compare, ServerSentEventsArriveInFinishingOrder) {
  auto r = httpRequest(
      "GET",
      server_.url("/api/compare?models=gpt-4.1-mini,gpt-4.1,claude-sonnet-4-5,claude-haiku-4-5"),
      {}, {"Accept: text/event-stream"});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/event-stream");
  std::vector<std::string> events, models;
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("event: ")) events.push_back(line.substr(7));
    if (line.starts_with("data: ") && events.back() == "result")
      models.push_back(json::parse(line.substr(6))["model"]);
  }
  EXPECT_EQ(events, (std::vector<std::string>{"result", "result", "result", "result", "done"}));
  EXPECT_EQ(models, (std::vector<std::string>{"claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1",
                                              "gpt-4.1-mini"}));
}

TEST_F(Compare, InvalidTopicIsRejected) {
  auto j = get("/api/compare?topic=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_EQ(last_status_, 400);
  EXPECT_EQ(j["error"], "invalid_topic");
  EXPECT_EQ(upstreamCalls(), baseline_);
}

}  // namespace
}  // namespace cs::testing
