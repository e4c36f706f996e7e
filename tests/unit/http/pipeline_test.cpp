#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/json_error.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "support/requests.hpp"

namespace cs::http {
namespace {

TEST(Pipeline, AssignsRequestIdsAndContainsExceptions) {
  Router router;
  router.add("GET", "/boom",
             [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
  router.add("GET", "/ok", testing::answerEmptyJson);
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
  router.add("GET", "/ok", testing::answerEmptyJson);
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
