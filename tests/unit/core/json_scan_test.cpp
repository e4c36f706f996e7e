#include "core/json_scan.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cs {
namespace {

using jsonf::Kind;

std::string_view scannedValue(const jsonf::Scanned& s, std::string_view key) {
  const auto found = s.find(key);
  return found.member ? s.raw(found.member->value) : std::string_view("<absent>");
}

TEST(JsonScan, ReportsEachTopLevelMemberWithKindAndSpan) {
  const std::string text =
      R"( {"model" : "gpt-4.1-mini", "n":-1.5e3,"ok":true,"no":false,"z":null,)"
      R"("messages":[{"role":"user","content":"hi"}],"o":{"a":{"b":[]}} } )";
  auto s = jsonf::scan(text);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, Kind::kObject);
  EXPECT_EQ(s->raw(s->value), text.substr(1, text.size() - 2));
  ASSERT_EQ(s->members.size(), 7u);
  EXPECT_EQ(s->members[0].key(), "model");
  EXPECT_EQ(s->members[0].kind, Kind::kString);
  EXPECT_EQ(scannedValue(*s, "model"), R"("gpt-4.1-mini")");
  EXPECT_EQ(scannedValue(*s, "n"), "-1.5e3");
  EXPECT_EQ(s->members[1].kind, Kind::kNumber);
  EXPECT_EQ(s->members[2].kind, Kind::kBool);
  EXPECT_EQ(s->members[3].kind, Kind::kBool);
  EXPECT_EQ(s->members[4].kind, Kind::kNull);
  EXPECT_EQ(s->members[5].kind, Kind::kArray);
  EXPECT_EQ(scannedValue(*s, "messages"), R"([{"role":"user","content":"hi"}])");
  EXPECT_EQ(s->members[6].kind, Kind::kObject);
  EXPECT_EQ(scannedValue(*s, "o"), R"({"a":{"b":[]}})");
  EXPECT_EQ(scannedValue(*s, "role"), "<absent>") << "nested keys are not top-level members";
  EXPECT_FALSE(s->find("model").duplicated);
}

TEST(JsonScan, SpansHoldNoSurroundingSpace) {
  auto s = jsonf::scan(" {\"a\" : [1] , \"b\" :\n{\"c\":2}\t, \"d\" : \"x\" \r\n} ");
  ASSERT_TRUE(s);
  EXPECT_EQ(scannedValue(*s, "a"), "[1]");
  EXPECT_EQ(scannedValue(*s, "b"), R"({"c":2})");
  EXPECT_EQ(scannedValue(*s, "d"), R"("x")");
  EXPECT_EQ(s->raw(s->value).front(), '{');
  EXPECT_EQ(s->raw(s->value).back(), '}');
}

TEST(JsonScan, TopLevelScalarsAndArraysHaveNoMembers) {
  for (std::string_view text : {"3", " \"s\" ", "[{\"a\":1}]", "null", "true", "{}", "[]"}) {
    auto s = jsonf::scan(text);
    ASSERT_TRUE(s) << text;
    EXPECT_TRUE(s->members.empty()) << text;
  }
  EXPECT_EQ(jsonf::scan("[1]")->kind, Kind::kArray);
  EXPECT_EQ(jsonf::scan(" 3 ")->raw(jsonf::scan(" 3 ")->value), "3");
  EXPECT_EQ(jsonf::scan("{}")->kind, Kind::kObject);
}

TEST(JsonScan, EscapedKeysAreDecoded) {
  auto s = jsonf::scan(R"({"mod\u0065l":"x","a\"b":1,"\ud83d\ude00":2,"plain":3})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->members[0].key(), "model");
  EXPECT_EQ(s->members[0].raw_key, R"(mod\u0065l)");
  EXPECT_EQ(s->members[1].key(), "a\"b");
  EXPECT_EQ(s->members[2].key(), "\xF0\x9F\x98\x80");
  EXPECT_FALSE(s->members[3].escaped);
  EXPECT_EQ(scannedValue(*s, "model"), R"("x")");
}

TEST(JsonScan, DuplicateKeysAreFlaggedAndTheLastIsReported) {
  auto s = jsonf::scan(R"({"model":"a","x":1,"mod\u0065l":"b"})");
  ASSERT_TRUE(s);
  const auto found = s->find("model");
  EXPECT_TRUE(found.duplicated);
  EXPECT_EQ(s->raw(found.member->value), R"("b")") << "nlohmann keeps the last one";
  EXPECT_FALSE(s->find("x").duplicated);
  EXPECT_EQ(s->find("absent").member, nullptr);
}

