#pragma once
#include <chrono>

#include "core/mutex.hpp"

namespace cs {

// A TimedLockable mutex (lock, try_lock, try_lock_for, try_lock_until, unlock) built from a
// std::mutex and a condition variable, for waits that must give up (a store call bounded by its
// busy timeout). Why not std::timed_mutex: libstdc++ 12 implements its try_lock_for with
// pthread_mutex_clocklock, which GCC 12's ThreadSanitizer does not intercept, so every bounded
// lock looked like "unlock of an unlocked mutex" and hid real reports. Works with
// std::unique_lock<BoundedMutex>(m, timeout) and std::lock_guard; a capability for Clang's
// thread-safety analysis (BasicMutexLock<BoundedMutex> holds it for a scope).
class CS_CAPABILITY("mutex") BoundedMutex {
 public:
  void lock() CS_ACQUIRE() {
    MutexLock guard(state_);
    while (held_) free_.wait(state_);
    held_ = true;
  }
  bool try_lock() CS_TRY_ACQUIRE(true) {
    MutexLock guard(state_);
    if (held_) return false;
    held_ = true;
    return true;
  }
  template <typename Rep, typename Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) CS_TRY_ACQUIRE(true) {
    return try_lock_until(std::chrono::steady_clock::now() + timeout);
  }
  template <typename Clock, typename Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline)
      CS_TRY_ACQUIRE(true) {
    MutexLock guard(state_);
    while (held_)
      if (free_.wait_until(state_, deadline) == std::cv_status::timeout && held_) return false;
    held_ = true;
    return true;
  }
  void unlock() CS_RELEASE() {
    {
      MutexLock guard(state_);
      held_ = false;
    }
    free_.notify_one();
  }

 private:
  Mutex state_;
  CondVar free_;
  bool held_ CS_GUARDED_BY(state_) = false;
};
using BoundedMutexLock = BasicMutexLock<BoundedMutex>;

}  // namespace cs
