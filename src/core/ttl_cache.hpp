#pragma once
#include <chrono>
#include <optional>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/mutex.hpp"

namespace cs {

// A small thread-safe map whose entries expire `ttl` after insertion. Bounded: when full, the
// expired entries go first, then the whole map is cleared (cheap, and refills on demand).
template <typename Key, typename Value>
class TtlCache {
 public:
  TtlCache(const Clock& clock, std::chrono::milliseconds ttl, std::size_t max_entries = 100'000)
      : clock_(clock), ttl_(ttl), max_entries_(max_entries) {}

  std::optional<Value> get(const Key& key) {
    MutexLock lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    if (clock_.now() >= it->second.expires) {
      map_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void put(const Key& key, Value value) {
    MutexLock lock(mutex_);
    const auto now = clock_.now();
    if (map_.size() >= max_entries_) {
      std::erase_if(map_, [&](const auto& kv) { return now >= kv.second.expires; });
      if (map_.size() >= max_entries_) map_.clear();
    }
    map_.insert_or_assign(key, Entry{std::move(value), now + ttl_});
  }

  void erase(const Key& key) {
    MutexLock lock(mutex_);
    map_.erase(key);
  }

  void clear() {
    MutexLock lock(mutex_);
    map_.clear();
  }

  std::size_t size() const {
    MutexLock lock(mutex_);
    return map_.size();
  }

 private:
  struct Entry {
    Value value;
    std::chrono::steady_clock::time_point expires;
  };
  const Clock& clock_;
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  mutable Mutex mutex_;
  std::unordered_map<Key, Entry> map_ CS_GUARDED_BY(mutex_);
};

}  // namespace cs
