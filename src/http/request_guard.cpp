#include "http/request_guard.hpp"

#include <set>

#include "core/utf8.hpp"
#include "http/json_error.hpp"

namespace cs::http {

namespace {
Response bad(const std::string& message) {
  return jsonError(ErrorCode::kBadRequest, message);
}

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool wellFormedPercent(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) return false;
      i += 2;
    }
  return true;
}

bool hasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

bool plainName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '.' || c == '[' || c == ']'))
      return false;
  return true;
}

// For messages: a caller's text, cut short and stripped of anything unprintable.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (s.size() > 40) out += "...";
  return out;
}
}  // namespace

std::optional<Response> RequestGuard::check(const Request& request) const {
  const std::string_view target = request.target;
  const std::string_view raw_path = target.substr(0, target.find('?'));
  if (raw_path.size() > options_.max_path_bytes) return bad("path: longer than the server accepts");
  if (!wellFormedPercent(raw_path)) return bad("path: malformed percent-encoding");
  if (!request.path.empty() && request.path.front() != '/' && request.path != "*")
    return bad("path: must start with /");
  if (hasControl(request.path) || !isValidUtf8(request.path))
    return bad("path: contains invalid characters");
  for (std::string_view p = request.path; !p.empty();) {
    const auto slash = p.find('/');
    const auto seg = p.substr(0, slash);
    if (seg == "..") return bad("path: '..' segments are not allowed");
    if (slash == std::string_view::npos) break;
    p.remove_prefix(slash + 1);
  }

  std::set<std::string, std::less<>> seen;
  std::size_t count = 0;
  std::string_view qs = request.query_string;
  while (!qs.empty()) {
    const auto amp = qs.find('&');
    const auto part = qs.substr(0, amp);
    if (!part.empty()) {
      if (++count > options_.max_query_params) return bad("query: too many parameters");
      const auto eq = part.find('=');
      const auto raw_name = part.substr(0, eq);
      const auto raw_value =
          eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      if (!wellFormedPercent(raw_name))
        return bad("query: a parameter name has malformed percent-encoding");
      const std::string name = percentDecode(raw_name, true);
      if (!plainName(name)) return bad("query parameter '" + shown(name) + "': not a valid name");
      if (!wellFormedPercent(raw_value))
        return bad("query parameter '" + name + "': malformed percent-encoding");
      const std::string value = percentDecode(raw_value, true);
      if (value.size() > options_.max_query_value_bytes)
        return bad("query parameter '" + name + "': longer than " +
                   std::to_string(options_.max_query_value_bytes) + " bytes");
      if (hasControl(value) || !isValidUtf8(value))
        return bad("query parameter '" + name + "': contains invalid characters");
      if (!seen.insert(name).second)
        return bad("query parameter '" + name + "': given more than once");
    }
    if (amp == std::string_view::npos) break;
    qs.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace cs::http
