#include "api/arena_handler.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/client_key.hpp"
#include "api/json_response.hpp"
#include "core/ascii.hpp"
#include "core/json_field.hpp"
#include "core/money.hpp"
#include "core/time_format.hpp"
#include "obs/logger.hpp"

namespace cs::api {

namespace {
using Json = nlohmann::ordered_json;

double round1(double v) {
  return std::isfinite(v) ? std::round(v * 10.0) / 10.0 : 0.0;
}

// The body as a JSON object (an empty body counts as {}), or the error response.
Result<nlohmann::json> objectBody(const http::Request& request) {
  if (request.body.size() > kArenaBodyLimit)
    return fail(ErrorCode::kPayloadTooLarge,
                "body: at most " + std::to_string(kArenaBodyLimit) + " bytes");
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return nlohmann::json::object();
  const auto ct = request.headers.get("Content-Type");
  if (!ct || !isJsonContentType(*ct))
    return fail(ErrorCode::kUnsupportedMediaType, "Content-Type: expected application/json");
  // A client body is untrusted JSON: read through jsonf only (tests/check_untrusted_json.sh).
  auto body = jsonf::parse(request.body);
  if (!body) return fail(ErrorCode::kInvalidJson, "body: not valid JSON (or nested too deeply)");
  if (!body->is_object()) return fail(ErrorCode::kInvalidJson, "body: expected a JSON object");
  return std::move(*body);
}

http::Response storeFailure(const Error& e, const http::Request& request, const char* what) {
  obs::log().error(
      what,
      {{"error_type", e.name()}, {"error_message", e.message}, {"request_id", request.request_id}});
  if (e.code == ErrorCode::kStoreUnavailable)
    return http::jsonError(ErrorCode::kStoreUnavailable, "the arena store is busy; please retry");
  return http::jsonError(ErrorCode::kInternal, "the arena could not be reached");
}

Json card(const ArenaSide& s) {
  Json j;
  j["text"] = s.text;
  j["services"] = s.services;
  return j;
}

Json reveal(const ArenaSide& s) {
  Json j;
  j["model"] = s.model;
  j["provider"] = s.provider;
  j["latency_ms"] = s.latency_ms ? Json(round1(*s.latency_ms)) : Json(nullptr);
  j["cost_usd"] = roundUsd(s.cost_usd);
  return j;
}

bool validBattleId(std::string_view id) {
  return isPlainToken(id);
}
}  // namespace

http::Response postBattle(ArenaService& service, obs::Metrics& metrics,
                          const http::Request& request) {
  auto body = objectBody(request);
  if (!body) return http::jsonError(body.error());
  std::optional<std::string> topic;
  if (const nlohmann::json* t = jsonf::find(*body, "/topic"); t && !t->is_null()) {
    auto text = jsonf::string(*t);
    if (!text) return http::jsonError(ErrorCode::kInvalidTopic, "topic: expected a string");
    topic = std::move(*text);
  }
  auto checked = service.validateTopic(topic);
  if (!checked) return http::jsonError(checked.error());
  auto battle = service.createBattle(*checked);
  if (!battle) {
    if (battle.error().code == ErrorCode::kNoModels) return http::jsonError(battle.error());
    return storeFailure(battle.error(), request, "Arena battle not stored");
  }
  metrics.counter("cloudsayings_arena_battles_total", "Arena battles created.").inc();
  // Nothing here names or hints at a model: no model, provider, latency, tokens or cost, and no
  // saying id (GET /api/sayings?id= would tell the model).
  Json j;
  j["battle_id"] = battle->id;
  j["a"] = card(battle->a);
  j["b"] = card(battle->b);
  return jsonResponse(201, j);
}

http::Response postVote(ArenaService& service, obs::Metrics& metrics,
                        const http::Request& request) {
  std::string_view rest = std::string_view(request.path).substr(kBattlePrefix.size());
  constexpr std::string_view kVote = "/vote";
  if (!rest.ends_with(kVote))
    return http::jsonError(ErrorCode::kNotFound, "no such path: " + request.path);
  const std::string_view id = rest.substr(0, rest.size() - kVote.size());
  if (!validBattleId(id))
    return http::jsonError(ErrorCode::kNotFound, "no open battle with that id");
  auto body = objectBody(request);
  if (!body) return http::jsonError(body.error());
  const nlohmann::json* w = jsonf::find(*body, "/winner");
  if (!w || w->is_null()) return http::jsonError(ErrorCode::kBadRequest, "winner: required");
  const auto name = jsonf::stringView(*w);
  const auto winner = name ? arenaWinnerFromName(*name) : std::nullopt;
  if (!winner)
    return http::jsonError(ErrorCode::kBadRequest,
                           "winner: expected \"a\", \"b\", \"tie\" or \"both_bad\"");
  auto result = service.vote(std::string(id), clientKey(request), *winner);
  if (!result) {
    if (result.error().code == ErrorCode::kNotFound)
      return http::jsonError(ErrorCode::kNotFound, "no open battle with id " + std::string(id));
    return storeFailure(result.error(), request, "Arena vote not stored");
  }
  const bool counted = result->outcome.counted;
  metrics
      .counter("cloudsayings_arena_votes_total", "Arena votes received, by whether they counted.",
               {{"counted", counted ? "true" : "false"}})
      .inc();
  obs::log().info("Arena vote recorded", {{"battle_id", std::string(id)},
                                          {"winner", arenaWinnerName(result->outcome.winner)},
                                          {"counted", counted},
                                          {"request_id", request.request_id}});
  Json j;
  j["counted"] = counted;
  j["a"] = reveal(result->battle.a);
  j["b"] = reveal(result->battle.b);
  return jsonResponse(200, j);
}

http::Response getLeaderboard(ArenaService& service, const http::Request& request) {
  auto board = service.leaderboard();
  if (!board) return storeFailure(board.error(), request, "Leaderboard not computed");
  const auto& b = **board;
  Json models = Json::array();
  Json styled = Json::array();
  for (const auto& m : b.models) {
    Json row;
    row["model"] = m.model;
    row["provider"] = m.provider;
    row["rating"] = round1(m.rating);
    row["ci_low"] = round1(m.ci_low);
    row["ci_high"] = round1(m.ci_high);
    row["rank"] = m.rank;
    row["battles"] = m.battles;
    row["wins"] = m.wins;
    row["losses"] = m.losses;
    row["ties"] = m.ties;
    row["both_bad"] = m.both_bad;
    row["avg_latency_ms"] = m.avg_latency_ms ? Json(round1(*m.avg_latency_ms)) : Json(nullptr);
    row["cost_per_saying_usd"] = roundUsd(m.cost_per_saying_usd);
    models.push_back(std::move(row));
  }
  std::vector<const arena::LeaderboardRow*> by_place;
  by_place.reserve(b.models.size());
  for (const auto& m : b.models) by_place.push_back(&m);
  // std::sort with a full order (not stable_sort: its temporary buffer is deprecated in C++23).
  std::sort(by_place.begin(), by_place.end(), [](const auto* x, const auto* y) {
    if (x->length_controlled_place != y->length_controlled_place)
      return x->length_controlled_place < y->length_controlled_place;
    return x->model < y->model;
  });
  for (const auto* m : by_place) {
    Json s;
    s["model"] = m->model;
    s["provider"] = m->provider;
    s["rating"] = round1(m->length_controlled_rating);
    s["place"] = m->length_controlled_place;
    styled.push_back(std::move(s));
  }
  Json j;
  j["computed_at"] = formatIsoUtcMs(b.computed_at_ms);
  j["votes"] = b.votes;
  j["dropped"] = b.dropped;
  j["models"] = std::move(models);
  j["position_bias"] = Json{{"decisive_votes", b.position_bias.decisive},
                            {"a_wins", b.position_bias.a_wins},
                            {"a_win_share", b.position_bias.a_share}};
  j["length_controlled"] =
      Json{{"length_coefficient", round1(b.length_coefficient)}, {"models", std::move(styled)}};
  j["method"] = Json{{"ties", "half_win_each_way"},
                     {"both_bad", "excluded"},
                     {"interval", "bootstrap_95"},
                     {"resamples", b.resamples}};
  return jsonResponse(200, j);
}

}  // namespace cs::api
