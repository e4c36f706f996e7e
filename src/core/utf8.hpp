#pragma once
#include <cstddef>
#include <string_view>

namespace cs {

// Length of the well-formed UTF-8 sequence at the start of `text`, or 0 when there is none
// (empty, a stray continuation byte, overlong, a surrogate, beyond U+10FFFF or truncated):
// the rules of RFC 3629, which nlohmann's serializer applies too.
constexpr std::size_t utf8SequenceLength(std::string_view text) {
  if (text.empty()) return 0;
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  auto cont = [&](std::size_t i) { return i < text.size() && (at(i) & 0xC0) == 0x80; };
  const unsigned char c = at(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && at(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && at(1) > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && at(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && at(1) > 0x8F) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;  // 0x80..0xC1 (continuation, overlong lead) and 0xF5..0xFF
}

// Well-formed UTF-8 throughout: what request paths and query values, API Gateway bodies and
// JSON strings written by hand must be.
constexpr bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {  // ASCII: the common case, no call
      ++i;
      continue;
    }
    const std::size_t n = utf8SequenceLength(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

static_assert(isValidUtf8("plain") && isValidUtf8("h\xC3\xA9") && isValidUtf8("\xF0\x9F\x98\x80"));
static_assert(!isValidUtf8("\xC0\xAF") && !isValidUtf8("\xED\xA0\x80") &&
              !isValidUtf8("\xF4\x90\x80\x80"));
static_assert(!isValidUtf8("\xE2\x82") && !isValidUtf8("\x80") && !isValidUtf8("\xFF"));

}  // namespace cs
