#pragma once
// Internal to the http layer (included only by server.cpp): carries streamed chunks from
// producer threads to the connection's strand.
#include <utility>
// clang-format off
#include <boost/asio.hpp>
// clang-format on
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace cs::http {

class StreamChannel final : public StreamSink, public std::enable_shared_from_this<StreamChannel> {
 public:
  using Executor = boost::asio::any_io_executor;
  explicit StreamChannel(Executor executor) : timer_(executor) {}

  bool write(std::string chunk) override {
    {
      std::lock_guard lock(mutex_);
      if (detached_ || closed_) return false;
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

  // Suspends until a producer writes or closes. Runs on the session's strand.
  boost::asio::awaitable<void> wait() {
    {
      std::lock_guard lock(mutex_);
      if (!queue_.empty() || closed_) co_return;
    }
    boost::system::error_code ec;
    timer_.expires_at(boost::asio::steady_timer::time_point::max());
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }

  // Marks the channel dead when the session ends, so late producers neither queue nor post.
  struct Detach {
    explicit Detach(StreamChannel& c) : channel(c) {}
    ~Detach() {
      std::lock_guard lock(channel.mutex_);
      channel.detached_ = true;
    }
    StreamChannel& channel;
  };

 private:
  void wake() {
    std::lock_guard lock(mutex_);
    if (detached_) return;
    boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  }

  std::mutex mutex_;
  std::vector<std::string> queue_;
  bool closed_ = false;
  bool detached_ = false;
  boost::asio::steady_timer timer_;
};

}  // namespace cs::http
