#include <gtest/gtest.h>

#include "http/message.hpp"

namespace cs::http {
namespace {

TEST(Request, ParsesQueryAndDecodesPath) {
  auto r = Request::make("GET", "/api/x%20y?model=gpt-4.1&topic=cold+start%21&empty");
  EXPECT_EQ(r.path, "/api/x y");
  EXPECT_EQ(r.queryParam("model"), "gpt-4.1");
  EXPECT_EQ(r.queryParam("topic"), "cold start!");
  EXPECT_EQ(r.queryParam("empty"), "");
  EXPECT_FALSE(r.queryParam("none").has_value());
}

}  // namespace
}  // namespace cs::http
