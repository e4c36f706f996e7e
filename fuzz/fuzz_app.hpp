#pragma once
// Shared by the request-path fuzz targets: one App per process over an in-memory store, with
// logging on but written nowhere.
#include <memory>

#include "app/app.hpp"
#include "fuzz_support.hpp"

namespace cs::fuzz {

inline app::App& fuzzApp() {
  quietLogs();
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
