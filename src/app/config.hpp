#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "http/cors.hpp"
#include "http/rate_limiter.hpp"
#include "http/security_headers.hpp"
#include "http/server.hpp"
#include "obs/logger.hpp"

namespace cs::app {

// A bad setting. what() is one line naming the setting; the program exits 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoreConfig {
  std::string url = "sqlite:var/cloud-sayings.db";  // sqlite:PATH | sqlite::memory: | dynamodb
  std::string corpus_file;  // empty = the corpus compiled into the binary
  bool seed_on_start = true;  // load the corpus into an empty store
  std::int64_t item_cache_ttl_ms = 300'000;
  std::int64_t id_list_ttl_ms = 60'000;
};

struct LogConfig {
  obs::Level level = obs::Level::kInfo;
  bool access_log = true;
};

struct FlowConfig {
  std::uint64_t cold_start_store_requests = 3;
};

struct WebConfig {
  bool enabled = true;     // serve the pages (/, /compare, /dashboard) and /assets/
  std::string assets_dir;  // empty = the pages compiled into the binary; else read at start
};

// Every setting of the program. Defaults are the original's values; a TOML file
// (config/cloud-sayings.toml documents every key) overrides them, flags override the file.
struct Config {
  http::ServerOptions server;
  std::size_t body_limit = 64 * 1024;
  StoreConfig store;
  LogConfig log;
  FlowConfig flow;
  std::string services_file;  // empty = the catalog compiled into the binary
  WebConfig web;
  http::RateLimitOptions rate_limit;
  http::CorsOptions cors;
  http::SecurityHeadersOptions security_headers;
};

// Parses TOML text; throws ConfigError naming the first bad or unknown setting.
Config parseConfig(const std::string& toml_text, const std::string& origin = "config");
Config loadConfigFile(const std::string& path);

}  // namespace cs::app
