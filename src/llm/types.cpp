#include "llm/types.hpp"

namespace cs::llm {

const char* kindName(LlmError::Kind kind) {
  using K = LlmError::Kind;
  switch (kind) {
    case K::kAuth:
      return "auth";
    case K::kRateLimited:
      return "rate_limited";
    case K::kOverloaded:
      return "overloaded";
    case K::kServer:
      return "server_error";
    case K::kTimeout:
      return "timeout";
    case K::kNetwork:
      return "network";
    case K::kBadResponse:
      return "bad_response";
    case K::kBadRequest:
      return "bad_request";
    case K::kCircuitOpen:
      return "circuit_open";
    case K::kDisabled:
      return "disabled";
    case K::kShuttingDown:
      return "shutting_down";
    case K::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace cs::llm
