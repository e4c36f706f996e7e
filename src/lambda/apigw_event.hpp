#pragma once
#include <expected>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace cs::lambda {

// Which API Gateway payload an event is, and so which proxy response it expects.
enum class PayloadFormat {
  kRestV1,  // REST API (and HTTP API with payload 1.0): httpMethod, path, multiValueHeaders...
  kHttpV2,  // HTTP API payload 2.0: rawPath, rawQueryString, cookies, requestContext.http
};

struct ApiEvent {
  PayloadFormat format = PayloadFormat::kRestV1;
  http::Request request;  // the same Request the HTTP server builds for this call
};

struct EventError {
  // True when the event is API Gateway's but a field is wrong: the caller answers a 400 proxy
  // response. False when it is no API Gateway event at all: the invocation fails.
  bool api_gateway = false;
  PayloadFormat format = PayloadFormat::kRestV1;
  std::string message;
};

// Turns an invocation payload into a Request without throwing, whatever the bytes: method,
// target (path + query, percent-encoded as a client would send it), headers (repeats kept,
// v2 cookies as one Cookie header), body (base64-decoded when isBase64Encoded) and the
// client's address from requestContext (the rate limiter's key). `Accept: text/event-stream`
// is replaced by application/json: a proxy integration returns one body, so a streaming
// compare answers its JSON form.
std::expected<ApiEvent, EventError> parseApiEvent(std::string_view payload);

// The proxy-integration response for `format`: statusCode, headers (v1: multiValueHeaders for
// repeated names such as Set-Cookie; v2: Set-Cookie as `cookies`), body, and isBase64Encoded
// (true for bodies that are not UTF-8 text). `head`: the body is left out (HEAD requests).
std::string proxyResponse(PayloadFormat format, const http::Response& response, bool head = false);

// Whether a response with this content type and body can travel as a JSON string as is.
bool isTextBody(std::string_view content_type, std::string_view body);

}  // namespace cs::lambda
