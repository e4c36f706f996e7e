#pragma once
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace cs::http {

// For HTML pages: scripts, styles and data only from our own origin (no inline code, no eval,
// no third party); no plugins, no framing (clickjacking), no <base> tricks. The page handler
// (api/static_files.cpp) sets it on its pages and this hook on any other HTML answer.
inline constexpr std::string_view kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

struct SecurityHeadersOptions {
  // A handler's own header always wins over these defaults.
  std::string page_csp = std::string(kPageContentSecurityPolicy);
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
