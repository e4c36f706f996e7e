// Upstream errors classified by status and body, and what of them may reach a message.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "llm/anthropic_adapter.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;

net::HttpResponse response(long status, const std::string& body,
                           std::string type = "application/json") {
  net::HttpResponse r;
  r.status = status;
  r.body = body;
  r.headers["content-type"] = std::move(type);
  return r;
}

TEST(ErrorClassify, StatusKinds) {
  EXPECT_EQ(kindForStatus(403), LlmError::Kind::kAuth);
  EXPECT_EQ(kindForStatus(404), LlmError::Kind::kBadRequest);
  EXPECT_EQ(kindForStatus(503), LlmError::Kind::kOverloaded);
  EXPECT_EQ(kindForStatus(502), LlmError::Kind::kServer);
}

TEST(ErrorClassify, HugeRetryAfterIsClampedToADay) {
  // Regression (fuzz_llm_response): "1e300" seconds overflowed the int64 conversion (UB).
  const auto day = std::chrono::milliseconds(24LL * 3600 * 1000);
  auto r = response(429, "{}");
  r.headers["retry-after"] = "1e300";
  EXPECT_EQ(retryAfter(r), day);
  r.headers["retry-after-ms"] = "9e18";
  EXPECT_EQ(retryAfter(r), day);
  r.headers["retry-after-ms"] = "250";
  EXPECT_EQ(retryAfter(r), std::chrono::milliseconds(250));
}

TEST(ErrorClassify, KeyInAContentTypeIsRedacted) {
  // Regression (fuzz_llm_response): the content type was quoted into the message unredacted.
  const OpenAiAdapter o({});
  auto r = response(200, "{}", "text/html; sk-test-FAKE-0123456789abcdef");
  const auto e = o.parseResponse(r);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, LlmError::Kind::kBadResponse);
  EXPECT_EQ(e.error().message.find("sk-test-FAKE"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("text/html"), std::string::npos) << e.error().message;
}

}  // namespace
}  // namespace cs::llm
