#pragma once
// Internal to the http layer (included only by server.cpp): carries streamed chunks and
// deferred answers from producer threads to the connection's coroutine.
#include <atomic>
#include <utility>
// clang-format off
#include <boost/asio.hpp>
// clang-format on
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/mutex.hpp"
#include "http/json_error.hpp"
#include "http/message.hpp"

namespace cs::http {

// Wakes a session's coroutine from any thread. Producers (a compare's completions) may hold
// it long after the session and even the server are gone, so it owns no Asio object: the
// timer the session waits on lives in the session's frame, and this only points at it (and at
// its executor) until Detach, all under the mutex. After Detach nothing is posted.
class SessionWaker : public std::enable_shared_from_this<SessionWaker> {
 public:
  using Executor = boost::asio::any_io_executor;
  using Timer = boost::asio::steady_timer;
  virtual ~SessionWaker() = default;

  // Suspends until a producer signals (or at once when there is something). Session's thread.
  boost::asio::awaitable<void> wait() {
    Timer* timer = nullptr;
    {
      MutexLock lock(mutex_);
      if (readyLocked() || !timer_) co_return;
      timer = timer_;
      timer->expires_at(Timer::time_point::max());
    }
    boost::system::error_code ec;
    co_await timer->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }

  // Ties the waker to a session's timer for the session's life: on destruction it forgets the
  // timer and its executor, so late producers neither queue nor post.
  struct Attach {
    Attach(SessionWaker& w, Timer& timer) : waker(w) {
      MutexLock lock(waker.mutex_);
      waker.timer_ = &timer;
      waker.executor_.emplace(timer.get_executor());
    }
    ~Attach() {
      MutexLock lock(waker.mutex_);
      waker.timer_ = nullptr;
      waker.executor_.reset();
    }
    Attach(const Attach&) = delete;
    Attach& operator=(const Attach&) = delete;
    SessionWaker& waker;
  };

 protected:
  bool attachedLocked() const CS_REQUIRES(mutex_) { return timer_ != nullptr; }
  void wake() {
    MutexLock lock(mutex_);
    if (!executor_) return;
    // The handler runs on the session's thread, where Attach also ends: it sees either the
    // live timer or none.
    boost::asio::post(*executor_, [self = shared_from_this()] {
      MutexLock inner(self->mutex_);
      if (self->timer_) self->timer_->cancel();
    });
  }
  Mutex mutex_;

 private:
  virtual bool readyLocked() const CS_REQUIRES(mutex_) = 0;  // something to take
  Timer* timer_ CS_GUARDED_BY(mutex_) = nullptr;
  std::optional<Executor> executor_ CS_GUARDED_BY(mutex_);
};

// A streamed response's chunks.
class StreamChannel final : public StreamSink, public SessionWaker {
 public:
  bool write(std::string chunk) override {
    {
      MutexLock lock(mutex_);
      if (!attachedLocked() || closed_) return false;
      queue_.push_back(std::move(chunk));
    }
    wake();
    return true;
  }

  void close() override {
    {
      MutexLock lock(mutex_);
      if (closed_) return;
      closed_ = true;
    }
    wake();
  }

  // Moves queued chunks into `out`; true once the producer has closed and all is taken.
  bool take(std::vector<std::string>& out) {
    MutexLock lock(mutex_);
    for (auto& c : queue_) out.push_back(std::move(c));
    queue_.clear();
    return closed_;
  }

 private:
  bool readyLocked() const override CS_REQUIRES(mutex_) { return !queue_.empty() || closed_; }
  std::vector<std::string> queue_ CS_GUARDED_BY(mutex_);
  bool closed_ CS_GUARDED_BY(mutex_) = false;
};

// A deferred response's answer (Response::deferred). The first answer counts.
class DeferredSlot final : public SessionWaker {
 public:
  void complete(Response response) {
    {
      MutexLock lock(mutex_);
      if (answered_ || !attachedLocked()) return;
      answered_ = true;
      response.deferred = nullptr;  // an answer does not defer again
      answer_ = std::move(response);
    }
    wake();
  }
  std::optional<Response> take() {
    MutexLock lock(mutex_);
    return std::exchange(answer_, std::nullopt);
  }

  // The completion handed to the producer. When every copy is dropped uncalled (a bug), the
  // client still gets an answer: a 500, never a connection that hangs.
  ResponseCallback completion() {
    // The 500 is built only when no answer came: building it on every request's way out
    // was two JSON documents and a few allocations per proxied call (a heaptrack profile).
    struct Guard {
      std::shared_ptr<DeferredSlot> slot;
      std::atomic<bool> called{false};
      ~Guard() {
        if (slot && !called.load(std::memory_order_acquire))
          slot->complete(
              jsonError(ErrorCode::kInternal, "the server failed to answer this request"));
      }
    };
    auto guard = std::make_shared<Guard>();
    guard->slot = std::static_pointer_cast<DeferredSlot>(shared_from_this());
    return [guard](Response response) {
      guard->slot->complete(std::move(response));
      guard->called.store(true, std::memory_order_release);
    };
  }

 private:
  bool readyLocked() const override CS_REQUIRES(mutex_) { return answer_.has_value(); }
  bool answered_ CS_GUARDED_BY(mutex_) = false;
  std::optional<Response> answer_ CS_GUARDED_BY(mutex_);
};

// Awaits a deferred response on the session's executor: no thread waits meanwhile.
inline boost::asio::awaitable<Response> awaitDeferred(Response pending) {
  SessionWaker::Timer wake_timer(co_await boost::asio::this_coro::executor);
  auto slot = std::make_shared<DeferredSlot>();
  SessionWaker::Attach attach(*slot, wake_timer);
  try {
    auto start = std::move(pending.deferred);
    start(slot->completion());
  } catch (const std::exception&) {
    co_return jsonError(ErrorCode::kInternal, "the server failed to handle this request");
  }
  for (;;) {
    if (auto answer = slot->take()) co_return std::move(*answer);
    co_await slot->wait();
  }
}

}  // namespace cs::http
