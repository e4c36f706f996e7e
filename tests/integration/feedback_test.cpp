#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

std::string writeConfig(const TempDir& dir, const std::string& text) {
  const auto path = dir.file("cs.toml");
  std::ofstream(path) << text;
  return path;
}

std::string anySayingId(const ServerProcess& server) {
  auto r = httpRequest("GET", server.url("/api/sayings"));
  EXPECT_EQ(r.status, 200) << r.body;
  return nlohmann::json::parse(r.body)["id"];
}

std::vector<nlohmann::json> jsonLines(const ServerProcess& server) {
  std::vector<nlohmann::json> out;
  for (const auto& line : server.logLines()) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

TEST(FeedbackDurability, AcknowledgedVoteSurvivesKill9RightAfterThe201) {
  TempDir dir;
  const std::string db = dir.file("votes.db");
  std::string id, record;
  {
    ServerProcess server;
    ASSERT_TRUE(server.start({"--store", "sqlite:" + db})) << server.logs();
    id = anySayingId(server);
    auto r = postVote(server, id, "up", "durable-client-1");
    ASSERT_EQ(r.status, 201) << r.body;
    record = nlohmann::json::parse(r.body)["id"];
    EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);  // no graceful shutdown, no flush
  }
  {
    SqliteStore store(db);  // what a restarted instance sees
    auto votes = store.listFeedback({}).value();
    ASSERT_EQ(votes.size(), 1u);
    EXPECT_EQ(votes[0].id, record);
    EXPECT_EQ(store.getSaying(id).value()->upvotes, 1);
  }
  ServerProcess again;
  ASSERT_TRUE(again.start({"--store", "sqlite:" + db})) << again.logs();
  auto stats = nlohmann::json::parse(httpRequest("GET", again.url("/api/stats")).body);
  EXPECT_EQ(stats["totals"]["positive"], 1);
  EXPECT_EQ(postVote(again, id, "down", "durable-client-1").status, 200)
      << "still a repeat after the restart";
}

