#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/handler.hpp"

namespace cs::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;    // 0 = any free port
  unsigned io_threads = 0;      // 0 = one per core this process may run on (its affinity)
  unsigned worker_threads = 8;  // for handlers that may block on slow I/O
  // Blocking requests waiting for a worker beyond those running; past it they get 503
  // "unavailable" at once instead of an unbounded backlog.
  std::size_t blocking_queue_limit = 256;
  std::size_t header_limit = std::size_t{16} * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // a request's header and body must arrive within
  std::chrono::milliseconds idle_timeout{30'000};  // keep-alive connection with no new request
  // A new connection must send its first byte within this (idle sockets cost a slot each).
  std::chrono::milliseconds first_byte_timeout{5'000};
  std::chrono::milliseconds drain_timeout{10'000};  // graceful shutdown waits this long at most
  std::size_t max_connections = 10'000;
  std::size_t max_connections_per_address = 256;  // beyond it that address gets 503, others not
  std::size_t max_requests_per_connection = 10'000;
};

// HTTP/1.1 server on Boost.Beast: C++20 coroutines, one io_context per I/O thread (each run by
// that thread alone), connections dealt round-robin; a connection stays on its context, so it
// needs no strand. All Beast/Asio code stays behind this pimpl, so the rest of the program
// compiles against plain types.
class Server {
 public:
  Server(ServerOptions options, HttpHandler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket (throws std::runtime_error when it cannot).
  void listen();
  std::uint16_t port() const;
  // Serves until stop() or SIGTERM/SIGINT; in-flight requests finish before it returns.
  void run(bool handle_signals = true);
  // Thread-safe; begins a graceful shutdown.
  void stop();
  // Runs (on the server's thread) when a graceful shutdown begins, before the drain: owners of
  // long waits (a comparison) end them so their answers are complete before the drain ends.
  // Register before run().
  void onShutdown(std::function<void()> fn);
  // Open client connections and requests being handled now (for /metrics: neither may grow
  // without bound when upstreams misbehave).
  std::size_t connections() const;
  std::size_t inFlight() const;
  // Blocking requests refused with 503 because the worker pool's queue was full.
  std::size_t blockingRejected() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs::http
