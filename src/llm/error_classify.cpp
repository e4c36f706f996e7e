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

std::expected<nlohmann::json, LlmError> checkedJson(std::string_view provider,
                                                    const net::HttpResponse& response,
                                                    ErrorMessageFn message_of) {
  using K = LlmError::Kind;
  const std::string who(provider);
  if (!response.ok()) {
    const auto kind = response.error == net::TransportError::kTimeout ? K::kTimeout : K::kNetwork;
    return std::unexpected(
        LlmError{kind, who + ": " + redact(response.error_message), 0, std::nullopt});
  }
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status < 200 || response.status >= 300) {
    std::string detail = body.is_object() ? message_of(body) : std::string();
    if (detail.size() > 300) detail.resize(300);
    LlmError error{kindForStatus(response.status),
                   who + " answered HTTP " + std::to_string(response.status) +
                       (detail.empty() ? "" : ": " + redact(detail)),
                   static_cast<int>(response.status), retryAfter(response)};
    return std::unexpected(std::move(error));
  }
  const auto type = response.header("content-type").value_or("");
  if (type.find("json") == std::string_view::npos)
    return std::unexpected(LlmError{
        K::kBadResponse,
        // The header is upstream text like a body: redacted too (fuzz_llm_response put a key
        // there and saw it come back in our message).
        who + ": expected JSON, got content type '" + redact(type).substr(0, 60) + "'",
        static_cast<int>(response.status), std::nullopt});
  if (body.is_discarded() || !body.is_object())
    return std::unexpected(LlmError{K::kBadResponse, who + ": malformed or truncated JSON body",
                                    static_cast<int>(response.status), std::nullopt});
  return body;
}

}  // namespace cs::llm
