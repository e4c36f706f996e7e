#pragma once
// Shared by the request-path fuzz targets: one App per process over an in-memory store, with
// logging on (hostile text must survive formatting) but written nowhere.
#include <memory>

#include "app/app.hpp"
#include "obs/logger.hpp"

namespace cs::fuzz {

inline app::App& fuzzApp() {
  static obs::Logger logger(obs::Level::kDebug, [](std::string_view) {});
  static const bool installed = (obs::setGlobalLogger(&logger), true);
  (void)installed;
  static std::unique_ptr<app::App> app = [] {
    app::Config c;
    c.store.url = "sqlite::memory:";
    c.log.access_log = true;
    // Limits on, but loose enough that the fuzzer keeps reaching the handlers.
    c.rate_limit.fallback = {"*", 1e6, 1e6};
    c.rate_limit.routes = {{"/api/compare", 1e6, 1e6}};
    c.rate_limit.trusted_proxies = {*http::IpRange::parse("127.0.0.0/8")};
    c.cors.allowed_origins = {"https://sayings.example.com"};
    return std::make_unique<app::App>(c);
  }();
  return *app;
}

}  // namespace cs::fuzz
