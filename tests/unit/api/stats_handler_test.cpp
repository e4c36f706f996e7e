#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/in_process_app.hpp"

namespace cs {
namespace {

class StatsApiTest : public testing::InProcessApp {};

TEST_F(StatsApiTest, RejectsBadFilters) {
  expectError(call("GET", "/api/stats?from=tomorrow"), 400, "bad_request", "from");
  expectError(call("GET", "/api/stats?to=2024-02-30T99:00:00Z"), 400, "bad_request", "to");
  expectError(call("GET", "/api/stats?model=%22%3B"), 400, "bad_request", "model");
  expectError(call("GET", "/api/stats?from=1h&to=2h"), 400, "bad_request", "from");
}

}  // namespace
}  // namespace cs
