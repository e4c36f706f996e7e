#include "llm/error_classify.hpp"

#include <cctype>
#include <cmath>

#include "core/redact.hpp"

namespace cs::llm {

LlmError::Kind kindForStatus(long status) {
  using K = LlmError::Kind;
  if (status == 401 || status == 403) return K::kAuth;
  if (status == 429) return K::kRateLimited;
  if (status == 503 || status == 529) return K::kOverloaded;
  if (status == 408 || status == 504) return K::kTimeout;
  if (status >= 500) return K::kServer;
  return K::kBadRequest;
}

std::optional<std::chrono::milliseconds> retryAfter(const net::HttpResponse& response) {
  // A day is "longer than any deadline"; clamping first keeps the integer conversion defined
  // for huge values such as "1e300" (found by fuzz_llm_response: UB, not just a big wait).
  auto toMs = [](double ms) {
    constexpr double kMaxMs = 24.0 * 3600 * 1000;
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms < kMaxMs ? ms : kMaxMs));
  };
  auto parse = [](std::string_view text) -> std::optional<double> {
    try {
      std::size_t used = 0;
      double v = std::stod(std::string(text), &used);
      if (used == 0 || !std::isfinite(v) || v < 0) return std::nullopt;
      return v;
    } catch (...) {
      return std::nullopt;  // an HTTP-date: rare from LLM APIs; fall back to backoff
    }
  };
  if (auto ms = response.header("retry-after-ms"))
    if (auto v = parse(*ms)) return toMs(*v);
  if (auto s = response.header("retry-after"))
    if (auto v = parse(*s)) return toMs(*v * 1000);
  return std::nullopt;
}

std::string cutUtf8(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

std::expected<Usage, std::string> readUsage(const jsonf::Json& body, std::string_view input_field,
                                            std::string_view output_field) {
  return readUsageValue(jsonf::find(body, "/usage"), input_field, output_field);
}

std::expected<Usage, std::string> readUsageValue(const jsonf::Json* u, std::string_view input_field,
                                                 std::string_view output_field) {
  Usage usage;
  if (!u || u->is_null()) return usage;
  if (!u->is_object()) return std::unexpected("usage is not an object");
  for (auto [field, out] : {std::pair{input_field, &usage.input_tokens},
                            std::pair{output_field, &usage.output_tokens}}) {
    const std::string pointer = "/" + std::string(field);
    const jsonf::Json* v = jsonf::find(*u, pointer);
    if (!v || v->is_null()) continue;
    const auto n = jsonf::integer(*u, pointer);
    if (!n) return std::unexpected("usage." + std::string(field) + " is not an integer");
    if (*n < 0 || *n > kMaxTokens)
      return std::unexpected("usage." + std::string(field) + " out of range");
    *out = *n;
  }
  return usage;
}

std::optional<LlmError> failedCall(std::string_view provider, const net::HttpResponse& response,
                                   ErrorMessageFn message_of) {
  using K = LlmError::Kind;
  const std::string who(provider);
  if (!response.ok()) {
    const auto kind = response.error == net::TransportError::kTimeout ? K::kTimeout : K::kNetwork;
    return LlmError{kind, who + ": " + redact(response.error_message), 0, std::nullopt};
  }
  if (response.status >= 200 && response.status < 300) return std::nullopt;
  const auto body = jsonf::parse(response.body);
  // Redact, then cut: cutting first could leave the part of an echoed key before the cut.
  const std::string detail =
      body && body->is_object() ? cutUtf8(redact(message_of(*body)), kMaxErrorDetail) : "";
  return LlmError{kindForStatus(response.status),
                  who + " answered HTTP " + std::to_string(response.status) +
                      (detail.empty() ? "" : ": " + detail),
                  static_cast<int>(response.status), retryAfter(response)};
}

std::optional<LlmError> notJsonType(std::string_view provider, const net::HttpResponse& response) {
  const auto type = response.header("content-type").value_or("");
  if (type.find("json") != std::string_view::npos) return std::nullopt;
  // The header is upstream text like a body: redacted too (fuzz_llm_response put a key there
  // and saw it come back in our message).
  return LlmError{LlmError::Kind::kBadResponse,
                  std::string(provider) + ": expected JSON, got content type '" +
                      cutUtf8(redact(type), 60) + "'",
                  static_cast<int>(response.status), std::nullopt};
}

LlmError malformedJson(std::string_view provider, const net::HttpResponse& response) {
  return LlmError{LlmError::Kind::kBadResponse,
                  std::string(provider) + ": malformed, truncated or too deeply nested JSON body",
                  static_cast<int>(response.status), std::nullopt};
}

std::expected<jsonf::Json, LlmError> checkedJson(std::string_view provider,
                                                 const net::HttpResponse& response,
                                                 ErrorMessageFn message_of) {
  if (auto error = failedCall(provider, response, message_of)) return std::unexpected(*error);
  if (auto error = notJsonType(provider, response)) return std::unexpected(*error);
  auto body = jsonf::parse(response.body);
  if (!body || !body->is_object()) return std::unexpected(malformedJson(provider, response));
  return std::move(*body);
}

}  // namespace cs::llm
