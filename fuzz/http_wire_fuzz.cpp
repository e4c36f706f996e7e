// HTTP bytes as they come off a socket: Beast's parser with the server's limits, then the
// server's own conversion to a Request (http/beast_request.hpp, the function server.cpp calls),
// then the whole Pipeline. Nothing is caught here that the server would not catch.
#include <limits>

#include "http/beast_request.hpp"

#include "fuzz_app.hpp"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& handler = cs::fuzz::fuzzApp().handler();
  boost::beast::error_code ec;
  std::string_view bytes = cs::fuzz::asText(data, size);
  // Pipelined requests: keep parsing while complete messages come out.
  for (int served = 0; served < 4 && !bytes.empty(); ++served) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    std::size_t used = 0;
    bool limited = false;
    while (!parser.is_done()) {
      const std::size_t n =
          parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
      if (ec == bhttp::error::need_more) break;
      if (ec) return 0;  // the server answers 400/413/431 and closes
      used += n;
      if (!limited && parser.is_header_done()) {
        // As the server does (server.cpp): the header alone first, then the route's body
        // limit, a 413 for a larger Content-Length, and only then the body.
        limited = true;
        const auto target = parser.get().target();
        const auto limit =
            handler.bodyLimit(parser.get().method_string(), target.substr(0, target.find('?')));
        if (parser.content_length() && *parser.content_length() > limit) return 0;
        parser.body_limit(limit);
        parser.eager(true);
      }
      if (n == 0) break;
    }
    if (!parser.is_done()) return 0;
    bytes.remove_prefix(used);
    cs::http::Request r = cs::http::toRequest(parser.release(), "127.0.0.1");
    if (handler.mayBlock(r) && r.path == "/api/compare") continue;
    const auto response = handler.handle(r);
    cs::fuzz::check(response.status >= 100 && response.status <= 599, "status is 100..599");
  }
  return 0;
}
