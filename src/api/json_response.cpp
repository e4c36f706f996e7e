#include "api/json_response.hpp"

namespace cs::api {

namespace {
template <typename Json>
http::Response render(int status, const Json& body) {
  http::Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  r.headers.set("Cache-Control", "no-store");
  return r;
}
}  // namespace

http::Response jsonTextResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

http::Response jsonResponse(int status, const nlohmann::json& body) {
  return render(status, body);
}
http::Response jsonResponse(int status, const nlohmann::ordered_json& body) {
  return render(status, body);
}

bool isJsonContentType(std::string_view ct) {
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  while (!ct.empty() && ct.front() == ' ') ct.remove_prefix(1);
  return http::iequals(ct, "application/json");
}

}  // namespace cs::api
