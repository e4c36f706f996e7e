#pragma once
#include <toml++/toml.h>

#include "app/config.hpp"

namespace cs::app {

// The [rate_limit], [cors] and [security_headers] sections (the API's own protections).
void readRateLimit(const toml::table* table, Config& c);
void readCors(const toml::table* table, Config& c);
void readSecurityHeaders(const toml::table* table, Config& c);

}  // namespace cs::app
