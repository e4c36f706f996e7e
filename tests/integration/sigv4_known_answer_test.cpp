// SigV4 known answers: dynalite checks that requests are signed but never verifies a
// signature, so the signing itself (libcurl's CURLOPT_AWS_SIGV4 through our CurlTransport) is
// checked here against AWS's published Signature Version 4 test suite. libcurl signs with the
// time in an X-Amz-Date header when the request carries one, which makes the answer fixed.
#include <gtest/gtest.h>

#include <mutex>

#include "fakes/loopback_server.hpp"
#include "net/curl_transport.hpp"
#include "store/dynamo/dynamo_client.hpp"

namespace cs {
namespace {

// The example credentials of AWS's SigV4 test suite (not a real key).
constexpr const char* kAccessKey = "AKIDEXAMPLE";
constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

struct Captured {
  std::mutex mutex;
  http::Headers headers;
};

http::Router capturingRouter(Captured& seen) {
  http::Router router;
  auto record = [&seen](const http::Request& req) {
    std::lock_guard lock(seen.mutex);
    seen.headers = req.headers;
    http::Response r;
    r.content_type = "application/x-amz-json-1.0";
    r.body = "{}";
    return r;
  };
  router.add("GET", "/", record);
  router.add("POST", "/", record);
  return router;
}

class SigV4 : public ::testing::Test {
 protected:
  std::string authorizationFor(net::HttpRequest req) {
    auto resp = transport_.sendBlocking(std::move(req));
    EXPECT_TRUE(resp.ok()) << resp.error_message;
    std::lock_guard lock(seen_.mutex);
    return std::string(seen_.headers.get("authorization").value_or(""));
  }
  net::HttpRequest exampleRequest(const std::string& method) {
    net::HttpRequest req;
    req.method = method;
    req.url = server_.url("/");
    // The suite's request goes to example.amazonaws.com; the Host header makes ours identical.
    req.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    req.aws_sigv4 = net::AwsSigV4{"aws:amz:us-east-1:service", kAccessKey, kSecretKey, ""};
    return req;
  }
  Captured seen_;
  testing::LoopbackServer server_{capturingRouter(seen_)};
  net::CurlTransport transport_;
};

TEST_F(SigV4, GetVanillaMatchesAwsTestSuite) {
  EXPECT_EQ(authorizationFor(exampleRequest("GET")),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_F(SigV4, PostFormBodyMatchesAwsTestSuite) {
  auto req = exampleRequest("POST");
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = "Param1=value1";
  EXPECT_EQ(authorizationFor(req),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST_F(SigV4, ChangingAnySignedPartChangesTheSignature) {
  auto base = exampleRequest("POST");
  base.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  base.body = "Param1=value1";
  const std::string reference = authorizationFor(base);
  auto other_body = base;
  other_body.body = "Param1=value2";
  auto other_secret = base;
  other_secret.aws_sigv4->secret_access_key = "FAKE-other-secret";
  auto other_region = base;
  other_region.aws_sigv4->provider = "aws:amz:eu-west-1:service";
  for (auto* variant : {&other_body, &other_secret, &other_region})
    EXPECT_NE(authorizationFor(*variant), reference);
  EXPECT_EQ(authorizationFor(base), reference);  // and it is deterministic
}

TEST_F(SigV4, DynamoDbRequestsSignTargetAndTokenForTheDynamoDbScope) {
  // What DynamoClient sends, with a fixed date: every header DynamoDB needs is signed.
  net::HttpRequest req = exampleRequest("POST");
  req.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  req.headers.emplace_back("X-Amz-Target", "DynamoDB_20120810.GetItem");
  req.body = R"({"TableName":"main_humor","Key":{"id":{"S":"a"}}})";
  req.aws_sigv4 =
      net::AwsSigV4{"aws:amz:eu-west-1:dynamodb", kAccessKey, kSecretKey, "FAKE-session-token"};
  const std::string auth = authorizationFor(req);
  EXPECT_TRUE(auth.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/dynamodb/aws4_request, "))
      << auth;
  EXPECT_NE(
      auth.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "),
      std::string::npos)
      << auth;
  const auto sig = auth.find("Signature=");
  ASSERT_NE(sig, std::string::npos);
  EXPECT_EQ(auth.size() - sig - 10, 64u);  // hex SHA-256
  EXPECT_EQ(auth.find(kSecretKey), std::string::npos);
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.headers.get("x-amz-security-token").value_or(""), "FAKE-session-token");
}

}  // namespace
}  // namespace cs
