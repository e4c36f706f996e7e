#pragma once
#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_field.hpp"
#include "llm/types.hpp"
#include "net/http_transport.hpp"

namespace cs::llm {

// The error kind an HTTP status means (401/403 auth, 429 rate limit, 503/529 overloaded, ...).
LlmError::Kind kindForStatus(long status);

// Retry-After as seconds ("2", "1.5"), or OpenAI's retry-after-ms; nullopt when absent/unusable.
std::optional<std::chrono::milliseconds> retryAfter(const net::HttpResponse& response);

// Shared first steps of parseResponse: transport failures, non-2xx statuses (with the
// provider's error message, via `message_of`), content type and JSON parsing (jsonf::parse:
// depth-limited, non-throwing). The error detail is redacted first and then cut to
// kMaxErrorDetail bytes, so a key echoed near the cut is masked whole.
inline constexpr std::size_t kMaxErrorDetail = 300;
using ErrorMessageFn = std::string (*)(const jsonf::Json& body);
std::expected<jsonf::Json, LlmError> checkedJson(std::string_view provider,
                                                 const net::HttpResponse& response,
                                                 ErrorMessageFn message_of);
// checkedJson's steps one by one, for a reader that does not want the whole DOM (the proxy
// path scans a 2xx answer instead): the transport failure or non-2xx status as an error (the
// error body is parsed for its message), a content type without "json", a body that is not a
// JSON object.
std::optional<LlmError> failedCall(std::string_view provider, const net::HttpResponse& response,
                                   ErrorMessageFn message_of);
std::optional<LlmError> notJsonType(std::string_view provider, const net::HttpResponse& response);
LlmError malformedJson(std::string_view provider, const net::HttpResponse& response);

// Token counts a provider may report: anything outside 0..kMaxTokens is a bad answer (a
// negative or huge count would make spend negative or overflow the sums behind the cost cap).
inline constexpr std::int64_t kMaxTokens = 1'000'000'000;
// Reads body.usage.<input_field> and .<output_field>. An absent usage object or field counts
// 0 (not every answer reports usage); present but not an integer in range is an error naming
// the field ("usage.prompt_tokens out of range").
std::expected<Usage, std::string> readUsage(const jsonf::Json& body, std::string_view input_field,
                                            std::string_view output_field);
// The same for the usage value itself (nullptr: absent).
std::expected<Usage, std::string> readUsageValue(const jsonf::Json* usage,
                                                 std::string_view input_field,
                                                 std::string_view output_field);

// The first `max` bytes of text, not splitting a UTF-8 sequence.
std::string cutUtf8(std::string text, std::size_t max);

}  // namespace cs::llm
