#pragma once
#include <memory>
#include <string>
#include <vector>

#include "net/http_transport.hpp"

namespace cs::net {

// HttpTransport on the libcurl multi interface. A send from a thread that runs an event loop
// (core/event_loop: an HTTP I/O thread) runs on that loop, on a multi handle of its own, and
// answers there: the proxy path crosses no thread. Any other send runs on the transport's one
// background thread. Each multi handle keeps a connection cache, so requests to the same host
// reuse connections (and multiplex over HTTP/2 when the server offers it over TLS). TLS
// verification is always on.
class CurlTransport final : public HttpTransport {
 public:
  struct Options {
    std::string user_agent = "cloud-sayings";
    long max_cached_connections = 64;  // idle connections kept for reuse
    std::string ca_file;               // empty: the system CA bundle (resolveCaBundle)
    bool run_on_caller_loop = true;    // false: every transfer on the background thread
  };
  CurlTransport();
  explicit CurlTransport(Options options);
  ~CurlTransport() override;  // stop()
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void send(HttpRequest request, ResponseCallback done) override;
  // Ends the loop: in-flight and queued transfers finish with kOther "transport stopped", and
  // later sends answer so at once (on the caller's thread). Transfers running on an event loop
  // end the same way, on that loop (posted to it), or when the loop itself stops. Idempotent.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Amazon Linux's CA bundle; libcurl built on Debian looks for /etc/ssl/certs/ca-certificates.crt.
inline constexpr const char* kAmazonLinuxCaBundle = "/etc/pki/tls/certs/ca-bundle.crt";

// Which CA file TLS verification uses: `configured` when set; else nothing ("" = libcurl's
// compiled-in default) when `compiled_default` is readable; else the first readable `fallbacks`
// entry (Amazon Linux's bundle first). So the same binary verifies HTTPS on Debian and, packaged
// for Lambda, on provided.al2023.
std::string resolveCaBundle(const std::string& configured, const std::string& compiled_default,
                            const std::vector<std::string>& fallbacks);
// The same with SSL_CERT_FILE (when readable) as `configured`, libcurl's compiled-in default
// and the usual locations.
std::string resolveCaBundle(const std::string& configured);

}  // namespace cs::net
