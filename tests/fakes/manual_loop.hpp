#pragma once
#include <deque>
#include <functional>
#include <memory>

#include "core/event_loop.hpp"

namespace cs::testing {

// The EventLoop fake for code that only needs to know it runs on a loop (the gateway's inline
// start): posted jobs wait until runAll(). It watches no fds and its timers never fire: a test
// that needs real readiness uses the HTTP server's loops (transport_on_loop_test).
class ManualLoop final : public EventLoop {
 public:
  void watchReadable(int, std::function<void()>) override { ++watches; }
  void unwatch(int) override {}
  std::unique_ptr<Timer> makeTimer(std::function<void()>) override {
    struct Never final : Timer {
      void arm(std::chrono::milliseconds) override {}
      void disarm() override {}
    };
    return std::make_unique<Never>();
  }
  void post(std::function<void()> job) override { jobs.push_back(std::move(job)); }
  void atStop(std::function<void()> hook) override { hooks.push_back(std::move(hook)); }
  void runAll() {
    while (!jobs.empty()) {
      auto job = std::move(jobs.front());
      jobs.pop_front();
      job();
    }
  }

  std::deque<std::function<void()>> jobs;
  std::deque<std::function<void()>> hooks;
  int watches = 0;
};

}  // namespace cs::testing
