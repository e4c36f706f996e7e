#include "secrets/secret_chain.hpp"

#include "core/redact.hpp"
#include "obs/logger.hpp"

namespace cs::secrets {

SecretChain::SecretChain(std::vector<std::unique_ptr<SecretSource>> sources, const Clock& clock,
                         std::chrono::milliseconds ttl)
    : sources_(std::move(sources)), clock_(clock), ttl_(ttl) {}

Result<std::string> SecretChain::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  auto it = cache_.find(name);
  if (it != cache_.end() && now - it->second.fetched_at < ttl_) return it->second.value;
  auto value = fetch(name);
  cache_.insert_or_assign(name, Entry{value, now});
  return value;
}

void SecretChain::invalidate(const std::string& name) {
  std::lock_guard lock(mutex_);
  cache_.erase(name);
}

Result<std::string> SecretChain::fetch(const std::string& name) {
  std::string problems;
  for (const auto& source : sources_) {
    auto value = source->fetch(name);
    if (!value) {
      // Never the value: messages name the source and the reason only.
      obs::log().warn("Secret source failed", {{"source", std::string(source->kind())},
                                               {"secret", name},
                                               {"error_type", "secret_source"},
                                               {"error_message", value.error().message}});
      problems += (problems.empty() ? "" : "; ") + redact(value.error().message);
      continue;
    }
    if (*value) {
      registerSecret(**value);  // redact() masks it wherever it shows up (any provider's echo)
      obs::log().debug("Secret loaded",
                       {{"source", std::string(source->kind())}, {"secret", name}});
      return std::move(**value);
    }
  }
  return fail(ErrorCode::kNoSecret, problems.empty() ? "not found in any source" : problems);
}

}  // namespace cs::secrets
