#include "core/redact.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <unordered_set>
#include <vector>

#include "core/ascii.hpp"
#include "core/mutex.hpp"

// Three passes, each a left-to-right scan that never looks back more than a bounded distance:
// registered secrets, URLs, credential fields, then key-like tokens. They reproduce what the
// std::regex patterns of earlier versions matched (leftmost match, greedy runs) without the
// recursion that made a 30 KB Content-Type overflow the stack.
namespace cs {
namespace {

constexpr std::string_view kMask = "[redacted]";
constexpr std::size_t kPiece = 8;  // shortest piece of a secret that is masked

// ---- registered secrets: every 8-byte window of every secret, as a 64-bit word --------------

std::uint64_t word(const char* p) {
  std::uint64_t w = 0;
  std::memcpy(&w, p, kPiece);
  return w;
}

struct Secrets {
  SharedMutex mutex;
  std::shared_ptr<const std::unordered_set<std::uint64_t>> pieces CS_GUARDED_BY(mutex);
  std::atomic<bool> any{false};
};

Secrets& secrets() {
  // Never destroyed: a thread may log (and so redact) while statics are torn down at exit.
  static Secrets* const s = std::make_unique<Secrets>().release();
  return *s;
}

std::shared_ptr<const std::unordered_set<std::uint64_t>> secretPieces() {
  auto& s = secrets();
  if (!s.any.load(std::memory_order_acquire)) return nullptr;
  ReaderMutexLock lock(s.mutex);
  return s.pieces;
}

std::string maskSecrets(std::string_view text) {
  const auto pieces = secretPieces();
  if (!pieces || text.size() < kPiece) return std::string(text);
  std::vector<bool> hit(text.size(), false);
  bool any = false;
  for (std::size_t i = 0; i + kPiece <= text.size(); ++i)
    if (pieces->contains(word(text.data() + i))) {
      for (std::size_t k = i; k < i + kPiece; ++k) hit[k] = true;
      any = true;
    }
  if (!any) return std::string(text);
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (!hit[i]) {
      out += text[i++];
      continue;
    }
    while (i < text.size() && hit[i]) ++i;
    out += kMask;
  }
  return out;
}

// ---- character classes ----------------------------------------------------------------------

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool isAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isWord(char c) {
  return isAlpha(c) || isDigit(c) || c == '_';
}
bool in(char c, std::string_view set) {
  return set.find(c) != std::string_view::npos;
}

// ---- URLs: scheme://[userinfo@]rest[?query] -------------------------------------------------

bool schemeChar(char c) {
  return isAlpha(c) || isDigit(c) || c == '+' || c == '.' || c == '-';
}

std::string scrubUrls(std::string_view text) {
  std::string out;
  std::size_t done = 0;  // text[0, done) is in out
  std::size_t search = 0;
  for (;;) {
    const auto sep = text.find("://", search);
    if (sep == std::string_view::npos) break;
    // The leftmost scheme start: back over scheme characters (not into what is done), then
    // forward to the first letter.
    std::size_t start = sep;
    while (start > done && schemeChar(text[start - 1])) --start;
    while (start < sep && !isAlpha(text[start])) ++start;
    if (start == sep) {
      search = sep + 1;
      continue;
    }
    std::size_t p = sep + 3;
    std::size_t user_end = p;
    while (user_end < text.size() && !isSpace(text[user_end]) && !in(text[user_end], "/@\"'<>"))
      ++user_end;
    const bool userinfo = user_end < text.size() && text[user_end] == '@';
    out.append(text.substr(done, p - done));
    if (userinfo) {
      out.append(kMask).push_back('@');
      p = user_end + 1;
    }
    std::size_t rest_end = p;
    while (rest_end < text.size() && !isSpace(text[rest_end]) && !in(text[rest_end], "?#\"'<>"))
      ++rest_end;
    out.append(text.substr(p, rest_end - p));
    p = rest_end;
    if (p < text.size() && text[p] == '?') {
      ++p;
      while (p < text.size() && !isSpace(text[p]) && !in(text[p], "#\"'<>")) ++p;
      out.push_back('?');
      out.append(kMask);
    }
    done = search = p;
  }
  out.append(text.substr(done));
  return out;
}

// ---- credential fields: name, separator, value ----------------------------------------------

// Alternatives in the order the old pattern tried them; '?' marks an optional [-_].
constexpr std::array<std::string_view, 9> kFieldNames = {
    "proxy-authorization", "authorization", "x-api-key", "api?key", "x-amz-security-token",
    "secret?access?key",   "session?token", "password",  "passwd"};

// Length of the name `pattern` matched case-insensitively at text[at], or 0.
std::size_t matchName(std::string_view text, std::size_t at, std::string_view pattern) {
  std::size_t p = at;
  for (char want : pattern) {
    if (want == '?') {
      if (p < text.size() && (text[p] == '-' || text[p] == '_')) ++p;
      continue;
    }
    if (p >= text.size() || asciiLower(text[p]) != want) return 0;
    ++p;
  }
  return p - at;
}

bool valueChar(char c) {
  return !in(c, "\"'\r\n,}&");
}

// The separator ("\s*[:=]\s*" between optional quotes) and value after a name ending at `p`:
// returns {value start, value end} or {0, 0}. Mirrors the regex's backtracking: a value needs
// one character, which may be the last space of the separator or its closing quote position.
std::pair<std::size_t, std::size_t> matchSeparatorAndValue(std::string_view text, std::size_t p) {
  if (p < text.size() && (text[p] == '"' || text[p] == '\'')) ++p;
  while (p < text.size() && isSpace(text[p])) ++p;
  if (p >= text.size() || (text[p] != ':' && text[p] != '=')) return {0, 0};
  ++p;
  const std::size_t spaces_from = p;
  while (p < text.size() && isSpace(text[p])) ++p;
  std::size_t v = p;
  if (v < text.size() && (text[v] == '"' || text[v] == '\'')) ++v;
  if (v >= text.size() || !valueChar(text[v])) {
    // Backtrack: without the quote the value would start at it (never a value character);
    // with one space fewer, the value is that space and what follows it.
    if (p > spaces_from)
      v = p - 1;
    else
      return {0, 0};
  }
  std::size_t end = v;
  while (end < text.size() && valueChar(text[end])) ++end;
  return {v, end};
}

std::string scrubFields(std::string_view text) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t name_len = 0;
    std::pair<std::size_t, std::size_t> value{0, 0};
    for (auto name : kFieldNames) {
      name_len = matchName(text, i, name);
      if (name_len == 0) continue;
      value = matchSeparatorAndValue(text, i + name_len);
      if (value.second > value.first) break;
      name_len = 0;
    }
    if (name_len == 0) {
      ++i;
      continue;
    }
    out.append(text.substr(done, value.first - done));
    out.append(kMask);
    done = i = value.second;
  }
  out.append(text.substr(done));
  return out;
}

