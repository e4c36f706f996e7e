#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "net/http_transport.hpp"
#include "store/dynamo/attribute_value.hpp"
#include "store/dynamo/backoff.hpp"
#include "store/dynamo/dynamo_error.hpp"

namespace cs::dynamo {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional (temporary credentials: Lambda, STS)
};

struct ClientOptions {
  std::string region = "us-east-1";
  std::string endpoint;  // e.g. "https://dynamodb.us-east-1.amazonaws.com" or dynalite's URL
  Credentials credentials;
  std::chrono::milliseconds connect_timeout{1'000};
  std::chrono::milliseconds attempt_timeout{2'000};  // one HTTP exchange
  std::chrono::milliseconds deadline{5'000};         // one call, retries included
  Backoff backoff;
};

// The operations this program uses (the IAM policy grants exactly these, plus the two table
// operations `store init` needs). Calls are counted per operation and attempt.
enum class Op {
  kGetItem,
  kBatchGetItem,
  kScan,
  kUpdateItem,
  kPutItem,
  kCreateTable,
  kDescribeTable,
  kCount
};
const char* opName(Op op);

// One DynamoDB JSON-protocol call at a time per caller, over the shared HttpTransport, signed
// with SigV4 by libcurl. Throttling, 5xx and transport failures are retried with exponential
// backoff and jitter while the call's deadline allows; a ValidationException is our bug and is
// logged as one. Thread-safe.
class DynamoClient {
 public:
  using Sleeper = cs::Sleeper;  // empty: sleepOnThisThread
  DynamoClient(net::HttpTransport& transport, ClientOptions options,
               const Clock& clock = SystemClock::instance(), Sleeper sleeper = {});

  std::expected<Json, DynamoError> call(Op op, const Json& body);

  // For retries above single calls (BatchGetItem's UnprocessedKeys): waits the backoff before
  // attempt `next_attempt` and returns true, or returns false when no retry fits the deadline.
  bool pauseBeforeRetry(int next_attempt, std::chrono::steady_clock::time_point deadline);
  std::chrono::steady_clock::time_point deadlineFromNow() const {
    return clock_.now() + options_.deadline;
  }

  // HTTP requests sent for `op` (retries included): DynamoDB bills and throttles per request.
  std::uint64_t calls(Op op) const { return counts_[static_cast<std::size_t>(op)].load(); }
  std::uint64_t totalCalls() const;
  std::uint64_t retries() const { return retries_.load(); }
  const ClientOptions& options() const { return options_; }

 private:
  net::HttpRequest buildRequest(Op op, const std::string& body,
                                std::chrono::milliseconds timeout) const;
  void logFailure(Op op, const DynamoError& error, int attempts) const;

  net::HttpTransport& transport_;
  ClientOptions options_;
  const Clock& clock_;
  Sleeper sleeper_;
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Op::kCount)> counts_{};
  std::atomic<std::uint64_t> retries_{0};
};

}  // namespace cs::dynamo
