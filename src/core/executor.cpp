#include "core/executor.hpp"

#include <algorithm>

namespace cs {

ThreadExecutor::ThreadExecutor(std::size_t threads, ThreadKind kind) : kind_(kind) {
  threads_.reserve(std::max<std::size_t>(1, threads));
  for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i)
    threads_.emplace_back([this] { loop(); });
}

ThreadExecutor::~ThreadExecutor() {
  stop();
}

void ThreadExecutor::stop() {
  std::call_once(stop_once_, [this] {
    {
      MutexLock lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  });
}

bool ThreadExecutor::stopping() const {
  MutexLock lock(mutex_);
  return stopping_;
}

void ThreadExecutor::post(Job job) {
  {
    MutexLock lock(mutex_);
    if (!stopping_) {
      ready_.push_back(std::move(job));
      // Notified under the lock: once a poster unlocks, stop() (and the destructor, which
      // destroys wake_) may run on another thread.
      wake_.notify_one();
      return;
    }
  }
  (void)runGuarded(kind_, {}, job);  // stopping: run here rather than drop it
}

void ThreadExecutor::postAfter(std::chrono::milliseconds delay, Job job) {
  {
    MutexLock lock(mutex_);
    if (!stopping_) {
      timers_.push_back(
          Timer{std::chrono::steady_clock::now() + delay, next_seq_++, std::move(job)});
      std::push_heap(timers_.begin(), timers_.end(), Later{});
      // Every thread may be sleeping until a later timer: all re-check the earliest one.
      // Under the lock, as in post().
      wake_.notify_all();
      return;
    }
  }
  (void)runGuarded(kind_, {}, job);
}

void ThreadExecutor::moveDueLocked(TimePoint now) {
  while (!timers_.empty() && (stopping_ || timers_.front().due <= now)) {
    std::pop_heap(timers_.begin(), timers_.end(), Later{});
    ready_.push_back(std::move(timers_.back().job));
    timers_.pop_back();
  }
}

void ThreadExecutor::loop() {
  for (;;) {
    Job job;
    {
      MutexLock lock(mutex_);
      for (;;) {
        moveDueLocked(std::chrono::steady_clock::now());
        if (!ready_.empty()) {
          job = std::move(ready_.front());
          ready_.pop_front();
          break;
        }
        if (stopping_) return;  // queue and timers drained
        if (timers_.empty())
          wake_.wait(mutex_);
        else {
          // A copy: wait_until reads its time point again after waking, and a postAfter
          // meanwhile may grow timers_ and move the element a reference would point at.
          const auto due = timers_.front().due;
          wake_.wait_until(mutex_, due);
        }
      }
    }
    // A job's exception is counted and reported (thread_boundary); the thread carries on.
    (void)runGuarded(kind_, {}, job);
  }
}

}  // namespace cs
