// The program on DynamoDB (dynalite): `store init`, start-up errors, the picker's call budget,
// and two `serve` processes sharing one store.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "fakes/dynalite_process.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_llm.hpp"
#include "fakes/loopback_server.hpp"
#include "net/curl_transport.hpp"
#include "store/dynamo/item_codec.hpp"
#include "store/dynamo/requests.hpp"
#include "store/saying_picker.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

std::map<std::string, std::string> awsEnv(const DynaliteProcess& dynalite) {
  return {{"AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint()},
          {"AWS_REGION", "us-east-1"},
          {"AWS_ACCESS_KEY_ID", "AKIDFAKEEXAMPLE"},
          {"AWS_SECRET_ACCESS_KEY", "FAKE-dynalite-secret"}};
}

std::string tablesToml(const dynamo::Tables& t) {
  return "[dynamodb]\nsayings_table = \"" + t.sayings + "\"\nfeedback_table = \"" + t.feedback +
         "\"\nstats_table = \"" + t.stats + "\"\narena_table = \"" + t.arena + "\"\n";
}

// A DynamoDB front: forwards every call to dynalite, except that while `throttle_writes` is
// above zero each PutItem/UpdateItem is answered with a throttling error instead (and counts
// it down; negative = throttle for good), as DynamoDB does under load.
class ThrottlingFront {
 public:
  explicit ThrottlingFront(std::string target) : target_(std::move(target)) {
    http::Router router;
    router.add(
        "POST", "/", [this](const http::Request& r) { return handle(r); }, /*may_block=*/true);
    server_ = std::make_unique<LoopbackServer>(std::move(router));
  }
  std::string endpoint() const { return server_->url(); }
  std::atomic<int> throttle_writes{0};
  std::atomic<int> throttled{0};

 private:
  http::Response handle(const http::Request& r) {
    const auto op = std::string(r.headers.get("X-Amz-Target").value_or(""));
    const bool write = op.ends_with(".PutItem") || op.ends_with(".UpdateItem");
    if (int left = throttle_writes.load(); write && left != 0) {
      if (left > 0) --throttle_writes;
      ++throttled;
      http::Response busy;
      busy.status = 400;
      busy.content_type = "application/x-amz-json-1.0";
      busy.body =
          R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"Rate of requests exceeds the allowed throughput."})";
      return busy;
    }
    net::HttpRequest forward;
    forward.method = "POST";
    forward.url = target_ + "/";
    for (const auto& [name, value] : r.headers.all())
      if (!http::iequals(name, "host") && !http::iequals(name, "content-length"))
        forward.headers.emplace_back(name, value);
    forward.body = r.body;
    auto answer = transport_.sendBlocking(std::move(forward));
    http::Response out;
    out.status = answer.ok() ? static_cast<int>(answer.status) : 502;
    out.content_type =
        std::string(answer.header("content-type").value_or("application/x-amz-json-1.0"));
    out.body = answer.body;
    return out;
  }
  std::string target_;
  net::CurlTransport transport_;
  std::unique_ptr<LoopbackServer> server_;
};

class DynamoService : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dynalite_.start()) << dynalite_.why(); }
  std::string writeConfig(const std::string& name, const std::string& extra) {
    const std::string path = dir_.file(name);
    std::ofstream(path) << "[store]\nurl = \"dynamodb\"\n" << extra << tablesToml(tables_);
    return path;
  }
  TempDir dir_;
  DynaliteProcess dynalite_;
  dynamo::Tables tables_ = uniqueTables();
};

