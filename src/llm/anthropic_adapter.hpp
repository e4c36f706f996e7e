#pragma once
#include "llm/adapter.hpp"

namespace cs::llm {

// Anthropic Messages API: POST {base}/v1/messages with x-api-key and anthropic-version.
class AnthropicAdapter final : public ProviderAdapter {
 public:
  explicit AnthropicAdapter(ProviderSettings settings);
  std::string_view provider() const override { return "anthropic"; }
  net::HttpRequest buildRequest(const ProviderCall& call) const override;
  std::expected<Completion, LlmError> parseResponse(
      const net::HttpResponse& response) const override;

 private:
  ProviderSettings settings_;
};

}  // namespace cs::llm
