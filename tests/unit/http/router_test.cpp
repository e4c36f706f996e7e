#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "support/requests.hpp"

namespace cs::http {
namespace {

TEST(Router, DispatchesExactPathsAndPrefixes) {
  Router router;
  router.add("GET", "/a", testing::answerEmptyJson);
  router.addPrefix("GET", "/assets/", [](const Request& r) {
    Response res;
    res.body = r.path;
    return res;
  });
  EXPECT_EQ(router.dispatch(Request::make("GET", "/a")).status, 200);
  EXPECT_EQ(router.dispatch(Request::make("HEAD", "/a")).status, 200);
  EXPECT_EQ(router.dispatch(Request::make("GET", "/assets/x.js")).body, "/assets/x.js");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.add("GET", "/a", testing::answerEmptyJson);
  router.add("POST", "/a", testing::answerEmptyJson);
  auto missing = router.dispatch(Request::make("GET", "/b"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"], "not_found");
  auto wrong = router.dispatch(Request::make("PUT", "/a"));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["error"], "method_not_allowed");
  EXPECT_EQ(*wrong.headers.get("allow"), "GET, HEAD, POST");
}

// A prefix route declares whether it blocks, as an exact one does (the arena's vote route,
// /api/arena/battles/{id}/vote, waits on the store and must run on the worker pool).
TEST(Router, PrefixRoutesCarryTheirBlocking) {
  Router router;
  router.addPrefix("GET", "/assets/", [](const Request&) { return Response{}; });
  router.addPrefix(
      "POST", "/api/arena/battles/", [](const Request&) { return Response{}; }, Blocking::always());
  EXPECT_FALSE(router.mayBlock(Request::make("GET", "/assets/app.css")));
  EXPECT_TRUE(router.mayBlock(Request::make("POST", "/api/arena/battles/abc/vote")));
  EXPECT_FALSE(router.mayBlock(Request::make("GET", "/api/arena/battles/abc/vote")))
      << "405 is answered on the I/O thread";
}

}  // namespace
}  // namespace cs::http
