#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/security_headers.hpp"

namespace cs::http {
namespace {

TEST(SecurityHeaders, EveryResponseGetsThemPagesGetThePageCsp) {
  SecurityHeaders headers({});
  Response api;
  headers.apply(Request::make("GET", "/api/sayings"), api);
  EXPECT_EQ(*api.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(*api.headers.get("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(*api.headers.get("X-Frame-Options"), "DENY");
  EXPECT_EQ(*api.headers.get("Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");
  EXPECT_FALSE(api.headers.get("Strict-Transport-Security"));

  Response page;
  page.content_type = "text/html; charset=utf-8";
  headers.apply(Request::make("GET", "/"), page);
  const auto csp = *page.headers.get("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string_view::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string_view::npos);
}

TEST(SecurityHeaders, AHandlersOwnHeaderWinsAndHstsIsOptIn) {
  SecurityHeadersOptions o;
  o.hsts_max_age_s = 31'536'000;
  SecurityHeaders headers(o);
  Response page;
  page.content_type = "text/html";
  page.headers.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
  headers.apply(Request::make("GET", "/compare"), page);
  EXPECT_EQ(*page.headers.get("Content-Security-Policy"),
            "default-src 'self'; frame-ancestors 'none'");
  EXPECT_EQ(*page.headers.get("Strict-Transport-Security"), "max-age=31536000");
  std::size_t csp_count = 0;
  for (const auto& [k, v] : page.headers.all()) csp_count += iequals(k, "Content-Security-Policy");
  EXPECT_EQ(csp_count, 1u);
}

}  // namespace
}  // namespace cs::http
