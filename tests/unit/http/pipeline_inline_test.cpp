// The hot path's inline attempt before the worker pool (Pipeline/Router).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/per_thread.hpp"
#include "http/json_error.hpp"
#include "http/pipeline.hpp"
#include "obs/metrics.hpp"
#include "store/saying_picker.hpp"
#include "support/forwarding_store.hpp"

namespace cs::testing {
namespace {

using http::Pipeline;

using http::Request;

using http::Response;

using http::Router;

Response answer(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

// A route whose InlineHandler answers when ?inline=1, else hands over to the worker handler.
struct InlineRoute : ::testing::Test {
  void SetUp() override {
    router.add(
        "GET", "/x",
        [this](const Request&) {
          ++worker_calls;
          return answer("worker");
        },
        http::Blocking::always());
    router.setInlineTry("GET", "/x", [this](const Request& r) -> std::optional<Response> {
      ++inline_calls;
      if (r.queryParam("inline")) return answer("inline");
      return std::nullopt;
    });
    pipeline.setAccessLog(false);
    pipeline.addBefore([this](Request& r) -> std::optional<Response> {
      ++before_calls;
      if (r.queryParam("limit")) return http::jsonError(ErrorCode::kRateLimited, "slow down");
      return std::nullopt;
    });
    pipeline.addAfter([this](const Request&, Response&, double) { ++after_calls; });
  }
  Router router;
  Pipeline pipeline{router};
  int worker_calls = 0, inline_calls = 0, before_calls = 0, after_calls = 0;
};

TEST_F(InlineRoute, AnInlineAnswerIsTheWholeAnswer) {
  auto request = Request::make("GET", "/x?inline=1");
  ASSERT_TRUE(pipeline.mayBlock(request));
  auto response = pipeline.handleInline(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "inline");
  EXPECT_EQ(response->headers.get("X-Request-Id")->size(), 32u);
  EXPECT_EQ(worker_calls, 0);
  EXPECT_EQ(before_calls, 1);
  EXPECT_EQ(after_calls, 1);
}

TEST_F(InlineRoute, AHandOverRunsTheBeforeStagesOnceAndKeepsTheRequestId) {
  auto request = Request::make("GET", "/x");
  EXPECT_FALSE(pipeline.handleInline(request));
  const std::string id = request.request_id;
  EXPECT_EQ(after_calls, 0);  // nothing answered yet: no metrics, no access line
  auto response = pipeline.handle(request);
  EXPECT_EQ(response.body, "worker");
  EXPECT_EQ(*response.headers.get("X-Request-Id"), id);
  EXPECT_EQ(before_calls, 1) << "a rate limiter must not count the request twice";
  EXPECT_EQ(inline_calls, 1);
  EXPECT_EQ(worker_calls, 1);
  EXPECT_EQ(after_calls, 1);
}

TEST_F(InlineRoute, ABeforeStageAnswerEndsTheRequestInline) {
  auto request = Request::make("GET", "/x?limit=1");
  auto response = pipeline.handleInline(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(inline_calls, 0);
  EXPECT_EQ(worker_calls, 0);
}

TEST_F(InlineRoute, ARouteWithoutInlineHandlerAlwaysHandsOver) {
  router.add(
      "GET", "/plain", [](const Request&) { return answer("plain"); }, http::Blocking::always());
  auto request = Request::make("GET", "/plain");
  EXPECT_FALSE(pipeline.handleInline(request));
  EXPECT_EQ(pipeline.handle(request).body, "plain");
  EXPECT_EQ(before_calls, 1);
}

}  // namespace
}  // namespace cs::testing
