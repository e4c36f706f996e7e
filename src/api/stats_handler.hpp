#pragma once
#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "service/stats_service.hpp"

namespace cs::api {

// The public JSON shape of /api/stats (docs/api.md).
nlohmann::ordered_json statsJson(const StatsResult& result);

// GET /api/stats?from=&to=&provider=&model=
http::Response getStats(StatsService& service, const http::Request& request);

}  // namespace cs::api