TEST_F(DynamoService, StoreInitCreatesTablesOnceAndIsSafeTwice) {
  const auto config = writeConfig("init.toml", "");
  auto first = runBinary({"store", "init", "--config", config}, awsEnv(dynalite_));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  for (const auto* table : {&tables_.sayings, &tables_.feedback, &tables_.stats})
    EXPECT_NE(first.output.find("dynamodb table " + *table + ": created, ACTIVE"),
              std::string::npos)
        << first.output;
  auto second = runBinary({"store", "init", "--config", config}, awsEnv(dynalite_));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find(tables_.sayings + ": exists, ACTIVE"), std::string::npos)
      << second.output;
  EXPECT_EQ(second.output.find("created"), std::string::npos) << second.output;

  // The tables are on-demand; the store works on them.
  auto store = makeDynaliteStore(dynalite_, tables_);
  auto described = store->client().call(dynamo::Op::kDescribeTable,
                                        dynamo::describeTableRequest(tables_.sayings));
  ASSERT_TRUE(described);
  EXPECT_EQ((*described)["Table"]["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ((*described)["Table"]["KeySchema"][0]["AttributeName"], "id");
  EXPECT_TRUE(store->ping());
}

TEST_F(DynamoService, MissingTablesAreAnErrorThatSaysWhatToRun) {
  dynamo::StoreOptions options;
  options.tables = tables_;  // never created
  dynamo::DynamoStore store(std::make_unique<net::CurlTransport>(),
                            dynaliteClientOptions(dynalite_), options);
  auto r = store.getSaying("x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name(), "store_unavailable");
  EXPECT_NE(r.error().message.find("store init"), std::string::npos) << r.error().message;
  EXPECT_FALSE(store.ping());
  // The server still starts (readiness says the store is not there) rather than crashing.
  ServerProcess server;
  ASSERT_TRUE(server.start({"--config", writeConfig("missing.toml", "")}, awsEnv(dynalite_)))
      << server.logs();
  EXPECT_EQ(httpRequest("GET", server.url("/readyz")).status, 503);
  auto saying = httpRequest("GET", server.url("/api/sayings"));
  EXPECT_EQ(saying.status, 503);
  EXPECT_EQ(json::parse(saying.body)["source"], "fallback");
}

TEST_F(DynamoService, ServeWithoutCredentialsExitsTwoNamingThem) {
  auto env = awsEnv(dynalite_);
  env["AWS_SECRET_ACCESS_KEY"] = "";
  auto r = runBinary({"serve", "--port", "0", "--store", "dynamodb"}, env);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("AKIDFAKEEXAMPLE"), std::string::npos);
}

TEST_F(DynamoService, RandomPicksDoNotScanPerRequest) {
  auto store = makeDynaliteStore(dynalite_, tables_);
  for (int i = 0; i < 30; ++i) {
    Saying s;
    s.id = "s" + std::to_string(i);
    s.text = "saying " + std::to_string(i);
    ASSERT_TRUE(store->putSaying(s));
  }
  FakeClock clock;
  SayingPicker picker(*store, clock, {std::chrono::seconds(60), std::chrono::minutes(5)});
  const auto scans = store->client().calls(dynamo::Op::kScan);
  const auto gets = store->client().calls(dynamo::Op::kGetItem);
  std::set<std::string> seen;
  std::string last;
  for (int i = 0; i < 1000; ++i) {
    auto s = picker.pickRandom(last);
    ASSERT_TRUE(s) << s.error().message;
    last = s->id;
    seen.insert(s->id);
  }
  EXPECT_EQ(store->client().calls(dynamo::Op::kScan) - scans, 1u);             // one id listing
  EXPECT_EQ(store->client().calls(dynamo::Op::kGetItem) - gets, seen.size());  // each item once
  EXPECT_EQ(seen.size(), 30u);
  clock.advance(std::chrono::seconds(61));  // the id list's TTL: one more listing
  ASSERT_TRUE(picker.pickRandom(last));
  EXPECT_EQ(store->client().calls(dynamo::Op::kScan) - scans, 2u);
}

TEST_F(DynamoService, TwoInstancesShareVotesAndSayings) {
  ASSERT_EQ(
      runBinary({"store", "init", "--config", writeConfig("init.toml", "")}, awsEnv(dynalite_))
          .exit_code,
      0);
  // Instance A writes a saying of its own into the shared store (its start-up seeding of a
  // one-saying corpus); B writes nothing and must serve it.
  const std::string corpus = dir_.file("corpus.json");
  std::ofstream(corpus)
      << R"([{"text": "DynamoDB is like a shared fridge: every instance sees the same leftovers.",
                               "services": ["Amazon DynamoDB"]}])";
  const std::string no_cache = "[stats]\ncache_ttl_ms = 0\n";
  ServerProcess a, b;
  ASSERT_TRUE(
      a.start({"--config", writeConfig("a.toml", "corpus_file = \"" + corpus + "\"\n" + no_cache)},
              awsEnv(dynalite_)))
      << a.logs();
  ASSERT_TRUE(b.start({"--config", writeConfig("b.toml", "seed_on_start = false\n" + no_cache)},
                      awsEnv(dynalite_)))
      << b.logs();

  auto from_b = httpRequest("GET", b.url("/api/sayings"));
  ASSERT_EQ(from_b.status, 200) << from_b.body << b.logs();
  auto saying = json::parse(from_b.body);
  EXPECT_EQ(saying["text"],
            "DynamoDB is like a shared fridge: every instance sees the same leftovers.");
  EXPECT_EQ(saying["source"], "store");

  auto stats_before = json::parse(httpRequest("GET", b.url("/api/stats")).body);
  EXPECT_EQ(stats_before["totals"]["positive"], 0) << stats_before.dump();
  auto vote =
      httpRequest("POST", a.url("/api/feedback"),
                  json{{"saying_id", saying["id"]}, {"vote", "up"}, {"execution_time", 3.5}}.dump(),
                  {"Content-Type: application/json"});
  ASSERT_EQ(vote.status, 201) << vote.body;  // created: a counted vote
  auto stats_after = json::parse(httpRequest("GET", b.url("/api/stats")).body);
  EXPECT_EQ(stats_after["totals"]["positive"], 1) << stats_after.dump();
  EXPECT_EQ(stats_after["totals"]["total"], 1);

  // The same client voting again through B is not counted twice: the store decides, not the
  // instance.
  auto again = httpRequest("POST", b.url("/api/feedback"),
                           json{{"saying_id", saying["id"]}, {"vote", "up"}}.dump(),
                           {"Content-Type: application/json"});
  EXPECT_LT(again.status, 500) << again.body;
  EXPECT_EQ(json::parse(httpRequest("GET", a.url("/api/stats")).body)["totals"]["positive"], 1);
  EXPECT_EQ(a.stop(), 0);
  EXPECT_EQ(b.stop(), 0);
}

