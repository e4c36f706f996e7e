#pragma once
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/secret_provider.hpp"

namespace cs::testing {

// The SecretProvider fake: keys by name (the gateway asks by provider, "anthropic", "openai"),
// a name it does not hold is kNoSecret, and invalidate() (the gateway's answer to a 401) is
// counted and may rotate the key to the one set with rotateTo. Every key is a FAKE one.
class FakeKeys final : public SecretProvider {
 public:
  FakeKeys() = default;
  explicit FakeKeys(std::map<std::string, std::string> keys) : keys_(std::move(keys)) {}

  Result<std::string> get(const std::string& name) override {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(name);
    if (it == keys_.end()) return fail(ErrorCode::kNoSecret, "not found in any source");
    return it->second;
  }
  // A fake has no slow source: it always knows, unless a test says it must be asked.
  std::optional<Result<std::string>> peek(const std::string& name) override {
    {
      std::lock_guard lock(mutex_);
      if (!peekable_) return std::nullopt;
    }
    return get(name);
  }
  void setPeekable(bool peekable) {
    std::lock_guard lock(mutex_);
    peekable_ = peekable;
  }
  void invalidate(const std::string& name) override {
    std::lock_guard lock(mutex_);
    ++invalidations_;
    if (auto it = next_.find(name); it != next_.end()) keys_[name] = it->second;
  }

  void set(const std::string& name, std::string key) {
    std::lock_guard lock(mutex_);
    keys_[name] = std::move(key);
  }
  void erase(const std::string& name) {
    std::lock_guard lock(mutex_);
    keys_.erase(name);
  }
  // The key `name` has after its next invalidate().
  void rotateTo(const std::string& name, std::string key) {
    std::lock_guard lock(mutex_);
    next_[name] = std::move(key);
  }
  int invalidations() const {
    std::lock_guard lock(mutex_);
    return invalidations_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> keys_;
  std::map<std::string, std::string> next_;
  int invalidations_ = 0;
  bool peekable_ = true;
};

}  // namespace cs::testing
