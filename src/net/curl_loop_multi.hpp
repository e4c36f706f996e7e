#pragma once
// Internal to the net layer (curl_transport.cpp): a libcurl multi handle driven by a caller's
// event loop instead of the transport's own thread.
#include <curl/curl.h>

#include <memory>
#include <unordered_map>

#include "core/event_loop.hpp"
#include "net/curl_transfer.hpp"

namespace cs::net::detail {

// Transfers started on an event loop's thread (an HTTP I/O thread) run on that thread to the
// end, through curl_multi_socket_action: their answers need no thread hand-off, and the loop
// thread is the only one that touches this object. Curl's sockets sit in a level-triggered
// epoll set of our own, and the loop watches that one fd (edge-triggered there, so drain()
// reads the set until it is empty): a socket curl has not finished reading can never be
// missed, whatever the loop's readiness model.
class LoopMulti {
 public:
  LoopMulti(EventLoop& loop, CurlSettings settings, long max_cached_connections);
  ~LoopMulti();  // shutdown()
  LoopMulti(const LoopMulti&) = delete;
  LoopMulti& operator=(const LoopMulti&) = delete;

  // Starts `t`. Its answer never comes on the caller's stack (posted to the loop), except
  // after shutdown(), when it fails at once with "transport stopped".
  void add(std::unique_ptr<Transfer> t);
  // Fails what is in flight with "transport stopped" and lets go of the loop. Idempotent.
  void shutdown();

 private:
  static int onSocket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int onTimer(CURLM* multi, long timeout_ms, void* self);
  void socketChanged(curl_socket_t fd, int what, bool known);
  void timerChanged(long timeout_ms);
  void drain();  // our epoll set's ready sockets -> curl
  void act(curl_socket_t fd, int mask);
  void collect();  // finished transfers -> their callbacks
  void answerLater(std::unique_ptr<Transfer> t);

  EventLoop& loop_;
  CurlSettings settings_;
  CURLM* multi_ = nullptr;
  int epoll_fd_ = -1;
  std::unique_ptr<EventLoop::Timer> timer_;
  ActiveTransfers active_;
  EasyPool pool_;
  bool kick_posted_ = false;
  bool stopped_ = false;
  // Set while this object is alive; posted jobs check it (a job may outlive shutdown()).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace cs::net::detail
