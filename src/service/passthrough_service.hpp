#pragma once
#include <chrono>
#include <functional>
#include <set>
#include <string>

#include "cache/budget_guard.hpp"
#include "core/error.hpp"
#include "core/json_scan.hpp"
#include "core/pending_calls.hpp"
#include "llm/gateway.hpp"

namespace cs {

// POST /v1/chat/completions: tools that speak the OpenAI API reach the catalog's OpenAI-wire
// models through the gateway (key, breaker, retries, ledger purpose "passthrough", people's
// budget share). The answer is the provider's own, byte for byte; nothing is stored.
class PassthroughService {
 public:
  struct Options {
    std::chrono::milliseconds deadline{30'000};  // one forwarded completion, retries included
  };
  using Done = std::function<void(Result<llm::ForwardResult>)>;

  // `catalog`: every model id (fixed at start-up), so an unknown one is told apart at once.
  PassthroughService(llm::Gateway& gateway, cache::BudgetGuard& budget,
                     std::set<std::string, std::less<>> catalog, Options options);
  // Waits for the calls still running (their completions use this object).
  ~PassthroughService();
  PassthroughService(const PassthroughService&) = delete;
  PassthroughService& operator=(const PassthroughService&) = delete;

  // `body` is the client's JSON object as it sent it, `model_value` where its `model` string is
  // (the gateway puts the upstream name there). `done` runs once: at once on a refusal (an
  // unknown model, the budget), else on a gateway thread when the call ends (it must only hand
  // the answer on).
  void forward(std::string model_id, std::string body, jsonf::Span model_value, Done done);

 private:
  llm::Gateway& gateway_;
  cache::BudgetGuard& budget_;
  std::set<std::string, std::less<>> catalog_;
  Options options_;
  PendingCalls pending_;
};

// The client-facing error for a forwarded call: the provider's rejection of the client's own
// request (4xx) is the client's to read, so its (redacted) detail is kept; a provider's rate
// limit is a 429 the client can back off from; the rest as every model call says it.
Error passthroughError(const std::string& model_id, const llm::LlmError& error);

}  // namespace cs
