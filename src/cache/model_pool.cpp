#include "cache/model_pool.hpp"

namespace cs::cache {

std::optional<ModelPool::Taken> ModelPool::take() {
  MutexLock lock(mutex_);
  if (entries_.empty()) return std::nullopt;
  Entry& front = entries_.front();
  Taken taken{front.saying, 0};
  if (--front.serves_left <= 0) {
    entries_.pop_front();
  } else if (entries_.size() > 1) {
    // Rotate, so a saying served again waits behind the others.
    entries_.push_back(std::move(front));
    entries_.pop_front();
  }
  taken.remaining = entries_.size();
  size_.store(entries_.size(), std::memory_order_relaxed);
  return taken;
}

std::size_t ModelPool::add(const std::vector<SayingPtr>& sayings) {
  MutexLock lock(mutex_);
  std::size_t added = 0;
  for (const auto& s : sayings) {
    if (entries_.size() >= capacity_) break;
    entries_.push_back(Entry{s, max_serves_ < 1 ? 1 : max_serves_});
    ++added;
  }
  size_.store(entries_.size(), std::memory_order_relaxed);
  return added;
}

}  // namespace cs::cache
