#include "service/model_error.hpp"

namespace cs {

Error clientError(const std::string& model_id, const llm::LlmError& e) {
  const std::string who = "model '" + model_id + "'";
  using K = llm::LlmError::Kind;
  const auto attempts = [&] {
    return e.attempts > 1 ? " after " + std::to_string(e.attempts) + " attempts" : std::string();
  };
  switch (e.kind) {
    case K::kCircuitOpen:
      return {ErrorCode::kCircuitOpen,
              who + " failed repeatedly, so calls to it are paused for a short while"};
    case K::kTimeout:
      return {ErrorCode::kModelTimeout, who + " did not answer in time" + attempts()};
    case K::kShuttingDown:
      return {ErrorCode::kShuttingDown, "the server is shutting down"};
    case K::kDisabled:
      return {ErrorCode::kModelDisabled, who + " cannot be called: it has no API key"};
    case K::kRateLimited:
      return {ErrorCode::kUpstreamError,
              "the provider of " + who + " is rate limiting our calls" + attempts()};
    case K::kOverloaded:
      return {ErrorCode::kUpstreamError, "the provider of " + who + " is overloaded" + attempts()};
    case K::kServer:
      return {ErrorCode::kUpstreamError,
              "the provider of " + who + " answered with a server error" +
                  (e.http_status ? " (HTTP " + std::to_string(e.http_status) + ")" : "") +
                  attempts()};
    case K::kNetwork:
      return {ErrorCode::kUpstreamError,
              "the provider of " + who + " could not be reached" + attempts()};
    case K::kBadResponse:
      return {ErrorCode::kUpstreamError, who + " answered, but not with usable sayings"};
    case K::kAuth:
      return {ErrorCode::kUpstreamError, "the provider of " + who + " refused our API key"};
    case K::kBadRequest:
      return {ErrorCode::kUpstreamError, "the provider of " + who + " rejected the request"};
    case K::kInternal:
      break;
  }
  return {ErrorCode::kUpstreamError, who + " could not be called because of an internal error"};
}

}  // namespace cs
