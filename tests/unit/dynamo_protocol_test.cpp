#include <gtest/gtest.h>

#include "store/dynamo/backoff.hpp"
#include "store/dynamo/dynamo_error.hpp"
#include "store/dynamo/requests.hpp"

namespace cs::dynamo {
namespace {

using std::chrono::milliseconds;

TEST(DynamoRequests, GetItemWithProjection) {
  Expression proj{"#id", attributeNames({"id"}), Json::object()};
  const Json body = getItemRequest("main_humor", {{"id", attrS("x")}}, true, proj);
  EXPECT_EQ(body,
            Json::parse(R"({"TableName":"main_humor","Key":{"id":{"S":"x"}},"ConsistentRead":true,
      "ProjectionExpression":"#id","ExpressionAttributeNames":{"#id":"id"}})"));
  EXPECT_FALSE(parseGetItem(Json::object()).value().has_value());
  auto item = parseGetItem(Json::parse(R"({"Item":{"id":{"S":"x"}}})")).value();
  ASSERT_TRUE(item);
  EXPECT_EQ((*item)["id"]["S"], "x");
  EXPECT_FALSE(parseGetItem(Json::parse(R"({"Item":"x"})")));
}

TEST(DynamoRequests, BatchGetItemAndUnprocessedKeys) {
  const Json body = batchGetItemRequest("t", {{{"id", attrS("a")}}, {{"id", attrS("b")}}}, false);
  EXPECT_EQ(
      body,
      Json::parse(
          R"({"RequestItems":{"t":{"Keys":[{"id":{"S":"a"}},{"id":{"S":"b"}}],"ConsistentRead":false}}})"));
  auto r = parseBatchGetItem(Json::parse(R"({"Responses":{"t":[{"id":{"S":"a"}}]},
      "UnprocessedKeys":{"t":{"Keys":[{"id":{"S":"b"}}],"ConsistentRead":false}}})"),
                             "t");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->items.size(), 1u);
  ASSERT_EQ(r->unprocessed_keys.size(), 1u);
  EXPECT_EQ(r->unprocessed_keys[0]["id"]["S"], "b");
  auto empty =
      parseBatchGetItem(Json::parse(R"({"Responses":{},"UnprocessedKeys":{}})"), "t").value();
  EXPECT_TRUE(empty.items.empty());
  EXPECT_TRUE(empty.unprocessed_keys.empty());
  EXPECT_FALSE(parseBatchGetItem(Json::parse(R"({"Responses":{"t":{}}})"), "t"));
  EXPECT_FALSE(parseBatchGetItem(Json::parse(R"({"UnprocessedKeys":{"t":{}}})"), "t"));
}

