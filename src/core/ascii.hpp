#pragma once

namespace cs {

// Locale-free ASCII case folding: std::tolower depends on the C locale and takes an int that
// must not be a negative char.
constexpr char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace cs
