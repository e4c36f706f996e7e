#pragma once
#include <string>

#include "http/message.hpp"

namespace cs::api {

// Who a voter is, for "one counted vote per saying and client" (docs/api.md):
//   1. the `X-Client-Id` header, else 2. the `cs_client` cookie — an anonymous id the client
//      keeps (the web pages store one in localStorage), 8..128 of [A-Za-z0-9_-]; -> "id:<value>"
//   3. otherwise a hash of the remote address and User-Agent -> "addr:<16 hex>" (no raw
//      address is stored).
std::string clientKey(const http::Request& request);

}  // namespace cs::api
