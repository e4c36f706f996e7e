#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "core/thread_annotations.hpp"

namespace cs {

// std::mutex with the capability attribute Clang's thread-safety analysis needs (libstdc++'s has
// none). Same cost and TSan visibility: it is a std::mutex. Lock it with MutexLock.
class CS_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() CS_ACQUIRE() { native_.lock(); }
  bool try_lock() CS_TRY_ACQUIRE(true) { return native_.try_lock(); }
  void unlock() CS_RELEASE() { native_.unlock(); }

 private:
  friend class CondVar;
  std::mutex native_;
};

// Holds a Mutex (or any capability type with lock/unlock, e.g. BoundedMutex) for its scope, like
// std::unique_lock: unlock() and lock() in between let a caller drop it around slow work.
template <typename M>
class CS_SCOPED_CAPABILITY BasicMutexLock {
 public:
  explicit BasicMutexLock(M& mu) CS_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~BasicMutexLock() CS_RELEASE() {
    if (held_) mu_.unlock();
  }
  BasicMutexLock(const BasicMutexLock&) = delete;
  BasicMutexLock& operator=(const BasicMutexLock&) = delete;

  void unlock() CS_RELEASE() {
    mu_.unlock();
    held_ = false;
  }
  void lock() CS_ACQUIRE() {
    mu_.lock();
    held_ = true;
  }

 private:
  M& mu_;
  bool held_ = true;
};
using MutexLock = BasicMutexLock<Mutex>;

// std::shared_mutex with the capability attribute: many readers (ReaderMutexLock) or one writer
// (WriterMutexLock).
class CS_CAPABILITY("shared_mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() CS_ACQUIRE() { native_.lock(); }
  void unlock() CS_RELEASE() { native_.unlock(); }
  void lock_shared() CS_ACQUIRE_SHARED() { native_.lock_shared(); }
  void unlock_shared() CS_RELEASE_SHARED() { native_.unlock_shared(); }

 private:
  std::shared_mutex native_;
};
using WriterMutexLock = BasicMutexLock<SharedMutex>;

class CS_SCOPED_CAPABILITY ReaderMutexLock {
 public:
  explicit ReaderMutexLock(SharedMutex& mu) CS_ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderMutexLock() CS_RELEASE_GENERIC() { mu_.unlock_shared(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

// A condition variable over a held cs::Mutex. No predicate overloads on purpose: callers write
// the loop (`while (!ready_) cv.wait(mu_);`) so the analysis checks the guarded reads in the
// condition under the lock (it cannot see into a predicate lambda).
class CondVar {
 public:
  void wait(Mutex& mu) CS_REQUIRES(mu) {
    std::unique_lock native(mu.native_, std::adopt_lock);
    cv_.wait(native);
    native.release();  // still held: the caller's MutexLock owns it
  }
  template <typename Clock, typename Duration>
  std::cv_status wait_until(Mutex& mu, const std::chrono::time_point<Clock, Duration>& deadline)
      CS_REQUIRES(mu) {
    std::unique_lock native(mu.native_, std::adopt_lock);
    const std::cv_status status = cv_.wait_until(native, deadline);
    native.release();
    return status;
  }
  template <typename Rep, typename Period>
  std::cv_status wait_for(Mutex& mu, const std::chrono::duration<Rep, Period>& timeout)
      CS_REQUIRES(mu) {
    return wait_until(mu, std::chrono::steady_clock::now() + timeout);
  }
  void notify_one() noexcept { cv_.notify_one(); }
  void notify_all() noexcept { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace cs
