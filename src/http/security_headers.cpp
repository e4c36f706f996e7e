#include "http/security_headers.hpp"

namespace cs::http {

namespace {
void setIfMissing(Headers& h, std::string_view name, const std::string& value) {
  if (!value.empty() && !h.get(name)) h.set(std::string(name), value);
}
}  // namespace

SecurityHeaders::SecurityHeaders(SecurityHeadersOptions options) : options_(std::move(options)) {
  if (options_.hsts_max_age_s > 0) hsts_ = "max-age=" + std::to_string(options_.hsts_max_age_s);
}

void SecurityHeaders::apply(const Request&, Response& response) const {
  auto& h = response.headers;
  const bool html = response.content_type.starts_with("text/html");
  setIfMissing(h, "Content-Security-Policy", html ? options_.page_csp : options_.api_csp);
  setIfMissing(h, "X-Content-Type-Options", "nosniff");
  setIfMissing(h, "Referrer-Policy", options_.referrer_policy);
  // For browsers that predate CSP frame-ancestors.
  setIfMissing(h, "X-Frame-Options", "DENY");
  setIfMissing(h, "Cross-Origin-Opener-Policy", "same-origin");
  setIfMissing(h, "Strict-Transport-Security", hsts_);
}

}  // namespace cs::http
