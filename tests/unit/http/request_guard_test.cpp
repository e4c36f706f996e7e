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

}  // namespace
}  // namespace cs::http
