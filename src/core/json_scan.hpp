#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_field.hpp"

// A strict RFC 8259 validator that reads a document's top level without building a DOM: the
// proxy path only needs to know a body is valid, which top-level members it has and where
// their values are (to replace `model`, to parse the small `usage` alone). One linear pass,
// no allocation per value. It accepts exactly what jsonf::parse accepts (same UTF-8, escape,
// number and depth rules, a UTF-8 byte order mark at the start; tests/unit/core/
// json_scan_differential_test.cpp and fuzz/json_scan_fuzz.cpp hold it to that), so a body it
// lets through is one nlohmann (and the provider) reads the same way.
namespace cs::jsonf {

enum class Kind : std::uint8_t { kObject, kArray, kString, kNumber, kBool, kNull };

// A value's bytes [begin, end) in the scanned text: no surrounding whitespace; a string's span
// includes its quotes.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Member {
  std::string_view raw_key;  // between the quotes, as written (escapes not decoded)
  std::string decoded_key;   // the key with escapes decoded; set only when it had escapes
  bool escaped = false;
  Kind kind = Kind::kNull;
  Span value;

  std::string_view key() const { return escaped ? std::string_view(decoded_key) : raw_key; }
};

struct Scanned {
  std::string_view text;  // the text scanned (the caller keeps it alive)
  Kind kind = Kind::kNull;
  Span value;                   // the top-level value
  std::vector<Member> members;  // a top-level object's members in order; empty otherwise

  struct Found {
    const Member* member = nullptr;  // the last one with the key (the one nlohmann keeps)
    bool duplicated = false;         // the key appears more than once
  };
  Found find(std::string_view key) const;
  std::string_view raw(const Span& span) const {
    return text.substr(span.begin, span.end - span.begin);
  }
};

// nullopt for text jsonf::parse refuses (invalid JSON, nesting deeper than max_depth).
std::optional<Scanned> scan(std::string_view text, std::size_t max_depth = kMaxDepth);

// The decoded content of a string value that scan() reported (its span, quotes included):
// escapes resolved, surrogate pairs joined into UTF-8. Only for spans scan() validated.
std::string decodeString(std::string_view quoted);

}  // namespace cs::jsonf
