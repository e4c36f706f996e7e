#pragma once
#include <chrono>
#include <functional>
#include <thread>
#include <utility>

#include "core/mutex.hpp"
#include "core/thread_boundary.hpp"

namespace cs {

// A thread that runs `tick` every `interval` until it is destroyed; the destructor wakes it at
// once and joins it (a tick under way finishes first). Each tick is a thread boundary
// (runGuarded): an escaping exception is counted under `kind` and the next tick still runs.
// The background flush of the rollups (RequestStatsRecorder, LedgerRollup).
class PeriodicThread {
 public:
  PeriodicThread(std::chrono::milliseconds interval, ThreadKind kind, std::function<void()> tick)
      : interval_(interval), kind_(kind), tick_(std::move(tick)), thread_([this] { run(); }) {}
  ~PeriodicThread() {
    {
      MutexLock lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

 private:
  void run() {
    MutexLock lock(mutex_);
    while (!stop_) {
      const auto due = std::chrono::steady_clock::now() + interval_;
      while (!stop_)
        if (wake_.wait_until(mutex_, due) == std::cv_status::timeout) break;
      if (stop_) break;
      lock.unlock();  // a tick may take long (a store write): stopping must not wait for the lock
      (void)runGuarded(kind_, {}, tick_);
      lock.lock();
    }
  }

  const std::chrono::milliseconds interval_;
  const ThreadKind kind_;
  const std::function<void()> tick_;
  Mutex mutex_;
  CondVar wake_;
  bool stop_ CS_GUARDED_BY(mutex_) = false;
  std::thread thread_;  // last: it starts once everything it uses exists
};

}  // namespace cs
