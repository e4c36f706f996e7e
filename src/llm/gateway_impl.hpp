#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/secret_provider.hpp"
#include "llm/adapter.hpp"
#include "llm/circuit_breaker.hpp"
#include "llm/gateway.hpp"
#include "llm/prompt_template.hpp"
#include "llm/registry.hpp"
#include "llm/retry.hpp"
#include "net/http_transport.hpp"

namespace cs::llm {

struct GatewayOptions {
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds call_timeout{25'000};      // one upstream attempt
  std::chrono::milliseconds default_deadline{30'000};  // when the request sets none
  RetryPolicy retry;
  CircuitBreaker::Options breaker;
  std::map<std::string, ProviderSettings> providers;  // by provider name
  std::string prompts_dir;                            // empty = compiled-in templates
};

// The Gateway: catalog lookup -> key (SecretProvider) -> breaker -> prompt -> adapter ->
// transport, with retries (backoff + full jitter, Retry-After, never past the deadline), one
// key refresh on 401, batch parsing and cost split. Construction validates catalog, providers
// and prompts and throws std::invalid_argument naming the problem (a start-up error).
class GatewayImpl final : public Gateway {
 public:
  GatewayImpl(std::vector<ModelInfo> catalog, GatewayOptions options, net::HttpTransport& transport,
              SecretProvider& secrets, const Clock& clock, Sleeper& sleeper,
              const ProviderRegistry& registry = builtinProviders());

  std::expected<GenerationResult, LlmError> generate(const GenerationRequest& request) override;
  std::vector<ModelStatus> models() const override;

  // Tests make jitter deterministic.
  void setRandom(std::function<double()> uniform01) { uniform01_ = std::move(uniform01); }

 private:
  struct Model {
    ModelInfo info;
    const ProviderAdapter* adapter = nullptr;
    PromptTemplate prompt;
    std::unique_ptr<CircuitBreaker> breaker;
    mutable std::mutex errors_mutex;
    std::map<std::string, std::uint64_t> errors;  // by kindName, for /metrics
  };
  // What one call sent and what the provider reported, over all its attempts (the ledger's).
  struct Tally {
    int attempts = 0;
    Usage usage;
  };
  std::expected<GenerationResult, LlmError> attempt(Model& model, const GenerationRequest& request,
                                                    Deadline deadline, Tally& tally);
  void writeLedger(const Model& model, const GenerationRequest& request,
                   const std::expected<GenerationResult, LlmError>& result, const Tally& tally,
                   double wall_ms);
  double random01();

  GatewayOptions options_;
  net::HttpTransport& transport_;
  SecretProvider& secrets_;
  const Clock& clock_;
  Sleeper& sleeper_;
  std::map<std::string, std::unique_ptr<ProviderAdapter>> adapters_;
  std::vector<std::unique_ptr<Model>> models_;
  std::map<std::string, Model*> by_id_;
  std::function<double()> uniform01_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace cs::llm
