#include "net/curl_transfer.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include "core/thread_boundary.hpp"

namespace cs::net::detail {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

long clampMs(std::chrono::milliseconds ms) {
  return std::max<long>(1, static_cast<long>(ms.count()));
}

// curl's callbacks are called from C: an exception must never unwind through curl's frames
// (undefined behaviour). Either callback answering 0 aborts the transfer with an error.
size_t onBodyUnguarded(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t.response.body.size() + n > t.request.max_response_bytes) {
    t.too_big = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t.response.body.append(data, n);
  return n;
}

size_t onHeaderUnguarded(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t.response.headers.clear();  // a new response (after 100-continue or a redirect)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  auto name = lower(trim(line.substr(0, colon)));
  auto value = std::string(trim(line.substr(colon + 1)));
  auto [it, inserted] = t.response.headers.try_emplace(name, value);
  if (!inserted) it->second += ", " + value;
  return n;
}

size_t onBody(char* data, size_t size, size_t count, void* user) noexcept {
  size_t n = 0;
  (void)runGuarded(ThreadKind::kTransport, {},
                   [&] { n = onBodyUnguarded(data, size, count, user); });
  return n;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) noexcept {
  size_t n = 0;
  (void)runGuarded(ThreadKind::kTransport, {},
                   [&] { n = onHeaderUnguarded(data, size, count, user); });
  return n;
}

}  // namespace

EasyPool::~EasyPool() {
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
}

CURL* EasyPool::take() {
  if (idle_.empty()) return curl_easy_init();
  CURL* easy = idle_.back();
  idle_.pop_back();
  return easy;
}

void EasyPool::give(CURL* easy) {
  if (!easy) return;
  if (idle_.size() >= capacity_) return curl_easy_cleanup(easy);
  curl_easy_reset(easy);
  idle_.push_back(easy);
}

std::unique_ptr<Transfer> takeFinished(CURLM* multi, ActiveTransfers& active, EasyPool& pool) {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    curl_multi_remove_handle(multi, easy);
    auto it = active.find(easy);
    if (it == active.end()) continue;
    auto t = std::move(it->second);
    active.erase(it);
    t->finish(code);
    pool.give(std::exchange(t->easy, nullptr));
    return t;
  }
  return nullptr;
}

CURLM* newMulti(long max_cached_connections) {
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max_cached_connections);
  return multi;
}

void curlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Transfer::~Transfer() {
  if (header_list) curl_slist_free_all(header_list);
  if (easy) curl_easy_cleanup(easy);
}

void Transfer::failWith(std::string why) {
  response.status = 0;
  response.error = TransportError::kOther;
  response.error_message = std::move(why);
}

void Transfer::answer() {
  (void)runGuarded(ThreadKind::kTransport, {}, [&] { done(std::move(response)); });
}

bool Transfer::prepare(const CurlSettings& settings, EasyPool& pool) {
  const auto& r = request;
  easy = pool.take();
  if (!easy) {
    failWith("curl_easy_init failed");
    return false;
  }
  curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, settings.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  // Waiting for a connection to multiplex on only pays where HTTP/2 can be negotiated (TLS);
  // on plain http:// (local OpenAI-compatible servers, fakes) it would serialise the first
  // parallel calls behind one connection, so a compare of N models would not start together.
  if (r.url.starts_with("https://")) curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, settings.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, clampMs(r.connect_timeout));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, clampMs(r.total_timeout));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, this);

  if (r.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    if (r.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }

  // "Expect:" stops curl's 100-continue round trip on larger bodies. Not on SigV4 requests:
  // libcurl 7.88 lists the (never sent) empty header as "expect" in SignedHeaders, so AWS
  // would compute a different signature (tests/integration/sigv4_known_answer_test.cpp).
  // Signed AWS bodies are small JSON, far below curl's 1 MB Expect threshold.
  if (!r.aws_sigv4) header_list = curl_slist_append(header_list, "Expect:");
  for (const auto& [name, value] : r.headers) {
    std::string line = name;
    line.append(": ").append(value);
    header_list = curl_slist_append(header_list, line.c_str());
  }
  if (r.aws_sigv4) {
    const auto& aws = *r.aws_sigv4;
    userpwd = aws.access_key_id + ":" + aws.secret_access_key;
    curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, aws.provider.c_str());
    curl_easy_setopt(easy, CURLOPT_USERPWD, userpwd.c_str());
    if (!aws.session_token.empty())
      header_list =
          curl_slist_append(header_list, ("x-amz-security-token: " + aws.session_token).c_str());
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list);
  return true;
}

void Transfer::finish(CURLcode code) {
  auto& resp = response;
  curl_off_t total_us = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
  resp.total_time = std::chrono::microseconds(total_us);
  if (code == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp.status);
    return;
  }
  resp.status = 0;
  if (code == CURLE_OPERATION_TIMEDOUT)
    resp.error = TransportError::kTimeout;
  else if (code == CURLE_COULDNT_CONNECT)
    resp.error = TransportError::kConnectRefused;
  else
    resp.error = TransportError::kOther;
  if (too_big)
    resp.error_message =
        "response body larger than " + std::to_string(request.max_response_bytes) + " bytes";
  else
    resp.error_message = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(code));
}

}  // namespace cs::net::detail
