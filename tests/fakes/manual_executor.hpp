#pragma once
#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <vector>

#include "core/executor.hpp"
#include "fakes/fake_clock.hpp"

namespace cs::testing {

// An Executor the test drives by hand, on its own thread: post() queues, postAfter() sets a
// timer on a FakeClock, and nothing runs until the test says so. Replaces sleeping in tests
// of retries and timers: "waiting" is moving the FakeClock to the next timer.
class ManualExecutor final : public Executor {
 public:
  explicit ManualExecutor(FakeClock& clock) : clock_(clock) {}

  void post(Job job) override {
    std::lock_guard lock(mutex_);
    ready_.push_back(std::move(job));
  }
  void postAfter(std::chrono::milliseconds delay, Job job) override {
    std::lock_guard lock(mutex_);
    delays.push_back(delay);
    timers_.push_back({clock_.now() + delay, seq_++, std::move(job)});
  }
  bool stopping() const override {
    std::lock_guard lock(mutex_);
    return stopping_;
  }
  void setStopping(bool stopping) {
    std::lock_guard lock(mutex_);
    stopping_ = stopping;
  }

  // Runs queued jobs (and jobs they post) and timers already due; returns how many ran.
  int runReady() {
    int ran = 0;
    for (;;) {
      Job job;
      {
        std::lock_guard lock(mutex_);
        moveDueLocked();
        if (ready_.empty()) return ran;
        job = std::move(ready_.front());
        ready_.pop_front();
      }
      job();
      ++ran;
    }
  }
  // Moves the clock to the earliest timer (when it is in the future) and runs it and what it
  // posts. False when no timer is pending.
  bool fireNextTimer() {
    {
      std::lock_guard lock(mutex_);
      if (timers_.empty()) return false;
      const auto due = earliestLocked()->due;
      if (due > clock_.now()) clock_.advance(due - clock_.now());
    }
    runReady();
    return true;
  }
  // Runs everything, timers included (moving the clock), until nothing is left.
  void runAll() {
    do runReady();
    while (fireNextTimer());
  }
  std::size_t pendingTimers() const {
    std::lock_guard lock(mutex_);
    return timers_.size();
  }
  std::size_t queued() const {
    std::lock_guard lock(mutex_);
    return ready_.size();
  }
  std::vector<std::chrono::milliseconds> delays;  // every postAfter delay, in order

 private:
  struct Timer {
    std::chrono::steady_clock::time_point due;
    std::uint64_t seq;
    Job job;
  };
  std::vector<Timer>::iterator earliestLocked() {
    return std::min_element(timers_.begin(), timers_.end(), [](const Timer& a, const Timer& b) {
      return a.due != b.due ? a.due < b.due : a.seq < b.seq;
    });
  }
  void moveDueLocked() {
    while (!timers_.empty()) {
      auto it = earliestLocked();
      if (!stopping_ && it->due > clock_.now()) return;
      ready_.push_back(std::move(it->job));
      timers_.erase(it);
    }
  }

  FakeClock& clock_;
  mutable std::mutex mutex_;
  std::deque<Job> ready_;
  std::vector<Timer> timers_;
  std::uint64_t seq_ = 0;
  bool stopping_ = false;
};

}  // namespace cs::testing
