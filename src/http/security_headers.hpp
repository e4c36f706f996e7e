#pragma once
#include <string>

#include "http/message.hpp"

namespace cs::http {

struct SecurityHeadersOptions {
  // For HTML pages: scripts, styles and data only from our own origin; no plugins, no
  // framing (clickjacking), no <base> tricks.
  std::string page_csp =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
      "form-action 'self'; frame-ancestors 'none'";
  // For everything else (JSON, SSE, metrics): nothing may load or frame it as a document.
  std::string api_csp = "default-src 'none'; frame-ancestors 'none'";
  std::string referrer_policy = "no-referrer";
  int hsts_max_age_s = 0;  // > 0 sends Strict-Transport-Security (only behind HTTPS)
};

// The one place that sets security headers: a Pipeline after-hook run on every response,
// including errors and short-circuited ones. A handler that sets a header itself (say a page
// that needs its own Content-Security-Policy) keeps it: we only fill in what is missing, so
// page code and this hook never fight.
class SecurityHeaders {
 public:
  explicit SecurityHeaders(SecurityHeadersOptions options);
  void apply(const Request& request, Response& response) const;

 private:
  SecurityHeadersOptions options_;
  std::string hsts_;
};

}  // namespace cs::http
