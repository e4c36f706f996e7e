#pragma once
#include <chrono>
#include <functional>
#include <memory>

namespace cs {

// A single-threaded event loop that lower layers may run work on: an HTTP I/O thread
// (http/asio_event_loop implements it). The point is the proxy path: an upstream transfer a
// request starts is driven by the very thread that serves the request, so the answer needs no
// hand-off between threads (net/curl_transport). Every method except post() is called on the
// loop's own thread only; every callback runs there.
class EventLoop {
 public:
  class Timer {
   public:
    virtual ~Timer() = default;
    // Fires once, `after` from now; arming again replaces the previous expiry.
    virtual void arm(std::chrono::milliseconds after) = 0;
    virtual void disarm() = 0;
  };

  virtual ~EventLoop() = default;
  // Calls `readable` each time `fd` becomes readable, until unwatch(fd). Edge-triggered: the
  // callback reads until the fd has nothing left (for an epoll fd: until epoll_wait says 0).
  // The loop never closes `fd`.
  virtual void watchReadable(int fd, std::function<void()> readable) = 0;
  virtual void unwatch(int fd) = 0;
  virtual std::unique_ptr<Timer> makeTimer(std::function<void()> fire) = 0;
  // Runs `job` on the loop's thread soon, never on the caller's stack. Any thread.
  virtual void post(std::function<void()> job) = 0;
  // Runs `hook` on the loop's thread when the loop stops for good (its connections are gone,
  // nothing it watches fires again): the place to fail work still in flight on it.
  virtual void atStop(std::function<void()> hook) = 0;

  // The loop the calling thread runs, or nullptr (executor and worker threads have none).
  static EventLoop* current() noexcept;

  // Makes `loop` the calling thread's current loop for the scope's life.
  class Scope {
   public:
    explicit Scope(EventLoop& loop) noexcept;
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    EventLoop* previous_;
  };
};

}  // namespace cs
