#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/secret_provider.hpp"
#include "secrets/secret_source.hpp"

namespace cs::secrets {

// Sources tried in order (env -> file -> SSM); the first value wins and is cached for `ttl`
// (5 minutes by default, as in the original), so a rotated key is used after the TTL, or at
// once after invalidate() (the gateway calls it on a 401). "No key" is cached too, so a
// missing key does not cost an SSM call per request. Thread-safe; one fetch at a time.
class SecretChain final : public SecretProvider {
 public:
  SecretChain(std::vector<std::unique_ptr<SecretSource>> sources, const Clock& clock,
              std::chrono::milliseconds ttl = std::chrono::minutes(5));
  Result<std::string> get(const std::string& name) override;
  void invalidate(const std::string& name) override;

 private:
  struct Entry {
    Result<std::string> value;
    std::chrono::steady_clock::time_point fetched_at;
  };
  Result<std::string> fetch(const std::string& name);

  std::vector<std::unique_ptr<SecretSource>> sources_;
  const Clock& clock_;
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::map<std::string, Entry> cache_;
};

}  // namespace cs::secrets
