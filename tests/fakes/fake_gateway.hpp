#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cache/flight.hpp"
#include "core/executor.hpp"
#include "llm/gateway.hpp"

namespace cs::testing {

// An in-process llm::Gateway for unit tests: scripted latency, failures and texts per model,
// counts every call, and can hold calls at a gate so tests observe "one call in flight"
// without timing. Asynchronous like the real one: latency is a timer on the fake's own small
// executor and a held call waits in a list, so no thread is spent per call. By default texts
// mention one cloud service each, chosen as a real model asked to avoid services would: the first
// catalog service not in the avoid list.
class FakeGateway final : public llm::Gateway {
 public:
  using TextFn =
      std::function<std::vector<std::string>(const llm::GenerationRequest&, int call_number)>;

  void addModel(const std::string& id, bool enabled = true, std::string provider = "fake");
  void setLatency(const std::string& id, std::chrono::milliseconds latency);
  void failNext(const std::string& id, llm::LlmError error, int times = 1);
  void failAlways(const std::string& id, std::optional<llm::LlmError> error);
  void setTexts(const std::string& id, TextFn fn);
  void setHonourHint(bool honour) { honour_hint_ = honour; }
  void setCostPerCall(double usd) { cost_per_call_ = usd; }

  // While held, calls wait at the gate (they are counted as started first).
  void hold();
  void release();
  // Blocks until at least `n` calls have started (held or not).
  void waitForCalls(int n);

  int calls(const std::string& id) const;
  int totalCalls() const;
  int maxConcurrent() const { return max_concurrent_.load(); }
  std::vector<llm::GenerationRequest> requests() const;

  ~FakeGateway() override;
  void generateAsync(llm::GenerationRequest request, llm::GenerationCallback done) override;
  // The fake's models speak no wire format: a forwarded call is refused as the real gateway
  // refuses a model whose provider does not take chat completions (on the fake's executor).
  void forwardAsync(llm::ForwardRequest request, llm::ForwardCallback done) override;
  std::vector<llm::ModelStatus> models() const override;

  // The services the default texts cycle through (catalog names and aliases).
  static const std::vector<std::string>& services();

 private:
  struct Model {
    llm::ModelStatus status;
    std::chrono::milliseconds latency{0};
    std::deque<llm::LlmError> failures;
    std::optional<llm::LlmError> fail_always;
    TextFn texts;
    int calls = 0;
  };
  struct Held {
    llm::GenerationRequest request;
    int call_number = 0;
    llm::GenerationCallback done;
  };
  std::vector<std::string> defaultTexts(const llm::GenerationRequest& request);
  // After the gate: the scripted failure, latency and answer, delivered by a timer.
  void proceed(Held call);
  void complete(const llm::GenerationCallback& done, llm::GenerationOutcome outcome);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Model> models_;
  std::vector<std::string> order_;
  std::vector<llm::GenerationRequest> requests_;
  bool held_ = false;
  bool honour_hint_ = true;
  double cost_per_call_ = 0.003;
  int total_calls_ = 0;
  int text_counter_ = 0;
  std::atomic<int> concurrent_{0};
  std::atomic<int> max_concurrent_{0};
  std::vector<Held> held_calls_;
  ThreadExecutor executor_{2};  // last: its timers' jobs use the members above
};

}  // namespace cs::testing