// ---- key-like tokens ------------------------------------------------------------------------

std::size_t runOf(std::string_view text, std::size_t at, bool (*ok)(char)) {
  std::size_t p = at;
  while (p < text.size() && ok(text[p])) ++p;
  return p - at;
}

bool skChar(char c) {
  return isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '*';
}
bool upperDigit(char c) {
  return (c >= 'A' && c <= 'Z') || isDigit(c);
}
bool opaqueChar(char c) {
  return isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '+' || c == '=';
}
bool boundary(std::string_view text, std::size_t at) {
  const bool before = at > 0 && isWord(text[at - 1]);
  const bool after = at < text.size() && isWord(text[at]);
  return before != after;
}

// Length of a token starting at text[at], or 0: sk-XXXX+, AKIA/ASIA + 16, or 32+ opaque.
std::size_t tokenAt(std::string_view text, std::size_t at) {
  const auto rest = text.substr(at);
  if (rest.starts_with("sk-")) {
    const auto n = runOf(text, at + 3, skChar);
    if (n >= 4) return 3 + n;
  }
  if ((rest.starts_with("AKIA") || rest.starts_with("ASIA")) && boundary(text, at) &&
      rest.size() >= 20 && runOf(text.substr(0, at + 20), at + 4, upperDigit) == 16 &&
      boundary(text, at + 20))
    return 20;
  // Bounded look-ahead: a run shorter than 32 is given up after at most 32 characters.
  std::size_t n = 0;
  while (at + n < text.size() && opaqueChar(text[at + n])) {
    if (++n == 32) return n + runOf(text, at + n, opaqueChar);
  }
  return 0;
}

std::string scrubTokens(std::string_view text) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto n = tokenAt(text, i);
    if (n == 0) {
      ++i;
      continue;
    }
    out.append(text.substr(done, i - done));
    out.append(kMask);
    done = i = i + n;
  }
  out.append(text.substr(done));
  return out;
}

// The first `max` bytes, not splitting a UTF-8 sequence.
std::string_view capped(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string redact(std::string_view text) {
  if (text.empty()) return {};
  const auto input = capped(text, kRedactMaxInput);
  std::string out = scrubTokens(scrubFields(scrubUrls(maskSecrets(input))));
  if (input.size() < text.size()) out += "[truncated]";
  return out;
}

void registerSecret(std::string_view value) {
  if (value.size() < kPiece) return;
  auto& s = secrets();
  WriterMutexLock lock(s.mutex);
  auto next = s.pieces ? std::make_shared<std::unordered_set<std::uint64_t>>(*s.pieces)
                       : std::make_shared<std::unordered_set<std::uint64_t>>();
  const auto before = next->size();
  for (std::size_t i = 0; i + kPiece <= value.size(); ++i) next->insert(word(value.data() + i));
  if (next->size() == before && s.pieces) return;  // already known
  s.pieces = std::move(next);
  s.any.store(true, std::memory_order_release);
}

}  // namespace cs
