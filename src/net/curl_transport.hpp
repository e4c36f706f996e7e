#pragma once
#include <memory>
#include <string>

#include "net/http_transport.hpp"

namespace cs::net {

// HttpTransport on the libcurl multi interface, driven by one background thread. The multi
// handle keeps a connection cache, so requests to the same host reuse connections (and
// multiplex over HTTP/2 when the server offers it over TLS). TLS verification is always on.
class CurlTransport final : public HttpTransport {
 public:
  struct Options {
    std::string user_agent = "cloud-sayings";
    long max_cached_connections = 64;  // idle connections kept for reuse
    std::string ca_file;               // empty: the system CA bundle
  };
  CurlTransport();
  explicit CurlTransport(Options options);
  ~CurlTransport() override;  // in-flight transfers finish with kOther "transport stopped"
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void send(HttpRequest request, ResponseCallback done) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs::net
