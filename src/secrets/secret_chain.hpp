#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/mutex.hpp"
#include "core/secret_provider.hpp"
#include "secrets/secret_source.hpp"

namespace cs::secrets {

// Sources tried in order (env -> file -> SSM); the first value wins and is cached for `ttl`
// (5 minutes by default, as in the original), so a rotated key is used after the TTL, or at
// once after invalidate() (the gateway calls it on a 401).
//
// Never a bottleneck and never a false "no key":
// - The lock is never held across a source call: one caller fetches a name while the others
//   keep using the last good key (or, with none yet, wait for that one fetch).
// - "Not found anywhere" (every source answered, none has it) is cached for the TTL, so a
//   missing key costs no SSM call per request.
// - A transient failure (a source erred, e.g. SSM down) is not cached as "no key": the last
//   good key stays in use and the fetch is retried with backoff (1 s, doubling, up to the TTL).
class SecretChain final : public SecretProvider {
 public:
  SecretChain(std::vector<std::unique_ptr<SecretSource>> sources, const Clock& clock,
              std::chrono::milliseconds ttl = std::chrono::minutes(5));
  Result<std::string> get(const std::string& name) override;
  std::optional<Result<std::string>> peek(const std::string& name) override;
  void invalidate(const std::string& name) override;

  static constexpr std::chrono::milliseconds kFirstRetry{1000};

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    std::optional<std::string> good;  // the last key a source gave us
    std::optional<Error> missing;     // every source answered and none has the name
    std::optional<Error> failed;      // the last fetch failed transiently
    TimePoint fresh_until{};          // no fetch before this (TTL, or the retry backoff)
    int failures = 0;                 // consecutive transient failures
    bool fetching = false;
  };
  struct Fetched {
    std::optional<std::string> value;
    std::optional<Error> error;
    bool transient = false;
  };
  Fetched fetch(const std::string& name);
  Result<std::string> answer(const Entry& entry) const;

  std::vector<std::unique_ptr<SecretSource>> sources_;
  const Clock& clock_;
  std::chrono::milliseconds ttl_;
  Mutex mutex_;
  CondVar fetched_;
  std::map<std::string, Entry> cache_ CS_GUARDED_BY(mutex_);
};

}  // namespace cs::secrets
