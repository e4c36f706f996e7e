#pragma once
#include <memory>

#include "app/config.hpp"
#include "core/clock.hpp"
#include "core/secret_provider.hpp"
#include "llm/gateway.hpp"
#include "llm/retry.hpp"
#include "net/http_transport.hpp"

namespace cs::app {

// The LLM side of the program, built from Config + environment: one shared HTTP transport,
// the secrets chain (env -> file -> SSM), and the gateway. Members are declared in dependency
// order, so destruction stops the gateway before the transport.
struct LlmStack {
  std::unique_ptr<net::HttpTransport> transport;
  std::unique_ptr<SecretProvider> secrets;
  std::unique_ptr<llm::Sleeper> sleeper;
  llm::GatewayPtr gateway;
};

// Throws ConfigError naming the setting (bad catalog, unknown provider, missing prompt).
LlmStack makeLlmStack(const Config& config, const Clock& clock);

}  // namespace cs::app
