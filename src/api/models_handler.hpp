#pragma once
#include "http/message.hpp"
#include "llm/gateway.hpp"

namespace cs::api {

// GET /api/models: the catalog with prices, whether each model has a key, and its health
// (circuit breaker state).
http::Response listModels(const llm::Gateway& gateway);

}  // namespace cs::api
