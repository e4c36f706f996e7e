#pragma once
#include <expected>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "store/dynamo/attribute_value.hpp"

namespace cs::dynamo {

// What went wrong with one DynamoDB call, classified by what the caller should do about it.
enum class ErrorKind {
  kThrottled,        // ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded: retry
  kServer,           // 5xx, InternalServerError, ServiceUnavailable: retry
  kTransport,        // no HTTP answer (refused, timeout): retry
  kConditionFailed,  // ConditionalCheckFailedException: an expected outcome, not a failure
  kTableNotFound,    // ResourceNotFoundException: the table is missing (run `store init`)
  kTableInUse,       // ResourceInUseException: CreateTable raced another creator
  kValidation,       // ValidationException, SerializationException: our request is wrong (a bug)
  kAuth,             // bad or missing credentials, access denied
  kMalformed,        // the answer is not the JSON DynamoDB sends (HTML page, truncated body)
  kOther,            // any other __type
};
const char* errorKindName(ErrorKind kind);

struct DynamoError {
  ErrorKind kind = ErrorKind::kOther;
  std::string type;     // the __type after '#', e.g. "ValidationException"; empty if none
  std::string message;  // DynamoDB's message (or ours), trimmed to a sane length
  long status = 0;      // HTTP status; 0 when no response arrived

  bool retryable() const;
  // No answer, or a 5xx: the write may or may not have been applied.
  bool ambiguous() const { return kind == ErrorKind::kTransport || kind == ErrorKind::kServer; }
  // The Store-level error: "store_unavailable" (transient, operational) or "store_error" (bug).
  Error toStoreError(std::string_view operation) const;
};

// Turns an HTTP answer into the response JSON or a classified error. `status` 0 means the
// transport produced no response (`transport_message` says why).
std::expected<Json, DynamoError> interpretResponse(long status, std::string_view body,
                                                   std::string_view transport_message = {},
                                                   bool timed_out = false);

// A failed call as the Store-level error of `operation`.
template <typename T>
std::unexpected<Error> storeError(const std::expected<T, DynamoError>& r,
                                  std::string_view operation) {
  return std::unexpected(r.error().toStoreError(operation));
}

// "com.amazonaws.dynamodb.v20120810#ThrottlingException" -> kThrottled, etc.
ErrorKind classifyType(std::string_view short_type, long status);

}  // namespace cs::dynamo
