#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/json_error.hpp"

namespace cs::http {
namespace {

TEST(JsonError, HasCodeAndMessageOnly) {
  auto r = jsonError(ErrorCode::kUnsupportedMediaType, "use application/json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j["message"], "use application/json");
  for (int s : {400, 404, 405, 413, 415, 500, 503}) EXPECT_EQ(httpStatus(errorCodeForStatus(s)), s);
}

}  // namespace
}  // namespace cs::http
