#pragma once
#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "core/mutex.hpp"
#include "core/saying.hpp"

namespace cs::cache {

using SayingPtr = std::shared_ptr<const Saying>;

// One model's bounded pool of ready sayings. take() is the hot path: one short lock, a
// shared_ptr copy, no allocation. Each saying is served `max_serves` times, then dropped.
class ModelPool {
 public:
  ModelPool(std::size_t capacity, int max_serves) : capacity_(capacity), max_serves_(max_serves) {}

  struct Taken {
    SayingPtr saying;
    std::size_t remaining = 0;  // pool size after this take
  };
  std::optional<Taken> take();
  // Adds sayings; returns how many fitted (the rest would exceed the capacity).
  std::size_t add(const std::vector<SayingPtr>& sayings);
  // Lock-free size, so callers skip empty pools without touching the mutex.
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    SayingPtr saying;
    int serves_left = 1;
  };
  std::size_t capacity_;
  int max_serves_;
  Mutex mutex_;
  std::deque<Entry> entries_ CS_GUARDED_BY(mutex_);
  std::atomic<std::size_t> size_{0};
};

}  // namespace cs::cache
