#pragma once
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "store/dynamo/dynamo_store.hpp"

namespace cs::testing {

// dynalite (npm, a DynamoDB-compatible server kept in memory) as a child process on
// 127.0.0.1 and a free port, via tests/node/dynalite-server.js. Tables are created instantly.
// It also exits if this process dies (it watches the stdin pipe we hold). Stopped by stop()
// or the destructor.
class DynaliteProcess {
 public:
  DynaliteProcess() = default;
  ~DynaliteProcess();
  DynaliteProcess(const DynaliteProcess&) = delete;
  DynaliteProcess& operator=(const DynaliteProcess&) = delete;

  // False (with why() set) if node or the npm package is missing or it did not come up.
  bool start(std::chrono::milliseconds wait = std::chrono::seconds(20));
  void stop();
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& why() const { return why_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
  std::string log_path_;
  std::string why_;
};

// Credentials that are obviously fake; dynalite checks their shape, never the signature.
dynamo::ClientOptions dynaliteClientOptions(const DynaliteProcess& dynalite);
// Table names unique to one test ("<prefix>_main_humor", ...), so tests never share state.
dynamo::Tables uniqueTables();
// A DynamoStore on dynalite with its tables created (ensureTables) and ACTIVE, over
// `transport` (a CurlTransport when null; a DroppingTransport around one to lose answers).
std::unique_ptr<dynamo::DynamoStore> makeDynaliteStore(const DynaliteProcess& dynalite,
                                                       const dynamo::Tables& tables,
                                                       int scan_page_limit = 0,
                                                       net::HttpTransportPtr transport = {});

}  // namespace cs::testing
