#pragma once
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include "core/thread_boundary.hpp"

namespace cs {

// Runs blocking jobs (LLM calls) on their own threads so several run truly in parallel, and
// joins every one of them in its destructor: no detached thread ever outlives its owner.
// Bounded: spawn() refuses once `max_running` jobs are running, so load cannot grow threads
// without limit. Finished threads are reaped on the next spawn().
class TaskGroup {
 public:
  TaskGroup(std::size_t max_running, ThreadKind kind) : max_running_(max_running), kind_(kind) {}
  ~TaskGroup() { joinAll(); }
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // false (and `job` not run) when the group is at capacity or closed.
  bool spawn(std::function<void()> job) {
    std::list<Worker> finished;
    {
      std::lock_guard lock(mutex_);
      reapLocked(finished);
    }
    for (auto& w : finished) w.thread.join();  // done already: returns at once
    std::lock_guard lock(mutex_);
    if (closed_ || running_ >= max_running_) return false;
    ++running_;
    workers_.emplace_back();
    auto it = std::prev(workers_.end());
    it->thread = std::thread([this, it, job = std::move(job)] {
      // A thread entry is a failure boundary. Jobs turn their own exceptions into their
      // call's error (CompareService::runCall); this backstop keeps one that escapes anyway
      // from reaching std::terminate, and counts and logs it (core/thread_boundary).
      runGuarded(kind_, {}, job);
      std::lock_guard done(mutex_);
      it->done = true;
      --running_;
      idle_.notify_all();
    });
    return true;
  }

  // Refuses new jobs and waits for the running ones.
  void joinAll() {
    std::list<Worker> all;
    {
      std::unique_lock lock(mutex_);
      closed_ = true;
      idle_.wait(lock, [&] { return running_ == 0; });
      all.swap(workers_);
    }
    for (auto& w : all)
      if (w.thread.joinable()) w.thread.join();
  }

  std::size_t running() const {
    std::lock_guard lock(mutex_);
    return running_;
  }

 private:
  struct Worker {
    std::thread thread;
    bool done = false;
  };
  // Moves finished workers out so they are joined (instantly) after the lock is released.
  void reapLocked(std::list<Worker>& out) {
    for (auto it = workers_.begin(); it != workers_.end();) {
      auto next = std::next(it);
      if (it->done) out.splice(out.end(), workers_, it);
      it = next;
    }
  }

  std::size_t max_running_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::list<Worker> workers_;
  std::size_t running_ = 0;
  bool closed_ = false;
  ThreadKind kind_;
};

}  // namespace cs