TEST(FeedbackLimits, OversizeBodyIs413) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.start({"--store", "sqlite:" + dir.file("s.db")}));
  const std::string big = R"({"saying_id":")" + std::string(5000, 'x') + R"(","vote":"up"})";
  auto r =
      httpRequest("POST", server.url("/api/feedback"), big, {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "payload_too_large");
}

TEST(StatsEndpoint, InvocationsSurviveRestartsAndAreSharedByInstancesOnOneStore) {
  TempDir dir;
  const auto config = writeConfig(dir, "[stats]\ncache_ttl_ms = 0\nflush_interval_ms = 100000\n");
  const std::string store = "sqlite:" + dir.file("shared.db");
  ServerProcess a, b;
  ASSERT_TRUE(a.start({"--config", config, "--store", store})) << a.logs();
  ASSERT_TRUE(b.start({"--config", config, "--store", store})) << b.logs();
  for (int i = 0; i < 3; ++i) anySayingId(a);
  for (int i = 0; i < 2; ++i) anySayingId(b);
  ASSERT_EQ(b.stop(SIGTERM), 0);  // graceful: flushes its rollups
  auto shared = nlohmann::json::parse(httpRequest("GET", a.url("/api/stats")).body);
  EXPECT_EQ(shared["totals"]["invocations"], 5) << "b's flushed rows plus a's pending ones";
  ASSERT_EQ(a.stop(SIGTERM), 0);

  ServerProcess c;
  ASSERT_TRUE(c.start({"--config", config, "--store", store})) << c.logs();
  auto after = nlohmann::json::parse(httpRequest("GET", c.url("/api/stats")).body);
  EXPECT_EQ(after["totals"]["invocations"], 5) << "survived both restarts";
  ASSERT_FALSE(after["models"].empty());
  EXPECT_EQ(after["models"][0]["model"], "corpus");
  EXPECT_EQ(after["models"][0]["invocations"], 5);
}

TEST(MetricsEndpoint, PrometheusTextPassesPromtool) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.start({"--store", "sqlite:" + dir.file("m.db")}));
  const auto id = anySayingId(server);
  anySayingId(server);
  postVote(server, id, "up", "metrics-client-1");
  httpRequest("GET", server.url("/nope"));
  auto r = httpRequest("GET", server.url("/metrics"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find(R"(cloudsayings_requests_total{source="store",model="corpus"} 2)"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"(cloudsayings_feedback_votes_total{vote="up",counted="true"} 1)"),
            std::string::npos);
  const auto path = dir.file("metrics.txt");
  std::ofstream(path) << r.body;
  const std::string cmd =
      "promtool check metrics < " + path + " > " + dir.file("promtool.out") + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream out(dir.file("promtool.out"));
  std::string report((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << "promtool (Debian package prometheus, installed by scripts/setup.sh): "
                   << report;
}

TEST(MetricsEndpoint, EmfLinesOnlyWhenEnabled) {
  TempDir dir;
  ServerProcess plain;
  ASSERT_TRUE(plain.start({"--store", "sqlite:" + dir.file("e.db")}));
  anySayingId(plain);
  ASSERT_EQ(plain.stop(SIGTERM), 0);
  for (const auto& j : jsonLines(plain))
    EXPECT_FALSE(j.contains("_aws")) << "serve mode: off by default";

  ServerProcess emf;
  ASSERT_TRUE(emf.start({"--config", writeConfig(dir, "[metrics]\nemf = true\n"), "--store",
                         "sqlite:" + dir.file("e.db")}));
  anySayingId(emf);
  anySayingId(emf);
  ASSERT_EQ(emf.stop(SIGTERM), 0);
  int records = 0;
  for (const auto& j : jsonLines(emf)) {
    if (!j.contains("_aws")) continue;
    ++records;
    const auto& def = j["_aws"]["CloudWatchMetrics"][0];
    EXPECT_EQ(def["Namespace"], "CloudSayings");
    for (const char* name : {"TotalExecutionTime", "CacheHit"})
      EXPECT_TRUE(j.contains(name)) << name;
    // TokensUsed and Cost come from the ledger's spend lines (one per upstream call).
    EXPECT_FALSE(j.contains("TokensUsed"));
    EXPECT_EQ(j["source"], "store");
    EXPECT_EQ(j["model"], "corpus");
  }
  EXPECT_EQ(records, 2);
}

// The seed's three CloudWatch Logs Insights queries (docs/observability.md), evaluated over
// our real log lines the way Logs Insights would: fields are extra_fields.<name>.
TEST(LogsInsights, LogLinesCarryTheFieldsTheOriginalsQueriesRead) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.start({"--store", "sqlite:" + dir.file("l.db")}));
  const auto id = anySayingId(server);
  anySayingId(server);
  anySayingId(server);
  httpRequest("POST", server.url("/api/feedback"), R"({"saying_id":"missing","vote":"up"})",
              {"Content-Type: application/json"});
  httpRequest("POST", server.url("/api/feedback"), R"({"saying_id":")" + id + R"("})",
              {"Content-Type: application/json"});
  httpRequest("GET", server.url("/api/stats?from=soon"));
  ASSERT_EQ(server.stop(SIGTERM), 0);

  // 1. fields @timestamp, extra_fields.error_type, extra_fields.error_message, extra_fields.model
  //    | filter ispresent(extra_fields.error_type) | stats count() by error_type, model
  std::map<std::string, int> errors;
  // 2. stats avg(extra_fields.execution_time) by extra_fields.source
  std::map<std::string, std::pair<double, int>> by_source;
  // 3. filter ispresent(extra_fields.cache_hit) | stats count() by extra_fields.cache_hit
  std::map<bool, int> cache_hit;
  for (const auto& line : jsonLines(server)) {
    ASSERT_TRUE(line.contains("timestamp"));
    const auto& f = line["extra_fields"];
    if (f.contains("error_type") && !f["error_type"].get<std::string>().empty()) {
      EXPECT_TRUE(f.contains("error_message")) << line;
      EXPECT_TRUE(f.contains("model")) << line;
      ++errors[f["error_type"].get<std::string>() + "/" + f.value("model", "")];
    }
    if (f.contains("source") && f.contains("execution_time")) {
      ASSERT_TRUE(f["execution_time"].is_number()) << line;
      by_source[f["source"]].first += f["execution_time"].get<double>();
      ++by_source[f["source"]].second;
    }
    if (f.contains("cache_hit")) {
      ASSERT_TRUE(f["cache_hit"].is_boolean()) << line;
      ++cache_hit[f["cache_hit"].get<bool>()];
    }
  }
  EXPECT_EQ(errors["not_found/"], 1);
  EXPECT_EQ(errors["bad_request/"], 2);
  ASSERT_EQ(by_source["store"].second, 3);
  EXPECT_GT(by_source["store"].first, 0.0);
  EXPECT_EQ(cache_hit[false], 3);
}

