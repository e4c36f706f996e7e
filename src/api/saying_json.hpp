#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "service/saying_service.hpp"

namespace cs::api {

// The public shape of a served saying (SPEC part 1), fields in a stable order, serialized
// without a JSON tree (the hot path).
std::string sayingBody(const ServedSaying& served, double execution_ms);
// The fixed friendly answer when neither cache nor store can serve (503, source "fallback").
nlohmann::ordered_json fallbackJson(std::uint64_t request_number, double execution_ms);

}  // namespace cs::api
