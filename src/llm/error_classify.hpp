#pragma once
#include <chrono>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "llm/types.hpp"
#include "net/http_transport.hpp"

namespace cs::llm {

// The error kind an HTTP status means (401/403 auth, 429 rate limit, 503/529 overloaded, ...).
LlmError::Kind kindForStatus(long status);

// Retry-After as seconds ("2", "1.5"), or OpenAI's retry-after-ms; nullopt when absent/unusable.
std::optional<std::chrono::milliseconds> retryAfter(const net::HttpResponse& response);

// Shared first steps of parseResponse: transport failures, non-2xx statuses (with the
// provider's error message, via `message_of`), content type and JSON parsing.
using ErrorMessageFn = std::string (*)(const nlohmann::json& body);
std::expected<nlohmann::json, LlmError> checkedJson(std::string_view provider,
                                                    const net::HttpResponse& response,
                                                    ErrorMessageFn message_of);

}  // namespace cs::llm
