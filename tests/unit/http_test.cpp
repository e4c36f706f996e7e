#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/json_error.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"

namespace cs::http {
namespace {

Response ok(const Request&) {
  Response r;
  r.body = "{}";
  return r;
}

TEST(Router, DispatchesExactPathsAndPrefixes) {
  Router router;
  router.add("GET", "/a", ok);
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
  router.add("GET", "/a", ok);
  router.add("POST", "/a", ok);
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

TEST(Request, ParsesQueryAndDecodesPath) {
  auto r = Request::make("GET", "/api/x%20y?model=gpt-4.1&topic=cold+start%21&empty");
  EXPECT_EQ(r.path, "/api/x y");
  EXPECT_EQ(r.queryParam("model"), "gpt-4.1");
  EXPECT_EQ(r.queryParam("topic"), "cold start!");
  EXPECT_EQ(r.queryParam("empty"), "");
  EXPECT_FALSE(r.queryParam("none").has_value());
}

TEST(JsonError, HasCodeAndMessageOnly) {
  auto r = jsonError(ErrorCode::kUnsupportedMediaType, "use application/json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j["message"], "use application/json");
  for (int s : {400, 404, 405, 413, 415, 500, 503}) EXPECT_EQ(httpStatus(errorCodeForStatus(s)), s);
}

TEST(Pipeline, AssignsRequestIdsAndContainsExceptions) {
  Router router;
  router.add("GET", "/boom",
             [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
  router.add("GET", "/ok", ok);
  Pipeline pipeline(router);
  pipeline.setAccessLog(false);
  auto req = Request::make("GET", "/boom");
  auto res = pipeline.handle(req);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("secret detail"), std::string::npos) << "no internals in responses";
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "internal_error");
  EXPECT_EQ(res.headers.get("X-Request-Id")->size(), 32u);

  auto traced = Request::make("GET", "/ok");
  traced.headers.set("X-Request-Id", "abc-123");
  EXPECT_EQ(*pipeline.handle(traced).headers.get("x-request-id"), "abc-123");
  auto hostile = Request::make("GET", "/ok");
  hostile.headers.set("X-Request-Id", "bad\"id\nwith newline");
  EXPECT_NE(*pipeline.handle(hostile).headers.get("x-request-id"), "bad\"id\nwith newline");
}

TEST(Pipeline, MiddlewareCanShortCircuitAndDecorate) {
  Router router;
  router.add("GET", "/ok", ok);
  Pipeline pipeline(router);
  pipeline.setAccessLog(false);
  pipeline.addBefore([](Request& r) -> std::optional<Response> {
    if (r.path == "/ok" && r.queryParam("block"))
      return jsonError(ErrorCode::kRateLimited, "slow down");
    return std::nullopt;
  });
  pipeline.addAfter([](const Request&, Response& res, double) { res.headers.set("X-Seen", "1"); });
  auto blocked = Request::make("GET", "/ok?block=1");
  auto res = pipeline.handle(blocked);
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(*res.headers.get("x-seen"), "1");
  auto normal = Request::make("GET", "/ok");
  EXPECT_EQ(pipeline.handle(normal).status, 200);
}

TEST(Pipeline, BodyLimitsPerRoute) {
  Router router;
  Pipeline pipeline(router, 1000);
  pipeline.setBodyLimit("POST", "/api/feedback", 10);
  EXPECT_EQ(pipeline.bodyLimit("POST", "/api/feedback"), 10u);
  EXPECT_EQ(pipeline.bodyLimit("GET", "/api/sayings"), 1000u);
}

}  // namespace
}  // namespace cs::http
