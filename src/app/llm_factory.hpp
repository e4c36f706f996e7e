#pragma once
#include <memory>

#include "app/config.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "core/secret_provider.hpp"
#include "llm/gateway.hpp"
#include "net/http_transport.hpp"

namespace cs::app {

// The LLM side of the program, built from Config + environment: one shared HTTP transport,
// the secrets chain (env -> file -> SSM), and the gateway, whose call steps and timers run on
// `executor` (owned by the caller, outliving the stack). Members are declared in dependency
// order, so destruction stops the gateway (it waits for its calls) before the transport.
struct LlmStack {
  std::unique_ptr<net::HttpTransport> transport;
  std::unique_ptr<SecretProvider> secrets;
  llm::GatewayPtr gateway;
};

// Throws ConfigError naming the setting (bad catalog, unknown provider, missing prompt).
LlmStack makeLlmStack(const Config& config, const Clock& clock, Executor& executor);

}  // namespace cs::app
