#include "api/passthrough_handler.hpp"

#include "api/json_response.hpp"
#include "core/json_scan.hpp"

namespace cs::api {
namespace {

// Compares in time that depends on the lengths only, so a caller cannot find the token a
// byte at a time by timing the answers.
bool sameSecret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

PassthroughHandler::PassthroughHandler(PassthroughService& service, std::string token)
    : service_(service), token_(std::move(token)) {}

bool PassthroughHandler::authorized(const http::Request& request) const {
  constexpr std::string_view kScheme = "Bearer ";
  const auto header = request.headers.get("Authorization").value_or("");
  if (header.size() <= kScheme.size() || !http::iequals(header.substr(0, kScheme.size()), kScheme))
    return false;
  return sameSecret(header.substr(kScheme.size()), token_);
}

http::Response PassthroughHandler::operator()(const http::Request& request) const {
  if (!authorized(request)) {
    auto response = http::jsonError(ErrorCode::kUnauthorized,
                                    "Authorization: expected \"Bearer <token>\" with this server's "
                                    "passthrough token");
    response.headers.set("WWW-Authenticate", "Bearer");
    return response;
  }
  const auto type = request.headers.get("Content-Type");
  if (!type || !isJsonContentType(*type))
    return http::jsonError(ErrorCode::kUnsupportedMediaType,
                           "Content-Type: expected application/json");
  // A client body is untrusted JSON: read through jsonf only (tests/check_untrusted_json.sh).
  // Scanned, not parsed: the body goes upstream as sent, so only its top level is looked at.
  auto body = jsonf::scan(request.body);
  if (!body)
    return http::jsonError(ErrorCode::kInvalidJson, "body: not valid JSON (or nested too deeply)");
  if (body->kind != jsonf::Kind::kObject)
    return http::jsonError(ErrorCode::kInvalidJson, "body: expected a JSON object");
  // We replace one `model` and bill that model; a provider could read another copy of it (or
  // of `stream`), so a key given twice is refused rather than guessed at.
  for (std::string_view key : {"model", "stream"})
    if (body->find(key).duplicated)
      return http::jsonError(ErrorCode::kBadRequest, std::string(key) +
                                                         ": given more than once in the body; "
                                                         "send it once");
  const auto* model_member = body->find("model").member;
  std::string model;
  if (model_member && model_member->kind == jsonf::Kind::kString)
    model = jsonf::decodeString(body->raw(model_member->value));
  if (model.empty())
    return http::jsonError(ErrorCode::kBadRequest,
                           "model: expected a string naming a catalog model");
  if (const auto* stream = body->find("stream").member;
      stream && stream->kind != jsonf::Kind::kNull) {
    if (stream->kind != jsonf::Kind::kBool)
      return http::jsonError(ErrorCode::kBadRequest, "stream: expected true or false");
    if (body->raw(stream->value) == "true")
      return http::jsonError(ErrorCode::kBadRequest,
                             "stream: streamed answers are not offered here; send stream: false");
  }
  if (const auto* messages = body->find("messages").member;
      !messages || messages->kind != jsonf::Kind::kArray)
    return http::jsonError(ErrorCode::kBadRequest, "messages: expected an array");

  // Deferred: the key may come from SSM and the provider takes its time; no thread waits.
  http::Response pending;
  pending.deferred = [this, model = std::move(model), body = request.body,
                      model_value = model_member->value](http::ResponseCallback done) mutable {
    service_.forward(model, std::move(body), model_value,
                     [done = std::move(done), model](Result<llm::ForwardResult> result) {
                       if (!result) return done(http::jsonError(result.error()));
                       http::Response response;
                       response.content_type = "application/json";
                       response.headers.set("Cache-Control", "no-store");
                       response.body = std::move(result->body);
                       response.observation = http::Observation{
                           "llm", model, result->llm_ms, result->usage.total(), result->cost_usd,
                           false};
                       done(std::move(response));
                     });
  };
  return pending;
}

}  // namespace cs::api
