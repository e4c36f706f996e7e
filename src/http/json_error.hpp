#pragma once
#include <string_view>

#include "http/message.hpp"

namespace cs::http {

// {"error": CODE, "message": TEXT} with the given status; the only error shape we send.
Response jsonError(int status, std::string_view code, std::string_view message);
// The conventional code for a status: 400 bad_request, 404 not_found, 405 method_not_allowed...
std::string_view errorCodeFor(int status);

}  // namespace cs::http
