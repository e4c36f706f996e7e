// DynamoClient against a scripted transport: retries, backoff within the deadline, and clean
// errors for answers that are not DynamoDB's.
#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "fakes/scripted_transport.hpp"
#include "obs/logger.hpp"
#include "store/dynamo/dynamo_store.hpp"
#include "support/dynamo_options.hpp"

namespace cs::dynamo {
namespace {

using std::chrono::milliseconds;

using testing::ScriptedTransport;

constexpr const char* kThrottle =
    R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"})";

// Collects log lines so tests can see what was logged.
class LogCapture {
 public:
  LogCapture() : logger_(obs::Level::kDebug, [this](std::string_view lines) { text_ += lines; }) {
    obs::setGlobalLogger(&logger_);
  }
  ~LogCapture() { obs::setGlobalLogger(nullptr); }
  std::string text() {
    logger_.flush();
    return text_;
  }

 private:
  std::string text_;
  obs::Logger logger_;
};

struct Fixture {
  testing::FakeClock clock;
  std::vector<milliseconds> waits;
  ScriptedTransport transport;
  DynamoClient client{transport, testing::scriptedDynamoOptions(), clock, [this](milliseconds d) {
                        waits.push_back(d);
                        clock.advance(d);
                      }};
};

TEST(DynamoClient, SendsTheJsonProtocolSignedForDynamoDb) {
  Fixture f;
  f.transport.push(200, R"({"Count":0,"Items":[]})");
  auto r = f.client.call(Op::kScan, Json{{"TableName", "t"}});
  ASSERT_TRUE(r);
  const auto sent = f.transport.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, "http://dynamo.test/");
  EXPECT_EQ(sent[0].body, R"({"TableName":"t"})");
  bool target = false, type = false;
  for (const auto& [k, v] : sent[0].headers) {
    if (k == "X-Amz-Target") target = v == "DynamoDB_20120810.Scan";
    if (k == "Content-Type") type = v == "application/x-amz-json-1.0";
  }
  EXPECT_TRUE(target && type);
  ASSERT_TRUE(sent[0].aws_sigv4);
  EXPECT_EQ(sent[0].aws_sigv4->provider, "aws:amz:eu-west-1:dynamodb");
  EXPECT_EQ(sent[0].aws_sigv4->access_key_id, "AKIDFAKEEXAMPLE");
  EXPECT_EQ(f.client.calls(Op::kScan), 1u);
}

TEST(DynamoClient, RetriesThrottlingWithGrowingBackoff) {
  Fixture f;
  f.transport.push(400, kThrottle);
  f.transport.push(400, R"({"__type":"com.amazon.coral.availability#ThrottlingException"})");
  f.transport.push(503, "<html>Service Unavailable</html>");
  f.transport.push(200, R"({"Item":{"id":{"S":"a"}}})");
  auto r = f.client.call(Op::kGetItem, Json::object());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(f.client.calls(Op::kGetItem), 4u);
  EXPECT_EQ(f.client.retries(), 3u);
  ASSERT_EQ(f.waits.size(), 3u);
  for (std::size_t i = 0; i < f.waits.size(); ++i) EXPECT_LE(f.waits[i], milliseconds(50 << i));
}

TEST(DynamoClient, GivesUpOnThrottlingAtTheDeadline) {
  Fixture f;
  f.transport.setFallback([](const net::HttpRequest&) {
    net::HttpResponse r;
    r.status = 400;
    r.body = kThrottle;
    return r;
  });
  LogCapture logs;
  const auto start = f.clock.now();
  auto r = f.client.call(Op::kUpdateItem, Json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kThrottled);
  EXPECT_EQ(r.error().toStoreError("UpdateItem").name(), "store_unavailable");
  EXPECT_LE(f.clock.now() - start, milliseconds(2'000));
  EXPECT_LE(f.client.calls(Op::kUpdateItem), 6u);  // max_attempts
  EXPECT_NE(logs.text().find("ProvisionedThroughputExceededException"), std::string::npos);
}

TEST(DynamoClient, DoesNotRetryValidationAndLogsItAsABug) {
  Fixture f;
  f.transport.push(
      400,
      R"({"__type":"com.amazon.coral.validate#ValidationException","message":"ExpressionAttributeNames unused"})");
  LogCapture logs;
  auto r = f.client.call(Op::kScan, Json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kValidation);
  EXPECT_EQ(f.client.calls(Op::kScan), 1u);
  const std::string text = logs.text();
  EXPECT_NE(text.find("\"level\":\"ERROR\""), std::string::npos) << text;
  EXPECT_NE(text.find("this is a bug"), std::string::npos) << text;
  EXPECT_NE(text.find("\"error_type\":\"ValidationException\""), std::string::npos) << text;
  EXPECT_EQ(text.find("FAKE-secret"), std::string::npos);
}

TEST(DynamoClient, TransportFailuresAreRetriedThenUnavailable) {
  Fixture f;  // script empty: every attempt is "connection refused"
  auto r = f.client.call(Op::kGetItem, Json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_GT(f.client.calls(Op::kGetItem), 1u);
}

}  // namespace
}  // namespace cs::dynamo
