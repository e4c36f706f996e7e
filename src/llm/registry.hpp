#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "llm/adapter.hpp"

namespace cs::llm {

using AdapterFactory = std::function<std::unique_ptr<ProviderAdapter>(const ProviderSettings&)>;

// Provider name -> adapter factory. Adding a provider = one adapter + one line in
// builtinProviders().
class ProviderRegistry {
 public:
  void add(std::string provider, AdapterFactory factory);
  std::unique_ptr<ProviderAdapter> make(const std::string& provider,
                                        const ProviderSettings& settings) const;
  bool has(const std::string& provider) const { return factories_.contains(provider); }
  std::vector<std::string> names() const;

 private:
  std::map<std::string, AdapterFactory> factories_;
};

// "anthropic" and "openai".
const ProviderRegistry& builtinProviders();

}  // namespace cs::llm
