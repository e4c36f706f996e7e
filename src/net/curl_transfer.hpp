#pragma once
// Internal to the net layer: one libcurl transfer, shared by both ways of driving it (the
// transport's own loop thread, and a caller's event loop: curl_loop_multi).
#include <curl/curl.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "net/http_transport.hpp"

namespace cs::net::detail {

struct CurlSettings {
  std::string user_agent;
  std::string ca_file;  // resolved (resolveCaBundle); empty = libcurl's default
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

  // Creates and configures the easy handle (PRIVATE points at this). False, with the response
  // saying why, when curl cannot.
  bool prepare(const CurlSettings& settings);
  // Fills status, time and error from curl's result.
  void finish(CURLcode code);
  // Fails the transfer with kOther `why` (no HTTP response).
  void failWith(std::string why);
  // Hands the response to `done`; a callback that throws is counted, never propagated.
  void answer();
};

using ActiveTransfers = std::unordered_map<CURL*, std::unique_ptr<Transfer>>;

// The next transfer curl has finished, taken out of `multi` and `active` with its result
// recorded (Transfer::finish); nullptr when there is none. The caller answers it.
std::unique_ptr<Transfer> takeFinished(CURLM* multi, ActiveTransfers& active);

void curlGlobalInit();

// A multi handle set up the way both drivers use it: HTTP/2 multiplexing where TLS offers it,
// and at most `max_cached_connections` idle connections kept for reuse.
CURLM* newMulti(long max_cached_connections);

}  // namespace cs::net::detail
