// core/utf8.hpp: the one UTF-8 check behind the request guard (paths, query values), the
// Lambda front door (text bodies) and the hand-written JSON strings (core/json_text).
#include <gtest/gtest.h>

#include "core/utf8.hpp"

namespace cs {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (const char* good :
       {"", "plain", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\xF4\x8F\xBF\xBF" /* U+10FFFF */,
        "\xED\x9F\xBF" /* U+D7FF */, "\xEE\x80\x80" /* U+E000 */})
    EXPECT_TRUE(isValidUtf8(good)) << good;
}

TEST(Utf8, RejectsWhatRfc3629Forbids) {
  for (const char* bad :
       {"\xc3", "a\xc3", "\xe2\x82", "\x80" /* stray continuation */,
        "\xc3\x28" /* not a continuation */, "\xc0\xaf", "\xc1\xbf", "\xe0\x9f\xbf",
        "\xf0\x8f\xbf\xbf" /* overlong */, "\xed\xa0\x80", "\xed\xbf\xbf" /* surrogates */,
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80" /* past U+10FFFF */, "\xff"})
    EXPECT_FALSE(isValidUtf8(bad)) << bad;
}

TEST(Utf8, SequenceLengthOfTheFirstCharacter) {
  EXPECT_EQ(utf8SequenceLength("abc"), 1u);
  EXPECT_EQ(utf8SequenceLength("\xc3\xa9x"), 2u);
  EXPECT_EQ(utf8SequenceLength("\xe2\x82\xac"), 3u);
  EXPECT_EQ(utf8SequenceLength("\xf0\x9f\x98\x80rest"), 4u);
  EXPECT_EQ(utf8SequenceLength(""), 0u);
  EXPECT_EQ(utf8SequenceLength("\xe2\x82"), 0u);
}

}  // namespace
}  // namespace cs
