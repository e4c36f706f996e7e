// CurlTransport against a real HTTP server on loopback (our own Server + Router).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <tuple>

#include "fakes/loopback_server.hpp"
#include "net/curl_transport.hpp"

namespace cs::net {
namespace {

using cs::testing::LoopbackServer;

struct Seen {
  std::mutex mutex;
  http::Headers headers;
  std::string body;
  std::string method;
};

http::Router makeRouter(Seen& seen) {
  http::Router router;
  router.add("GET", "/hello", [](const http::Request&) {
    http::Response r;
    r.content_type = "text/plain";
    r.headers.set("X-Custom-Thing", "yes");
    r.body = "hello";
    return r;
  });
  auto record = [&seen](const http::Request& req) {
    std::lock_guard lock(seen.mutex);
    seen.headers = req.headers;
    seen.body = req.body;
    seen.method = req.method;
    http::Response r;
    r.status = 201;
    r.body = req.body;
    return r;
  };
  router.add("POST", "/echo", record);
  router.add("PUT", "/echo", record);
  router.add(
      "GET", "/slow",
      [](const http::Request&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        return http::Response{};
      },
      true);
  router.add("GET", "/big", [](const http::Request&) {
    http::Response r;
    r.body = std::string(100'000, 'x');
    return r;
  });
  return router;
}

class TransportTest : public ::testing::Test {
 protected:
  Seen seen_;
  LoopbackServer server_{makeRouter(seen_)};
  CurlTransport transport_;
};

TEST_F(TransportTest, GetReturnsStatusBodyAndLowerCasedHeaders) {
  HttpRequest req;
  req.url = server_.url("/hello");
  auto resp = transport_.sendBlocking(req);
  ASSERT_TRUE(resp.ok()) << resp.error_message;
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "hello");
  ASSERT_TRUE(resp.header("x-custom-thing"));
  EXPECT_EQ(*resp.header("x-custom-thing"), "yes");
  EXPECT_EQ(resp.header("content-type").value_or(""), "text/plain");
  EXPECT_GT(resp.total_time.count(), 0);
}

TEST_F(TransportTest, PostAndPutSendBodyAndHeaders) {
  for (std::string method : {"POST", "PUT"}) {
    HttpRequest req;
    req.method = method;
    req.url = server_.url("/echo");
    req.headers = {{"content-type", "application/json"}, {"x-api-key", "sk-test-FAKE-1"}};
    req.body = std::string(5000, 'a') + "{\"k\":1}";  // large enough that curl would send Expect
    auto resp = transport_.sendBlocking(req);
    ASSERT_TRUE(resp.ok()) << resp.error_message;
    EXPECT_EQ(resp.status, 201);
    EXPECT_EQ(resp.body, req.body);
    std::lock_guard lock(seen_.mutex);
    EXPECT_EQ(seen_.method, method);
    EXPECT_EQ(seen_.headers.get("x-api-key").value_or(""), "sk-test-FAKE-1");
    EXPECT_EQ(seen_.headers.get("content-type").value_or(""), "application/json");
    EXPECT_FALSE(seen_.headers.get("expect").has_value());
  }
}

TEST_F(TransportTest, TotalTimeoutIsReportedAsTimeout) {
  HttpRequest req;
  req.url = server_.url("/slow");
  req.total_timeout = std::chrono::milliseconds(150);
  auto resp = transport_.sendBlocking(req);
  EXPECT_EQ(resp.error, TransportError::kTimeout);
  EXPECT_EQ(resp.status, 0);
}

TEST(TransportRefused, ClosedPortIsConnectRefused) {
  int port = 0;
  {
    http::Router router;
    LoopbackServer server(std::move(router));
    port = server.port();
  }
  CurlTransport transport;
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto resp = transport.sendBlocking(req);
  EXPECT_EQ(resp.error, TransportError::kConnectRefused);
  EXPECT_STREQ(transportErrorName(resp.error), "connect_refused");
}

TEST_F(TransportTest, ResponseLargerThanLimitFails) {
  HttpRequest req;
  req.url = server_.url("/big");
  req.max_response_bytes = 1000;
  auto resp = transport_.sendBlocking(req);
  EXPECT_EQ(resp.error, TransportError::kOther);
  EXPECT_NE(resp.error_message.find("larger than"), std::string::npos);
}

TEST_F(TransportTest, ManyConcurrentRequestsAllComplete) {
  std::vector<std::future<HttpResponse>> futures;
  for (int i = 0; i < 40; ++i) {
    HttpRequest req;
    req.method = "POST";
    req.url = server_.url("/echo");
    req.body = "n" + std::to_string(i);
    futures.push_back(transport_.sendAsync(req));
  }
  for (int i = 0; i < 40; ++i) {
    auto resp = futures[static_cast<size_t>(i)].get();
    ASSERT_TRUE(resp.ok()) << resp.error_message;
    EXPECT_EQ(resp.body, "n" + std::to_string(i));
  }
}

TEST_F(TransportTest, CallbackRunsOnce) {
  std::promise<long> status;
  std::atomic<int> calls{0};
  HttpRequest req;
  req.url = server_.url("/hello");
  transport_.send(req, [&](HttpResponse r) {
    ++calls;
    status.set_value(r.status);
  });
  EXPECT_EQ(status.get_future().get(), 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(TransportTest, SigV4SignsTheRequest) {
  HttpRequest req;
  req.method = "POST";
  req.url = server_.url("/echo");
  req.headers = {{"content-type", "application/x-amz-json-1.1"},
                 {"x-amz-target", "AmazonSSM.GetParameter"}};
  req.body = R"({"Name":"/x","WithDecryption":true})";
  req.aws_sigv4 =
      AwsSigV4{"aws:amz:us-east-1:ssm", "AKIDFAKEEXAMPLE", "FAKE-secret-key", "FAKE-session"};
  auto resp = transport_.sendBlocking(req);
  ASSERT_TRUE(resp.ok()) << resp.error_message;
  std::lock_guard lock(seen_.mutex);
  auto auth = std::string(seen_.headers.get("authorization").value_or(""));
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFAKEEXAMPLE/")) << auth;
  EXPECT_NE(auth.find("/us-east-1/ssm/aws4_request"), std::string::npos) << auth;
  EXPECT_NE(auth.find("SignedHeaders="), std::string::npos);
  EXPECT_NE(auth.find("Signature="), std::string::npos);
  EXPECT_EQ(auth.find("FAKE-secret-key"), std::string::npos);
  EXPECT_TRUE(seen_.headers.get("x-amz-date").has_value());
  EXPECT_EQ(seen_.headers.get("x-amz-security-token").value_or(""), "FAKE-session");
}

// Sequential sends run on one transport thread, so each reuses the easy handle the one before
// it used (net/curl_transfer.hpp EasyPool). What a handle carried must not leak into the next
// transfer: method, headers, body, the SigV4 signature and credentials, a short timeout.
TEST_F(TransportTest, AReusedHandleCarriesNothingOfTheTransferBefore) {
  auto seenNow = [&] {
    std::lock_guard lock(seen_.mutex);
    return std::tuple(seen_.method, seen_.headers, seen_.body);
  };
  HttpRequest signed_put;
  signed_put.method = "PUT";
  signed_put.url = server_.url("/echo");
  signed_put.headers = {{"x-one", "yes"}, {"content-type", "application/x-amz-json-1.1"}};
  signed_put.body = R"({"Name":"/x"})";
  signed_put.aws_sigv4 =
      AwsSigV4{"aws:amz:us-east-1:ssm", "AKIDFAKEEXAMPLE", "FAKE-secret-key", "FAKE-session"};
  signed_put.total_timeout = std::chrono::milliseconds(700);
  HttpRequest plain_post;
  plain_post.method = "POST";
  plain_post.url = server_.url("/echo");
  plain_post.body = "second";
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(transport_.sendBlocking(signed_put).status, 201);
    auto [method1, headers1, body1] = seenNow();
    EXPECT_EQ(method1, "PUT");
    EXPECT_EQ(headers1.get("x-one").value_or(""), "yes");
    EXPECT_TRUE(headers1.get("authorization").value_or("").starts_with("AWS4-HMAC-SHA256"));

    auto post = transport_.sendBlocking(plain_post);
    ASSERT_EQ(post.status, 201) << post.error_message;
    EXPECT_EQ(post.body, "second");
    auto [method2, headers2, body2] = seenNow();
    EXPECT_EQ(method2, "POST");
    EXPECT_EQ(body2, "second");
    EXPECT_FALSE(headers2.get("x-one").has_value());
    EXPECT_FALSE(headers2.get("authorization").has_value());
    EXPECT_FALSE(headers2.get("x-amz-date").has_value());
    EXPECT_FALSE(headers2.get("x-amz-security-token").has_value());

    // The GET after a POST is a GET with no body, and the 700 ms limit is gone: /slow takes 800.
    HttpRequest get;
    get.url = server_.url("/slow");
    auto slow = transport_.sendBlocking(get);
    EXPECT_EQ(slow.status, 200) << slow.error_message;
  }
}

TEST(TransportShutdown, DestroyingTheTransportFailsInFlightCalls) {
  Seen seen;
  LoopbackServer server(makeRouter(seen));
  std::future<HttpResponse> pending;
  {
    CurlTransport transport;
    HttpRequest req;
    req.url = server.url("/slow");
    pending = transport.sendAsync(req);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto resp = pending.get();
  EXPECT_EQ(resp.error, TransportError::kOther);
  EXPECT_EQ(resp.error_message, "transport stopped");
}

}  // namespace
}  // namespace cs::net
