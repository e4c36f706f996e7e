#pragma once
// Requests and a handler the http and api tests build again and again.
#include <cstddef>
#include <string>
#include <utility>

#include "http/message.hpp"

namespace cs::testing {

// GET `target` from a client at `address`.
inline http::Request requestFrom(const std::string& address, const std::string& target) {
  auto r = http::Request::make("GET", target);
  r.remote_address = address;
  return r;
}

// A JSON POST, as the hostile-client-body tests send it.
inline http::Request jsonPost(const std::string& path, std::string body) {
  auto r = http::Request::make("POST", path, std::move(body));
  r.headers.set("Content-Type", "application/json");
  return r;
}

// Arrays nested `n` deep: a body no parser may recurse into.
inline std::string nestedArrays(std::size_t n) {
  return std::string(n, '[') + std::string(n, ']');
}

// A handler that answers 200 "{}".
inline http::Response answerEmptyJson(const http::Request&) {
  http::Response r;
  r.body = "{}";
  return r;
}

}  // namespace cs::testing
