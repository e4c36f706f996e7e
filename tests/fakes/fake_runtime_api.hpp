#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fakes/loopback_server.hpp"

namespace cs::testing {

// The AWS Lambda Runtime API (2018-06-01) as a real HTTP server on 127.0.0.1: /next long-polls
// for an event the test enqueues; /response, /error and /init/error are recorded for the test
// to wait on. For running `cloud-sayings lambda` (or the packaged bootstrap) as Lambda would.
class FakeRuntimeApi {
 public:
  struct Outcome {
    std::string kind;  // "response" or "error"
    std::string body;
    std::string error_type;  // the Lambda-Runtime-Function-Error-Type header
  };
  struct InitError {
    std::string body;
    std::string error_type;
  };

  FakeRuntimeApi();
  ~FakeRuntimeApi();  // releases a pending /next with 500 ("gone"), then stops

  // "127.0.0.1:PORT", the value of AWS_LAMBDA_RUNTIME_API.
  std::string address() const;
  // Queues an event; returns its request id. `deadline_ms` is epoch ms (0: now + 30 s).
  std::string enqueue(std::string payload, std::int64_t deadline_ms = 0,
                      std::string trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  // Waits (up to `cap`) for the outcome of `request_id`.
  std::optional<Outcome> waitOutcome(const std::string& request_id,
                                     std::chrono::seconds cap = std::chrono::seconds(30));
  std::optional<InitError> waitInitError(std::chrono::seconds cap = std::chrono::seconds(30));
  // Waits until /next has been called at least `n` times.
  bool waitNextCalls(std::size_t n, std::chrono::seconds cap = std::chrono::seconds(30));
  std::size_t nextCalls() const;
  // Makes every pending and later /next answer 500, so the runtime exits.
  void shutdown();

 private:
  http::Response next();
  http::Response post(const http::Request& request);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  struct Pending {
    std::string id, payload, trace_id;
    std::int64_t deadline_ms;
  };
  std::deque<Pending> queue_;
  std::map<std::string, Outcome> outcomes_;
  std::optional<InitError> init_error_;
  std::size_t next_calls_ = 0;
  std::uint64_t counter_ = 0;
  bool closing_ = false;
  std::unique_ptr<LoopbackServer> server_;
};

}  // namespace cs::testing
