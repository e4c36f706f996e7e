#include "store/dynamo/dynamo_client.hpp"

#include <random>

#include "obs/logger.hpp"

namespace cs::dynamo {

namespace {
double jitterDraw() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}
}  // namespace

const char* opName(Op op) {
  switch (op) {
    case Op::kGetItem:
      return "GetItem";
    case Op::kBatchGetItem:
      return "BatchGetItem";
    case Op::kScan:
      return "Scan";
    case Op::kUpdateItem:
      return "UpdateItem";
    case Op::kPutItem:
      return "PutItem";
    case Op::kCreateTable:
      return "CreateTable";
    case Op::kDescribeTable:
      return "DescribeTable";
    case Op::kCount:
      break;
  }
  return "Unknown";
}

DynamoClient::DynamoClient(net::HttpTransport& transport, ClientOptions options, const Clock& clock,
                           Sleeper sleeper)
    : transport_(transport),
      options_(std::move(options)),
      clock_(clock),
      sleeper_(std::move(sleeper)) {
  if (!sleeper_) sleeper_ = sleepOnThisThread;
  if (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
}

std::uint64_t DynamoClient::totalCalls() const {
  std::uint64_t total = 0;
  for (const auto& c : counts_) total += c.load();
  return total;
}

net::HttpRequest DynamoClient::buildRequest(Op op, const std::string& body,
                                            std::chrono::milliseconds timeout) const {
  net::HttpRequest req;
  req.method = "POST";
  req.url = options_.endpoint + "/";
  req.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", std::string("DynamoDB_20120810.") + opName(op)}};
  req.body = body;
  req.connect_timeout = std::min(options_.connect_timeout, timeout);
  req.total_timeout = timeout;
  req.aws_sigv4 =
      net::AwsSigV4{"aws:amz:" + options_.region + ":dynamodb", options_.credentials.access_key_id,
                    options_.credentials.secret_access_key, options_.credentials.session_token};
  return req;
}

std::expected<Json, DynamoError> DynamoClient::call(Op op, const Json& body) {
  const std::string payload = body.dump();
  const auto deadline = clock_.now() + options_.deadline;
  for (int attempt = 1;; ++attempt) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.now());
    if (remaining.count() <= 0) {
      DynamoError timeout{ErrorKind::kTransport, "Timeout",
                          "deadline passed before the call could be sent", 0};
      logFailure(op, timeout, attempt - 1);
      return std::unexpected(timeout);
    }
    counts_[static_cast<std::size_t>(op)]++;
    auto response = transport_.sendBlocking(
        buildRequest(op, payload, std::min(options_.attempt_timeout, remaining)));
    auto result =
        interpretResponse(response.ok() ? response.status : 0, response.body,
                          response.error_message, response.error == net::TransportError::kTimeout);
    if (result) return result;
    const DynamoError& error = result.error();
    if (error.retryable()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.now());
      if (auto wait = options_.backoff.delay(attempt + 1, jitterDraw(), left)) {
        retries_++;
        obs::log().debug(
            "DynamoDB call retried",
            {{"operation", opName(op)},
             {"error_type", error.type.empty() ? errorKindName(error.kind) : error.type},
             {"attempt", attempt},
             {"wait_ms", wait->count()}});
        sleeper_(*wait);
        continue;
      }
    }
    logFailure(op, error, attempt);
    return result;
  }
}

bool DynamoClient::pauseBeforeRetry(int next_attempt,
                                    std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.now());
  auto wait = options_.backoff.delay(next_attempt, jitterDraw(), left);
  if (!wait) return false;
  retries_++;
  sleeper_(*wait);
  return true;
}

void DynamoClient::logFailure(Op op, const DynamoError& error, int attempts) const {
  // A failed condition or a missing table during `store init` is an answer, not a failure.
  if (error.kind == ErrorKind::kConditionFailed || error.kind == ErrorKind::kTableNotFound) return;
  nlohmann::json fields = {
      {"operation", opName(op)},
      {"error_type", error.type.empty() ? errorKindName(error.kind) : error.type},
      {"error_message", error.message},
      {"status", error.status},
      {"attempts", attempts}};
  if (error.kind == ErrorKind::kValidation) {
    // The request we built does not match the protocol or the table: a bug to fix, not an
    // outage to wait out.
    fields["bug"] = true;
    obs::log().error("DynamoDB rejected our request as invalid: this is a bug", std::move(fields));
  } else {
    obs::log().warn("DynamoDB call failed", std::move(fields));
  }
}

}  // namespace cs::dynamo
