#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/cors.hpp"

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

}  // namespace
}  // namespace cs::http
