#include "net/curl_loop_multi.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>

#include "core/thread_boundary.hpp"

namespace cs::net::detail {
namespace {

// Rounds of epoll_wait per wake before yielding to the loop's other work (a busy socket must
// not starve the connections the loop serves); the rest is picked up by a posted drain.
constexpr int kDrainRounds = 16;

std::uint32_t epollEvents(int what) {
  std::uint32_t events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= EPOLLIN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= EPOLLOUT;
  return events;
}

}  // namespace

LoopMulti::LoopMulti(EventLoop& loop, CurlSettings settings, long max_cached_connections)
    : loop_(loop), settings_(std::move(settings)) {
  curlGlobalInit();
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  multi_ = newMulti(max_cached_connections);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, onSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, onTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  timer_ = loop_.makeTimer([this] { act(CURL_SOCKET_TIMEOUT, 0); });
  if (epoll_fd_ >= 0) loop_.watchReadable(epoll_fd_, [this] { drain(); });
}

LoopMulti::~LoopMulti() {
  shutdown();
}

void LoopMulti::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  *alive_ = false;
  std::vector<std::unique_ptr<Transfer>> rest;
  for (auto& [easy, t] : active_) {
    curl_multi_remove_handle(multi_, easy);
    rest.push_back(std::move(t));
  }
  active_.clear();
  timer_.reset();
  if (epoll_fd_ >= 0) loop_.unwatch(epoll_fd_);
  curl_multi_cleanup(multi_);  // closes the cached connections
  multi_ = nullptr;
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  epoll_fd_ = -1;
  for (auto& t : rest) {
    t->failWith("transport stopped");
    t->answer();
  }
}

void LoopMulti::add(std::unique_ptr<Transfer> t) {
  if (stopped_) {
    t->failWith("transport stopped");
    return t->answer();
  }
  if (epoll_fd_ < 0) {
    t->failWith("epoll_create1 failed");
    return answerLater(std::move(t));
  }
  if (!t->prepare(settings_, pool_)) return answerLater(std::move(t));
  CURL* easy = t->easy;
  auto& slot = active_[easy];
  slot = std::move(t);
  // Curl asks for its timer (onTimer) from inside: the transfer starts from a posted job.
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
    auto failed = std::move(slot);
    active_.erase(easy);
    failed->failWith("curl_multi_add_handle failed");
    answerLater(std::move(failed));
  }
}

void LoopMulti::answerLater(std::unique_ptr<Transfer> t) {
  // std::function needs a copyable job: the transfer rides in a shared_ptr.
  std::shared_ptr<Transfer> shared(std::move(t));
  loop_.post([shared] { shared->answer(); });
}

int LoopMulti::onSocket(CURL*, curl_socket_t fd, int what, void* self, void* socketp) {
  (void)runGuarded(ThreadKind::kTransport, {}, [&] {
    static_cast<LoopMulti*>(self)->socketChanged(fd, what, socketp != nullptr);
  });
  return 0;
}

int LoopMulti::onTimer(CURLM*, long timeout_ms, void* self) {
  (void)runGuarded(ThreadKind::kTransport, {},
                   [&] { static_cast<LoopMulti*>(self)->timerChanged(timeout_ms); });
  return 0;
}

void LoopMulti::socketChanged(curl_socket_t fd, int what, bool known) {
  if (what == CURL_POLL_REMOVE) {
    // A socket curl already closed has left the set by itself; ENOENT/EBADF are fine.
    (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    curl_multi_assign(multi_, fd, nullptr);
    return;
  }
  epoll_event ev{};
  ev.events = epollEvents(what);
  ev.data.fd = fd;
  if (!known) {
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST)
      (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    // Any non-null pointer marks the socket as in our set.
    curl_multi_assign(multi_, fd, this);
  } else if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT) {
    (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

void LoopMulti::timerChanged(long timeout_ms) {
  if (!timer_) return;
  if (timeout_ms < 0) return timer_->disarm();
  if (timeout_ms > 0) return timer_->arm(std::chrono::milliseconds(timeout_ms));
  // "Now": never from inside curl's own call, so from a posted job (one at a time).
  timer_->disarm();
  if (kick_posted_) return;
  kick_posted_ = true;
  loop_.post([this, alive = alive_] {
    if (!*alive) return;
    kick_posted_ = false;
    act(CURL_SOCKET_TIMEOUT, 0);
  });
}

void LoopMulti::drain() {
  std::array<epoll_event, 32> events{};
  for (int round = 0; round < kDrainRounds; ++round) {
    if (stopped_) return;
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 0);
    if (n <= 0) return;
    for (int i = 0; i < n && !stopped_; ++i) {
      const auto e = events[static_cast<std::size_t>(i)].events;
      int mask = 0;
      if (e & (EPOLLIN | EPOLLHUP)) mask |= CURL_CSELECT_IN;
      if (e & EPOLLOUT) mask |= CURL_CSELECT_OUT;
      if (e & EPOLLERR) mask |= CURL_CSELECT_ERR;
      act(events[static_cast<std::size_t>(i)].data.fd, mask);
    }
  }
  // Still busy after the rounds: carry on after the loop's other work (the set stays ready,
  // and an edge-triggered watch would not fire again for it).
  loop_.post([this, alive = alive_] {
    if (*alive) drain();
  });
}

void LoopMulti::act(curl_socket_t fd, int mask) {
  if (stopped_) return;
  int running = 0;
  curl_multi_socket_action(multi_, fd, mask, &running);
  collect();
}

void LoopMulti::collect() {
  // An answer may start another transfer on this multi (add() is safe from here), or end it.
  while (!stopped_) {
    auto t = takeFinished(multi_, active_, pool_);
    if (!t) break;
    t->answer();
  }
}

}  // namespace cs::net::detail
