#pragma once
// Internal to the http layer (included only by server.cpp): carries streamed chunks from
// producer threads to the connection's coroutine.
#include <utility>
// clang-format off
#include <boost/asio.hpp>
// clang-format on
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace cs::http {

// Producers (a compare run's threads) may hold the channel long after the session and even
// the server are gone, so the channel owns no Asio object: the timer the session waits on
// lives in the session's frame, and the channel only points at it (and at its executor) until
// Detach, all under the mutex. After Detach a producer's write() is refused and posts nothing.
class StreamChannel final : public StreamSink, public std::enable_shared_from_this<StreamChannel> {
 public:
  using Executor = boost::asio::any_io_executor;
  using Timer = boost::asio::steady_timer;

  bool write(std::string chunk) override {
    {
      std::lock_guard lock(mutex_);
      if (!timer_ || closed_) return false;
      queue_.push_back(std::move(chunk));
    }
    wake();
    return true;
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
    }
    wake();
  }

  // Moves queued chunks into `out`; true once the producer has closed and all is taken.
  bool take(std::vector<std::string>& out) {
    std::lock_guard lock(mutex_);
    for (auto& c : queue_) out.push_back(std::move(c));
    queue_.clear();
    return closed_;
  }

  // Suspends until a producer writes or closes. Runs on the session's thread.
  boost::asio::awaitable<void> wait() {
    Timer* timer = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (!queue_.empty() || closed_ || !timer_) co_return;
      timer = timer_;
      timer->expires_at(Timer::time_point::max());
    }
    boost::system::error_code ec;
    co_await timer->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }

  // Ties the channel to a session's timer for the session's life: on destruction the channel
  // forgets the timer and its executor, so late producers neither queue nor post.
  struct Attach {
    Attach(StreamChannel& c, Timer& timer) : channel(c) {
      std::lock_guard lock(channel.mutex_);
      channel.timer_ = &timer;
      channel.executor_.emplace(timer.get_executor());
    }
    ~Attach() {
      std::lock_guard lock(channel.mutex_);
      channel.timer_ = nullptr;
      channel.executor_.reset();
    }
    Attach(const Attach&) = delete;
    Attach& operator=(const Attach&) = delete;
    StreamChannel& channel;
  };

 private:
  void wake() {
    std::lock_guard lock(mutex_);
    if (!executor_) return;
    // The handler runs on the session's thread, where Attach also ends: it sees either the
    // live timer or none.
    boost::asio::post(*executor_, [self = shared_from_this()] {
      std::lock_guard inner(self->mutex_);
      if (self->timer_) self->timer_->cancel();
    });
  }

  std::mutex mutex_;
  std::vector<std::string> queue_;
  bool closed_ = false;
  Timer* timer_ = nullptr;
  std::optional<Executor> executor_;
};

}  // namespace cs::http
