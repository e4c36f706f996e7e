// The arena end to end through the whole program (App, its Pipeline and Router), on SQLite and
// on DynamoDB (dynalite), with the in-process fake gateway: battle -> vote -> reveal, a vote on
// another instance sharing the store, repeats, 404/400/413/415, the honesty rules, the pair
// choice and a leaderboard whose counts match what the client sent.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/app.hpp"
#include "core/ids.hpp"
#include "fakes/dynalite_process.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_gateway.hpp"
#include "store/sqlite_store.hpp"
#include "support/store_backends.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

using Json = nlohmann::json;

class ArenaApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "dynalite") {
      ASSERT_TRUE(dynalite_.start()) << dynalite_.why();
      tables_ = testing::uniqueTables();
    }
  }
  // A new store over the same data: another instance's view.
  StorePtr openStore() {
    if (GetParam() == "sqlite") return std::make_unique<SqliteStore>(dir_.file("arena.db"));
    return testing::makeDynaliteStore(dynalite_, tables_);
  }
  // An instance: its own gateway (models m-one and m-two unless told) and its own store client.
  std::unique_ptr<app::App> makeApp(testing::FakeGateway** fake_out = nullptr,
                                    std::vector<std::string> models = {"m-one", "m-two"}) {
    auto fake = std::make_unique<testing::FakeGateway>();
    for (const auto& m : models) fake->addModel(m, true, "prov-" + m.substr(2));
    if (fake_out) *fake_out = fake.get();
    app::Config config;
    config.store.url = "sqlite::memory:";  // replaced by the injected store
    config.store.seed_on_start = false;    // no corpus: every saying here is generated
    config.cache.enabled = false;          // no background refills: calls are the arena's
    config.log.access_log = false;
    config.rate_limit.enabled = false;
    config.budget.max_calls_per_minute = 100'000;  // the fake clock never starts a new minute
    return std::make_unique<app::App>(config, clock_, std::move(fake), openStore());
  }
  http::Response call(app::App& app, std::string method, std::string target, std::string body = {},
                      std::string client = "client-0001",
                      std::string content_type = "application/json") {
    auto req = http::Request::make(std::move(method), std::move(target), std::move(body));
    req.remote_address = "10.0.0.9";
    if (!content_type.empty()) req.headers.set("Content-Type", content_type);
    if (!client.empty()) req.headers.set("X-Client-Id", client);
    return app.handler().handle(req);
  }
  Json battle(app::App& app, const std::string& body = "{}") {
    auto r = call(app, "POST", "/api/arena/battles", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body, nullptr, false);
  }
  http::Response vote(app::App& app, const std::string& id, const std::string& winner_json,
                      const std::string& client = "client-0001") {
    return call(app, "POST", "/api/arena/battles/" + id + "/vote",
                R"({"winner":)" + winner_json + "}", client);
  }
  static void expectError(const http::Response& r, int status, const std::string& code,
                          const std::string& starts = "") {
    EXPECT_EQ(r.status, status) << r.body;
    auto j = Json::parse(r.body, nullptr, false);
    EXPECT_EQ(j["error"], code) << r.body;
    if (!starts.empty()) {
      EXPECT_TRUE(j["message"].get<std::string>().starts_with(starts)) << j["message"];
    }
  }
  // The stored saying with this text (the reveal must name its model).
  std::optional<Saying> sayingWithText(Store& store, const std::string& text) {
    const auto sayings = store.recentSayings(10'000);
    if (!sayings) return std::nullopt;
    for (const auto& s : *sayings)
      if (s.text == text) return s;
    return std::nullopt;
  }

  testing::FakeClock clock_;
  testing::TempDir dir_;
  testing::DynaliteProcess dynalite_;
  dynamo::Tables tables_;
};

