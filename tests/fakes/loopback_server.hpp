#pragma once
#include <memory>
#include <string>
#include <thread>

#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace cs::testing {

// Our own HTTP server on 127.0.0.1:0 around a Router, run on a background thread; stopped
// (gracefully) by the destructor. For tests that need a real HTTP peer in-process.
class LoopbackServer {
 public:
  explicit LoopbackServer(http::Router router, http::ServerOptions options = defaults());
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "") const;
  void stop();

  static http::ServerOptions defaults();

 private:
  http::Router router_;
  std::unique_ptr<http::Pipeline> pipeline_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace cs::testing
