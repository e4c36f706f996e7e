#include "app/config_http.hpp"

#include "app/toml_reader.hpp"
#include "http/cors.hpp"

namespace cs::app {

namespace {
http::RateLimitRule readRule(const toml::table* table, const std::string& name,
                             http::RateLimitRule rule) {
  TomlSection s(table, name);
  s.read("requests_per_second", rule.requests_per_second, 0.001, 1e6);
  s.read("burst", rule.burst, 1.0, 1e6);
  s.finish();
  return rule;
}
}  // namespace

void readRateLimit(const toml::table* table, Config& c) {
  auto& o = c.rate_limit;
  TomlSection s(table, "rate_limit");
  s.read("enabled", o.enabled);
  s.read("requests_per_second", o.fallback.requests_per_second, 0.001, 1e6);
  s.read("burst", o.fallback.burst, 1.0, 1e6);
  s.readStrings("exempt_paths", o.exempt_paths);
  std::vector<std::string> proxies;
  s.readStrings("trusted_proxies", proxies);
  for (const auto& p : proxies) {
    auto range = http::IpRange::parse(p);
    if (!range)
      throw ConfigError("rate_limit.trusted_proxies: \"" + p +
                        "\" is not an address or CIDR range");
    o.trusted_proxies.push_back(*range);
  }
  s.readInt("max_tracked_clients", o.max_tracked, 16, 100'000'000);
  if (const auto* routes = s.subtable("routes")) {
    // A [rate_limit.routes] table replaces the built-in list, so what you read is what runs.
    o.routes.clear();
    for (const auto& [path, node] : *routes) {
      const std::string name = "rate_limit.routes." + std::string(path.str());
      if (!node.is_table())
        throw ConfigError(name + ": expected { requests_per_second = N, burst = N }");
      if (!path.str().starts_with("/"))
        throw ConfigError(name + ": a route is a path starting with /");
      o.routes.push_back(readRule(node.as_table(), name, {std::string(path.str()), 1.0, 1.0}));
    }
  }
  s.finish();
}

void readCors(const toml::table* table, Config& c) {
  TomlSection s(table, "cors");
  s.readStrings("allowed_origins", c.cors.allowed_origins);
  for (const auto& o : c.cors.allowed_origins)
    if (!http::Cors::validOrigin(o))
      throw ConfigError("cors.allowed_origins: \"" + o +
                        "\" is not an origin (scheme://host[:port], lower case, no path) or \"*\"");
  s.readInt("max_age_s", c.cors.max_age_s, 0, 86'400);
  s.finish();
}

void readSecurityHeaders(const toml::table* table, Config& c) {
  TomlSection s(table, "security_headers");
  s.read("page_csp", c.security_headers.page_csp);
  s.read("api_csp", c.security_headers.api_csp);
  s.read("referrer_policy", c.security_headers.referrer_policy);
  s.readInt("hsts_max_age_s", c.security_headers.hsts_max_age_s, 0, 63'072'000);
  s.finish();
}

}  // namespace cs::app