TEST_P(ArenaApiTest, BattleShowsNoModelAndTheVoteOnAnotherInstanceRevealsIt) {
  testing::FakeGateway* fake = nullptr;
  auto one = makeApp(&fake);
  auto two = makeApp();
  const Json b = battle(*one);
  ASSERT_TRUE(b.is_object());
  // Exactly the documented shape, and nothing that names a model or provider.
  EXPECT_EQ(b.size(), 3u) << b.dump();
  for (const char* side : {"a", "b"}) {
    ASSERT_TRUE(b[side].is_object());
    EXPECT_EQ(b[side].size(), 2u) << b.dump();
    EXPECT_TRUE(b[side]["text"].is_string());
    EXPECT_TRUE(b[side]["services"].is_array());
  }
  const std::string body = b.dump();
  for (const char* name : {"m-one", "m-two", "prov-", "latency", "cost", "token", "model"})
    EXPECT_EQ(body.find(name), std::string::npos) << name << " in " << body;
  EXPECT_NE(b["a"]["text"], b["b"]["text"]);
  // Both sayings were generated for the arena (ledger purpose arena), one call per model.
  ASSERT_EQ(fake->totalCalls(), 2);
  for (const auto& req : fake->requests()) EXPECT_EQ(req.purpose, llm::Purpose::kArena);

  const std::string id = b["battle_id"];
  auto first = vote(*two, id, R"("a")");
  ASSERT_EQ(first.status, 200) << first.body;
  const Json reveal = Json::parse(first.body);
  EXPECT_EQ(reveal["counted"], true);
  std::set<std::string> models;
  for (const char* side : {"a", "b"}) {
    const auto shown = sayingWithText(two->store(), b[side]["text"]);
    ASSERT_TRUE(shown) << "side " << side << " is a stored generated saying";
    EXPECT_EQ(reveal[side]["model"], shown->model) << side;
    EXPECT_EQ(reveal[side]["provider"], shown->provider) << side;
    EXPECT_NEAR(reveal[side]["cost_usd"].get<double>(), shown->cost_usd, 1e-9);
    ASSERT_TRUE(shown->llm_ms);
    EXPECT_NEAR(reveal[side]["latency_ms"].get<double>(), *shown->llm_ms, 0.051);
    models.insert(shown->model);
  }
  EXPECT_EQ(models, (std::set<std::string>{"m-one", "m-two"})) << "two different models";

  // The instance that counted the vote shows it at once.
  auto board_two = Json::parse(call(*two, "GET", "/api/leaderboard").body);
  EXPECT_EQ(board_two["votes"], 1);

  // A repeat by the same client, on the first instance: not counted, the same reveal.
  auto again = vote(*one, id, R"("b")");
  ASSERT_EQ(again.status, 200) << again.body;
  const Json repeat = Json::parse(again.body);
  EXPECT_EQ(repeat["counted"], false);
  EXPECT_EQ(repeat["a"], reveal["a"]);
  EXPECT_EQ(repeat["b"], reveal["b"]);
  // Another client's vote on the same battle counts.
  EXPECT_EQ(Json::parse(vote(*one, id, R"("tie")", "client-0002").body)["counted"], true);

  // One counted a vote of its own since its last look: it reads both. Two's cached board
  // (its version unchanged) shows another instance's vote once its 10 s are up.
  auto board_one = Json::parse(call(*one, "GET", "/api/leaderboard").body);
  EXPECT_EQ(board_one["votes"], 2);
  EXPECT_EQ(Json::parse(call(*two, "GET", "/api/leaderboard").body)["votes"], 1);
  clock_.advance(std::chrono::seconds(11));
  board_two = Json::parse(call(*two, "GET", "/api/leaderboard").body);
  EXPECT_EQ(board_two["votes"], 2);
  const std::string winner = reveal["a"]["model"];
  for (const auto& m : board_two["models"]) {
    EXPECT_EQ(m["battles"], 2);
    EXPECT_EQ(m["ties"], 1);
    EXPECT_EQ(m["wins"], m["model"] == winner ? 1 : 0);
    EXPECT_EQ(m["losses"], m["model"] == winner ? 0 : 1);
  }
}

