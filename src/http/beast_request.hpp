#pragma once
// The server's conversion of a parsed Beast message into our socket-free Request. In a header
// of its own so the HTTP wire fuzz target (fuzz/http_wire_fuzz.cpp) runs exactly this code
// rather than a copy of it. Only server.cpp and that harness include Beast through here.
#include <utility>
// clang-format off
#include <boost/beast/core.hpp>
// clang-format on
#include <boost/beast/http.hpp>
#include <string>

#include "http/message.hpp"

namespace cs::http {

inline Request toRequest(boost::beast::http::request<boost::beast::http::string_body>&& msg,
                         const std::string& remote) {
  Request r;
  r.method = std::string(msg.method_string());
  r.setTarget(std::string(msg.target()));  // the same split the Lambda front door uses
  for (const auto& field : msg)
    r.headers.add(std::string(field.name_string()), std::string(field.value()));
  r.body = std::move(msg.body());
  r.remote_address = remote;
  return r;
}

}  // namespace cs::http
