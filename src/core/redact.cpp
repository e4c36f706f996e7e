#include "core/redact.hpp"

#include <regex>

namespace cs {
namespace {

constexpr const char* kMask = "[redacted]";

// scheme://[userinfo@]rest[?query]; rest and query stop at whitespace, quotes and brackets.
const std::regex& urlPattern() {
  static const std::regex re(
      R"(([A-Za-z][A-Za-z0-9+.\-]*://)([^\s/@"'<>]*@)?([^\s?#"'<>]*)(\?[^\s#"'<>]*)?)");
  return re;
}

// A credential field name, its separator (": ", "=", "\":\"" ...) and its value up to the end
// of the value (quote, comma, brace, newline). "Bearer x" and SigV4 values contain spaces,
// so the value runs to the next delimiter rather than the next space.
const std::regex& fieldPattern() {
  static const std::regex re(
      R"(((?:proxy-)?authorization|x-api-key|api[-_]?key|x-amz-security-token|secret[-_]?access[-_]?key|session[-_]?token|password|passwd)(["']?\s*[:=]\s*["']?)([^"'\r\n,}&]+))",
      std::regex::icase);
  return re;
}

const std::regex& tokenPattern() {
  static const std::regex re(
      R"(sk-[A-Za-z0-9_\-*]{4,}|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|[A-Za-z0-9_\-+=]{32,})");
  return re;
}

std::string scrubUrls(const std::string& text) {
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), urlPattern()), end; it != end; ++it) {
    const auto& m = *it;
    out.append(last, m[0].first);
    out += m[1].str();
    if (m[2].matched) out += std::string(kMask) + "@";
    out += m[3].str();
    if (m[4].matched) out += std::string("?") + kMask;
    last = m[0].second;
  }
  out.append(last, text.cend());
  return out;
}

}  // namespace

std::string redact(std::string_view text) {
  if (text.empty()) return {};
  std::string out = scrubUrls(std::string(text));
  out = std::regex_replace(out, fieldPattern(), std::string("$1$2") + kMask);
  return std::regex_replace(out, tokenPattern(), kMask);
}

}  // namespace cs
