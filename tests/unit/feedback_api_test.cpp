#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "fakes/fake_clock.hpp"

namespace cs {
namespace {

// The whole program in-process (SQLite in memory), driven through the Pipeline.
class FeedbackApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Config config;
    config.store.url = "sqlite::memory:";
    config.log.access_log = false;
    config.stats.cache_ttl_ms = 120'000;
    app = std::make_unique<app::App>(config, clock);
    auto ids = app->store().listSayingIds().value();
    ASSERT_GE(ids.size(), 2u);
    saying = ids[0];
    other = ids[1];
  }
  http::Response call(std::string method, std::string target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {
                          {"Content-Type", "application/json"}}) {
    auto req = http::Request::make(std::move(method), std::move(target), std::move(body));
    req.remote_address = "10.0.0.7";
    for (auto& [k, v] : headers) req.headers.set(k, v);
    return app->handler().handle(req);
  }
  http::Response vote(const std::string& id, const std::string& v,
                      const std::string& client = "client-0001", const std::string& extra = "") {
    return call("POST", "/api/feedback",
                R"({"saying_id":")" + id + R"(","vote":")" + v + "\"" + extra + "}",
                {{"Content-Type", "application/json; charset=utf-8"}, {"X-Client-Id", client}});
  }
  static nlohmann::json json(const http::Response& r) { return nlohmann::json::parse(r.body); }
  static void expectError(const http::Response& r, int status, const std::string& code,
                          const std::string& field) {
    EXPECT_EQ(r.status, status) << r.body;
    auto j = json(r);
    EXPECT_EQ(j["error"], code);
    EXPECT_EQ(j.size(), 2u);
    if (!field.empty()) {
      EXPECT_TRUE(j["message"].get<std::string>().starts_with(field)) << j["message"];
    }
  }

  testing::FakeClock clock;
  std::unique_ptr<app::App> app;
  std::string saying, other;
};

TEST_F(FeedbackApiTest, FirstVoteIs201AndBumpsTheCounterOnce) {
  auto first = vote(saying, "up", "client-0001", R"(,"execution_time":250.5,"is_cached":false)");
  ASSERT_EQ(first.status, 201) << first.body;
  auto j = json(first);
  EXPECT_TRUE(j["counted"].get<bool>());
  EXPECT_EQ(j["id"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["model"], "corpus");
  EXPECT_EQ(j["provider"], "corpus");

  auto again = vote(saying, "down", "client-0001");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(json(again)["counted"].get<bool>());
  EXPECT_EQ(json(again)["id"], j["id"]) << "points at the vote that counts";

  EXPECT_EQ(vote(saying, "down", "client-0002").status, 201) << "another client counts";
  auto s = app->store().getSaying(saying).value().value();
  EXPECT_EQ(s.upvotes, 1);
  EXPECT_EQ(s.downvotes, 1);
  auto records = app->store().listFeedback({}).value();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].execution_time, 250.5);
  EXPECT_EQ(records[0].is_cached, false);
  EXPECT_EQ(records[0].client_key, "id:client-0001");
}

TEST_F(FeedbackApiTest, ClientIsHeaderThenCookieThenAddressAndAgent) {
  auto post = [&](std::vector<std::pair<std::string, std::string>> h) {
    h.emplace_back("Content-Type", "application/json");
    return call("POST", "/api/feedback", R"({"saying_id":")" + saying + R"(","vote":"up"})", h)
        .status;
  };
  EXPECT_EQ(post({{"User-Agent", "a"}}), 201);
  EXPECT_EQ(post({{"User-Agent", "a"}}), 200) << "same address and agent";
  EXPECT_EQ(post({{"User-Agent", "b"}}), 201) << "another agent";
  EXPECT_EQ(post({{"Cookie", "x=1; cs_client=cookie-abc-123"}}), 201);
  EXPECT_EQ(post({{"X-Client-Id", "cookie-abc-123"}}), 200)
      << "header and cookie name the same client";
  EXPECT_EQ(post({{"X-Client-Id", "bad id!"}, {"User-Agent", "a"}}), 200)
      << "invalid id falls back to address";
  const auto records = app->store().listFeedback({}).value();  // not a temporary in the for
  for (const auto& r : records)
    EXPECT_EQ(r.client_key.find("10.0.0.7"), std::string::npos) << "no raw address stored";
}

