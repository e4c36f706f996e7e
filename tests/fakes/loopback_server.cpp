#include "fakes/loopback_server.hpp"

namespace cs::testing {

http::ServerOptions LoopbackServer::defaults() {
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  options.worker_threads = 16;
  options.drain_timeout = std::chrono::milliseconds(2'000);
  return options;
}

LoopbackServer::LoopbackServer(http::Router router, http::ServerOptions options)
    : router_(std::move(router)) {
  pipeline_ = std::make_unique<http::Pipeline>(router_, 1024 * 1024);
  pipeline_->setAccessLog(false);
  server_ = std::make_unique<http::Server>(options, *pipeline_);
  server_->listen();
  port_ = server_->port();
  thread_ = std::thread([this] { server_->run(false); });
}

LoopbackServer::~LoopbackServer() {
  stop();
}

void LoopbackServer::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string LoopbackServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace cs::testing
