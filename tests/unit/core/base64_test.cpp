// core/base64: the encoding Lambda's proxy events use for binary bodies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base64.hpp"

namespace cs::lambda {
namespace {

using nlohmann::json;

TEST(Base64, RoundTripsAndRejectsNonCanonicalText) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    EXPECT_EQ(base64Decode(base64Encode(s)), s);
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  for (std::string bad : {"Zm9", "Zm9v!", "Z===", "Zm=v", "Zg==Zg==", "Zm9v\n"})
    EXPECT_FALSE(base64Decode(bad)) << bad;
}

}  // namespace
}  // namespace cs::lambda
