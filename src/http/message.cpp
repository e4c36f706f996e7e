#include "http/message.hpp"

#include "core/ascii.hpp"

namespace cs::http {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

void Headers::set(std::string name, std::string value) {
  for (auto& [k, v] : items_)
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  add(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) {
  // A response carries about eight headers (security, request id, timing): one allocation
  // for them instead of growing 1, 2, 4, 8.
  if (items_.empty()) items_.reserve(8);
  items_.emplace_back(std::move(name), std::move(value));
}

std::string percentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      const int hi = asciiHexValue(in[i + 1]), lo = asciiHexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

const std::map<std::string, std::string>& Request::query() const {
  if (!query_) {
    query_.emplace();
    std::string_view qs = query_string;
    while (!qs.empty()) {
      const auto amp = qs.find('&');
      const auto part = qs.substr(0, amp);
      if (!part.empty()) {
        const auto eq = part.find('=');
        auto key = percentDecode(part.substr(0, eq), true);
        auto value =
            eq == std::string_view::npos ? std::string() : percentDecode(part.substr(eq + 1), true);
        query_->emplace(std::move(key), std::move(value));
      }
      if (amp == std::string_view::npos) break;
      qs.remove_prefix(amp + 1);
    }
  }
  return *query_;
}

std::optional<std::string> Request::queryParam(const std::string& name) const {
  const auto& q = query();
  if (auto it = q.find(name); it != q.end()) return it->second;
  return std::nullopt;
}

void Request::setTarget(std::string request_target) {
  target = std::move(request_target);
  const auto q = target.find('?');
  path = percentDecode(std::string_view(target).substr(0, q), false);
  query_string = q == std::string::npos ? std::string() : target.substr(q + 1);
  query_.reset();
}

Request Request::make(std::string method, std::string target, std::string body) {
  Request r;
  r.method = std::move(method);
  r.setTarget(std::move(target));
  r.body = std::move(body);
  r.remote_address = "127.0.0.1";
  return r;
}

}  // namespace cs::http
