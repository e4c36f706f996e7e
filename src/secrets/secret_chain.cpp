#include "secrets/secret_chain.hpp"

#include <algorithm>

#include "core/redact.hpp"
#include "obs/logger.hpp"

namespace cs::secrets {

SecretChain::SecretChain(std::vector<std::unique_ptr<SecretSource>> sources, const Clock& clock,
                         std::chrono::milliseconds ttl)
    : sources_(std::move(sources)), clock_(clock), ttl_(ttl) {}

Result<std::string> SecretChain::answer(const Entry& entry) const {
  if (entry.good) return *entry.good;
  if (entry.missing) return std::unexpected(*entry.missing);
  if (entry.failed) return std::unexpected(*entry.failed);
  return fail(ErrorCode::kNoSecret, "not found in any source");
}

Result<std::string> SecretChain::get(const std::string& name) {
  MutexLock lock(mutex_);
  Entry& entry = cache_[name];  // std::map: the reference stays valid while we unlock
  for (;;) {
    const bool stale = clock_.now() >= entry.fresh_until;
    if (!stale) return answer(entry);
    if (!entry.fetching) break;
    // Someone else is fetching: a known key is good enough meanwhile; with none, wait for it.
    if (entry.good) return *entry.good;
    while (entry.fetching) fetched_.wait(mutex_);
    if (entry.good || entry.missing || entry.failed) return answer(entry);
  }
  entry.fetching = true;
  lock.unlock();
  Fetched result = fetch(name);  // no lock held: other names and other callers go on
  lock.lock();
  const auto now = clock_.now();
  entry.fetching = false;
  if (result.value) {
    entry = Entry{std::move(result.value), std::nullopt, std::nullopt, now + ttl_, 0, false};
  } else if (!result.transient) {
    entry = Entry{std::nullopt, std::move(result.error), std::nullopt, now + ttl_, 0, false};
  } else {
    // Keep the last good key; retry soon, backing off, never later than the TTL.
    ++entry.failures;
    const auto backoff = std::min<std::chrono::milliseconds>(
        ttl_, kFirstRetry * (1LL << std::min(entry.failures - 1, 16)));
    entry.failed = std::move(result.error);
    entry.fresh_until = now + backoff;
  }
  fetched_.notify_all();
  return answer(entry);
}

std::optional<Result<std::string>> SecretChain::peek(const std::string& name) {
  MutexLock lock(mutex_);
  auto it = cache_.find(name);
  if (it == cache_.end()) return std::nullopt;
  const Entry& entry = it->second;
  if (clock_.now() < entry.fresh_until) return answer(entry);
  // Stale while another caller fetches: get() would answer the last good key, too.
  if (entry.fetching && entry.good) return *entry.good;
  return std::nullopt;
}

void SecretChain::invalidate(const std::string& name) {
  MutexLock lock(mutex_);
  auto it = cache_.find(name);
  if (it == cache_.end() || it->second.fetching) return;
  // The key was refused (401): it is not "good" any more; fetch afresh on the next get().
  it->second = Entry{};
}

SecretChain::Fetched SecretChain::fetch(const std::string& name) {
  std::string problems;
  bool source_failed = false;
  for (const auto& source : sources_) {
    auto value = source->fetch(name);
    if (!value) {
      // Never the value: messages name the source and the reason only.
      obs::log().warn("Secret source failed", {{"source", std::string(source->kind())},
                                               {"secret", name},
                                               {"error_type", "secret_source"},
                                               {"error_message", value.error().message}});
      problems += (problems.empty() ? "" : "; ") + redact(value.error().message);
      source_failed = true;
      continue;
    }
    if (*value) {
      registerSecret(**value);  // redact() masks it wherever it shows up (any provider's echo)
      obs::log().debug("Secret loaded",
                       {{"source", std::string(source->kind())}, {"secret", name}});
      return Fetched{std::move(*value), std::nullopt, false};
    }
  }
  return Fetched{
      std::nullopt,
      Error{ErrorCode::kNoSecret, problems.empty() ? "not found in any source" : problems},
      source_failed};
}

}  // namespace cs::secrets
