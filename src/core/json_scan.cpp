#include "core/json_scan.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "core/ascii.hpp"
#include "core/utf8.hpp"

namespace cs::jsonf {
namespace {

// Saturates a decimal exponent far beyond any double's range: "1e99999999999999999999" must
// not overflow our counter, only be read as "huge".
constexpr std::int64_t kExponentCap = 1'000'000'000;

constexpr bool isDigit(unsigned char c) {
  return c >= '0' && c <= '9';
}

class Scanner {
 public:
  Scanner(std::string_view text, std::size_t max_depth) : t_(text), max_depth_(max_depth) {}

  std::optional<Scanned> run();

 private:
  unsigned char at(std::size_t i) const { return static_cast<unsigned char>(t_[i]); }
  bool more() const { return p_ < t_.size(); }
  void skipSpace() {
    while (p_ < t_.size()) {
      const char c = t_[p_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++p_;
    }
  }
  bool literal(std::string_view word) {
    if (t_.substr(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }
  bool string(bool* escaped);
  bool escape();
  int hex4();
  bool number();
  bool finiteNumber(std::size_t begin, std::int64_t decimal_exponent) const;

  std::string_view t_;
  std::size_t max_depth_;
  std::size_t p_ = 0;
};

// Bytes a string's fast loop stops at: the quote, a backslash, control characters and every
// non-ASCII byte (a UTF-8 sequence to check).
constexpr auto kStringStops = [] {
  std::array<bool, 256> stops{};
  for (int c = 0; c < 256; ++c) stops[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return stops;
}();

// At the opening quote; on success p_ is past the closing one.
bool Scanner::string(bool* escaped) {
  ++p_;
  while (p_ < t_.size()) {
    while (p_ < t_.size() && !kStringStops[at(p_)]) ++p_;  // the common run of plain text
    if (p_ == t_.size()) break;
    const unsigned char c = at(p_);
    if (c == '"') {
      ++p_;
      return true;
    }
    if (c < 0x20) return false;  // control characters must be escaped
    if (c == '\\') {
      *escaped = true;
      if (!escape()) return false;
    } else if (c < 0x80) {
      ++p_;
    } else {
      // One well-formed UTF-8 sequence (RFC 3629, the rules nlohmann's lexer applies too).
      const std::size_t length = utf8SequenceLength(t_.substr(p_));
      if (length == 0) return false;
      p_ += length;
    }
  }
  return false;  // no closing quote
}

// At a backslash. \u escapes as nlohmann checks them: a high surrogate must be followed by an
// escaped low one, a low one must not stand alone.
bool Scanner::escape() {
  ++p_;
  if (!more()) return false;
  const char c = t_[p_++];
  switch (c) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      return true;
    case 'u': {
      const int first = hex4();
      if (first < 0) return false;
      if (first >= 0xDC00 && first <= 0xDFFF) return false;
      if (first < 0xD800 || first > 0xDBFF) return true;
      if (p_ + 1 >= t_.size() || t_[p_] != '\\' || t_[p_ + 1] != 'u') return false;
      p_ += 2;
      const int second = hex4();
      return second >= 0xDC00 && second <= 0xDFFF;
    }
    default:
      return false;
  }
}

int Scanner::hex4() {
  if (t_.size() - p_ < 4) return -1;
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = asciiHexValue(t_[p_++]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// RFC 8259 number grammar. nlohmann also refuses a number that overflows a double (1e400; an
// integer too long for 64 bits is read as a double), and accepts one that underflows (1e-400).
bool Scanner::number() {
  const std::size_t begin = p_;
  if (more() && t_[p_] == '-') ++p_;
  if (!more()) return false;
  std::int64_t int_digits = 0;
  bool int_zero = false;
  if (t_[p_] == '0') {
    ++p_;
    int_zero = true;
  } else if (isDigit(at(p_))) {
    while (more() && isDigit(at(p_))) ++p_, ++int_digits;
  } else {
    return false;
  }
  // The decimal exponent of the first significant digit, counted before the e part: 123 -> 2,
  // 0.0012 -> -3; meaningless while every digit so far is a zero.
  std::int64_t magnitude = int_digits - 1;
  bool all_zero = int_zero;
  if (more() && t_[p_] == '.') {
    ++p_;
    if (!more() || !isDigit(at(p_))) return false;
    std::int64_t place = 0;
    while (more() && isDigit(at(p_))) {
      --place;
      if (all_zero && t_[p_] != '0') {
        all_zero = false;
        magnitude = place;
      }
      ++p_;
    }
  }
  std::int64_t exponent = 0;
  if (more() && (t_[p_] == 'e' || t_[p_] == 'E')) {
    ++p_;
    bool negative = false;
    if (more() && (t_[p_] == '+' || t_[p_] == '-')) negative = t_[p_++] == '-';
    if (!more() || !isDigit(at(p_))) return false;
    while (more() && isDigit(at(p_))) {
      exponent = std::min(exponent * 10 + (t_[p_] - '0'), kExponentCap);
      ++p_;
    }
    if (negative) exponent = -exponent;
  }
  if (all_zero) return true;  // zero, however written
  return finiteNumber(begin, magnitude + exponent);
}

// Below 10^308 every value is finite; from there on the exact rounding decides (1.79...e308
// rounds to DBL_MAX or to infinity), so only those rare numbers are converted.
bool Scanner::finiteNumber(std::size_t begin, std::int64_t decimal_exponent) const {
  if (decimal_exponent < 308) return true;
  double value = 0;
  const auto [end, ec] = std::from_chars(t_.data() + begin, t_.data() + p_, value);
  return ec == std::errc() && end == t_.data() + p_ && std::isfinite(value);
}

std::optional<Scanned> Scanner::run() {
  Scanned out;
  out.text = t_;
  // nlohmann skips a UTF-8 byte order mark at the very start (and only there).
  if (t_.starts_with("\xEF\xBB\xBF")) p_ = 3;
  // The open containers, innermost last: '{' or '['. Short (kMaxDepth) in practice.
  std::string open;
  out.members.reserve(16);   // one allocation for a typical request or answer
  Member* member = nullptr;  // the top-level member whose value is being read
  enum class Next { kValue, kKey, kAfterValue };
  Next next = Next::kValue;
  for (;;) {
    // Not after a value: its end is recorded before the space that follows it.
    if (next != Next::kAfterValue) skipSpace();
    if (next == Next::kKey) {
      if (!more() || t_[p_] != '"') return std::nullopt;
      const std::size_t key_begin = p_;
      bool escaped = false;
      if (!string(&escaped)) return std::nullopt;
      if (open.size() == 1) {
        Member& m = out.members.emplace_back();
        m.raw_key = t_.substr(key_begin + 1, p_ - key_begin - 2);
        m.escaped = escaped;
        if (escaped) m.decoded_key = decodeString(t_.substr(key_begin, p_ - key_begin));
        member = &m;
      }
      skipSpace();
      if (!more() || t_[p_] != ':') return std::nullopt;
      ++p_;
      next = Next::kValue;
      continue;
    }
    if (next == Next::kValue) {
      if (!more()) return std::nullopt;
      const std::size_t begin = p_;
      const std::size_t depth_before = open.size();
      Kind kind = Kind::kNull;
      const char c = t_[p_];
      bool escaped = false;
      if (c == '{' || c == '[') {
        if (open.size() >= max_depth_) return std::nullopt;
        kind = c == '{' ? Kind::kObject : Kind::kArray;
        open.push_back(c);
        ++p_;
        skipSpace();
        const char close = c == '{' ? '}' : ']';
        if (more() && t_[p_] == close) {
          ++p_;
          open.pop_back();
          next = Next::kAfterValue;
        } else {
          next = c == '{' ? Next::kKey : Next::kValue;
        }
      } else {
        if (c == '"') {
          kind = Kind::kString;
          if (!string(&escaped)) return std::nullopt;
        } else if (c == 't' || c == 'f') {
          kind = Kind::kBool;
          if (!literal(c == 't' ? "true" : "false")) return std::nullopt;
        } else if (c == 'n') {
          if (!literal("null")) return std::nullopt;
        } else {
          kind = Kind::kNumber;
          if (!number()) return std::nullopt;
        }
        next = Next::kAfterValue;
      }
      // Where this value starts: the top level itself, or a member of a top-level object.
      if (depth_before == 0) {
        out.kind = kind;
        out.value.begin = begin;
      } else if (depth_before == 1 && member) {
        member->kind = kind;
        member->value.begin = begin;
      }
      if (next != Next::kAfterValue) continue;
    }
    // After a complete value: record where it ended, then a separator, a close, or the end.
    const std::size_t end = p_;
    if (open.empty()) {
      out.value.end = end;
      skipSpace();
      if (more()) return std::nullopt;  // nothing may follow the value
      return out;
    }
    if (open.size() == 1 && member) {
      member->value.end = end;
      member = nullptr;
    }
    skipSpace();
    if (!more()) return std::nullopt;
    const char c = t_[p_++];
    const char inner = open.back();
    if (c == ',') {
      next = inner == '{' ? Next::kKey : Next::kValue;
    } else if (c == (inner == '{' ? '}' : ']')) {
      open.pop_back();
      next = Next::kAfterValue;
    } else {
      return std::nullopt;
    }
  }
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

Scanned::Found Scanned::find(std::string_view key) const {
  Found found;
  for (const auto& m : members) {
    if (m.key() != key) continue;
    found.duplicated = found.member != nullptr;
    found.member = &m;
  }
  return found;
}

std::optional<Scanned> scan(std::string_view text, std::size_t max_depth) {
  return Scanner(text, max_depth).run();
}

std::string decodeString(std::string_view quoted) {
  std::string out;
  if (quoted.size() < 2) return out;
  const std::string_view s = quoted.substr(1, quoted.size() - 2);
  out.reserve(s.size());
  auto hex4 = [&](std::size_t i) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4 && i + k < s.size(); ++k)
      v = v * 16 + static_cast<std::uint32_t>(asciiHexValue(s[i + k]));
    return v;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char e = s[++i];
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        std::uint32_t cp = hex4(i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size()) {
          const std::uint32_t low = hex4(i + 3);  // past "\u"
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        out += e;
        break;  // " \ /
    }
  }
  return out;
}

}  // namespace cs::jsonf
