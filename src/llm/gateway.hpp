#pragma once
#include <expected>
#include <memory>
#include <vector>

#include "llm/ledger.hpp"
#include "llm/types.hpp"

namespace cs::llm {

// The one door to every LLM: catalog lookup, key, adapter, transport, retries, breaker, cost.
// Thread-safe; generate() blocks the calling thread until success, failure or the deadline.
class Gateway {
 public:
  virtual ~Gateway() = default;
  virtual std::expected<GenerationResult, LlmError> generate(const GenerationRequest& request) = 0;
  virtual std::vector<ModelStatus> models() const = 0;
  // Where every call's LedgerRecord goes; consumers subscribe before the first call.
  Ledger& ledger() { return ledger_; }

 protected:
  Ledger ledger_;
};

using GatewayPtr = std::unique_ptr<Gateway>;

}  // namespace cs::llm
