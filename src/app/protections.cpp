#include "app/protections.hpp"

namespace cs::app {

ProtectionsPtr installProtections(http::Pipeline& pipeline, const Config& config,
                                  const Clock& clock) {
  auto p = std::make_unique<Protections>();
  p->cors = std::make_unique<http::Cors>(config.cors);
  p->rate_limiter = std::make_unique<http::RateLimiter>(config.rate_limit, clock);
  p->guard = std::make_unique<http::RequestGuard>();
  p->security_headers = std::make_unique<http::SecurityHeaders>(config.security_headers);

  const http::Cors& cors = *p->cors;
  http::RateLimiter& limiter = *p->rate_limiter;
  const http::RequestGuard& guard = *p->guard;
  const http::SecurityHeaders& headers = *p->security_headers;
  pipeline.addBefore([&cors](http::Request& r) { return cors.preflight(r); });
  pipeline.addBefore([&limiter](http::Request& r) { return limiter.check(r); });
  pipeline.addBefore([&guard](http::Request& r) { return guard.check(r); });
  pipeline.addAfter(
      [&cors](const http::Request& r, http::Response& res, double) { cors.decorate(r, res); });
  pipeline.addAfter(
      [&headers](const http::Request& r, http::Response& res, double) { headers.apply(r, res); });
  return p;
}

}  // namespace cs::app
