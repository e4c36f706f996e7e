#pragma once
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "llm/types.hpp"
#include "net/http_transport.hpp"

namespace cs::llm {

struct RenderedPrompt {
  std::string system;
  std::string user;
};

// Everything one upstream call needs. The adapter turns it into bytes; it does no I/O.
struct ProviderCall {
  const ModelInfo& model;
  RenderedPrompt prompt;
  std::string api_key;
};

// One completion, normalised across providers.
struct Completion {
  std::string id;
  std::string text;
  Usage usage;
  std::string finish_reason;  // "stop" | "length" | "other"
};

// Per-provider settings from config/environment.
struct ProviderSettings {
  std::string base_url;           // e.g. https://api.anthropic.com, https://api.openai.com/v1
  std::string api_version;        // Anthropic: anthropic-version header
  std::string token_limit_field;  // OpenAI: max_completion_tokens (default) or max_tokens
};

// A provider's wire format as two pure transforms (tested on saved responses).
class ProviderAdapter {
 public:
  virtual ~ProviderAdapter() = default;
  virtual std::string_view provider() const = 0;
  // Timeouts are left for the caller (the gateway knows the deadline).
  virtual net::HttpRequest buildRequest(const ProviderCall& call) const = 0;
  // A cut-off answer (max_tokens / length) or one with no text is an error, not a result.
  virtual std::expected<Completion, LlmError> parseResponse(
      const net::HttpResponse& response) const = 0;

  // Providers that speak the OpenAI Chat Completions wire forward a client's request body as
  // it is (the passthrough route); the others say no (nullopt / false).
  virtual bool forwardsChatCompletions() const { return false; }
  virtual std::optional<net::HttpRequest> buildForward(const ModelInfo& /*model*/,
                                                       const std::string& /*api_key*/,
                                                       std::string /*body*/) const {
    return std::nullopt;
  }
  // The usage a forwarded 2xx answer reports; errors as parseResponse classifies them.
  virtual std::expected<Usage, LlmError> parseForward(const net::HttpResponse& response) const {
    (void)response;
    return std::unexpected(LlmError{LlmError::Kind::kBadRequest,
                                    std::string(provider()) + ": does not forward chat completions",
                                    0, std::nullopt});
  }
};

}  // namespace cs::llm