TEST(JsonScan, DecodesStringValues) {
  EXPECT_EQ(jsonf::decodeString(R"("a\n\t\\\/\"\b\f\r\u00e9\u20AC\ud83d\ude00")"),
            "a\n\t\\/\"\b\f\r\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(jsonf::decodeString(R"("\u0000")"), std::string(1, '\0'));
  EXPECT_EQ(jsonf::decodeString(R"("")"), "");
}

TEST(JsonScan, DepthLimitRefusesDeeperDocuments) {
  auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(jsonf::scan(nested(jsonf::kMaxDepth)));
  EXPECT_FALSE(jsonf::scan(nested(jsonf::kMaxDepth + 1)));
  EXPECT_TRUE(jsonf::scan(nested(3), 3));
  EXPECT_FALSE(jsonf::scan(nested(4), 3));
  EXPECT_FALSE(jsonf::scan(R"({"a":{"b":1}})", 1));
  EXPECT_TRUE(jsonf::scan(R"({"a":"[[[[[[["})", 1)) << "brackets in strings do not nest";
  EXPECT_FALSE(jsonf::scan(std::string(1'000'000, '['))) << "a megabyte of [ is refused flat";
}

TEST(JsonScan, WhitespaceIsTheFourRfcCharactersOnly) {
  EXPECT_TRUE(jsonf::scan(" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n1 \t\r\n} \t\r\n"));
  EXPECT_FALSE(jsonf::scan("\f{}"));
  EXPECT_FALSE(jsonf::scan("{}\v"));
  EXPECT_FALSE(jsonf::scan("\xC2\xA0{}"));  // no-break space
  EXPECT_FALSE(jsonf::scan(""));
  EXPECT_FALSE(jsonf::scan("   "));
  // A byte order mark only at the very start (what nlohmann accepts).
  EXPECT_TRUE(jsonf::scan("\xEF\xBB\xBF{}"));
  EXPECT_FALSE(jsonf::scan(" \xEF\xBB\xBF{}"));
  EXPECT_FALSE(jsonf::scan("\xEF\xBB\xBF"));
}

TEST(JsonScan, HostileInputsAreRefused) {
  for (std::string_view text : {
           R"({"a":1)",               // truncated
           R"({"a":"x)",              // unterminated string
           R"({"a":1}})",             // trailing garbage
           R"({"a":1} x)",            // trailing garbage after space
           R"({"a":1}{})",            // two documents
           R"({"a" 1})",              // no colon
           R"({"a":1,})",             // trailing comma
           R"([1,])",                 //
           R"({a:1})",                // unquoted key
           R"({1:1})",                // number key
           R"(['x'])",                // single quotes
           R"(["\ud800"])",           // lone high surrogate
           R"(["\udc00"])",           // lone low surrogate
           R"(["\ud800\u0041"])",     // high surrogate then not a low one
           R"(["\ud800\n"])",         //
           R"(["\u12"])",             // short \u
           R"(["\u12G4"])",           //
           R"(["\x41"])",             // not a JSON escape
           R"(["\U0041"])",           //
           "[\"\xC0\xAF\"]",          // overlong /
           "[\"\xE0\x80\xAF\"]",      // overlong
           "[\"\xED\xA0\x80\"]",      // UTF-8 encoded surrogate
           "[\"\xF4\x90\x80\x80\"]",  // beyond U+10FFFF
           "[\"\xF5\x80\x80\x80\"]",  //
           "[\"\x80\"]",              // stray continuation
           "[\"\xE2\x82\"]",          // truncated sequence
           "[\"\t\"]",                // raw control character
           "[\"\x1F\"]",              //
           "[01]",
           "[-]",
           "[1.]",
           "[.5]",
           "[+1]",
           "[1e]",
           "[1e+]",
           "[0x10]",
           "[1.5e]",
           "[1e400]",
           "[-1e400]",
           "[1.7976931348623159e308]",  // overflow a double
           "[tru]",
           "[nul]",
           "[True]",
           "[NaN]",
           "[Infinity]",
       })
    EXPECT_FALSE(jsonf::scan(text)) << text;
}

TEST(JsonScan, NulBytesAreRefusedAnywhere) {
  using namespace std::string_literals;
  EXPECT_FALSE(jsonf::scan("{}\0"s));
  EXPECT_FALSE(jsonf::scan("{} \0 junk"s));
  EXPECT_FALSE(jsonf::scan("[\"\0\"]"s));
  EXPECT_FALSE(jsonf::scan("\0"s));
  // jsonf::parse agrees (nlohmann alone would stop at a NUL after the value and accept).
  EXPECT_FALSE(jsonf::parse("{} \0 junk"s));
}

TEST(JsonScan, EdgeValuesNlohmannAcceptsAreAccepted) {
  for (std::string_view text : {
           "[1e-400]",
           "[-0]",
           "[0e0]",
           "[0.000e99999999999999999999]",
           "[184467440737095516160]",
           "[-9223372036854775809]",
           "[1.7976931348623157e308]",
           "[1E+2]",
           R"(["\u0000"])",
           "[\"\x7F\"]",
           "[\"\xF4\x8F\xBF\xBF\"]",
           "[\"\xEF\xBF\xBF\"]",
           R"(["\uDBFF\uDFFF"])",
           "[1e-99999999999999999999]",
       }) {
    EXPECT_TRUE(jsonf::scan(text)) << text;
    EXPECT_TRUE(jsonf::parse(text)) << text;
  }
}

TEST(JsonScan, LargeInputsScanInOnePass) {
  std::string big = R"({"s":")" + std::string(1 << 20, 'x') + R"(","t":1})";
  auto s = jsonf::scan(big);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->find("s").member->value.end - s->find("s").member->value.begin, (1u << 20) + 2);
  EXPECT_EQ(scannedValue(*s, "t"), "1");

  std::string many = "{";
  for (int i = 0; i < 100'000; ++i)
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  many += "}";
  s = jsonf::scan(many);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->members.size(), 100'000u);
  EXPECT_EQ(s->members.back().key(), "k99999");
  EXPECT_EQ(scannedValue(*s, "k99999"), "99999");
  many.back() = ',';
  EXPECT_FALSE(jsonf::scan(many));
}

}  // namespace
}  // namespace cs
