#pragma once
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/executor.hpp"
#include "core/mutex.hpp"
#include "core/pending_calls.hpp"
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
// key refresh on 401, batch parsing and cost split. Each call is a small state machine whose
// steps run as jobs on `executor`: the transfer is one on the transport's loop, a retry wait is
// a timer, so no thread waits for an upstream. Construction validates catalog, providers and
// prompts and throws std::invalid_argument naming the problem (a start-up error). The
// destructor waits for the calls still running (their completions use the gateway).
class GatewayImpl final : public Gateway {
 public:
  GatewayImpl(std::vector<ModelInfo> catalog, GatewayOptions options, net::HttpTransport& transport,
              SecretProvider& secrets, const Clock& clock, Executor& executor,
              const ProviderRegistry& registry = builtinProviders());
  ~GatewayImpl() override;

  void generateAsync(GenerationRequest request, GenerationCallback done) override;
  void forwardAsync(ForwardRequest request, ForwardCallback done) override;
  std::vector<ModelStatus> models() const override;
  std::size_t callsInFlight() const { return pending_.count(); }

  // Tests make jitter deterministic.
  void setRandom(std::function<double()> uniform01) { uniform01_ = std::move(uniform01); }

 private:
  struct Model {
    ModelInfo info;
    const ProviderAdapter* adapter = nullptr;
    PromptTemplate prompt;
    std::unique_ptr<CircuitBreaker> breaker;
    mutable Mutex errors_mutex;
    std::map<std::string, std::uint64_t> errors CS_GUARDED_BY(errors_mutex);  // by kindName
  };
  struct Call;
  using CallPtr = std::shared_ptr<Call>;
  // A forwarded 2xx answer up to this size is read on the transport's loop thread.
  static constexpr std::size_t kInlineAnswerBytes = 64 * 1024;

  // The states of one call, each run as an executor job (a forwarded call's 2xx answer is
  // read on the transport's loop: it is small work, and saves two thread hand-offs).
  void start(const CallPtr& call);  // posts begin to the executor
  Deadline deadlineOf(Deadline requested) const;
  void refuseUnknown(const std::string& model_id, std::function<void(LlmError)> done);
  void begin(const CallPtr& call);        // key, breaker, prompt
  void sendAttempt(const CallPtr& call);  // deadline check, build, transport.send
  void onResponse(const CallPtr& call, const net::HttpResponse& response, double call_ms);
  // Reads the answer: the call's result on success (true), else call->last is set.
  bool readAnswer(const CallPtr& call, const net::HttpResponse& response, double call_ms);
  void afterWait(const CallPtr& call);  // a retry timer fired
  void fail(const CallPtr& call, LlmError error);
  void finish(const CallPtr& call, const LlmError* error);  // ledger, log, callback: once
  // Runs one state; a surprise inside it ends the call with kInternal instead of losing it.
  template <typename Fn>
  void step(const CallPtr& call, Fn&& fn);

  void writeLedger(const Call& call, const LlmError* error, double wall_ms);
  double random01();

  GatewayOptions options_;
  net::HttpTransport& transport_;
  SecretProvider& secrets_;
  const Clock& clock_;
  Executor& executor_;
  std::map<std::string, std::unique_ptr<ProviderAdapter>> adapters_;
  std::vector<std::unique_ptr<Model>> models_;
  std::map<std::string, Model*> by_id_;
  std::function<double()> uniform01_;
  Mutex rng_mutex_;
  std::mt19937_64 rng_ CS_GUARDED_BY(rng_mutex_){std::random_device{}()};
  PendingCalls pending_;
};

}  // namespace cs::llm
