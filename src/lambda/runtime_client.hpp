#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/http_transport.hpp"

namespace cs::lambda {

// One invocation as GET /2018-06-01/runtime/invocation/next hands it out.
struct Invocation {
  std::string request_id;        // Lambda-Runtime-Aws-Request-Id
  std::int64_t deadline_ms = 0;  // Lambda-Runtime-Deadline-Ms: wall-clock epoch milliseconds
  std::string trace_id;          // Lambda-Runtime-Trace-Id (X-Ray), may be empty
  std::string function_arn;      // Lambda-Runtime-Invoked-Function-Arn
  std::string payload;           // the event, as bytes
};

// The Lambda Runtime API (version 2018-06-01) over an HttpTransport: the four calls a custom
// runtime makes. `api` is AWS_LAMBDA_RUNTIME_API ("host:port"). Thread-safe like the transport.
class RuntimeClient {
 public:
  RuntimeClient(net::HttpTransport& transport, std::string api);

  // Blocks until Lambda hands out the next invocation (the process may be frozen in between).
  // An error means the Runtime API is gone or broken: the runtime should exit.
  Result<Invocation> next();
  Result<void> respond(const std::string& request_id, std::string body);
  // errorType names the failure (e.g. "Runtime.UnsupportedEvent"); the message is redacted.
  Result<void> fail(const std::string& request_id, std::string_view type, std::string_view message);
  Result<void> initError(std::string_view type, std::string_view message);

 private:
  Result<void> post(const std::string& path, std::string body, std::string_view error_type);
  std::string url(std::string_view path) const;

  net::HttpTransport& transport_;
  std::string api_;
};

// The body of an error post: {"errorMessage": ..., "errorType": ..., "stackTrace": []}.
std::string errorPayload(std::string_view type, std::string_view message);

}  // namespace cs::lambda