TEST_P(ArenaApiTest, UnknownExpiredAndMalformedRequestsAreRefused) {
  auto app = makeApp();
  const Json b = battle(*app);
  const std::string id = b["battle_id"];
  expectError(vote(*app, "0123456789abcdef0123456789abcdef", R"("a")"), 404, "not_found");
  for (const std::string& bogus :
       std::vector<std::string>{"x%20y", "a%2Fb", std::string(65, 'f'), "a.b", "%C3%A9"})
    expectError(vote(*app, bogus, R"("a")"), 404, "not_found");
  // The front door refuses a path that climbs before any route sees it.
  expectError(vote(*app, "..%2F..%2Fetc", R"("a")"), 400, "bad_request");
  expectError(call(*app, "POST", "/api/arena/battles/" + id, R"({"winner":"a"})"), 404,
              "not_found");
  expectError(call(*app, "POST", "/api/arena/battles/" + id + "/vote/more", R"({"winner":"a"})"),
              404, "not_found");
  expectError(call(*app, "GET", "/api/arena/battles/" + id + "/vote"), 405, "method_not_allowed");
  for (const std::string w : {R"("c")", R"("A")", "5", "null", R"(["a"])", R"({"a":1})", "true"})
    expectError(vote(*app, id, w), 400, "bad_request", "winner");
  expectError(call(*app, "POST", "/api/arena/battles/" + id + "/vote", "{}"), 400, "bad_request",
              "winner");
  expectError(call(*app, "POST", "/api/arena/battles/" + id + "/vote", R"({"winner":)"), 400,
              "invalid_json");
  expectError(call(*app, "POST", "/api/arena/battles/" + id + "/vote", R"(["a"])"), 400,
              "invalid_json");
  expectError(call(*app, "POST", "/api/arena/battles/" + id + "/vote",
                   std::string(2000, '[') + std::string(2000, ']')),
              400, "invalid_json");
  expectError(call(*app, "POST", "/api/arena/battles/" + id + "/vote",
                   R"({"winner":"a","pad":")" + std::string(5000, 'x') + "\"}"),
              413, "payload_too_large");
  expectError(call(*app, "POST", "/api/arena/battles/" + id + "/vote", R"({"winner":"a"})",
                   "client-0001", "text/plain"),
              415, "unsupported_media_type");
  expectError(call(*app, "POST", "/api/arena/battles", R"({"topic":5})"), 400, "invalid_topic");
  expectError(call(*app, "POST", "/api/arena/battles", R"({"topic":"<script>"})"), 400,
              "invalid_topic");
  expectError(call(*app, "POST", "/api/arena/battles", "[]"), 400, "invalid_json");
  expectError(call(*app, "POST", "/api/arena/battles", std::string(5000, ' ') + "{}"), 413,
              "payload_too_large");
  // None of that voted: the battle still takes its first vote, until it expires.
  EXPECT_EQ(Json::parse(vote(*app, id, R"("both_bad")").body)["counted"], true);
  const Json late = battle(*app);
  clock_.advance(std::chrono::minutes(61));
  expectError(vote(*app, late["battle_id"], R"("a")"), 404, "not_found");
  auto board = Json::parse(call(*app, "GET", "/api/leaderboard").body);
  EXPECT_EQ(board["votes"], 1);
  for (const auto& m : board["models"]) EXPECT_EQ(m["both_bad"], 1);
}

TEST_P(ArenaApiTest, AnEmptyBodyOrATopicMakesABattle) {
  testing::FakeGateway* fake = nullptr;
  auto app = makeApp(&fake);
  auto r = call(*app, "POST", "/api/arena/battles", "", "client-0001", "");
  ASSERT_EQ(r.status, 201) << r.body;
  const Json topical = battle(*app, R"({"topic":"Amazon S3"})");
  for (const char* side : {"a", "b"})
    EXPECT_NE(topical[side]["text"].get<std::string>().find("Amazon S3"), std::string::npos);
  for (const auto& req : fake->requests())
    if (req.topic) {
      EXPECT_EQ(*req.topic, "Amazon S3");
    }
}

