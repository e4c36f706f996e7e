#pragma once
#include <chrono>
#include <cstddef>

#include "core/mutex.hpp"

namespace cs {

// Counts the asynchronous calls an owner has started and not yet seen finish, so the owner's
// destructor can wait for the last completion (which still uses the owner) before it goes,
// and so a bound on concurrent calls needs no thread per call.
class PendingCalls {
 public:
  // False (nothing counted) when `limit` calls are already pending.
  bool tryEnter(std::size_t limit) {
    MutexLock lock(mutex_);
    if (count_ >= limit) return false;
    ++count_;
    return true;
  }
  void enter() {
    MutexLock lock(mutex_);
    ++count_;
  }
  void leave() {
    MutexLock lock(mutex_);
    if (count_ == 0) return;
    --count_;
    if (count_ == 0) zero_.notify_all();
  }
  std::size_t count() const {
    MutexLock lock(mutex_);
    return count_;
  }
  void waitZero() const {
    MutexLock lock(mutex_);
    while (count_ != 0) zero_.wait(mutex_);
  }
  bool waitZeroUntil(std::chrono::steady_clock::time_point deadline) const {
    MutexLock lock(mutex_);
    while (count_ != 0)
      if (zero_.wait_until(mutex_, deadline) == std::cv_status::timeout) return count_ == 0;
    return true;
  }

 private:
  mutable Mutex mutex_;
  mutable CondVar zero_;
  std::size_t count_ CS_GUARDED_BY(mutex_) = 0;
};

}  // namespace cs
