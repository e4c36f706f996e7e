#include <gtest/gtest.h>

#include <limits>

#include "store/dynamo/attribute_value.hpp"

namespace cs::dynamo {
namespace {

TEST(DynamoAttributeValue, EncodesEveryType) {
  EXPECT_EQ(attrS("hi"), Json::parse(R"({"S":"hi"})"));
  EXPECT_EQ(attrN(std::int64_t{-42}), Json::parse(R"({"N":"-42"})"));
  EXPECT_EQ(attrN(0.000375), Json::parse(R"({"N":"0.000375"})"));
  EXPECT_EQ(attrN(812.5), Json::parse(R"({"N":"812.5"})"));
  EXPECT_EQ(attrN(std::numeric_limits<double>::quiet_NaN()), Json::parse(R"({"NULL":true})"));
  EXPECT_EQ(attrSS({"a", "b"}), Json::parse(R"({"SS":["a","b"]})"));
  EXPECT_EQ(attrBool(false), Json::parse(R"({"BOOL":false})"));
  EXPECT_EQ(attrNull(), Json::parse(R"({"NULL":true})"));
  const Json plain =
      Json::parse(R"({"s":"x","n":7,"f":1.25,"b":true,"z":null,"l":[1,"two"],"m":{"k":false}})");
  const Json typed =
      Json::parse(R"({"M":{"s":{"S":"x"},"n":{"N":"7"},"f":{"N":"1.25"},"b":{"BOOL":true},
      "z":{"NULL":true},"l":{"L":[{"N":"1"},{"S":"two"}]},"m":{"M":{"k":{"BOOL":false}}}}})");
  EXPECT_EQ(toAttributeValue(plain), typed);
}

TEST(DynamoAttributeValue, DecodesEveryTypeBackToPlain) {
  const Json typed =
      Json::parse(R"({"M":{"s":{"S":"x"},"n":{"N":"7"},"f":{"N":"1.25"},"b":{"BOOL":true},
      "z":{"NULL":true},"ss":{"SS":["a","b"]},"l":{"L":[{"N":"-1"},{"S":"two"}]},"m":{"M":{"k":{"BOOL":false}}}}})");
  auto plain = fromAttributeValue(typed);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(
      *plain,
      Json::parse(
          R"({"s":"x","n":7,"f":1.25,"b":true,"z":null,"ss":["a","b"],"l":[-1,"two"],"m":{"k":false}})"));
  EXPECT_TRUE((*plain)["n"].is_number_integer());
  EXPECT_TRUE((*plain)["f"].is_number_float());
  // Round trip the other way.
  EXPECT_EQ(fromAttributeValue(toAttributeValue(*plain)).value(), *plain);
}

TEST(DynamoAttributeValue, RejectsMalformedValues) {
  for (const char* bad :
       {R"({"N":"12abc"})", R"({"N":12})", R"({"N":""})", R"({"S":1})", R"({"BOOL":"yes"})",
        R"({"SS":[1]})", R"({"M":[]})", R"({"L":{}})", R"({"B":"AAEC"})", R"({})",
        R"({"S":"a","N":"1"})", R"("plain")", R"({"M":{"x":{"N":"nan"}}})"}) {
    auto r = fromAttributeValue(Json::parse(bad));
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().name(), "store_error");
    }
  }
  EXPECT_FALSE(parseInt64(" 1"));
  EXPECT_FALSE(parseDouble("1e999"));
  EXPECT_EQ(parseInt64("-9223372036854775808").value(), std::numeric_limits<std::int64_t>::min());
  // Bigger than 64 bits still reads, as a double.
  EXPECT_TRUE(fromAttributeValue(Json::parse(R"({"N":"123456789012345678901234567890"})"))
                  .value()
                  .is_number_float());
}

TEST(DynamoAttributeValue, TypeNameStaysValidThroughTheDecode) {
  // Regression (fuzz_dynamo_json): the type key was bound through a temporary proxy that died
  // at the end of its line; ASan reported stack-use-after-scope on every decode.
  const auto value = Json::parse(R"({"XYZZY":1})");
  auto r = fromAttributeValue(value);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("\"XYZZY\""), std::string::npos) << r.error().message;
  const auto spaced = Json::parse(R"({"N":" 12"})");
  EXPECT_FALSE(fromAttributeValue(spaced));
}

TEST(DynamoAttributeValue, NumbersRoundTripExactly) {
  for (double d : {0.1, 1.0 / 3.0, 1e-9, 123456.789, -0.0025, 1e21}) {
    auto text = attrN(d)["N"].get<std::string>();
    EXPECT_EQ(parseDouble(text).value(), d) << text;
  }
}

}  // namespace
}  // namespace cs::dynamo
