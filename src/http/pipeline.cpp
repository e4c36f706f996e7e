#include "http/pipeline.hpp"

#include <chrono>
#include <cmath>
#include <exception>

#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "http/json_error.hpp"
#include "obs/logger.hpp"

namespace cs::http {

namespace {
// Accept a caller's request id only if it is short and plain, so it is safe to log and echo.
bool acceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
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
    appendJsonString(extra, response.error_code.empty() ? errorName(errorCodeForStatus(response.status))
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

Response Pipeline::handle(Request& request) {
  const auto start = std::chrono::steady_clock::now();
  if (auto incoming = request.headers.get("X-Request-Id"); incoming && acceptableRequestId(*incoming))
    request.request_id = std::string(*incoming);
  else
    request.request_id = randomId();

  Response response;
  try {
    std::optional<Response> early;
    for (auto& fn : before_)
      if ((early = fn(request))) break;
    response = early ? std::move(*early) : router_.dispatch(request);
  } catch (const std::exception& e) {
    obs::log().error("Unhandled error in handler",
                     {{"path", request.path}, {"request_id", request.request_id}, {"error_type", "internal"},
                      {"error_message", e.what()}});
    response = jsonError(ErrorCode::kInternal, "the server failed to handle this request");
  } catch (...) {
    response = jsonError(ErrorCode::kInternal, "the server failed to handle this request");
  }
  if (response.deferred) return finishLater(request, std::move(response), start);
  finish(request, response, start);
  return response;
}

void Pipeline::finish(const Request& request, Response& response, Started start) {
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  response.headers.set("X-Request-Id", request.request_id);
  for (auto& fn : after_) fn(request, response, ms);
  if (access_log_ && obs::log().enabled(obs::Level::kInfo)) logAccess(request, response, ms);
}

Response Pipeline::finishLater(const Request& request, Response pending, Started start) {
  // A copy: the caller's Request may be gone by the time the answer comes.
  auto kept = std::make_shared<const Request>(request);
  Response later;
  later.deferred = [this, kept, start, inner = std::move(pending.deferred)](ResponseCallback done) {
    inner([this, kept, start, done = std::move(done)](Response response) {
      try {
        finish(*kept, response, start);
      } catch (const std::exception& e) {  // the answer still goes out
        obs::log().error("After-hook failed", {{"path", kept->path},
                                               {"error_type", "internal"},
                                               {"error_message", e.what()}});
      }
      done(std::move(response));
    });
  };
  return later;
}

}  // namespace cs::http