TEST_P(ArenaApiTest, StoredSayingsServeBattlesButNeverTheCorpusOrASelfNamingOne) {
  testing::FakeGateway* fake = nullptr;
  auto app = makeApp(&fake);
  auto put = [&](const std::string& id, const std::string& model, const std::string& provider,
                 const std::string& text, std::int64_t age_ms = 1000) {
    Saying s;
    s.id = id;
    s.text = text;
    s.model = model;
    s.provider = provider;
    s.llm_ms = 420.0;
    s.cost_usd = 0.0002;
    s.created_at_ms = clock_.wallMs() - age_ms;
    ASSERT_TRUE(app->store().putSaying(s));
  };
  for (int i = 0; i < 3; ++i) {
    put("one-" + std::to_string(i), "m-one", "prov-one",
        "S3 is a closet, take " + std::to_string(i));
    put("two-" + std::to_string(i), "m-two", "prov-two",
        "SQS is a queue, take " + std::to_string(i));
    put("three-" + std::to_string(i), "m-three", "prov-three",
        "EC2 is a car, take " + std::to_string(i));
    put("corpus-" + std::to_string(i), "corpus", "corpus", "Corpus saying " + std::to_string(i));
  }
  put("vain", "m-one", "prov-one", "As m-one I say IAM is a bouncer");
  put("vain-provider", "m-two", "prov-two", "Prov-two made me: Lambda is a cook");
  put("fresh-three", "m-three", "prov-three", "EC2 is a car, fresh take");
  // Older than a week: not fresh enough.
  put("stale", "m-three", "prov-three", "Stale: Glacier is a freezer", 8 * 86'400'000LL);
  std::map<std::string, int> shown_models;
  for (int i = 0; i < 30; ++i) {
    const Json b = battle(*app);
    for (const char* side : {"a", "b"}) {
      const std::string text = b[side]["text"];
      EXPECT_EQ(text.find("Corpus"), std::string::npos) << text;
      EXPECT_EQ(text.find("m-one"), std::string::npos) << text;
      EXPECT_EQ(text.find("Prov-two"), std::string::npos) << text;
      EXPECT_EQ(text.find("Stale"), std::string::npos) << text;
      ++shown_models[text.substr(0, 3)];
    }
  }
  EXPECT_EQ(fake->totalCalls(), 0) << "fresh stored sayings make battles instant";
  EXPECT_EQ(shown_models.size(), 3u) << "S3, SQS and EC2: m-three is in the store only";
  EXPECT_GE(app->arena().selfNamingSkipped(), 2u);
}

TEST_P(ArenaApiTest, AVoteOnABattleWhoseSayingNamesItsModelIsDropped) {
  auto app = makeApp();
  ArenaBattle b;
  b.id = randomId();
  b.created_at_ms = clock_.wallMs();
  b.expires_at_ms = b.created_at_ms + 60'000;
  b.a = ArenaSide{"x", "I am m-one and S3 is a closet", {}, "m-one", "prov-one", 10.0, 0.0};
  b.b = ArenaSide{"y", "Lambda is a cook", {}, "m-two", "prov-two", 20.0, 0.0};
  ASSERT_TRUE(app->store().putBattle(b));
  auto r = vote(*app, b.id, R"("a")");
  ASSERT_EQ(r.status, 200) << r.body;
  auto board = Json::parse(call(*app, "GET", "/api/leaderboard").body);
  EXPECT_EQ(board["votes"], 0);
  EXPECT_EQ(board["dropped"], 1);
  EXPECT_TRUE(board["models"].empty());
}

