#pragma once
// Internal to the net layer: one libcurl transfer, shared by both ways of driving it (the
// transport's own loop thread, and a caller's event loop: curl_loop_multi).
#include <curl/curl.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/http_transport.hpp"

namespace cs::net::detail {

struct CurlSettings {
  std::string user_agent;
  std::string ca_file;  // resolved (resolveCaBundle); empty = libcurl's default
};

// Easy handles of finished transfers, kept for the next ones of the same driver (one thread
// uses a pool). curl_easy_init allocates curl's per-handle state and its 16 KiB receive buffer
// anew; a reset handle keeps them, which took allocations off every proxied call.
class EasyPool {
 public:
  explicit EasyPool(std::size_t capacity = 32) : capacity_(capacity) {}
  ~EasyPool();
  EasyPool(const EasyPool&) = delete;
  EasyPool& operator=(const EasyPool&) = delete;

  // A handle with curl's default options (nullptr only when curl cannot make one).
  CURL* take();
  // Takes back a handle no multi holds any more; it is reset at once, so it keeps no pointer
  // into the transfer that used it. Beyond the capacity it is cleaned up instead.
  void give(CURL* easy);

 private:
  std::size_t capacity_;
  std::vector<CURL*> idle_;
};

// One in-flight transfer: owns the easy handle and everything curl points into.
struct Transfer {
  HttpRequest request;
  ResponseCallback done;
  HttpResponse response;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string userpwd;
  bool too_big = false;
  char errbuf[CURL_ERROR_SIZE] = {};

  Transfer(HttpRequest r, ResponseCallback d) : request(std::move(r)), done(std::move(d)) {}
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Takes an easy handle from `pool` and configures it (PRIVATE points at this). False, with
  // the response saying why, when curl cannot.
  bool prepare(const CurlSettings& settings, EasyPool& pool);
  // Fills status, time and error from curl's result.
  void finish(CURLcode code);
  // Fails the transfer with kOther `why` (no HTTP response).
  void failWith(std::string why);
  // Hands the response to `done`; a callback that throws is counted, never propagated.
  void answer();
};

using ActiveTransfers = std::unordered_map<CURL*, std::unique_ptr<Transfer>>;

// The next transfer curl has finished, taken out of `multi` and `active` with its result
// recorded (Transfer::finish) and its easy handle back in `pool`; nullptr when there is none.
// The caller answers it.
std::unique_ptr<Transfer> takeFinished(CURLM* multi, ActiveTransfers& active, EasyPool& pool);

void curlGlobalInit();

// A multi handle set up the way both drivers use it: HTTP/2 multiplexing where TLS offers it,
// and at most `max_cached_connections` idle connections kept for reuse.
CURLM* newMulti(long max_cached_connections);

}  // namespace cs::net::detail
