#include <gtest/gtest.h>

#include "core/json_field.hpp"

namespace cs {
namespace {

TEST(JsonField, ReadsTypedFieldsByPointer) {
  auto doc =
      jsonf::parse(R"({"error":{"type":"rate_limit","n":7},"choices":[{"m":"hi"}],"b":true})");
  ASSERT_TRUE(doc);
  EXPECT_EQ(jsonf::string(*doc, "/error/type"), "rate_limit");
  EXPECT_EQ(jsonf::integer(*doc, "/error/n"), 7);
  EXPECT_EQ(jsonf::string(*doc, "/choices/0/m"), "hi");
  EXPECT_EQ(jsonf::boolean(*doc, "/b"), true);
  EXPECT_NE(jsonf::object(*doc, "/error"), nullptr);
  EXPECT_NE(jsonf::array(*doc, "/choices"), nullptr);
}

TEST(JsonField, WrongTypesAndShapesAreAbsentNotExceptions) {
  // The shapes that killed the process: a number where a string belongs, arrays for objects.
  auto doc = jsonf::parse(R"({"error":{"type":7},"content":[{"type":5}],"s":"x","a":[1]})");
  ASSERT_TRUE(doc);
  EXPECT_FALSE(jsonf::string(*doc, "/error/type"));
  EXPECT_FALSE(jsonf::string(*doc, "/content/0/type"));
  EXPECT_FALSE(jsonf::integer(*doc, "/s"));
  EXPECT_EQ(jsonf::find(*doc, "/s/x"), nullptr);     // through a string
  EXPECT_EQ(jsonf::find(*doc, "/a/1"), nullptr);     // past the end
  EXPECT_EQ(jsonf::find(*doc, "/a/-1"), nullptr);    // not an index
  EXPECT_EQ(jsonf::find(*doc, "/a/01x"), nullptr);   // trailing garbage
  EXPECT_EQ(jsonf::object(*doc, "/a"), nullptr);     // array for object
  EXPECT_EQ(jsonf::array(*doc, "/error"), nullptr);  // object for array
  EXPECT_EQ(jsonf::find(*doc, "no-slash"), nullptr);
}

TEST(JsonField, IntegersAreIntegersInRange) {
  auto doc = jsonf::parse(R"({"f":3.0,"big":1e300,"neg":-5,"max":9223372036854775807,
                              "huge":18446744073709551615})");
  ASSERT_TRUE(doc);
  EXPECT_FALSE(jsonf::integer(*doc, "/f"));
  EXPECT_FALSE(jsonf::integer(*doc, "/big"));
  EXPECT_EQ(jsonf::integer(*doc, "/neg"), -5);
  EXPECT_FALSE(jsonf::integer(*doc, "/neg", 0, 1'000'000'000));
  EXPECT_FALSE(jsonf::integer(*doc, "/max", 0, 1'000'000'000));
  EXPECT_EQ(jsonf::integer(*doc, "/max"), INT64_MAX);
  EXPECT_FALSE(jsonf::integer(*doc, "/huge"));
  EXPECT_EQ(jsonf::number(*doc, "/big"), 1e300);
}

TEST(JsonField, DeepNestingIsRefusedInLinearTime) {
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  EXPECT_FALSE(jsonf::parse(deep));
  EXPECT_TRUE(jsonf::nestsDeeperThan(deep, jsonf::kMaxDepth));
  // Brackets inside strings (and escaped quotes) do not count.
  const std::string quoted = R"({"s":"[[[[[[[[[[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[["})";
  EXPECT_FALSE(jsonf::nestsDeeperThan(quoted, 3));
  EXPECT_TRUE(jsonf::parse(quoted));
  EXPECT_FALSE(jsonf::parse("{\"a\":"));
  EXPECT_FALSE(jsonf::parse(""));
}

}  // namespace
}  // namespace cs
