#pragma once
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace cs::http {

// {"error": CODE, "message": TEXT} with the code's status from core/error's table; the only
// error shape we send.
Response jsonError(ErrorCode code, std::string_view message);
inline Response jsonError(const Error& error) {
  return jsonError(error.code, error.message);
}

}  // namespace cs::http
