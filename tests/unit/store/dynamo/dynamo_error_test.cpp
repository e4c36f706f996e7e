#include <gtest/gtest.h>

#include "store/dynamo/dynamo_error.hpp"

namespace cs::dynamo {
namespace {

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

}  // namespace
}  // namespace cs::dynamo