TEST(DynamoRequests, ScanPagesWithProjectionFilterAndStartKey) {
  ScanRequest req;
  req.table = "saying_feedback";
  req.projection = Expression{"#id", attributeNames({"id"}), Json::object()};
  req.filter = Expression{"#c >= :from AND #c < :to",
                          attributeNames({"created_at"}),
                          {{":from", attrN(std::int64_t{1})}, {":to", attrN(std::int64_t{9})}}};
  req.limit = 25;
  req.exclusive_start_key = Json{{"id", attrS("k")}};
  const Json body = scanRequest(req);
  EXPECT_EQ(body["ProjectionExpression"], "#id");
  EXPECT_EQ(body["FilterExpression"], "#c >= :from AND #c < :to");
  EXPECT_EQ(body["ExpressionAttributeNames"],
            Json::parse(R"({"#id":"id","#created_at":"created_at"})"));
  EXPECT_EQ(body["ExpressionAttributeValues"][":to"], attrN(std::int64_t{9}));
  EXPECT_EQ(body["Limit"], 25);
  EXPECT_EQ(body["ExclusiveStartKey"]["id"]["S"], "k");
  EXPECT_FALSE(body.contains("ConsistentRead"));

  auto page = parseScan(
      Json::parse(R"({"Items":[{"id":{"S":"a"}}],"Count":1,"LastEvaluatedKey":{"id":{"S":"a"}}})"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 1u);
  ASSERT_TRUE(page->last_evaluated_key);
  auto last = parseScan(Json::parse(R"({"Items":[],"Count":0})")).value();
  EXPECT_FALSE(last.last_evaluated_key);
  EXPECT_FALSE(parseScan(Json::parse(R"({"Items":{}})")));
  EXPECT_FALSE(parseScan(Json::parse(R"({"Items":[1]})")));
  EXPECT_FALSE(parseScan(Json::parse(R"({"Items":[],"LastEvaluatedKey":{}})")));
}

TEST(DynamoRequests, UpdateItemAddWithCondition) {
  UpdateItemRequest req;
  req.table = "main_humor";
  req.key = {{"id", attrS("s1")}};
  req.update =
      Expression{"ADD #up :one", attributeNames({"up"}), {{":one", attrN(std::int64_t{1})}}};
  req.condition = "attribute_exists(#up)";
  req.return_values = "UPDATED_NEW";
  EXPECT_EQ(updateItemRequest(req),
            Json::parse(R"j({"TableName":"main_humor","Key":{"id":{"S":"s1"}},
      "ReturnValues":"UPDATED_NEW","UpdateExpression":"ADD #up :one","ConditionExpression":"attribute_exists(#up)",
      "ExpressionAttributeNames":{"#up":"up"},"ExpressionAttributeValues":{":one":{"N":"1"}}})j"));
  EXPECT_EQ(parseUpdateItem(Json::parse(R"({"Attributes":{"up":{"N":"2"}}})")).value()["up"]["N"],
            "2");
  EXPECT_EQ(parseUpdateItem(Json::object()).value(), Json::object());
}

TEST(DynamoRequests, PutItemOnlyIfNew) {
  Expression cond{"attribute_not_exists(#id)", attributeNames({"id"}), Json::object()};
  EXPECT_EQ(
      putItemRequest("t", {{"id", attrS("a")}}, cond),
      Json::parse(
          R"j({"TableName":"t","Item":{"id":{"S":"a"}},"ConditionExpression":"attribute_not_exists(#id)",
                "ExpressionAttributeNames":{"#id":"id"}})j"));
  EXPECT_EQ(putItemRequest("t", {{"id", attrS("a")}}),
            Json::parse(R"({"TableName":"t","Item":{"id":{"S":"a"}}})"));
}

TEST(DynamoRequests, CreateAndDescribeTable) {
  EXPECT_EQ(createTableRequest("main_humor", "id"), Json::parse(R"({"TableName":"main_humor",
      "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
      "BillingMode":"PAY_PER_REQUEST","SSESpecification":{"Enabled":true}})"));
  EXPECT_EQ(describeTableRequest("x"), Json::parse(R"({"TableName":"x"})"));
  EXPECT_EQ(parseTableStatus(Json::parse(R"({"Table":{"TableStatus":"ACTIVE"}})")).value(),
            "ACTIVE");
  EXPECT_EQ(
      parseTableStatus(Json::parse(R"({"TableDescription":{"TableStatus":"CREATING"}})")).value(),
      "CREATING");
  EXPECT_FALSE(parseTableStatus(Json::parse(R"({"Table":{}})")));
}

TEST(DynamoErrors, ClassifiesDynamoDbErrorTypes) {
  struct Case {
    long status;
    const char* body;
    ErrorKind kind;
    bool retry;
  };
  const Case cases[] = {
      {400,
       R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"})",
       ErrorKind::kThrottled, true},
      {400, R"({"__type":"com.amazon.coral.availability#ThrottlingException"})",
       ErrorKind::kThrottled, true},
      {400,
       R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"})",
       ErrorKind::kConditionFailed, false},
      {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"})",
       ErrorKind::kTableNotFound, false},
      {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceInUseException"})",
       ErrorKind::kTableInUse, false},
      {400, R"({"__type":"com.amazon.coral.validate#ValidationException","message":"bad"})",
       ErrorKind::kValidation, false},
      {400, R"({"__type":"com.amazon.coral.service#UnrecognizedClientException"})",
       ErrorKind::kAuth, false},
      {403, R"({"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"})",
       ErrorKind::kAuth, false},
      {500, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError"})",
       ErrorKind::kServer, true},
      {503, R"({"__type":"com.amazon.coral.service#SomethingNew"})", ErrorKind::kServer, true},
      {400, R"({"__type":"com.example#TotallyUnknownException"})", ErrorKind::kOther, false},
      {502, "<html><body>Bad Gateway</body></html>", ErrorKind::kServer, true},
      {404, "<html>Not Found</html>", ErrorKind::kMalformed, false},
      {429, "", ErrorKind::kThrottled, true},
      {200, "<html>captive portal</html>", ErrorKind::kMalformed, false},
      {200, R"({"Item":{"id":{"S":"trunc)", ErrorKind::kMalformed, false},
      {200, "[]", ErrorKind::kMalformed, false},
  };
  for (const auto& c : cases) {
    auto r = interpretResponse(c.status, c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().kind, c.kind) << c.body << " -> " << errorKindName(r.error().kind);
    EXPECT_EQ(r.error().retryable(), c.retry) << c.body;
    EXPECT_EQ(r.error().status, c.status);
  }
  auto throttled = interpretResponse(400, cases[0].body).error();
  EXPECT_EQ(throttled.type, "ProvisionedThroughputExceededException");
  EXPECT_EQ(throttled.message, "slow down");
  EXPECT_EQ(interpretResponse(403, cases[7].body).error().message, "no");
}

TEST(DynamoErrors, TransportFailuresAndSuccess) {
  auto refused = interpretResponse(0, "", "Couldn't connect to server");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kTransport);
  EXPECT_TRUE(refused.error().retryable());
  EXPECT_EQ(interpretResponse(0, "", "", true).error().type, "Timeout");
  auto ok = interpretResponse(200, R"({"Count":0})");
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)["Count"], 0);
}

TEST(DynamoErrors, StoreErrorCodesSeparateOutagesFromBugs) {
  EXPECT_EQ((DynamoError{ErrorKind::kThrottled, "ThrottlingException", "", 400}
                 .toStoreError("GetItem")
                 .name()),
            "store_unavailable");
  EXPECT_EQ((DynamoError{ErrorKind::kTransport, "", "refused", 0}.toStoreError("GetItem").name()),
            "store_unavailable");
  EXPECT_EQ((DynamoError{ErrorKind::kValidation, "ValidationException", "bad", 400}
                 .toStoreError("Scan")
                 .name()),
            "store_error");
  EXPECT_EQ((DynamoError{ErrorKind::kMalformed, "", "x", 200}.toStoreError("Scan").name()),
            "store_error");
  auto missing =
      DynamoError{ErrorKind::kTableNotFound, "ResourceNotFoundException", "", 400}.toStoreError(
          "GetItem");
  EXPECT_EQ(missing.name(), "store_unavailable");
  EXPECT_NE(missing.message.find("store init"), std::string::npos);
  // A huge or multi-line message from a proxy is clipped to one short line.
  auto big = interpretResponse(
      400,
      Json{{"__type", "x#ValidationException"}, {"message", std::string(5000, 'a') + "\n"}}.dump());
  EXPECT_LE(big.error().message.size(), 300u);
}

TEST(DynamoBackoff, GrowsExponentiallyCapsAndRespectsDeadline) {
  Backoff b{5, milliseconds(10), milliseconds(50)};
  const milliseconds lots(10'000);
  EXPECT_FALSE(b.delay(1, 1.0, lots));  // the first attempt never waits
  EXPECT_EQ(b.delay(2, 1.0, lots), milliseconds(10));
  EXPECT_EQ(b.delay(3, 1.0, lots), milliseconds(20));
  EXPECT_EQ(b.delay(4, 1.0, lots), milliseconds(40));
  EXPECT_EQ(b.delay(5, 1.0, lots), milliseconds(50));  // capped
  EXPECT_FALSE(b.delay(6, 1.0, lots));                 // attempts used up
  EXPECT_EQ(b.delay(4, 0.5, lots), milliseconds(20));  // jitter scales the wait
  EXPECT_EQ(b.delay(4, 0.0, lots), milliseconds(0));
  EXPECT_FALSE(b.delay(3, 1.0, milliseconds(20)));  // would use the whole remaining time
  EXPECT_EQ(b.delay(3, 1.0, milliseconds(21)), milliseconds(20));
}

}  // namespace
}  // namespace cs::dynamo
