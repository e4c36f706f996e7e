#pragma once
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace cs {

// Every error code the service knows. One table (core/error.cpp) maps each to the HTTP status
// a client sees and the JSON `error` string: handlers never spell a code as a string, so a typo
// is a compile error instead of a silent 500.
enum class ErrorCode : std::uint8_t {
  // client errors
  kBadRequest,            // 400: a parameter or field is wrong (the message names it)
  kInvalidJson,           // 400: the body is not the JSON object the route takes
  kInvalidModels,         // 400: compare's `models` is not a list of ids
  kInvalidTopic,          // 400: compare's topic breaks the topic rules
  kUnknownModel,          // 400: no such model in the catalog
  kModelDisabled,         // 400: the model exists but cannot be called (no key)
  kUnauthorized,          // 401: a route that takes a token got none or a wrong one
  kCorsForbidden,         // 403
  kNotFound,              // 404
  kMethodNotAllowed,      // 405
  kRequestTimeout,        // 408
  kPayloadTooLarge,       // 413
  kUnsupportedMediaType,  // 415
  kRateLimited,           // 429
  kHeadersTooLarge,       // 431
  // server side
  kInternal,          // 500: a bug or a surprise, logged with its detail
  kStoreError,        // 500: the store answered something we cannot use
  kNoModels,          // 503: no model can be called
  kStoreUnavailable,  // 503: the store is down, locked, full or throttling: retry
  kUnavailable,       // 503: overloaded (connection cap, executor queue full)
  kShuttingDown,      // 503: the server is stopping
  kCircuitOpen,       // 503: the model's circuit breaker is open
  kBudgetExhausted,   // 503: the call budget is spent
  kUpstreamError,     // 503: the model's provider failed
  kModelTimeout,      // 503 "timeout": a ?model= generation did not finish within its deadline
  kEmptyStore,        // 503: nothing stored to serve
  kTimeout,           // 504: the work did not finish within its deadline (Lambda invocation)
  // start-up and configuration (never sent to clients as such)
  kBadCatalog,
  kBadCorpus,
  kBadPrompt,
  kNoSecret,
  kSecretFile,
  kSsm,
  kUnreadable,
  kRuntimeApi,  // the Lambda Runtime API answered something unusable
};

struct ErrorCodeInfo {
  std::string_view name;  // the JSON `error` string and the logs' error_type
  int http_status;
};

const ErrorCodeInfo& errorCodeInfo(ErrorCode code);
inline std::string_view errorName(ErrorCode code) {
  return errorCodeInfo(code).name;
}
inline int httpStatus(ErrorCode code) {
  return errorCodeInfo(code).http_status;
}
// The conventional code for a status the HTTP layer produces itself (400, 404, 413, ...).
ErrorCode errorCodeForStatus(int status);

// A request-path error: a typed code plus a human message.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string_view name() const { return errorName(code); }
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace cs
