#include <gtest/gtest.h>

#include "support/config_expect.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "app/protections.hpp"
#include "fakes/fake_clock.hpp"
#include "http/router.hpp"

namespace cs::app {
namespace {

using cs::testing::FakeClock;

TEST(ConfigProtections, ReadsRateLimitCorsAndHeaders) {
  Config c = parseConfig(R"(
[rate_limit]
enabled = false
requests_per_second = 3
burst = 7
exempt_paths = ["/healthz", "/metrics"]
trusted_proxies = ["10.0.0.0/8", "::1"]
max_tracked_clients = 5000
[rate_limit.routes]
"/api/compare" = { requests_per_second = 0.1, burst = 2 }
[cors]
allowed_origins = ["https://sayings.example.com", "http://localhost:5173"]
max_age_s = 60
[security_headers]
referrer_policy = "same-origin"
hsts_max_age_s = 3600
)");
  EXPECT_FALSE(c.rate_limit.enabled);
  EXPECT_EQ(c.rate_limit.fallback.requests_per_second, 3.0);
  EXPECT_EQ(c.rate_limit.fallback.burst, 7.0);
  EXPECT_EQ(c.rate_limit.exempt_paths.size(), 2u);
  EXPECT_EQ(c.rate_limit.trusted_proxies.size(), 2u);
  EXPECT_EQ(c.rate_limit.max_tracked, 5000u);
  ASSERT_EQ(c.rate_limit.routes.size(), 1u);
  EXPECT_EQ(c.rate_limit.routes[0].path, "/api/compare");
  EXPECT_EQ(c.rate_limit.routes[0].requests_per_second, 0.1);
  EXPECT_EQ(c.cors.allowed_origins.size(), 2u);
  EXPECT_EQ(c.cors.max_age_s, 60);
  EXPECT_EQ(c.security_headers.referrer_policy, "same-origin");
  EXPECT_EQ(c.security_headers.hsts_max_age_s, 3600);
}

TEST(ConfigProtections, DefaultsProtect) {
  Config c = parseConfig("");
  EXPECT_TRUE(c.rate_limit.enabled);
  EXPECT_TRUE(c.cors.allowed_origins.empty());
  bool compare_is_dearer = false;
  for (const auto& r : c.rate_limit.routes)
    if (r.path == "/api/compare")
      for (const auto& s : c.rate_limit.routes)
        if (s.path == "/api/sayings")
          compare_is_dearer = r.requests_per_second < s.requests_per_second;
  EXPECT_TRUE(compare_is_dearer);
}

TEST(ConfigProtections, TheShippedFileStatesTheDefaults) {
  const Config file = loadConfigFile(std::string(CS_SOURCE_DIR) + "/config/cloud-sayings.toml");
  Config defaults = parseConfig("");
  auto byPath = [](const auto& a, const auto& b) { return a.path < b.path; };
  std::sort(defaults.rate_limit.routes.begin(), defaults.rate_limit.routes.end(), byPath);
  EXPECT_EQ(file.rate_limit.enabled, defaults.rate_limit.enabled);
  EXPECT_EQ(file.rate_limit.fallback.requests_per_second,
            defaults.rate_limit.fallback.requests_per_second);
  EXPECT_EQ(file.rate_limit.fallback.burst, defaults.rate_limit.fallback.burst);
  EXPECT_EQ(file.rate_limit.exempt_paths, defaults.rate_limit.exempt_paths);
  ASSERT_EQ(file.rate_limit.routes.size(), defaults.rate_limit.routes.size());
  for (std::size_t i = 0; i < file.rate_limit.routes.size(); ++i) {
    EXPECT_EQ(file.rate_limit.routes[i].path, defaults.rate_limit.routes[i].path);
    EXPECT_EQ(file.rate_limit.routes[i].requests_per_second,
              defaults.rate_limit.routes[i].requests_per_second);
    EXPECT_EQ(file.rate_limit.routes[i].burst, defaults.rate_limit.routes[i].burst);
  }
  EXPECT_EQ(file.cors.allowed_origins, defaults.cors.allowed_origins);
  EXPECT_EQ(file.security_headers.page_csp, defaults.security_headers.page_csp);
  EXPECT_EQ(file.security_headers.api_csp, defaults.security_headers.api_csp);
  EXPECT_EQ(file.security_headers.referrer_policy, defaults.security_headers.referrer_policy);
}

TEST(ConfigProtections, BadValuesNameTheSetting) {
  cs::testing::expectConfigError("[rate_limit]\ntrusted_proxies = [\"proxy.local\"]",
                                 "rate_limit.trusted_proxies");
  cs::testing::expectConfigError("[rate_limit]\ntrusted_proxies = \"10.0.0.1\"",
                                 "rate_limit.trusted_proxies");
  cs::testing::expectConfigError("[rate_limit]\nburst = 0", "rate_limit.burst");
  cs::testing::expectConfigError("[rate_limit.routes]\n\"/x\" = { rate = 1 }",
                                 "rate_limit.routes./x.rate");
  cs::testing::expectConfigError("[rate_limit.routes]\n\"x\" = { burst = 1 }",
                                 "rate_limit.routes.x");
  cs::testing::expectConfigError("[cors]\nallowed_origins = [\"https://a.example/\"]",
                                 "cors.allowed_origins");
  cs::testing::expectConfigError("[cors]\norigins = []", "cors.origins");
  cs::testing::expectConfigError("[security_headers]\ncsp = \"\"", "security_headers.csp");
}

class ProtectedPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/api/compare", [](const http::Request&) {
      http::Response r;
      r.body = "{}";
      return r;
    });
    router.add("GET", "/healthz", [](const http::Request&) { return http::Response{}; });
    config.rate_limit.routes = {{"/api/compare", 1.0, 1.0}};
    config.cors.allowed_origins = {"https://sayings.example.com"};
    pipeline = std::make_unique<http::Pipeline>(router);
    pipeline->setAccessLog(false);
    protections = installProtections(*pipeline, config, clock);
  }
  http::Response get(const std::string& target,
                     const std::string& origin = "https://sayings.example.com") {
    auto r = http::Request::make("GET", target);
    r.headers.set("Origin", origin);
    return pipeline->handle(r);
  }
  FakeClock clock;
  Config config;
  http::Router router;
  std::unique_ptr<http::Pipeline> pipeline;
  ProtectionsPtr protections;
};

TEST_F(ProtectedPipeline, RefusalsCarryCorsAndSecurityHeaders) {
  EXPECT_EQ(get("/api/compare").status, 200);
  auto refused = get("/api/compare");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(*refused.headers.get("Access-Control-Allow-Origin"), "https://sayings.example.com")
      << "a page must be able to read its own 429";
  EXPECT_EQ(*refused.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(refused.headers.get("Retry-After"));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ProtectedPipeline, PreflightIsAnsweredBeforeRoutingAndValidationRunsAfterTheLimit) {
  auto pre = http::Request::make("OPTIONS", "/api/compare");
  pre.headers.set("Origin", "https://sayings.example.com");
  pre.headers.set("Access-Control-Request-Method", "POST");
  auto res = pipeline->handle(pre);
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(*res.headers.get("Access-Control-Allow-Origin"), "https://sayings.example.com");

  auto bad = get("/api/compare?models=a&models=b");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("'models'"), std::string::npos);
  EXPECT_EQ(get("/api/compare").status, 429) << "the malformed request still spent a token";
}

}  // namespace
}  // namespace cs::app
