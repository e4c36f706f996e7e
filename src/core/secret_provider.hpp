#pragma once
#include <optional>
#include <string>

#include "core/error.hpp"

namespace cs {

// Where API keys come from, as the layers that use keys see it (llm) — implemented by the
// secrets layer (env -> file -> SSM chain with a TTL cache). Names are provider names
// ("anthropic", "openai"). Errors say why there is no key; they never contain a value.
class SecretProvider {
 public:
  virtual ~SecretProvider() = default;
  virtual Result<std::string> get(const std::string& name) = 0;
  // What get() would answer now without asking any source (a cached key or a cached "no
  // key"); nullopt when only a source call can tell. Never blocks on I/O: an event-loop
  // thread may call it (the gateway does, to start a call there without a thread hop).
  virtual std::optional<Result<std::string>> peek(const std::string& name) = 0;
  // Drops the cached value (after a 401), so the next get() fetches afresh.
  virtual void invalidate(const std::string& name) = 0;
};

}  // namespace cs
