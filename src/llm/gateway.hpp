#pragma once
#include <expected>
#include <functional>
#include <future>
#include <memory>
#include <vector>

#include "llm/ledger.hpp"
#include "llm/types.hpp"

namespace cs::llm {

using GenerationOutcome = std::expected<GenerationResult, LlmError>;
using GenerationCallback = std::function<void(GenerationOutcome)>;
using ForwardOutcome = std::expected<ForwardResult, LlmError>;
// Runs on whichever gateway thread ends the call (often the transport's loop): it must only
// hand the answer on (complete a deferred response), never block.
using ForwardCallback = std::function<void(ForwardOutcome)>;

// The one door to every LLM: catalog lookup, key, adapter, transport, retries, breaker, cost.
// Thread-safe.
class Gateway {
 public:
  virtual ~Gateway() = default;
  // Starts the call and returns at once. `done` runs exactly once, with the result or the
  // error, never on the caller's stack (on the gateway's executor; only after that executor
  // stopped, on whichever thread finishes the call). No thread waits meanwhile.
  virtual void generateAsync(GenerationRequest request, GenerationCallback done) = 0;
  // Forwards an OpenAI-shaped chat completion to the model's provider (one whose adapter
  // forwardsChatCompletions(); others fail kBadRequest) with the same key, breaker, retries
  // and ledger as generateAsync. `done` runs exactly once, never on the caller's stack.
  virtual void forwardAsync(ForwardRequest request, ForwardCallback done) = 0;
  virtual std::vector<ModelStatus> models() const = 0;

  // Blocks the calling thread until the call ends: for callers synchronous by nature (the
  // generate command, tests). Never from a job of the executor the gateway completes on.
  GenerationOutcome generate(const GenerationRequest& request) {
    auto promise = std::make_shared<std::promise<GenerationOutcome>>();
    auto future = promise->get_future();
    generateAsync(request, [promise](GenerationOutcome r) { promise->set_value(std::move(r)); });
    return future.get();
  }
  // Where every call's LedgerRecord goes; consumers subscribe before the first call.
  Ledger& ledger() { return ledger_; }

 protected:
  Ledger ledger_;
};

using GatewayPtr = std::unique_ptr<Gateway>;

}  // namespace cs::llm
