#include "http/json_error.hpp"

#include <nlohmann/json.hpp>

namespace cs::http {

Response jsonError(ErrorCode code, std::string_view message) {
  Response r;
  r.status = httpStatus(code);
  r.body = nlohmann::json{{"error", errorName(code)}, {"message", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.set("Cache-Control", "no-store");
  r.error_code = errorName(code);
  r.error_message = message;
  return r;
}

}  // namespace cs::http
