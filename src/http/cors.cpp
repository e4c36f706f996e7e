#include "http/cors.hpp"

#include <algorithm>

#include "http/json_error.hpp"

namespace cs::http {

namespace {
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += i;
  }
  return out;
}

// Vary lists every request header the answer depended on; never clobber an existing one.
void addVary(Response& response, std::string_view field) {
  auto current = response.headers.get("Vary");
  if (!current) {
    response.headers.set("Vary", std::string(field));
    return;
  }
  if (current->find(field) != std::string_view::npos) return;
  response.headers.set("Vary", std::string(*current) + ", " + std::string(field));
}

bool tokenIn(std::string_view token, const std::vector<std::string>& list) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return iequals(s, token); });
}
}  // namespace

Cors::Cors(CorsOptions options) : options_(std::move(options)) {
  wildcard_ = std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(), "*") !=
              options_.allowed_origins.end();
  methods_ = join(options_.allowed_methods);
  headers_ = join(options_.allowed_headers);
}

bool Cors::validOrigin(const std::string& origin) {
  if (origin == "*") return true;
  const auto sep = origin.find("://");
  if (sep == std::string::npos || sep == 0) return false;
  const std::string_view scheme(origin.data(), sep);
  if (scheme != "http" && scheme != "https") return false;
  const std::string_view rest = std::string_view(origin).substr(sep + 3);
  if (rest.empty()) return false;
  for (char c : rest) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    c == ':' || c == '[' || c == ']';
    if (!ok)
      return false;  // uppercase, paths, trailing slashes, userinfo: browsers never send them
  }
  return true;
}

const std::string* Cors::allowed(std::string_view origin) const {
  if (origin.empty() || origin == "null") return nullptr;  // sandboxed frames and files: never
  for (const auto& o : options_.allowed_origins)
    if (o == origin) return &o;
  if (wildcard_) return &star_;
  return nullptr;
}

std::optional<Response> Cors::preflight(const Request& request) const {
  if (request.method != "OPTIONS") return std::nullopt;
  const auto origin = request.headers.get("Origin");
  const auto method = request.headers.get("Access-Control-Request-Method");
  if (!origin || !method) return std::nullopt;  // a plain OPTIONS: the router answers it
  const std::string* grant = allowed(*origin);
  const bool method_ok = tokenIn(*method, options_.allowed_methods);
  bool headers_ok = true;
  if (auto wanted = request.headers.get("Access-Control-Request-Headers")) {
    std::string_view list = *wanted;
    while (!list.empty() && headers_ok) {
      const auto comma = list.find(',');
      auto item = list.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty() && !tokenIn(item, options_.allowed_headers)) headers_ok = false;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  if (!grant || !method_ok || !headers_ok) {
    Response r = jsonError(ErrorCode::kCorsForbidden,
                           !grant       ? "this origin may not call the API"
                           : !method_ok ? "this method is not allowed cross-origin"
                                        : "a requested header is not allowed cross-origin");
    addVary(r, "Origin");
    return r;
  }
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.set("Access-Control-Allow-Origin", *grant);
  r.headers.set("Access-Control-Allow-Methods", methods_);
  r.headers.set("Access-Control-Allow-Headers", headers_);
  r.headers.set("Access-Control-Max-Age", std::to_string(options_.max_age_s));
  r.headers.set("Cache-Control", "no-store");
  addVary(r, "Origin");
  addVary(r, "Access-Control-Request-Method");
  addVary(r, "Access-Control-Request-Headers");
  return r;
}

void Cors::decorate(const Request& request, Response& response) const {
  if (options_.allowed_origins.empty()) return;
  // With an allow-list the answer depends on Origin, even when this request had none.
  if (!wildcard_ || options_.allowed_origins.size() > 1) addVary(response, "Origin");
  if (response.headers.get("Access-Control-Allow-Origin")) return;  // preflight already granted
  const auto origin = request.headers.get("Origin");
  if (!origin) return;
  if (const std::string* grant = allowed(*origin)) {
    response.headers.set("Access-Control-Allow-Origin", *grant);
    response.headers.set("Access-Control-Expose-Headers", "Retry-After, X-Request-Id");
  }
}

}  // namespace cs::http
