#include "api/feedback_handler.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "api/client_key.hpp"
#include "api/json_response.hpp"
#include "core/json_field.hpp"
#include "obs/logger.hpp"

namespace cs::api {

namespace {
constexpr double kMaxMs = 24.0 * 3600 * 1000;

// A client body is untrusted JSON: read through jsonf only (tests/check_untrusted_json.sh).
Result<std::optional<double>> optionalMs(const nlohmann::json& body, const char* name) {
  const std::string pointer = std::string("/") + name;
  const nlohmann::json* v = jsonf::find(body, pointer);
  if (!v || v->is_null()) return std::optional<double>();
  const auto ms = jsonf::number(body, pointer);
  if (!ms || *ms < 0 || *ms > kMaxMs)
    return fail(ErrorCode::kBadRequest,
                std::string(name) + ": expected a number of milliseconds from 0 to 86400000");
  return ms;
}

// A field that may be absent or null: true when present with a non-null value.
bool present(const nlohmann::json& body, std::string_view pointer) {
  const nlohmann::json* v = jsonf::find(body, pointer);
  return v && !v->is_null();
}

// The access log line carries error_type and error_message for these (one line per error,
// so the Logs Insights error count is not doubled).
http::Response reject(ErrorCode code, const std::string& message) {
  return http::jsonError(code, message);
}
}  // namespace

Result<VoteRequest> parseVoteRequest(const http::Request& request) {
  const auto body = jsonf::parse(request.body);
  if (!body) return fail(ErrorCode::kBadRequest, "body: not valid JSON (or nested too deeply)");
  if (!body->is_object()) return fail(ErrorCode::kBadRequest, "body: expected a JSON object");
  VoteRequest v;
  if (!present(*body, "/saying_id")) return fail(ErrorCode::kBadRequest, "saying_id: required");
  auto id = jsonf::string(*body, "/saying_id");
  if (!id) return fail(ErrorCode::kBadRequest, "saying_id: expected a string");
  v.saying_id = std::move(*id);
  if (v.saying_id.empty() || v.saying_id.size() > 128)
    return fail(ErrorCode::kBadRequest, "saying_id: expected 1 to 128 characters");
  if (!present(*body, "/vote")) return fail(ErrorCode::kBadRequest, "vote: required");
  const auto vote = jsonf::stringView(*body, "/vote");
  if (vote == "up")
    v.vote = Vote::kUp;
  else if (vote == "down")
    v.vote = Vote::kDown;
  else
    return fail(ErrorCode::kBadRequest, "vote: expected \"up\" or \"down\"");
  auto exec = optionalMs(*body, "execution_time");
  if (!exec) return std::unexpected(exec.error());
  v.execution_time = *exec;
  auto llm = optionalMs(*body, "original_llm_time");
  if (!llm) return std::unexpected(llm.error());
  v.original_llm_time = *llm;
  if (present(*body, "/is_cached")) {
    const auto cached = jsonf::boolean(*body, "/is_cached");
    if (!cached) return fail(ErrorCode::kBadRequest, "is_cached: expected true or false");
    v.is_cached = cached;
  }
  v.client_key = clientKey(request);
  return v;
}

http::Response postFeedback(FeedbackService& service, obs::Metrics& metrics,
                            const http::Request& request) {
  const auto ct = request.headers.get("Content-Type");
  if (!ct || !isJsonContentType(*ct))
    return reject(ErrorCode::kUnsupportedMediaType, "Content-Type: expected application/json");
  auto parsed = parseVoteRequest(request);
  if (!parsed) return reject(parsed.error().code, parsed.error().message);

  auto result = service.vote(*parsed);
  if (!result) {
    const auto& e = result.error();
    if (e.code == ErrorCode::kNotFound)
      return reject(ErrorCode::kNotFound, "saying_id: no saying with id " + parsed->saying_id);
    obs::log().error("Feedback not stored", {{"error_type", e.name()},
                                             {"error_message", e.message},
                                             {"request_id", request.request_id}});
    if (e.code == ErrorCode::kStoreUnavailable)
      return http::jsonError(ErrorCode::kStoreUnavailable,
                             "the vote could not be stored; please retry");
    return http::jsonError(ErrorCode::kInternal, "the vote could not be stored");
  }
  const bool counted = result->outcome.counted;
  const char* vote = voteName(parsed->vote);
  metrics
      .counter("cloudsayings_feedback_votes_total",
               "Votes received, by vote and whether they counted.",
               {{"vote", vote}, {"counted", counted ? "true" : "false"}})
      .inc();
  obs::log().info("Feedback recorded", {{"saying_id", parsed->saying_id},
                                        {"vote", vote},
                                        {"counted", counted},
                                        {"model", result->model},
                                        {"provider", result->provider},
                                        {"request_id", request.request_id}});
  nlohmann::ordered_json body;
  body["id"] = result->outcome.record_id;
  body["counted"] = counted;
  body["saying_id"] = parsed->saying_id;
  if (counted) body["vote"] = vote;  // a repeat keeps the first vote, which may differ
  body["model"] = result->model;
  body["provider"] = result->provider;
  if (!counted) body["message"] = "this client already voted on this saying; the first vote stands";
  return jsonResponse(counted ? 201 : 200, body);
}

}  // namespace cs::api
