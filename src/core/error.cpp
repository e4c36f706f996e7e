#include "core/error.hpp"

#include <array>

namespace cs {
namespace {

using C = ErrorCode;
constexpr std::size_t kCount = static_cast<std::size_t>(C::kRuntimeApi) + 1;

// The one table: code -> JSON `error` string and HTTP status. Order follows the enum.
constexpr std::array<ErrorCodeInfo, kCount> kTable = {{
    {"bad_request", 400},
    {"invalid_json", 400},
    {"invalid_models", 400},
    {"invalid_topic", 400},
    {"unknown_model", 400},
    {"model_disabled", 400},
    {"unauthorized", 401},
    {"cors_forbidden", 403},
    {"not_found", 404},
    {"method_not_allowed", 405},
    {"request_timeout", 408},
    {"payload_too_large", 413},
    {"unsupported_media_type", 415},
    {"rate_limited", 429},
    {"headers_too_large", 431},
    {"internal_error", 500},
    {"store_error", 500},
    {"no_models", 503},
    {"store_unavailable", 503},
    {"unavailable", 503},
    {"shutting_down", 503},
    {"circuit_open", 503},
    {"budget_exhausted", 503},
    {"upstream_error", 503},
    // The same JSON name as kTimeout, but a model that did not answer in time is "the service
    // is unavailable for now" (503, as SPEC part 1 lists), not a gateway's 504.
    {"timeout", 503},
    {"empty_store", 503},
    {"timeout", 504},
    {"bad_catalog", 500},
    {"bad_corpus", 500},
    {"bad_prompt", 500},
    {"no_secret", 500},
    {"secret_file", 500},
    {"ssm", 500},
    {"unreadable", 500},
    {"runtime_api_error", 502},
}};
static_assert(kTable[static_cast<std::size_t>(C::kHeadersTooLarge)].http_status == 431);
static_assert(kTable[static_cast<std::size_t>(C::kShuttingDown)].name == "shutting_down");
static_assert(kTable[kCount - 1].name == "runtime_api_error");
static_assert(kTable[static_cast<std::size_t>(C::kTimeout)].http_status == 504);
static_assert(kTable[static_cast<std::size_t>(C::kModelTimeout)].name == "timeout");
static_assert(kTable[static_cast<std::size_t>(C::kModelTimeout)].http_status == 503);

}  // namespace

const ErrorCodeInfo& errorCodeInfo(ErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  return kTable[i < kCount ? i : static_cast<std::size_t>(C::kInternal)];
}

ErrorCode errorCodeForStatus(int status) {
  switch (status) {
    case 400:
      return C::kBadRequest;
    case 403:
      return C::kCorsForbidden;
    case 404:
      return C::kNotFound;
    case 405:
      return C::kMethodNotAllowed;
    case 408:
      return C::kRequestTimeout;
    case 413:
      return C::kPayloadTooLarge;
    case 415:
      return C::kUnsupportedMediaType;
    case 429:
      return C::kRateLimited;
    case 431:
      return C::kHeadersTooLarge;
    case 503:
      return C::kUnavailable;
    default:
      return status >= 500 ? C::kInternal : C::kBadRequest;
  }
}

}  // namespace cs
