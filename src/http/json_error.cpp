#include "http/json_error.hpp"

#include <nlohmann/json.hpp>

namespace cs::http {

std::string_view errorCodeFor(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 429: return "rate_limited";
    case 431: return "headers_too_large";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal_error" : "bad_request";
  }
}

Response jsonError(int status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.body = nlohmann::json{{"error", code}, {"message", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.set("Cache-Control", "no-store");
  r.error_code = code;
  r.error_message = message;
  return r;
}

}  // namespace cs::http