TEST_P(ArenaApiTest, TheLeaderboardCountsExactlyWhatTheClientsSent) {
  auto app = makeApp();
  struct Sent {
    int battles = 0, wins = 0, losses = 0, ties = 0, both_bad = 0;
    double latency = 0, cost = 0;
  };
  std::map<std::string, Sent> sent;
  int left_wins = 0, decisive = 0;
  const char* winners[] = {"a", "b", "tie", "both_bad", "a", "a"};
  for (int i = 0; i < 18; ++i) {
    const Json b = battle(*app);
    // A fresh client per battle: each vote counts, and its reveal says whom it concerned.
    const std::string w = winners[i % 6];
    auto r = vote(*app, b["battle_id"], "\"" + w + "\"", "client-" + std::to_string(1000 + i));
    ASSERT_EQ(r.status, 200) << r.body;
    const Json reveal = Json::parse(r.body);
    for (const char* side : {"a", "b"}) {
      auto& s = sent[reveal[side]["model"]];
      ++s.battles;
      s.latency += reveal[side]["latency_ms"].get<double>();
      s.cost += reveal[side]["cost_usd"].get<double>();
      if (w == "tie") ++s.ties;
      if (w == "both_bad") ++s.both_bad;
      if (w == side) ++s.wins;
      if ((w == "a" || w == "b") && w != side) ++s.losses;
    }
    if (w == "a") ++left_wins;
    if (w == "a" || w == "b") ++decisive;
  }
  const auto r = call(*app, "GET", "/api/leaderboard");
  ASSERT_EQ(r.status, 200);
  const Json board = Json::parse(r.body);
  EXPECT_EQ(board["votes"], 18);
  EXPECT_EQ(board["dropped"], 0);
  EXPECT_EQ(board["position_bias"]["decisive_votes"], decisive);
  EXPECT_EQ(board["position_bias"]["a_wins"], left_wins);
  EXPECT_EQ(board["method"]["resamples"], 200);
  ASSERT_EQ(board["models"].size(), sent.size());
  double previous = 1e9;
  for (const auto& m : board["models"]) {
    const Sent& s = sent.at(m["model"]);
    EXPECT_EQ(m["battles"], s.battles);
    EXPECT_EQ(m["wins"], s.wins);
    EXPECT_EQ(m["losses"], s.losses);
    EXPECT_EQ(m["ties"], s.ties);
    EXPECT_EQ(m["both_bad"], s.both_bad);
    EXPECT_NEAR(m["avg_latency_ms"].get<double>(), s.latency / s.battles, 0.1);
    EXPECT_NEAR(m["cost_per_saying_usd"].get<double>(), s.cost / s.battles, 1e-8);
    EXPECT_LE(m["ci_low"].get<double>(), m["rating"].get<double>());
    EXPECT_GE(m["ci_high"].get<double>(), m["rating"].get<double>());
    EXPECT_LE(m["rating"].get<double>(), previous) << "ordered by rating";
    previous = m["rating"];
  }
}

TEST_P(ArenaApiTest, ThePairChoiceFavoursTheLeastCertainPairs) {
  auto app = makeApp(nullptr, {"m-one", "m-two", "m-three"});
  // m-one and m-two are settled (100 : 0 leaves their intervals far apart); m-three is new.
  for (int i = 0; i < 100; ++i) {
    ArenaVote v;
    v.id = randomId();
    v.battle_id = "settled-" + std::to_string(i);
    v.client_key = "id:seed";
    v.winner = ArenaWinner::kA;
    v.model_a = "m-one";
    v.provider_a = "prov-one";
    v.model_b = "m-two";
    v.provider_b = "prov-two";
    ASSERT_TRUE(app->store().recordArenaVote(v));
  }
  std::map<std::set<std::string>, int> pairs;
  int three_on_a = 0, three_on_b = 0;
  for (int i = 0; i < 40; ++i) {
    const Json b = battle(*app);
    const auto stored = app->store().getBattle(b["battle_id"]).value();
    ASSERT_TRUE(stored);
    ++pairs[{stored->a.model, stored->b.model}];
    three_on_a += stored->a.model == "m-three";
    three_on_b += stored->b.model == "m-three";
  }
  EXPECT_LE((pairs[{"m-one", "m-two"}]), 4) << "the settled pair is rarely asked again";
  EXPECT_GE((pairs[{"m-one", "m-three"}]), 8);
  EXPECT_GE((pairs[{"m-two", "m-three"}]), 8);
  EXPECT_GE(three_on_a, 5) << "sides are randomised";
  EXPECT_GE(three_on_b, 5) << "sides are randomised";
}

TEST_P(ArenaApiTest, WithoutTwoModelsToShowABattleIs503) {
  auto app = makeApp(nullptr, {"m-one"});
  auto r = call(*app, "POST", "/api/arena/battles", "{}");
  expectError(r, 503, "no_models");
}

INSTANTIATE_TEST_SUITE_P(Backends, ArenaApiTest, ::testing::Values("sqlite", "dynalite"),
                         testing::backendName);

}  // namespace
}  // namespace cs