TEST_F(DynamoService, ASayingGeneratedByAIsServedByB) {
  ASSERT_EQ(
      runBinary({"store", "init", "--config", writeConfig("init.toml", "")}, awsEnv(dynalite_))
          .exit_code,
      0);
  const std::vector<std::string> generated = {
      "Amazon SQS is like the ticket dispenser at a deli counter: nobody shouts, and every number "
      "gets served.",
      "AWS Step Functions is like a recipe card taped above the stove: each step waits for the one "
      "before it.",
      "Amazon SNS is like a town crier with a mailing list: one shout, and every subscriber hears "
      "the news."};
  FakeLlmServer llm;
  const std::string key = "sk-ant-test-FAKE-dynamo-two-instances";
  llm.fake().control(json{{"api_keys", {{"anthropic", key}}}, {"sayings", generated}});
  auto a_env = awsEnv(dynalite_);
  a_env["ANTHROPIC_API_KEY"] = key;
  a_env["ANTHROPIC_BASE_URL"] = llm.url();
  // Neither instance seeds the corpus: the only sayings in the store are the ones A generates.
  ServerProcess a, b;
  ASSERT_TRUE(a.start({"--config", writeConfig("a.toml", "seed_on_start = false\n")}, a_env))
      << a.logs();
  auto from_a = httpRequest("GET", a.url("/api/sayings?model=claude-haiku-4-5"));
  ASSERT_EQ(from_a.status, 200) << from_a.body << a.logs();
  const auto made = json::parse(from_a.body);
  EXPECT_EQ(made["source"], "llm") << made.dump();
  // A writes what it generated to the shared store (in the background): wait until it is there.
  auto store = makeDynaliteStore(dynalite_, tables_);
  bool stored = false;
  for (int i = 0; i < 500 && !stored; ++i) {
    auto got = store->getSaying(made["id"].get<std::string>());
    stored = got && got->has_value();
    if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(stored) << a.logs();

  ASSERT_TRUE(b.start(
      {"--config", writeConfig("b.toml", "seed_on_start = false\n[cache]\nenabled = false\n")},
      awsEnv(dynalite_)))
      << b.logs();
  auto from_b = httpRequest("GET", b.url("/api/sayings"));
  ASSERT_EQ(from_b.status, 200) << from_b.body << b.logs();
  const auto served = json::parse(from_b.body);
  EXPECT_EQ(served["source"], "store");
  EXPECT_NE(std::find(generated.begin(), generated.end(), served["text"].get<std::string>()),
            generated.end())
      << served.dump();
  EXPECT_EQ(served["provider"],
            "anthropic");  // A's builder may have filled other models' pools too
}

// Throttled writes are retried with backoff and succeed; throttling that outlasts the store's
// deadline is a clear 503 (not a 500); afterwards votes succeed and none acknowledged is lost.
TEST_F(DynamoService, ThrottledVotesAreRetriedOrRefusedClearlyAndNoneIsLost) {
  ThrottlingFront front(dynalite_.endpoint());
  auto env = awsEnv(dynalite_);
  env["AWS_ENDPOINT_URL_DYNAMODB"] = front.endpoint();
  ASSERT_EQ(runBinary({"store", "init", "--config", writeConfig("init.toml", "")}, env).exit_code,
            0);
  const std::string config = dir_.file("s.toml");  // tablesToml leaves [dynamodb] open
  std::ofstream(config) << "[store]\nurl = \"dynamodb\"\n[cache]\nenabled = false\n"
                        << "[stats]\nflush_interval_ms = 600000\n"
                        << tablesToml(tables_) << "deadline_ms = 1500\nattempt_timeout_ms = 1000\n";
  ServerProcess server;
  ASSERT_TRUE(server.start({"--config", config}, env)) << server.logs();
  auto pick = httpRequest("GET", server.url("/api/sayings"));
  ASSERT_EQ(pick.status, 200) << pick.body << server.logs();
  const std::string saying = json::parse(pick.body)["id"];
  std::set<std::string> acknowledged;
  auto vote = [&](const std::string& client) {
    auto r = postVote(server, saying, "up", client);
    if (r.status == 201) acknowledged.insert(json::parse(r.body)["id"].get<std::string>());
    return r;
  };

  front.throttle_writes = 2;  // two throttled writes, then through: the retries absorb them
  auto retried = vote("throttle-client-1");
  EXPECT_EQ(retried.status, 201) << retried.body << server.logs();
  EXPECT_EQ(front.throttled.load(), 2);

  front.throttle_writes = -1;  // throttled past the deadline
  auto refused = vote("throttle-client-2");
  EXPECT_EQ(refused.status, 503) << refused.body;
  auto body = json::parse(refused.body, nullptr, false);
  EXPECT_EQ(body["error"], "store_unavailable") << refused.body;
  EXPECT_EQ(refused.body.find("ProvisionedThroughput"), std::string::npos) << refused.body;
  EXPECT_EQ(httpRequest("GET", server.url("/api/sayings")).status, 200);  // reads still work

  front.throttle_writes = 0;
  EXPECT_EQ(vote("throttle-client-2").status, 201);
  EXPECT_EQ(vote("throttle-client-3").status, 201);
  EXPECT_EQ(server.stop(), 0);
  EXPECT_NE(server.logs().find("ProvisionedThroughputExceededException"), std::string::npos);

  auto store = makeDynaliteStore(dynalite_, tables_);
  expectAcknowledgedVotesStored(*store, acknowledged);
  EXPECT_EQ(acknowledged.size(), 3u);
}

}  // namespace
}  // namespace cs::testing
