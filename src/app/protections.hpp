#pragma once
#include <memory>

#include "app/config.hpp"
#include "core/clock.hpp"
#include "http/cors.hpp"
#include "http/pipeline.hpp"
#include "http/rate_limiter.hpp"
#include "http/request_guard.hpp"
#include "http/security_headers.hpp"

namespace cs::app {

// The API's self-protection, owned in one place and hooked into the Pipeline in one order:
// before routing CORS preflight, then the rate limit (so even malformed floods are counted),
// then request validation; after every response CORS and the security headers.
struct Protections {
  std::unique_ptr<http::Cors> cors;
  std::unique_ptr<http::RateLimiter> rate_limiter;
  std::unique_ptr<http::RequestGuard> guard;
  std::unique_ptr<http::SecurityHeaders> security_headers;
};
using ProtectionsPtr = std::unique_ptr<Protections>;

ProtectionsPtr installProtections(http::Pipeline& pipeline, const Config& config,
                                  const Clock& clock);

}  // namespace cs::app
