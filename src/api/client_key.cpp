#include "api/client_key.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#include "core/fnv.hpp"

namespace cs::api {

namespace {
bool validId(std::string_view v) {
  if (v.size() < 8 || v.size() > 128) return false;
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

std::optional<std::string_view> cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=')
      return part.substr(name.size() + 1);
  }
  return std::nullopt;
}
}  // namespace

std::string clientKey(const http::Request& request) {
  if (auto id = request.headers.get("X-Client-Id"); id && validId(*id))
    return "id:" + std::string(*id);
  if (auto header = request.headers.get("Cookie"))
    if (auto id = cookie(*header, "cs_client"); id && validId(*id)) return "id:" + std::string(*id);
  // Stable across builds and platforms, and enough to tell clients apart; not a secret.
  std::uint64_t h = fnv1a(request.remote_address);
  h = fnv1a("\n", h);
  h = fnv1a(request.headers.get("User-Agent").value_or(""), h);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string("addr:") + buf;
}

}  // namespace cs::api
