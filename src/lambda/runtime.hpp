#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/handler.hpp"
#include "lambda/runtime_client.hpp"

namespace cs::lambda {

// The custom-runtime loop: next invocation -> API Gateway event -> the same HttpHandler the
// HTTP server calls -> proxy response; then the work Lambda's freeze would otherwise strand
// (after_response), then the next /next. One invocation at a time, as Lambda delivers them.
class Runtime {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    // The answer is posted this long before Lambda-Runtime-Deadline-Ms at the latest: a
    // handler still running then is answered 504 (it finishes on its own thread).
    std::chrono::milliseconds deadline_margin{250};
    // Used when an invocation carries no deadline.
    std::chrono::milliseconds default_budget{30'000};
  };
  // Runs after the response is posted and before the next /next, with the time by which it
  // must be done (the invocation's deadline less the margin): flush rollups, finish refills.
  using AfterResponse = std::function<void(Clock::time_point deadline)>;
  // Runs when an invocation begins and ends (the logger's context: request and trace ids).
  using OnInvocation = std::function<void(const Invocation* invocation)>;

  Runtime(RuntimeClient& client, http::HttpHandler& handler, Options options,
          AfterResponse after_response = {}, OnInvocation on_invocation = {});
  ~Runtime();  // joins handlers that outlived their deadline
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Serves invocations until /next fails (the Runtime API is gone); returns the exit code.
  int run();
  // One invocation, answered through the client. Exposed for tests.
  void handle(const Invocation& invocation);
  std::uint64_t invocations() const { return invocations_; }

 private:
  http::Response dispatch(http::Request& request, Clock::time_point deadline);
  Clock::time_point deadlineOf(const Invocation& invocation) const;
  void reapFinished();

  struct Straggler;
  RuntimeClient& client_;
  http::HttpHandler& handler_;
  Options options_;
  AfterResponse after_response_;
  OnInvocation on_invocation_;
  std::uint64_t invocations_ = 0;
  std::vector<std::unique_ptr<Straggler>> stragglers_;
};

}  // namespace cs::lambda
