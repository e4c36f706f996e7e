#pragma once
#include "http/message.hpp"
#include "obs/metrics.hpp"
#include "service/arena_service.hpp"

namespace cs::api {

// Largest arena request body (413 beyond): `{}`, a topic or a winner.
inline constexpr std::size_t kArenaBodyLimit = std::size_t{4} * 1024;
inline constexpr std::string_view kBattlesPath = "/api/arena/battles";
inline constexpr std::string_view kBattlePrefix = "/api/arena/battles/";  // + {id}/vote

// POST /api/arena/battles: 201 {"battle_id", "a": {"text", "services"}, "b": {...}}.
http::Response postBattle(ArenaService& service, obs::Metrics& metrics,
                          const http::Request& request);
// POST /api/arena/battles/{id}/vote: 200 {"counted", "a": reveal, "b": reveal}; 404 for an
// unknown or expired battle (or any other path under the prefix), 400 naming `winner`.
http::Response postVote(ArenaService& service, obs::Metrics& metrics, const http::Request& request);
// GET /api/leaderboard.
http::Response getLeaderboard(ArenaService& service, const http::Request& request);

}  // namespace cs::api
