#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

#include "http/message.hpp"

namespace cs::http {

// What the socket server calls. Everything above the socket implements this, so the whole
// request pipeline is testable by calling handle() directly.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual Response handle(Request& request) = 0;
  // True when the request may wait on slow I/O; the server then runs it on a worker pool so
  // the I/O threads keep serving the hot path.
  virtual bool mayBlock(const Request& request) const = 0;
  // For a request that may block: its whole answer when it can be given now without blocking
  // (the server then skips the worker pool), else nullopt, after which the server calls
  // handle() on a worker with the same request.
  virtual std::optional<Response> handleInline(Request& /*request*/) { return std::nullopt; }
  // Largest body accepted for this method and path (413 beyond it).
  virtual std::size_t bodyLimit(std::string_view method, std::string_view path) const = 0;
};

}  // namespace cs::http
