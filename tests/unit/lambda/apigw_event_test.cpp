// API Gateway events -> http::Request, and Response -> proxy response (src/lambda/).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base64.hpp"
#include "lambda/apigw_event.hpp"

namespace cs::lambda {
namespace {

using nlohmann::json;

json v1() {
  return json::parse(R"({
    "resource": "/{proxy+}", "path": "/api/sayings", "httpMethod": "GET",
    "headers": {"Accept": "application/json", "X-Forwarded-For": "198.51.100.7"},
    "multiValueHeaders": {"Accept": ["application/json"], "X-Forwarded-For": ["198.51.100.7"],
                          "X-Multi": ["a", "b"]},
    "queryStringParameters": {"model": "gpt-4.1"},
    "multiValueQueryStringParameters": {"model": ["gpt-4.1"], "tag": ["a b", "c&d"]},
    "requestContext": {"identity": {"sourceIp": "198.51.100.7"}, "stage": "prod"},
    "body": null, "isBase64Encoded": false})");
}

json v2() {
  return json::parse(R"({
    "version": "2.0", "routeKey": "$default", "rawPath": "/api/sayings",
    "rawQueryString": "model=gpt-4.1&x=%2F", "cookies": ["cs_client=abcdefgh12", "b=2"],
    "headers": {"accept": "text/event-stream", "user-agent": "test"},
    "requestContext": {"http": {"method": "GET", "path": "/api/sayings", "sourceIp": "203.0.113.9"}},
    "isBase64Encoded": false})");
}

TEST(LambdaEvent, RestV1BecomesTheServersRequest) {
  auto e = parseApiEvent(v1().dump());
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->format, PayloadFormat::kRestV1);
  const auto& r = e->request;
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/api/sayings");
  EXPECT_EQ(r.queryParam("model"), "gpt-4.1");
  EXPECT_EQ(r.queryParam("tag"), "a b");  // first value wins, decoded as the server would
  EXPECT_EQ(r.remote_address, "198.51.100.7");
  int multi = 0;
  for (const auto& [k, v] : r.headers.all()) multi += k == "X-Multi";
  EXPECT_EQ(multi, 2);
}

TEST(LambdaEvent, HttpV2BecomesTheServersRequest) {
  auto e = parseApiEvent(v2().dump());
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->format, PayloadFormat::kHttpV2);
  const auto& r = e->request;
  EXPECT_EQ(r.target, "/api/sayings?model=gpt-4.1&x=%2F");
  EXPECT_EQ(r.queryParam("x"), "/");
  EXPECT_EQ(r.headers.get("Cookie"), "cs_client=abcdefgh12; b=2");
  EXPECT_EQ(r.remote_address, "203.0.113.9");
  // A proxy integration returns one body: a streaming compare answers its JSON form.
  EXPECT_EQ(r.headers.get("Accept"), "application/json");
}

TEST(LambdaEvent, Base64BodiesAreDecoded) {
  json e = v2();
  e["requestContext"]["http"]["method"] = "POST";
  e["body"] = base64Encode(std::string("{\"vote\":\"up\"}\0\xff", 15));
  e["isBase64Encoded"] = true;
  auto parsed = parseApiEvent(e.dump());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->request.body, std::string("{\"vote\":\"up\"}\0\xff", 15));
}

