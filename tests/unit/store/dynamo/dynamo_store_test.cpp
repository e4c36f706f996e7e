// DynamoStore against a scripted transport: UnprocessedKeys, paging, and clean errors for
// answers that are not DynamoDB's.
#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "fakes/scripted_transport.hpp"
#include "store/dynamo/dynamo_store.hpp"
#include "store/dynamo/item_codec.hpp"
#include "support/dynamo_options.hpp"

namespace cs::dynamo {
namespace {

using std::chrono::milliseconds;

using testing::ScriptedTransport;

struct StoreFixture {
  testing::FakeClock clock;
  ScriptedTransport* transport = nullptr;
  std::unique_ptr<DynamoStore> store;
  StoreFixture() {
    auto t = std::make_unique<ScriptedTransport>();
    transport = t.get();
    store = std::make_unique<DynamoStore>(std::move(t), testing::scriptedDynamoOptions(),
                                          StoreOptions{}, clock,
                                          [this](milliseconds d) { clock.advance(d); });
  }
};

Json itemsOf(std::initializer_list<const char*> ids) {
  Json items = Json::array();
  for (const char* id : ids) {
    Saying s;
    s.id = id;
    s.text = std::string("saying ") + id;
    items.push_back(sayingItem(s));
  }
  return items;
}

TEST(DynamoStoreScripted, BatchGetRetriesUnprocessedKeysOnly) {
  StoreFixture f;
  Json first = {{"Responses", {{"main_humor", itemsOf({"a"})}}},
                {"UnprocessedKeys", {{"main_humor", {{"Keys", Json::array({sayingKey("b")})}}}}}};
  Json second = {{"Responses", {{"main_humor", itemsOf({"b"})}}},
                 {"UnprocessedKeys", Json::object()}};
  f.transport->push(200, first.dump());
  f.transport->push(200, second.dump());
  auto r = f.store->getSayings({"a", "b", "a", "missing"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->size(), 2u);
  const auto sent = f.transport->requests();
  ASSERT_EQ(sent.size(), 2u);
  // Duplicates are dropped (DynamoDB rejects them); the retry asks for the unprocessed key only.
  EXPECT_EQ(Json::parse(sent[0].body)["RequestItems"]["main_humor"]["Keys"].size(), 3u);
  EXPECT_EQ(Json::parse(sent[1].body)["RequestItems"]["main_humor"]["Keys"],
            Json::array({sayingKey("b")}));
}

TEST(DynamoStoreScripted, BatchGetChunksAtOneHundredKeys) {
  StoreFixture f;
  f.transport->setFallback([](const net::HttpRequest&) {
    net::HttpResponse r;
    r.status = 200;
    r.body = R"({"Responses":{"main_humor":[]}})";
    return r;
  });
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back("id" + std::to_string(i));
  ASSERT_TRUE(f.store->getSayings(ids));
  const auto sent = f.transport->requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(Json::parse(sent[0].body)["RequestItems"]["main_humor"]["Keys"].size(), 100u);
  EXPECT_EQ(Json::parse(sent[2].body)["RequestItems"]["main_humor"]["Keys"].size(), 50u);
}

TEST(DynamoStoreScripted, MalformedAnswersAreCleanErrors) {
  struct Case {
    long status;
    std::string body;
    const char* code;
  };
  const std::vector<Case> cases = {
      {200, "<html><body>Welcome to the hotel wifi</body></html>", "store_error"},
      {200, R"({"Item":{"id":{"S":"a"},"text":{"S":"trunc)", "store_error"},
      {200, R"({"Item":{"id":{"S":"a"}}})", "store_error"},  // no text: not a saying
      {200, R"({"Item":{"id":{"S":"a"},"text":{"S":"t"},"upvotes":{"N":"lots"}}})", "store_error"},
      {200, R"({"Item":["not","an","object"]})", "store_error"},
      {400, R"({"__type":"com.example#BrandNewException","message":"?"})", "store_error"},
      {404, "<html>Not Found</html>", "store_error"},
      {400, R"({"__type":"com.amazon.coral.service#UnrecognizedClientException"})",
       "store_unavailable"},
      {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"})",
       "store_unavailable"},
  };
  for (const auto& c : cases) {
    StoreFixture f;
    f.transport->push(c.status, c.body);
    auto r = f.store->getSaying("a");
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().name(), c.code) << c.body << " -> " << r.error().message;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(DynamoStoreScripted, ScanFollowsLastEvaluatedKey) {
  StoreFixture f;
  f.transport->push(200, Json{{"Items", Json::array({{{"id", attrS("a")}}})},
                              {"LastEvaluatedKey", sayingKey("a")}}
                             .dump());
  f.transport->push(200, Json{{"Items", Json::array({{{"id", attrS("b")}}})}}.dump());
  auto ids = f.store->listSayingIds();
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "b"}));
  const auto sent = f.transport->requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(Json::parse(sent[0].body)["ProjectionExpression"], "#id");
  EXPECT_FALSE(Json::parse(sent[0].body).contains("ExclusiveStartKey"));
  EXPECT_EQ(Json::parse(sent[1].body)["ExclusiveStartKey"], sayingKey("a"));
}

}  // namespace
}  // namespace cs::dynamo
