#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/cors.hpp"
#include "http/request_guard.hpp"
#include "http/security_headers.hpp"

namespace cs::http {
namespace {

Request withOrigin(const std::string& method, const std::string& origin) {
  auto r = Request::make(method, "/api/sayings");
  if (!origin.empty()) r.headers.set("Origin", origin);
  return r;
}

Request preflightFor(const std::string& origin, const std::string& method,
                     const std::string& headers = {}) {
  auto r = withOrigin("OPTIONS", origin);
  r.headers.set("Access-Control-Request-Method", method);
  if (!headers.empty()) r.headers.set("Access-Control-Request-Headers", headers);
  return r;
}

TEST(Cors, AllowListedOriginGetsItselfBackOthersGetNothing) {
  Cors cors({{"https://sayings.example.com"}});
  Response ok;
  cors.decorate(withOrigin("GET", "https://sayings.example.com"), ok);
  EXPECT_EQ(*ok.headers.get("Access-Control-Allow-Origin"), "https://sayings.example.com");
  EXPECT_EQ(*ok.headers.get("Vary"), "Origin");

  for (auto evil : {"https://evil.example", "https://sayings.example.com.evil.example", "null",
                    "https://sayings.example.com/", "http://sayings.example.com"}) {
    Response r;
    cors.decorate(withOrigin("GET", evil), r);
    EXPECT_FALSE(r.headers.get("Access-Control-Allow-Origin")) << evil;
    EXPECT_EQ(*r.headers.get("Vary"), "Origin") << "caches must keep origins apart";
  }
}

TEST(Cors, WildcardAnswersStarNeverTheOrigin) {
  Cors cors({{"*"}});
  Response r;
  cors.decorate(withOrigin("GET", "https://anyone.example"), r);
  EXPECT_EQ(*r.headers.get("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(r.headers.get("Access-Control-Allow-Credentials"));
  Response none;
  cors.decorate(withOrigin("GET", "null"), none);
  EXPECT_FALSE(none.headers.get("Access-Control-Allow-Origin"));
}

TEST(Cors, NoOriginsConfiguredMeansNoCorsHeaders) {
  Cors cors({});
  Response r;
  cors.decorate(withOrigin("GET", "https://a.example"), r);
  EXPECT_TRUE(r.headers.all().empty());
  EXPECT_FALSE(cors.preflight(preflightFor("https://a.example", "GET"))
                   .value()
                   .headers.get("Access-Control-Allow-Origin"));
}

TEST(Cors, PreflightGrantsOnlyWhatIsAllowed) {
  Cors cors({{"https://sayings.example.com"}});
  auto ok = cors.preflight(
      preflightFor("https://sayings.example.com", "POST", "content-type, x-request-id"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_TRUE(ok->body.empty());
  EXPECT_EQ(*ok->headers.get("Access-Control-Allow-Origin"), "https://sayings.example.com");
  EXPECT_NE(ok->headers.get("Access-Control-Allow-Methods")->find("POST"), std::string_view::npos);
  EXPECT_NE(ok->headers.get("Access-Control-Allow-Headers")->find("Content-Type"),
            std::string_view::npos);
  EXPECT_EQ(*ok->headers.get("Access-Control-Max-Age"), "600");
  EXPECT_NE(ok->headers.get("Vary")->find("Origin"), std::string_view::npos);

  for (auto bad : {preflightFor("https://evil.example", "GET"),
                   preflightFor("https://sayings.example.com", "DELETE"),
                   preflightFor("https://sayings.example.com", "GET", "Authorization")}) {
    auto r = cors.preflight(bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_FALSE(r->headers.get("Access-Control-Allow-Origin"));
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "cors_forbidden");
  }
  // Not a preflight: plain OPTIONS and ordinary requests go on to the router.
  EXPECT_FALSE(cors.preflight(withOrigin("OPTIONS", "https://sayings.example.com")));
  EXPECT_FALSE(cors.preflight(withOrigin("GET", "https://sayings.example.com")));
}

TEST(Cors, ValidatesConfiguredOrigins) {
  for (auto good : {"*", "https://a.example", "http://localhost:8080", "http://[::1]:3000"})
    EXPECT_TRUE(Cors::validOrigin(good)) << good;
  for (auto bad : {"", "a.example", "https://", "https://a.example/", "https://A.example",
                   "ftp://a.example", "https://a.example/path", "https://u@a.example"})
    EXPECT_FALSE(Cors::validOrigin(bad)) << bad;
}

TEST(SecurityHeaders, EveryResponseGetsThemPagesGetThePageCsp) {
  SecurityHeaders headers({});
  Response api;
  headers.apply(Request::make("GET", "/api/sayings"), api);
  EXPECT_EQ(*api.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(*api.headers.get("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(*api.headers.get("X-Frame-Options"), "DENY");
  EXPECT_EQ(*api.headers.get("Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");
  EXPECT_FALSE(api.headers.get("Strict-Transport-Security"));

  Response page;
  page.content_type = "text/html; charset=utf-8";
  headers.apply(Request::make("GET", "/"), page);
  const auto csp = *page.headers.get("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string_view::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string_view::npos);
}

TEST(SecurityHeaders, AHandlersOwnHeaderWinsAndHstsIsOptIn) {
  SecurityHeadersOptions o;
  o.hsts_max_age_s = 31'536'000;
  SecurityHeaders headers(o);
  Response page;
  page.content_type = "text/html";
  page.headers.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
  headers.apply(Request::make("GET", "/compare"), page);
  EXPECT_EQ(*page.headers.get("Content-Security-Policy"),
            "default-src 'self'; frame-ancestors 'none'");
  EXPECT_EQ(*page.headers.get("Strict-Transport-Security"), "max-age=31536000");
  std::size_t csp_count = 0;
  for (const auto& [k, v] : page.headers.all()) csp_count += iequals(k, "Content-Security-Policy");
  EXPECT_EQ(csp_count, 1u);
}

std::string guardMessage(const std::string& target) {
  RequestGuard guard;
  auto r = guard.check(Request::make("GET", target));
  if (!r) return "";
  EXPECT_EQ(r->status, 400);
  auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["error"], "bad_request");
  return j["message"];
}

TEST(RequestGuard, AcceptsOrdinaryRequests) {
  for (auto ok : {"/", "/api/sayings", "/api/sayings?model=gpt-4.1",
                  "/api/stats?range=24h&provider=openai&model=", "/api/x?topic=caf%C3%A9+latte",
                  "/assets/app.js?v=3", "/api/sayings?"})
    EXPECT_EQ(guardMessage(ok), "") << ok;
}

TEST(RequestGuard, RejectsBadQueriesNamingTheField) {
  EXPECT_NE(guardMessage("/api/sayings?model=a&model=b").find("'model'"), std::string::npos);
  EXPECT_NE(guardMessage("/api/sayings?model=%zz").find("'model'"), std::string::npos);
  EXPECT_NE(guardMessage("/api/sayings?model=%0a").find("'model'"), std::string::npos);
  EXPECT_NE(guardMessage("/api/sayings?model=%ff%fe").find("'model'"), std::string::npos);
  EXPECT_NE(guardMessage("/api/sayings?model=" + std::string(2000, 'a')).find("'model'"),
            std::string::npos);
  EXPECT_NE(guardMessage("/api/sayings?bad%20name=1").find("query parameter"), std::string::npos);
  std::string many = "/api/sayings?";
  for (int i = 0; i < 40; ++i) many += "p" + std::to_string(i) + "=1&";
  EXPECT_NE(guardMessage(many).find("too many"), std::string::npos);
}

TEST(RequestGuard, RejectsHostilePaths) {
  for (auto bad :
       {"/assets/../../etc/passwd", "/assets/%2e%2e/secret", "/a%00b", "/a%zz", "/a%C0%AF"})
    EXPECT_NE(guardMessage(bad).find("path"), std::string::npos) << bad;
}

}  // namespace
}  // namespace cs::http
