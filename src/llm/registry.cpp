#include "llm/registry.hpp"

#include "llm/anthropic_adapter.hpp"
#include "llm/openai_adapter.hpp"

namespace cs::llm {

void ProviderRegistry::add(std::string provider, AdapterFactory factory) {
  factories_[std::move(provider)] = std::move(factory);
}

std::unique_ptr<ProviderAdapter> ProviderRegistry::make(const std::string& provider,
                                                        const ProviderSettings& settings) const {
  auto it = factories_.find(provider);
  if (it == factories_.end()) return nullptr;
  return it->second(settings);
}

std::vector<std::string> ProviderRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(factories_.size());
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

const ProviderRegistry& builtinProviders() {
  static const ProviderRegistry registry = [] {
    ProviderRegistry r;
    r.add("anthropic",
          [](const ProviderSettings& s) { return std::make_unique<AnthropicAdapter>(s); });
    r.add("openai", [](const ProviderSettings& s) { return std::make_unique<OpenAiAdapter>(s); });
    return r;
  }();
  return registry;
}

}  // namespace cs::llm
