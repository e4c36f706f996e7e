// jsonf::scan must accept exactly the documents jsonf::parse (nlohmann) accepts: the proxy path
// forwards what scan lets through, and the provider must read the same document we checked.
// Valid documents are mutated (byte flips to the bytes JSON grammar and UTF-8 care about,
// truncations, insertions, deletions, duplicated slices) with a fixed seed; every case is held
// to both parsers' verdict and, when accepted, every reported span re-parses to the value the
// DOM holds for that key.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/json_scan.hpp"

namespace cs {
namespace {

using namespace std::string_view_literals;
using Json = jsonf::Json;

const std::vector<std::string>& scanSeeds() {
  static const std::vector<std::string> kSeeds = {
      R"({"model":"gpt-4.1-mini","max_tokens":300,"messages":[{"role":"user","content":"Three sayings about Amazon S3."}]})",
      R"({"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"S3 \u00e9 \ud83d\ude00"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}})",
      R"( { "mod\u0065l" : "x" , "stream" : false , "temperature" : 0.25e1 , "n" : -0 , "stop" : null , "t" : true } )",
      "{\"s\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \\\" \\\\ \\/ "
      "\\b\\f\\n\\r\\t\",\"a\":[1,2.5,-3e-2,1E+2,[],{}]}",
      R"([1,"two",{"three":[3]},null,true,false,-0.0,1e308,123456789012345678901234567890])",
      R"({"deep":{"a":[{"b":[{"c":{"d":[[[]]]}}]}]},"x":"}]\"[{"})",
      R"("just a string")",
      R"(-12.5e-7)",
      "\xEF\xBB\xBF{\"bom\":1}",
  };
  return kSeeds;
}

// Bytes that change how a JSON document or a UTF-8 sequence reads.
constexpr std::string_view kJsonSpecial =
    "\"\\{}[],:0123456789-+.eEu tfnrl\t\n\r\x00\x01\x1F\x7F\x80\xBF\xC0\xC2\xE0\xED\xEF\xF0\xF4"
    "\xF5\xFF/abdxDC"sv;

std::string mutateJson(std::string text, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % (n ? n : 1)); };
  auto special = [&] { return kJsonSpecial[pick(kJsonSpecial.size())]; };
  const int edits = 1 + static_cast<int>(pick(3));
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = pick(text.size() + 1);
    switch (pick(6)) {
      case 0:  // flip a byte to a special one
        if (!text.empty()) text[pick(text.size())] = special();
        break;
      case 1:  // flip a byte to any byte
        if (!text.empty()) text[pick(text.size())] = static_cast<char>(rng() & 0xFF);
        break;
      case 2:  // truncate
        text.resize(at);
        break;
      case 3:  // insert special bytes
        text.insert(at, std::string(1 + pick(3), special()));
        break;
      case 4:  // delete a few bytes
        text.erase(std::min(at, text.size()), 1 + pick(4));
        break;
      default: {  // duplicate a slice (repeats keys, members, brackets)
        const std::size_t from = pick(text.size() + 1);
        text.insert(at, text.substr(from, pick(24)));
        break;
      }
    }
  }
  return text;
}

// What the scan reported agrees with the DOM nlohmann built from the same text.
void expectSameReading(const std::string& text, const jsonf::Scanned& scanned, const Json& doc) {
  const auto top = jsonf::parse(scanned.raw(scanned.value));
  ASSERT_TRUE(top) << text;
  EXPECT_EQ(*top, doc) << text;
  EXPECT_EQ(scanned.kind == jsonf::Kind::kObject, doc.is_object()) << text;
  if (!doc.is_object()) {
    EXPECT_TRUE(scanned.members.empty()) << text;
    return;
  }
  std::set<std::string> keys;
  for (const auto& member : scanned.members) {
    keys.emplace(member.key());
    const auto found = scanned.find(member.key());
    const auto it = doc.find(std::string(member.key()));
    ASSERT_NE(it, doc.end()) << text;
    const auto value = jsonf::parse(scanned.raw(found.member->value));
    ASSERT_TRUE(value) << text;
    EXPECT_EQ(*value, *it) << "key " << member.key() << " in " << text;
    const bool kinds_match = (found.member->kind == jsonf::Kind::kObject) == it->is_object() &&
                             (found.member->kind == jsonf::Kind::kArray) == it->is_array() &&
                             (found.member->kind == jsonf::Kind::kString) == it->is_string() &&
                             (found.member->kind == jsonf::Kind::kNumber) == it->is_number() &&
                             (found.member->kind == jsonf::Kind::kBool) == it->is_boolean() &&
                             (found.member->kind == jsonf::Kind::kNull) == it->is_null();
    EXPECT_TRUE(kinds_match) << "key " << member.key() << " in " << text;
    if (found.member->kind == jsonf::Kind::kString) {
      EXPECT_EQ(jsonf::decodeString(scanned.raw(found.member->value)),
                *it->get_ptr<const Json::string_t*>());
    }
  }
  EXPECT_EQ(keys.size(), doc.size()) << text;
}

TEST(JsonScanDifferential, AcceptsExactlyWhatJsonfParseAccepts) {
  std::mt19937_64 rng(20261202);  // fixed: a failure names a reproducible case
  int accepted = 0, refused = 0;
  constexpr int kCases = 6000;
  for (int i = 0; i < kCases; ++i) {
    const auto& seed = scanSeeds()[static_cast<std::size_t>(i) % scanSeeds().size()];
    const std::string text =
        i < static_cast<int>(scanSeeds().size()) ? seed : mutateJson(seed, rng);
    const auto scanned = jsonf::scan(text);
    const auto parsed = jsonf::parse(text);
    ASSERT_EQ(scanned.has_value(), parsed.has_value())
        << "case " << i << ": scan " << (scanned ? "accepts" : "refuses") << " while parse "
        << (parsed ? "accepts" : "refuses") << ": "
        << Json(text).dump(-1, ' ', true, Json::error_handler_t::replace);
    if (!parsed) {
      ++refused;
      continue;
    }
    ++accepted;
    expectSameReading(text, *scanned, *parsed);
  }
  // The corpus tests both sides of the line, not just one.
  EXPECT_GT(accepted, kCases / 20);
  EXPECT_GT(refused, kCases / 2);
}

TEST(JsonScanDifferential, DepthLimitMatchesJsonfParse) {
  for (std::size_t limit : {1u, 2u, 5u, 64u}) {
    for (std::size_t depth = 0; depth <= limit + 1; ++depth) {
      std::string text = R"({"a":)" + std::string(depth, '[') + "1" + std::string(depth, ']') + "}";
      EXPECT_EQ(jsonf::scan(text, limit).has_value(), jsonf::parse(text, limit).has_value())
          << text << " limit " << limit;
    }
  }
}

}  // namespace
}  // namespace cs
