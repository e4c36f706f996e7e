#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "core/error.hpp"
#include "service/stats_types.hpp"

namespace cs {

// Parses GET /api/stats query parameters against `now_ms`:
//   from, to   ISO-8601 ("2024-01-15T10:30:00Z", "2024-01-15") or relative to now: a whole
//              number and a unit s, m, h, d or w ("24h" = 24 hours ago); `to` also takes "now".
//   provider, model   exact names (letters, digits and . _ - : /, at most 64).
// Error code "bad_request" with a message that starts with the parameter's name. Other
// parameters are ignored (cache busters).
Result<StatsFilter> parseStatsFilter(const std::map<std::string, std::string>& query,
                                     std::int64_t now_ms);

// The cache key for a request: the raw filter values, so "24h" is cached as "24h" (and moves
// on with the cache TTL) rather than as a fresh absolute time each millisecond.
std::string statsCacheKey(const std::map<std::string, std::string>& query);

}  // namespace cs
