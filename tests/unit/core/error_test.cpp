#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/json_field.hpp"

namespace cs {
namespace {

TEST(ErrorCodes, OneTableGivesNameAndStatus) {
  EXPECT_EQ(errorName(ErrorCode::kStoreUnavailable), "store_unavailable");
  EXPECT_EQ(httpStatus(ErrorCode::kStoreUnavailable), 503);
  EXPECT_EQ(httpStatus(ErrorCode::kNotFound), 404);
  EXPECT_EQ(httpStatus(ErrorCode::kInternal), 500);
  EXPECT_EQ(errorName(ErrorCode::kShuttingDown), "shutting_down");
  for (int s : {400, 404, 405, 408, 413, 415, 429, 431, 500, 503})
    EXPECT_EQ(httpStatus(errorCodeForStatus(s)), s) << s;
  EXPECT_EQ(errorCodeForStatus(502), ErrorCode::kInternal);
}

}  // namespace
}  // namespace cs
