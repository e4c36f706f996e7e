#pragma once
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs::net {

// AWS Signature Version 4 signing, done by libcurl (CURLOPT_AWS_SIGV4).
struct AwsSigV4 {
  std::string provider;  // "aws:amz:REGION:SERVICE", e.g. "aws:amz:us-east-1:ssm"
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional: sent as x-amz-security-token
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{30'000};  // the whole transfer, headers to last byte
  std::optional<AwsSigV4> aws_sigv4;
  std::size_t max_response_bytes = std::size_t{8} * 1024 * 1024;  // a bigger body fails as kOther
  // The caller will block until the answer comes (sendAsync/sendBlocking set it): the transfer
  // must then not run on the caller's own event loop, which would be the one thread waiting.
  bool caller_waits = false;
};

// Why a transfer produced no HTTP response (status 0). An HTTP error status is not one.
enum class TransportError { kNone, kTimeout, kConnectRefused, kOther };
const char* transportErrorName(TransportError error);

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names; repeats joined with ", "
  std::string body;
  std::chrono::microseconds total_time{0};
  TransportError error = TransportError::kNone;
  std::string error_message;  // curl's text; never contains request headers (keys)

  bool ok() const { return error == TransportError::kNone; }
  std::optional<std::string_view> header(const std::string& lower_name) const;
};

using ResponseCallback = std::function<void(HttpResponse)>;

// Sends HTTP requests. Thread-safe. Implementations never throw from send(); failures come
// back as HttpResponse::error.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // `done` runs exactly once, on a transport thread (for CurlTransport: its loop thread, or
  // the caller's event loop when the caller runs one): keep it short (hand work elsewhere).
  virtual void send(HttpRequest request, ResponseCallback done) = 0;

  std::future<HttpResponse> sendAsync(HttpRequest request);
  HttpResponse sendBlocking(HttpRequest request);
};

using HttpTransportPtr = std::unique_ptr<HttpTransport>;

}  // namespace cs::net
