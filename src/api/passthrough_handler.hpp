#pragma once
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "service/passthrough_service.hpp"

namespace cs::api {

inline constexpr std::string_view kChatCompletionsPath = "/v1/chat/completions";

// POST /v1/chat/completions (docs/api.md "Passthrough"): checks the caller's bearer token and
// the body's shape, then forwards it (PassthroughService) and answers with the provider's
// own answer. Streaming is not offered: `stream: true` is refused, not silently ignored.
class PassthroughHandler {
 public:
  // `token`: what callers must send as `Authorization: Bearer <token>`; never logged.
  PassthroughHandler(PassthroughService& service, std::string token);
  http::Response operator()(const http::Request& request) const;

 private:
  bool authorized(const http::Request& request) const;
  PassthroughService& service_;
  std::string token_;
};

}  // namespace cs::api
