#pragma once
#include <cstddef>
#include <string_view>

namespace cs {

// Locale-free ASCII case folding: std::tolower depends on the C locale and takes an int that
// must not be a negative char.
constexpr char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The value of one hexadecimal digit, or -1 (percent-decoding, JSON's \u escapes).
constexpr int asciiHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 1..max_size letters, digits, '-' and '_': an id a caller sent that is safe to log, echo and
// use as a key (request ids, battle ids).
constexpr bool isPlainToken(std::string_view text, std::size_t max_size = 64) {
  if (text.empty() || text.size() > max_size) return false;
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

}  // namespace cs