TEST_F(FeedbackApiTest, BadInputGetsClearErrors) {
  const std::string ok = R"({"saying_id":")" + saying + R"(","vote":"up"})";
  expectError(call("POST", "/api/feedback", ok, {{"Content-Type", "text/plain"}}), 415,
              "unsupported_media_type", "Content-Type");
  expectError(call("POST", "/api/feedback", ok, {}), 415, "unsupported_media_type", "Content-Type");
  expectError(call("POST", "/api/feedback", "{nope"), 400, "bad_request", "body");
  expectError(call("POST", "/api/feedback", "[1,2]"), 400, "bad_request", "body");
  expectError(call("POST", "/api/feedback", R"({"vote":"up"})"), 400, "bad_request", "saying_id");
  expectError(call("POST", "/api/feedback", R"({"saying_id":7,"vote":"up"})"), 400, "bad_request",
              "saying_id");
  expectError(call("POST", "/api/feedback", R"({"saying_id":"x"})"), 400, "bad_request", "vote");
  expectError(call("POST", "/api/feedback", R"({"saying_id":"x","vote":"sideways"})"), 400,
              "bad_request", "vote");
  expectError(call("POST", "/api/feedback", R"({"saying_id":"x","vote":true})"), 400, "bad_request",
              "vote");
  expectError(vote(saying, "up", "client-0001", R"(,"execution_time":"fast")"), 400, "bad_request",
              "execution_time");
  expectError(vote(saying, "up", "client-0001", R"(,"original_llm_time":-1)"), 400, "bad_request",
              "original_llm_time");
  expectError(vote(saying, "up", "client-0001", R"(,"is_cached":"yes")"), 400, "bad_request",
              "is_cached");
  expectError(vote("no-such-saying", "up"), 404, "not_found", "saying_id");
  expectError(call("GET", "/api/feedback"), 405, "method_not_allowed", "");
  EXPECT_TRUE(app->store().listFeedback({}).value().empty());
  EXPECT_EQ(app->handler().bodyLimit("POST", "/api/feedback"), 4096u);
}

TEST_F(FeedbackApiTest, OwnVotesShowInStatsAtOnceUnderTheRightModel) {
  auto before = call("GET", "/api/stats");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(json(before)["totals"]["total"], 0);
  const auto computed_at = json(before)["computed_at"];
  clock.advance(std::chrono::seconds(60));
  EXPECT_EQ(json(call("GET", "/api/stats"))["computed_at"], computed_at) << "cached for 2 minutes";

  ASSERT_EQ(call("GET", "/api/sayings").status, 200);
  ASSERT_EQ(call("GET", "/api/sayings").status, 200);
  ASSERT_EQ(vote(saying, "up", "client-0001").status, 201);
  ASSERT_EQ(vote(saying, "up", "client-0002").status, 201);
  ASSERT_EQ(vote(other, "down", "client-0001").status, 201);
  clock.advance(std::chrono::seconds(1));
  // This instance's votes are part of the cache key: they show in the next /api/stats.
  auto after = json(call("GET", "/api/stats"));
  EXPECT_NE(after["computed_at"], computed_at);
  EXPECT_EQ(after["totals"]["positive"], 2);
  EXPECT_EQ(after["totals"]["negative"], 1);
  ASSERT_EQ(after["models"].size(), 1u);
  const auto& corpus = after["models"][0];
  EXPECT_EQ(corpus["model"], "corpus");
  EXPECT_EQ(corpus["provider"], "corpus");
  EXPECT_DOUBLE_EQ(corpus["success_rate"].get<double>(), 66.67);
  EXPECT_EQ(corpus["score"], 1);
  EXPECT_EQ(corpus["invocations"], 2) << "the two /api/sayings requests, not yet flushed";
  EXPECT_FALSE(after["services"].empty());
  EXPECT_FALSE(after["series"]["buckets"].empty());
  // A different filter combination is its own cache entry.
  auto filtered = json(call("GET", "/api/stats?provider=openai"));
  EXPECT_EQ(filtered["totals"]["total"], 0);
  EXPECT_EQ(filtered["filters"]["provider"], "openai");
}

TEST_F(FeedbackApiTest, StatsRejectsBadFilters) {
  expectError(call("GET", "/api/stats?from=tomorrow"), 400, "bad_request", "from");
  expectError(call("GET", "/api/stats?to=2024-02-30T99:00:00Z"), 400, "bad_request", "to");
  expectError(call("GET", "/api/stats?model=%22%3B"), 400, "bad_request", "model");
  expectError(call("GET", "/api/stats?from=1h&to=2h"), 400, "bad_request", "from");
}

TEST_F(FeedbackApiTest, ObservedRequestsFeedMetricsRollupsAndServerTiming) {
  for (int i = 0; i < 3; ++i) {
    auto r = call("GET", "/api/sayings");
    ASSERT_EQ(r.status, 200);
    auto timing = r.headers.get("Server-Timing");
    ASSERT_TRUE(timing);
    EXPECT_TRUE(timing->starts_with("total;dur=")) << *timing;
  }
  auto metrics = call("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_TRUE(metrics.content_type.starts_with("text/plain; version=0.0.4"));
  EXPECT_NE(metrics.body.find(R"(cloudsayings_requests_total{source="store",model="corpus"} 3)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find(
          R"(cloudsayings_total_execution_time_seconds_count{source="store",model="corpus"} 3)"),
      std::string::npos);
  auto pending = app->requestStats().pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].invocations, 3);
  EXPECT_EQ(pending[0].source, "store");
  ASSERT_EQ(app->requestStats().flush().value(), 1u);
  auto stored = app->store().listRequestStats({}).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].invocations, 3);
  EXPECT_EQ(stored[0].minute_ms % 60'000, 0);
}

}  // namespace
}  // namespace cs
