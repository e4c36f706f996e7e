#include <gtest/gtest.h>

#include "store/dynamo/dynamo_error.hpp"
#include "store/dynamo/requests.hpp"

namespace cs::dynamo {
namespace {

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

}  // namespace
}  // namespace cs::dynamo
