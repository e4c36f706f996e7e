#pragma once
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace cs::http {

struct CorsOptions {
  // Exact origins ("https://sayings.example.com"), or the single entry "*" for development.
  // Empty: no cross-origin access (the pages are served by us, same-origin, and need none).
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_methods = {"GET", "POST", "HEAD", "OPTIONS"};
  std::vector<std::string> allowed_headers = {"Content-Type", "Accept", "X-Request-Id",
                                              "Last-Event-ID"};
  int max_age_s = 600;  // how long browsers may cache a preflight answer
};

// Cross-origin access by an exact allow-list. The Origin header is compared, never echoed on
// its own: only a configured origin string is ever written back. Credentials are never
// allowed (the API has no cookies). Two hooks: preflight() before routing, decorate() after.
class Cors {
 public:
  explicit Cors(CorsOptions options);

  // An OPTIONS preflight (Origin + Access-Control-Request-Method) answered here: 204 with the
  // grants for an allowed origin, 403 otherwise. Other requests pass (nullopt).
  std::optional<Response> preflight(const Request& request) const;
  // Adds Access-Control-Allow-Origin for an allowed origin, and Vary: Origin whenever the
  // answer depends on the Origin header (so shared caches keep origins apart).
  void decorate(const Request& request, Response& response) const;

  // "scheme://host[:port]" with nothing after it, or "*"; for config validation.
  static bool validOrigin(const std::string& origin);

 private:
  // The configured string matching this Origin (or "*"), if any.
  const std::string* allowed(std::string_view origin) const;

  CorsOptions options_;
  bool wildcard_ = false;
  std::string star_ = "*";
  std::string methods_;
  std::string headers_;
};

}  // namespace cs::http
