#pragma once
#include "llm/adapter.hpp"

namespace cs::llm {

// OpenAI Chat Completions: POST {base_url}/chat/completions with Authorization: Bearer. The base
// URL makes any OpenAI-compatible server (Ollama, vLLM, llama.cpp server, OpenRouter) usable.
class OpenAiAdapter final : public ProviderAdapter {
 public:
  explicit OpenAiAdapter(ProviderSettings settings);
  std::string_view provider() const override { return "openai"; }
  net::HttpRequest buildRequest(const ProviderCall& call) const override;
  std::expected<Completion, LlmError> parseResponse(
      const net::HttpResponse& response) const override;

  bool forwardsChatCompletions() const override { return true; }
  std::optional<net::HttpRequest> buildForward(const ModelInfo& model, const std::string& api_key,
                                               std::string body) const override;
  std::expected<Usage, LlmError> parseForward(const net::HttpResponse& response) const override;

 private:
  net::HttpRequest post(const std::string& api_key, std::string body) const;
  ProviderSettings settings_;
};

}  // namespace cs::llm
