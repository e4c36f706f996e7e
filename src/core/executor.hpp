#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/mutex.hpp"
#include "core/thread_boundary.hpp"

namespace cs {

// Where asynchronous work runs: LLM call steps, retry timers, completions that write to the
// store. Fixed at start-up, so the number of threads never grows with load. Every job runs
// exactly once: a job posted after stop() began runs on the caller's thread, and a timer still
// pending at stop() fires at once (stopping() then says it fired early).
class Executor {
 public:
  using Job = std::function<void()>;
  virtual ~Executor() = default;
  // Runs `job` soon, never on the caller's stack (until stop() began).
  virtual void post(Job job) = 0;
  // Runs `job` once `delay` has passed (timers fire in due order; equal ones in post order).
  virtual void postAfter(std::chrono::milliseconds delay, Job job) = 0;
  // True once the executor is stopping: a timer job seeing it fired early, at shutdown.
  virtual bool stopping() const = 0;
};

// The real one: a fixed number of threads sharing one queue and one timer heap. Every job is
// run through the failure boundary (core/thread_boundary): a throwing job is counted under
// `kind` and the thread lives on. The destructor stops and joins (RAII).
class ThreadExecutor final : public Executor {
 public:
  ThreadExecutor(std::size_t threads, ThreadKind kind = ThreadKind::kExecutor);
  ~ThreadExecutor() override;
  ThreadExecutor(const ThreadExecutor&) = delete;
  ThreadExecutor& operator=(const ThreadExecutor&) = delete;

  void post(Job job) override;
  void postAfter(std::chrono::milliseconds delay, Job job) override;
  bool stopping() const override;
  // Runs what is queued and every pending timer (early), then joins the threads. Idempotent.
  void stop();
  std::size_t threads() const { return threads_.size(); }

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Timer {
    TimePoint due;
    std::uint64_t seq;
    Job job;
  };
  struct Later {  // heap order: the earliest (then the first posted) on top
    bool operator()(const Timer& a, const Timer& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };
  void loop();
  void moveDueLocked(TimePoint now) CS_REQUIRES(mutex_);

  ThreadKind kind_;
  mutable Mutex mutex_;
  CondVar wake_;
  std::deque<Job> ready_ CS_GUARDED_BY(mutex_);
  std::vector<Timer> timers_ CS_GUARDED_BY(mutex_);  // a heap (Later)
  std::uint64_t next_seq_ CS_GUARDED_BY(mutex_) = 0;
  bool stopping_ CS_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
  std::once_flag stop_once_;
};

}  // namespace cs
