// The API protecting itself, seen from outside: rate limits, CORS, security headers, request
// validation, and connection limits tested with raw sockets that misbehave on purpose.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/raw_client.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using namespace std::chrono_literals;

class Protected : public ::testing::Test {
 protected:
  bool start(const std::string& toml, std::vector<std::string> extra = {}) {
    const std::string path = dir.file("cs.toml");
    std::ofstream(path) << toml;
    std::vector<std::string> args = {"--config", path, "--store", "sqlite:" + dir.file("cs.db")};
    args.insert(args.end(), extra.begin(), extra.end());
    return server.start(args);
  }
  TempDir dir;
  ServerProcess server;
};

TEST_F(Protected, RateLimitAnswers429WithRetryAfterAndSparesHealthz) {
  ASSERT_TRUE(start(R"(
[rate_limit]
requests_per_second = 50
burst = 50
[rate_limit.routes]
"/api/sayings" = { requests_per_second = 0.01, burst = 3 }
)",
                    {"--rate-limit", "on"}))
      << server.logs();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(httpRequest("GET", server.url("/api/sayings")).status, 200) << i;
  auto refused = httpRequest("GET", server.url("/api/sayings"));
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"], "rate_limited");
  EXPECT_GE(std::stoi(refused.headers["retry-after"]), 1);
  EXPECT_EQ(refused.headers["content-type"], "application/json");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(httpRequest("GET", server.url("/healthz")).status, 200);
  EXPECT_NE(server.logs().find("Rate limit reached"), std::string::npos);
  // Exactly the one refusal above is counted (healthz is exempt, the scrape is within burst).
  const auto metrics = httpRequest("GET", server.url("/metrics")).body;
  EXPECT_NE(metrics.find("# TYPE cloudsayings_rate_limited_total counter"), std::string::npos);
  EXPECT_NE(metrics.find("\ncloudsayings_rate_limited_total 1\n"), std::string::npos) << metrics;
}

TEST_F(Protected, CorsPreflightAndSecurityHeaders) {
  ASSERT_TRUE(start("[cors]\nallowed_origins = [\"https://sayings.example.com\"]\n"))
      << server.logs();
  auto pre =
      httpRequest("OPTIONS", server.url("/api/sayings"), {},
                  {"Origin: https://sayings.example.com", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.headers["access-control-allow-origin"], "https://sayings.example.com");
  auto evil = httpRequest("OPTIONS", server.url("/api/sayings"), {},
                          {"Origin: https://evil.example", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(evil.status, 403);
  EXPECT_EQ(evil.headers.count("access-control-allow-origin"), 0u);

  auto get = httpRequest("GET", server.url("/api/sayings"), {}, {"Origin: https://evil.example"});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.headers.count("access-control-allow-origin"), 0u)
      << "never reflect an arbitrary Origin";
  EXPECT_EQ(get.headers["vary"], "Origin");
  for (const auto& path : {"/api/sayings", "/nope"}) {
    auto r = httpRequest("GET", server.url(path));
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << path;
    EXPECT_EQ(r.headers["referrer-policy"], "no-referrer") << path;
    EXPECT_NE(r.headers["content-security-policy"].find("frame-ancestors 'none'"),
              std::string::npos)
        << path;
  }
}

TEST_F(Protected, BadQueriesAre400NamingTheField) {
  ASSERT_TRUE(start("")) << server.logs();
  auto r = httpRequest("GET", server.url("/api/sayings?model=a&model=b"));
  EXPECT_EQ(r.status, 400);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"], "bad_request");
  EXPECT_NE(j["message"].get<std::string>().find("'model'"), std::string::npos);
  EXPECT_EQ(httpRequest("GET", server.url("/api/sayings?model=%zz")).status, 400);
  EXPECT_EQ(httpRequest("GET", server.url("/a/%2e%2e/%2e%2e/etc/passwd")).status, 400);
}

TEST_F(Protected, SlowHeadersAreCutOffWhileOthersAreServed) {
  ASSERT_TRUE(start("[server]\nread_timeout_ms = 300\nidle_timeout_ms = 60000\n")) << server.logs();
  RawClient slow(server.port());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.send("GET /api/sayings HTTP/1.1\r\nHost: x\r\n"));
  // Slowloris: one header byte at a time, never finishing. The server must hang up on us
  // long before we run out of bytes to drip.
  int drips = 0;
  for (; drips < 400 && !slow.closed(); ++drips) {
    slow.send("X");
    slow.receive(25ms);
  }
  EXPECT_TRUE(slow.closed()) << "still open after " << drips << " drips";
  EXPECT_EQ(httpRequest("GET", server.url("/healthz")).status, 200);
}

TEST_F(Protected, IdleKeepAliveConnectionsAreClosed) {
  ASSERT_TRUE(start("[server]\nidle_timeout_ms = 200\n")) << server.logs();
  RawClient c(server.port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string reply = c.receiveUntil("\r\n\r\n", 5s);
  EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos);
  c.receiveUntilClosed(20s);
  EXPECT_TRUE(c.closed());
}

TEST_F(Protected, PipelinedRequestsStopAtThePerConnectionLimit) {
  ASSERT_TRUE(start("[server]\nmax_requests_per_connection = 3\n")) << server.logs();
  RawClient c(server.port());
  std::string five;
  for (int i = 0; i < 5; ++i) five += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(c.send(five));
  const std::string all = c.receiveUntilClosed(20s);
  EXPECT_TRUE(c.closed());
  std::size_t answers = 0;
  for (auto at = all.find("HTTP/1.1 200"); at != std::string::npos;
       at = all.find("HTTP/1.1 200", at + 1))
    ++answers;
  // The cap is reached at the third, but the five arrived together: what was read is answered,
  // and only the last answer says close (a single small send arrives as one segment).
  EXPECT_EQ(answers, 5u) << all;
  const auto close_at = all.find("Connection: close");
  ASSERT_NE(close_at, std::string::npos);
  EXPECT_EQ(all.find("HTTP/1.1 200", close_at), std::string::npos) << "close only on the last";
}

TEST_F(Protected, ConnectionsBeyondTheLimitGet503AndTheSlotComesBack) {
  ASSERT_TRUE(start("[server]\nmax_connections = 2\n")) << server.logs();
  auto hold = [&](RawClient& c) {
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(c.receiveUntil("\r\n\r\n", 5s).find("HTTP/1.1 200"),
              std::string::npos);  // session running
  };
  auto a = std::make_unique<RawClient>(server.port());
  RawClient b(server.port());
  hold(*a);
  hold(b);
  RawClient third(server.port());
  third.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string refused = third.receiveUntilClosed(10s);
  EXPECT_NE(refused.find("HTTP/1.1 503"), std::string::npos) << refused;
  const auto body = refused.substr(refused.find("\r\n\r\n") + 4);
  EXPECT_EQ(nlohmann::json::parse(body)["error"], "unavailable");

  a.reset();  // frees a slot; the server notices the close asynchronously
  bool served = false;
  for (int attempt = 0; attempt < 200 && !served; ++attempt) {
    served = httpRequest("GET", server.url("/healthz"), {}, {}, 2000).status == 200;
    if (!served) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace cs::testing
