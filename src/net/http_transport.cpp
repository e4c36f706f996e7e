#include "net/http_transport.hpp"

namespace cs::net {

const char* transportErrorName(TransportError error) {
  switch (error) {
    case TransportError::kNone:
      return "none";
    case TransportError::kTimeout:
      return "timeout";
    case TransportError::kConnectRefused:
      return "connect_refused";
    case TransportError::kOther:
      return "other";
  }
  return "other";
}

std::optional<std::string_view> HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::future<HttpResponse> HttpTransport::sendAsync(HttpRequest request) {
  auto promise = std::make_shared<std::promise<HttpResponse>>();
  auto future = promise->get_future();
  request.caller_waits = true;  // a future is for waiting on
  send(std::move(request),
       [promise](HttpResponse response) { promise->set_value(std::move(response)); });
  return future;
}

HttpResponse HttpTransport::sendBlocking(HttpRequest request) {
  return sendAsync(std::move(request)).get();
}

}  // namespace cs::net
