// The error payloads the runtime client reports to Lambda.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lambda/runtime_client.hpp"

namespace cs::lambda {
namespace {

using nlohmann::json;

TEST(RuntimeClient, ErrorPayloadsAreRedacted) {
  const json body = json::parse(errorPayload("Runtime.InitError", "GET https://u:p@host/x failed"));
  EXPECT_EQ(body["errorType"], "Runtime.InitError");
  EXPECT_EQ(body["errorMessage"].get<std::string>().find("u:p"), std::string::npos);
}

}  // namespace
}  // namespace cs::lambda
