#include "http/pipeline.hpp"

#include <chrono>
#include <cmath>
#include <exception>

#include "core/ascii.hpp"
#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "http/json_error.hpp"
#include "obs/logger.hpp"

namespace cs::http {

namespace {
// Accept a caller's request id only if it is short and plain, so it is safe to log and echo.
bool acceptableRequestId(std::string_view id) {
  return isPlainToken(id);
}

// One access-log line per request. Its extra_fields are written by hand, without a JSON tree,
// in the order a nlohmann::json object prints them (sorted keys), with the fields the
// original's CloudWatch Logs Insights queries read (docs/observability.md).
void logAccess(const Request& request, const Response& response, double ms) {
  const double rounded = std::round(ms * 1000.0) / 1000.0;
  const auto& o = response.observation;
  std::string extra;
  extra.reserve(192 + request.path.size() + response.error_message.size());
  extra.push_back('{');
  if (o) {
    extra += "\"cache_hit\":";
    appendJsonBool(extra, o->cache_hit);
    extra.push_back(',');
  }
  const bool failed = response.status >= 400 || !response.error_code.empty();
  if (failed) {
    extra += "\"error_message\":";
    appendJsonString(extra, response.error_message);
    extra += ",\"error_type\":";
    appendJsonString(extra, response.error_code.empty()
                                ? errorName(errorCodeForStatus(response.status))
                                : std::string_view(response.error_code));
    extra.push_back(',');
  }
  extra += "\"execution_ms\":";
  appendJsonNumber(extra, rounded);
  extra += ",\"execution_time\":";
  appendJsonNumber(extra, rounded);
  extra += ",\"method\":";
  appendJsonString(extra, request.method);
  if (o || failed) {  // errors by model: "" = no model involved
    extra += ",\"model\":";
    appendJsonString(extra, o ? std::string_view(o->model) : std::string_view());
  }
  extra += ",\"path\":";
  appendJsonString(extra, request.path);
  extra += ",\"request_id\":";
  appendJsonString(extra, request.request_id);
  if (o) {
    extra += ",\"source\":";
    appendJsonString(extra, o->source);
  }
  extra += ",\"status\":";
  appendJsonNumber(extra, std::int64_t{response.status});
  extra.push_back('}');
  obs::log().logFields(obs::Level::kInfo, "Request", extra);
}

// Both entries contain a handler's exception here: logged, and the client gets a JSON 500.
template <typename Fn>
auto containHandlerErrors(const Request& request, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    obs::log().error("Unhandled error in handler", {{"path", request.path},
                                                    {"request_id", request.request_id},
                                                    {"error_type", "internal"},
                                                    {"error_message", e.what()}});
  } catch (...) {
    obs::log().error(
        "Unhandled error in handler",
        {{"path", request.path}, {"request_id", request.request_id}, {"error_type", "internal"}});
  }
  return jsonError(ErrorCode::kInternal, "the server failed to handle this request");
}
}  // namespace

Pipeline::Pipeline(const Router& router, std::size_t default_body_limit)
    : router_(router), default_body_limit_(default_body_limit) {}

void Pipeline::setBodyLimit(std::string method, std::string path, std::size_t limit) {
  body_limits_.emplace_back(std::move(method), std::move(path), limit);
}

std::size_t Pipeline::bodyLimit(std::string_view method, std::string_view path) const {
  for (const auto& [m, p, limit] : body_limits_)
    if (m == method && p == path) return limit;
  return default_body_limit_;
}

std::optional<Response> Pipeline::admit(Request& request) {
  if (request.admitted) return std::nullopt;
  request.received_at = std::chrono::steady_clock::now();
  if (auto incoming = request.headers.get("X-Request-Id");
      incoming && acceptableRequestId(*incoming))
    request.request_id = std::string(*incoming);
  else
    request.request_id = randomId();
  for (auto& fn : before_)
    if (auto early = fn(request)) return early;
  request.admitted = true;
  return std::nullopt;
}

void Pipeline::finish(const Request& request, Response& response) {
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                              request.received_at)
                        .count();
  response.headers.set("X-Request-Id", request.request_id);
  for (auto& fn : after_) fn(request, response, ms);
  if (access_log_ && obs::log().enabled(obs::Level::kInfo)) logAccess(request, response, ms);
}

Response Pipeline::handle(Request& request) {
  Response response = containHandlerErrors(request, [&] {
    if (auto early = admit(request)) return std::move(*early);
    return router_.dispatch(request);
  });
  if (response.deferred) return finishLater(request, std::move(response));
  finish(request, response);
  return response;
}

std::optional<Response> Pipeline::handleInline(Request& request) {
  auto response = containHandlerErrors(request, [&]() -> std::optional<Response> {
    if (auto early = admit(request)) return early;
    return router_.dispatchInline(request);
  });
  if (response && response->deferred) return finishLater(request, std::move(*response));
  if (response) finish(request, *response);
  return response;
}

Response Pipeline::finishLater(const Request& request, Response pending) {
  // A copy: the caller's Request may be gone by the time the answer comes. It keeps
  // received_at, so the access line times the whole wait.
  auto kept = std::make_shared<const Request>(request);
  Response later;
  later.deferred = [this, kept, inner = std::move(pending.deferred)](ResponseCallback done) {
    inner([this, kept, done = std::move(done)](Response response) {
      try {
        finish(*kept, response);
      } catch (const std::exception& e) {  // the answer still goes out
        obs::log().error(
            "After-hook failed",
            {{"path", kept->path}, {"error_type", "internal"}, {"error_message", e.what()}});
      }
      done(std::move(response));
    });
  };
  return later;
}

}  // namespace cs::http
