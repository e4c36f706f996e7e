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

 private:
  ProviderSettings settings_;
};

}  // namespace cs::llm
