#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/request_guard.hpp"

namespace cs::http {
namespace {

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

TEST(RequestGuard, HandlerValidators) {
  auto r = Request::make("GET", "/api/stats?range=7d&limit=500");
  EXPECT_FALSE(requireOneOf(r, "range", {"1h", "24h", "7d"}));
  auto bad = requireOneOf(Request::make("GET", "/x?range=1y"), "range", {"1h", "24h"});
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->body.find("'range'"), std::string::npos);
  EXPECT_TRUE(requireIntInRange(r, "limit", 1, 100));
  EXPECT_FALSE(requireIntInRange(r, "limit", 1, 1000));
  EXPECT_TRUE(requireIntInRange(Request::make("GET", "/x?limit=12abc"), "limit", 1, 100));
  EXPECT_FALSE(requireIntInRange(Request::make("GET", "/x"), "limit", 1, 100));
}

TEST(Utf8, Validates) {
  EXPECT_TRUE(validUtf8("plain"));
  EXPECT_TRUE(validUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  for (auto bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\xe2\x82"})
    EXPECT_FALSE(validUtf8(bad)) << bad;
}

}  // namespace
}  // namespace cs::http
