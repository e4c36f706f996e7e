#pragma once
// Internal to the http layer (server.cpp): an I/O thread's io_context as a core EventLoop, so
// lower layers (net's curl transfers) can run on the thread that serves the request.
#include <utility>
// clang-format off
#include <boost/asio.hpp>
// clang-format on
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/event_loop.hpp"
#include "core/thread_boundary.hpp"

namespace cs::http {

class AsioEventLoop final : public EventLoop {
 public:
  explicit AsioEventLoop(boost::asio::io_context& ioc) : ioc_(ioc) {}
  ~AsioEventLoop() override { stop(); }
  AsioEventLoop(const AsioEventLoop&) = delete;
  AsioEventLoop& operator=(const AsioEventLoop&) = delete;

  void watchReadable(int fd, std::function<void()> readable) override {
    unwatch(fd);
    auto watch = std::make_shared<Watch>(ioc_, fd, std::move(readable));
    watches_.emplace(fd, watch);
    arm(watch);
  }

  void unwatch(int fd) override {
    auto it = watches_.find(fd);
    if (it == watches_.end()) return;
    it->second->live = false;
    // Cancels the pending wait and takes the fd out of Asio's reactor without closing it.
    (void)it->second->descriptor.release();
    watches_.erase(it);
  }

  std::unique_ptr<Timer> makeTimer(std::function<void()> fire) override {
    return std::make_unique<AsioTimer>(ioc_, std::move(fire));
  }

  void post(std::function<void()> job) override {
    boost::asio::post(
        ioc_, [job = std::move(job)] { (void)runGuarded(ThreadKind::kTransport, {}, job); });
  }

  void atStop(std::function<void()> hook) override { hooks_.push_back(std::move(hook)); }

  // Runs the stop hooks (once), after the io_context has stopped, on the loop's thread.
  void stop() {
    auto hooks = std::exchange(hooks_, {});
    for (auto& hook : hooks) (void)runGuarded(ThreadKind::kTransport, {}, hook);
    while (!watches_.empty()) unwatch(watches_.begin()->first);
  }

 private:
  struct Watch {
    Watch(boost::asio::io_context& ioc, int fd, std::function<void()> fn)
        : descriptor(ioc, fd), readable(std::move(fn)) {}
    ~Watch() {
      if (descriptor.is_open()) (void)descriptor.release();  // never close a fd we do not own
    }
    boost::asio::posix::stream_descriptor descriptor;
    std::function<void()> readable;
    bool live = true;
  };

  // Re-armed before the callback runs: an edge during the callback reaches the next wait.
  static void arm(const std::shared_ptr<Watch>& watch) {
    watch->descriptor.async_wait(boost::asio::posix::descriptor_base::wait_read,
                                 [watch](const boost::system::error_code& ec) {
                                   if (ec || !watch->live) return;
                                   arm(watch);
                                   (void)runGuarded(ThreadKind::kTransport, {}, watch->readable);
                                 });
  }

  class AsioTimer final : public Timer {
   public:
    AsioTimer(boost::asio::io_context& ioc, std::function<void()> fire)
        : timer_(ioc), fire_(std::move(fire)) {}
    ~AsioTimer() override {
      *alive_ = false;
      timer_.cancel();
    }
    void arm(std::chrono::milliseconds after) override {
      const auto generation = ++generation_;
      timer_.expires_after(after);
      timer_.async_wait([this, alive = alive_, generation](const boost::system::error_code& ec) {
        // A wait overtaken by a newer arm, a disarm or the timer's end does nothing.
        if (ec || !*alive || generation != generation_) return;
        (void)runGuarded(ThreadKind::kTransport, {}, fire_);
      });
    }
    void disarm() override {
      ++generation_;
      timer_.cancel();
    }

   private:
    boost::asio::steady_timer timer_;
    std::function<void()> fire_;
    std::uint64_t generation_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  };

  boost::asio::io_context& ioc_;
  std::unordered_map<int, std::shared_ptr<Watch>> watches_;
  std::vector<std::function<void()>> hooks_;
};

}  // namespace cs::http