TEST(StatsEndpoint, VoteTotalsEqualWhatClientsVotedOnTwoInstancesFromRollups) {
  // Two instances on one store, the default 2-minute cache: clients vote on both, with repeats,
  // concurrently; /api/stats (from the vote rollups) equals what the clients were told counted.
  TempDir dir;
  const std::string store = "sqlite:" + dir.file("votes.db");
  ServerProcess a, b;
  ASSERT_TRUE(a.start({"--store", store})) << a.logs();
  ASSERT_TRUE(b.start({"--store", store})) << b.logs();
  std::set<std::string> ids;
  for (int i = 0; i < 60 && ids.size() < 12; ++i) ids.insert(anySayingId(a));
  const std::vector<std::string> sayings(ids.begin(), ids.end());
  ASSERT_GE(sayings.size(), 3u);
  auto cold = nlohmann::json::parse(httpRequest("GET", a.url("/api/stats")).body);
  EXPECT_EQ(cold["totals"]["total"], 0);

  std::atomic<int> up{0}, down{0}, repeats{0}, failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      for (std::size_t i = 0; i < sayings.size() * 2; ++i) {  // each saying twice: one repeat
        const ServerProcess& via = (i + c) % 2 == 0 ? a : b;
        const bool is_up = (i + c) % 3 != 0;
        auto r = postVote(via, sayings[i % sayings.size()], is_up ? "up" : "down",
                          "e2e-client-" + std::to_string(c));
        if (r.status == 201)
          ++(is_up ? up : down);
        else if (r.status == 200)
          ++repeats;
        else
          ++failures;
      }
    });
  for (auto& t : clients) t.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(up + down, static_cast<int>(4 * sayings.size()));
  EXPECT_EQ(repeats.load(), static_cast<int>(4 * sayings.size()));

  // a's own votes changed its cache key, so its next answer is computed from the store, which
  // holds b's votes too; c is a cold instance.
  ServerProcess c;
  ASSERT_TRUE(c.start({"--store", store})) << c.logs();
  for (const ServerProcess* server : {&a, &c}) {
    auto stats = nlohmann::json::parse(httpRequest("GET", server->url("/api/stats")).body);
    EXPECT_EQ(stats["totals"]["positive"], up.load());
    EXPECT_EQ(stats["totals"]["negative"], down.load());
    EXPECT_EQ(stats["totals"]["response_time_samples"], up + down);
    EXPECT_DOUBLE_EQ(stats["totals"]["avg_response_time_ms"].get<double>(), 420.0);
    ASSERT_EQ(stats["models"].size(), 1u);
    EXPECT_EQ(stats["models"][0]["total"], up + down);
    std::int64_t in_series = 0;
    for (const auto& bucket : stats["series"]["buckets"])
      in_series += bucket["positive"].get<std::int64_t>() + bucket["negative"].get<std::int64_t>();
    EXPECT_EQ(in_series, up + down);
    EXPECT_EQ(stats["services_window"]["votes"], up + down);
    EXPECT_EQ(stats["services_window"]["limited"], false);
  }
}

}  // namespace
}  // namespace cs::testing
