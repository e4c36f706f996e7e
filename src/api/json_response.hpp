#pragma once
#include <nlohmann/json.hpp>

#include "http/json_error.hpp"
#include "http/message.hpp"

namespace cs::api {

http::Response jsonResponse(int status, const nlohmann::json& body);
// A body already serialized as JSON (the hot path renders without a JSON tree).
http::Response jsonTextResponse(int status, std::string body);
http::Response jsonResponse(int status, const nlohmann::ordered_json& body);
// Whether a Content-Type names JSON ("application/json", any parameters, any case).
bool isJsonContentType(std::string_view content_type);

}  // namespace cs::api
