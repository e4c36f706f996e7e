#include "store/dynamo/dynamo_error.hpp"

#include "core/json_field.hpp"

namespace cs::dynamo {

namespace {
constexpr std::size_t kMaxMessage = 300;

std::string clip(std::string_view text) {
  std::string out(text.substr(0, kMaxMessage));
  for (auto& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}
}  // namespace

const char* errorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kThrottled:
      return "throttled";
    case ErrorKind::kServer:
      return "server";
    case ErrorKind::kTransport:
      return "transport";
    case ErrorKind::kConditionFailed:
      return "condition_failed";
    case ErrorKind::kTableNotFound:
      return "table_not_found";
    case ErrorKind::kTableInUse:
      return "table_in_use";
    case ErrorKind::kValidation:
      return "validation";
    case ErrorKind::kAuth:
      return "auth";
    case ErrorKind::kMalformed:
      return "malformed";
    case ErrorKind::kOther:
      return "other";
  }
  return "other";
}

bool DynamoError::retryable() const {
  return kind == ErrorKind::kThrottled || kind == ErrorKind::kServer ||
         kind == ErrorKind::kTransport;
}

Error DynamoError::toStoreError(std::string_view operation) const {
  std::string text = "DynamoDB " + std::string(operation) + ": ";
  text += type.empty() ? std::string(errorKindName(kind)) : type;
  if (!message.empty()) text += ": " + message;
  if (kind == ErrorKind::kTableNotFound)
    text += " (create the tables with `cloud-sayings store init`)";
  const bool bug =
      kind == ErrorKind::kValidation || kind == ErrorKind::kMalformed || kind == ErrorKind::kOther;
  return Error{bug ? ErrorCode::kStoreError : ErrorCode::kStoreUnavailable, std::move(text)};
}

ErrorKind classifyType(std::string_view t, long status) {
  if (t == "ProvisionedThroughputExceededException" || t == "ThrottlingException" ||
      t == "RequestLimitExceeded" || t == "LimitExceededException")
    return ErrorKind::kThrottled;
  if (t == "ConditionalCheckFailedException") return ErrorKind::kConditionFailed;
  if (t == "ResourceNotFoundException") return ErrorKind::kTableNotFound;
  if (t == "ResourceInUseException") return ErrorKind::kTableInUse;
  if (t == "ValidationException" || t == "SerializationException") return ErrorKind::kValidation;
  if (t == "UnrecognizedClientException" || t == "InvalidSignatureException" ||
      t == "MissingAuthenticationTokenException" || t == "AccessDeniedException" ||
      t == "ExpiredTokenException" || t == "IncompleteSignatureException" ||
      t == "InvalidClientTokenId")
    return ErrorKind::kAuth;
  if (t == "InternalServerError" || t == "InternalFailure" || t == "ServiceUnavailable" ||
      t == "ServiceUnavailableException")
    return ErrorKind::kServer;
  if (status >= 500) return ErrorKind::kServer;
  return ErrorKind::kOther;
}

std::expected<Json, DynamoError> interpretResponse(long status, std::string_view body,
                                                   std::string_view transport_message,
                                                   bool timed_out) {
  if (status == 0) {
    return std::unexpected(
        DynamoError{ErrorKind::kTransport, timed_out ? "Timeout" : "",
                    clip(transport_message.empty() ? "no response" : transport_message), 0});
  }
  // DynamoDB's answer is untrusted: parsed with a depth limit (fromAttributeValue recurses),
  // read through jsonf or type-checked find() only (tests/check_untrusted_json.sh).
  auto parsed = jsonf::parse(body);
  Json json = parsed ? std::move(*parsed) : Json(Json::value_t::discarded);
  if (status >= 200 && status < 300) {
    if (json.is_discarded() || !json.is_object())
      return std::unexpected(DynamoError{
          ErrorKind::kMalformed, "",
          "response is not a JSON object (" + std::to_string(body.size()) + " bytes)", status});
    return json;
  }
  // An error. DynamoDB sends {"__type": "...#Name", "message": "..."} ("Message" from some
  // services); proxies and load balancers send HTML pages or nothing.
  if (json.is_discarded() || !json.is_object()) {
    const ErrorKind kind = status >= 500 || status == 429
                               ? (status == 429 ? ErrorKind::kThrottled : ErrorKind::kServer)
                               : ErrorKind::kMalformed;
    return std::unexpected(
        DynamoError{kind, "", "HTTP " + std::to_string(status) + " with a non-JSON body", status});
  }
  std::string type = jsonf::string(json, "/__type").value_or("");
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  std::string message;
  for (const char* pointer : {"/message", "/Message"})
    if (auto m = jsonf::string(json, pointer)) message = std::move(*m);
  ErrorKind kind = classifyType(type, status);
  if (kind == ErrorKind::kOther && status == 429) kind = ErrorKind::kThrottled;
  return std::unexpected(DynamoError{kind, clip(type), clip(message), status});
}

}  // namespace cs::dynamo
