#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace cs {

// Counts the asynchronous calls an owner has started and not yet seen finish, so the owner's
// destructor can wait for the last completion (which still uses the owner) before it goes,
// and so a bound on concurrent calls needs no thread per call.
class PendingCalls {
 public:
  // False (nothing counted) when `limit` calls are already pending.
  bool tryEnter(std::size_t limit) {
    std::lock_guard lock(mutex_);
    if (count_ >= limit) return false;
    ++count_;
    return true;
  }
  void enter() {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  void leave() {
    std::lock_guard lock(mutex_);
    if (count_ > 0 && --count_ == 0) zero_.notify_all();
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  void waitZero() const {
    std::unique_lock lock(mutex_);
    zero_.wait(lock, [&] { return count_ == 0; });
  }
  bool waitZeroUntil(std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return zero_.wait_until(lock, deadline, [&] { return count_ == 0; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable zero_;
  std::size_t count_ = 0;
};

}  // namespace cs