TEST(LambdaEvent, MalformedApiGatewayEventsAreNamedNeverThrown) {
  const std::vector<std::pair<std::string, json>> cases = {
      {"rawPath",
       [] {
         auto e = v2();
         e["rawPath"] = 42;
         return e;
       }()},
      {"requestContext.http",
       [] {
         auto e = v2();
         e["requestContext"].erase("http");
         return e;
       }()},
      {"headers",
       [] {
         auto e = v2();
         e["headers"] = "x";
         return e;
       }()},
      {"headers.accept",
       [] {
         auto e = v2();
         e["headers"]["accept"] = 1;
         return e;
       }()},
      {"cookies",
       [] {
         auto e = v2();
         e["cookies"] = json::array({1});
         return e;
       }()},
      {"body",
       [] {
         auto e = v2();
         e["body"] = "!!";
         e["isBase64Encoded"] = true;
         return e;
       }()},
      {"isBase64Encoded",
       [] {
         auto e = v2();
         e["isBase64Encoded"] = "yes";
         return e;
       }()},
      {"httpMethod",
       [] {
         auto e = v1();
         e["httpMethod"] = json::array();
         return e;
       }()},
      {"httpMethod",
       [] {
         auto e = v1();
         e["httpMethod"] = "get lost";
         return e;
       }()},
      {"path",
       [] {
         auto e = v1();
         e.erase("path");
         return e;
       }()},
      {"path",
       [] {
         auto e = v1();
         e["path"] = "relative";
         return e;
       }()},
      {"multiValueHeaders.X-Multi",
       [] {
         auto e = v1();
         e["multiValueHeaders"]["X-Multi"] = "a";
         return e;
       }()},
      {"multiValueQueryStringParameters.tag",
       [] {
         auto e = v1();
         e["multiValueQueryStringParameters"]["tag"] = {1};
         return e;
       }()},
      {"requestContext.identity",
       [] {
         auto e = v1();
         e["requestContext"]["identity"] = 3;
         return e;
       }()},
  };
  for (const auto& [field, event] : cases) {
    auto parsed = parseApiEvent(event.dump());
    ASSERT_FALSE(parsed) << field;
    EXPECT_TRUE(parsed.error().api_gateway) << field;
    EXPECT_NE(parsed.error().message.find(field), std::string::npos) << parsed.error().message;
  }
}

TEST(LambdaEvent, OtherEventsAreNotApiGateways) {
  for (const std::string payload :
       {"", "not json", "[1,2]", "42", R"({"source":"aws.events"})",
        R"({"Records":[{"eventSource":"aws:sqs"}]})", R"({"version":"0"})"}) {
    auto parsed = parseApiEvent(payload);
    ASSERT_FALSE(parsed) << payload;
    EXPECT_FALSE(parsed.error().api_gateway) << payload;
  }
}

TEST(LambdaEvent, ProxyResponseV1CarriesRepeatedHeadersAsMultiValue) {
  http::Response res;
  res.status = 201;
  res.body = R"({"ok":true})";
  res.headers.add("Set-Cookie", "a=1");
  res.headers.add("Set-Cookie", "b=2");
  res.headers.set("X-Request-Id", "abc");
  const json out = json::parse(proxyResponse(PayloadFormat::kRestV1, res));
  EXPECT_EQ(out["statusCode"], 201);
  EXPECT_EQ(out["headers"]["Content-Type"], "application/json");
  EXPECT_EQ(out["headers"]["X-Request-Id"], "abc");
  EXPECT_EQ(out["multiValueHeaders"]["Set-Cookie"], json::array({"a=1", "b=2"}));
  EXPECT_EQ(out["body"], R"({"ok":true})");
  EXPECT_EQ(out["isBase64Encoded"], false);
}

TEST(LambdaEvent, ProxyResponseV2CarriesCookiesAndBinaryAsBase64) {
  http::Response res;
  res.content_type = "image/png";
  res.body = std::string("\x89PNG\r\n\x1a\n\0", 9);
  res.headers.add("Set-Cookie", "a=1");
  const json out = json::parse(proxyResponse(PayloadFormat::kHttpV2, res));
  EXPECT_EQ(out["cookies"], json::array({"a=1"}));
  EXPECT_FALSE(out["headers"].contains("Set-Cookie"));
  EXPECT_EQ(out["isBase64Encoded"], true);
  EXPECT_EQ(base64Decode(out["body"].get<std::string>()), res.body);
  // Text that is not UTF-8 travels as base64 too; HEAD leaves the body out.
  res.content_type = "text/plain";
  res.body = "\xff\xfe";
  EXPECT_EQ(json::parse(proxyResponse(PayloadFormat::kHttpV2, res))["isBase64Encoded"], true);
  EXPECT_EQ(json::parse(proxyResponse(PayloadFormat::kHttpV2, res, true))["body"], "");
}

}  // namespace
}  // namespace cs::lambda
