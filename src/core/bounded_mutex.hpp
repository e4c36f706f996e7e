#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace cs {

// A TimedLockable mutex (lock, try_lock, try_lock_for, try_lock_until, unlock) built from a
// std::mutex and a condition variable, for waits that must give up (a store call bounded by its
// busy timeout). Why not std::timed_mutex: libstdc++ 12 implements its try_lock_for with
// pthread_mutex_clocklock, which GCC 12's ThreadSanitizer does not intercept, so every bounded
// lock looked like "unlock of an unlocked mutex" and hid real reports. Works with
// std::unique_lock<BoundedMutex>(m, timeout) and std::lock_guard.
class BoundedMutex {
 public:
  void lock() {
    std::unique_lock guard(state_);
    free_.wait(guard, [&] { return !held_; });
    held_ = true;
  }
  bool try_lock() {
    std::lock_guard guard(state_);
    if (held_) return false;
    held_ = true;
    return true;
  }
  template <typename Rep, typename Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) {
    return try_lock_until(std::chrono::steady_clock::now() + timeout);
  }
  template <typename Clock, typename Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline) {
    std::unique_lock guard(state_);
    if (!free_.wait_until(guard, deadline, [&] { return !held_; })) return false;
    held_ = true;
    return true;
  }
  void unlock() {
    {
      std::lock_guard guard(state_);
      held_ = false;
    }
    free_.notify_one();
  }

 private:
  std::mutex state_;
  std::condition_variable free_;
  bool held_ = false;
};

}  // namespace cs
