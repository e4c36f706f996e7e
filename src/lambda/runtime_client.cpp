#include "lambda/runtime_client.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/redact.hpp"

namespace cs::lambda {

namespace {
constexpr std::string_view kVersion = "/2018-06-01";
// /next is a long poll: it returns when the next event arrives, which may be hours later
// (the process is frozen meanwhile), so its transfer has no practical time limit.
constexpr std::chrono::milliseconds kNextTimeout{24LL * 3600 * 1000};
constexpr std::chrono::milliseconds kPostTimeout{10'000};
// Lambda accepts 6 MB synchronous responses; the next call gets a little more than that.
constexpr std::size_t kMaxEventBytes = std::size_t{7} * 1024 * 1024;

Error transportFailure(std::string_view what, const net::HttpResponse& r) {
  if (!r.ok()) return Error{ErrorCode::kRuntimeApi, std::string(what) + ": " + r.error_message};
  return Error{ErrorCode::kRuntimeApi, std::string(what) + ": HTTP " + std::to_string(r.status)};
}
}  // namespace

std::string errorPayload(std::string_view type, std::string_view message) {
  return nlohmann::json{{"errorMessage", redact(message)},
                        {"errorType", type},
                        {"stackTrace", nlohmann::json::array()}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RuntimeClient::RuntimeClient(net::HttpTransport& transport, std::string api)
    : transport_(transport), api_(std::move(api)) {}

std::string RuntimeClient::url(std::string_view path) const {
  std::string out = "http://" + api_;
  out += kVersion;
  out += path;
  return out;
}

Result<Invocation> RuntimeClient::next() {
  net::HttpRequest request;
  request.method = "GET";
  request.url = url("/runtime/invocation/next");
  request.total_timeout = kNextTimeout;
  request.max_response_bytes = kMaxEventBytes;
  const auto r = transport_.sendBlocking(std::move(request));
  if (!r.ok() || r.status != 200) return std::unexpected(transportFailure("invocation/next", r));
  Invocation inv;
  inv.request_id = std::string(r.header("lambda-runtime-aws-request-id").value_or(""));
  if (inv.request_id.empty())
    return cs::fail(ErrorCode::kRuntimeApi, "invocation/next: no Lambda-Runtime-Aws-Request-Id");
  if (auto deadline = r.header("lambda-runtime-deadline-ms")) {
    const auto* end = deadline->data() + deadline->size();
    if (std::from_chars(deadline->data(), end, inv.deadline_ms).ptr != end) inv.deadline_ms = 0;
  }
  inv.trace_id = std::string(r.header("lambda-runtime-trace-id").value_or(""));
  inv.function_arn = std::string(r.header("lambda-runtime-invoked-function-arn").value_or(""));
  inv.payload = r.body;
  return inv;
}

Result<void> RuntimeClient::post(const std::string& path, std::string body,
                                 std::string_view error_type) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = url(path);
  request.total_timeout = kPostTimeout;
  request.headers.emplace_back("Content-Type", "application/json");
  if (!error_type.empty())
    request.headers.emplace_back("Lambda-Runtime-Function-Error-Type", std::string(error_type));
  request.body = std::move(body);
  const auto r = transport_.sendBlocking(std::move(request));
  if (!r.ok() || r.status < 200 || r.status >= 300)
    return std::unexpected(transportFailure(path, r));
  return {};
}

Result<void> RuntimeClient::respond(const std::string& request_id, std::string body) {
  return post("/runtime/invocation/" + request_id + "/response", std::move(body), {});
}

Result<void> RuntimeClient::fail(const std::string& request_id, std::string_view type,
                                 std::string_view message) {
  return post("/runtime/invocation/" + request_id + "/error", errorPayload(type, message), type);
}

Result<void> RuntimeClient::initError(std::string_view type, std::string_view message) {
  return post("/runtime/init/error", errorPayload(type, message), type);
}

}  // namespace cs::lambda
