#include "net/curl_transport.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/mutex.hpp"
#include "core/thread_boundary.hpp"

namespace cs::net {
namespace {

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

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
  ~Transfer() {
    if (header_list) curl_slist_free_all(header_list);
    if (easy) curl_easy_cleanup(easy);
  }
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
};

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

size_t onHeaderUnguarded(char* data, size_t size, size_t count, void* user);

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

// A callback that throws must not kill the transport thread: counted and reported.
void safeCall(Transfer& t) {
  (void)runGuarded(ThreadKind::kTransport, {}, [&] { t.done(std::move(t.response)); });
}

bool readable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), R_OK) == 0;
}

std::string compiledCaDefault() {
  globalInit();
  std::string out;
  if (CURL* probe = curl_easy_init()) {
    char* path = nullptr;
    if (curl_easy_getinfo(probe, CURLINFO_CAINFO, &path) == CURLE_OK && path) out = path;
    curl_easy_cleanup(probe);
  }
  return out;
}
}  // namespace

std::string resolveCaBundle(const std::string& configured, const std::string& compiled_default,
                            const std::vector<std::string>& fallbacks) {
  if (!configured.empty()) return configured;
  if (readable(compiled_default)) return {};
  for (const auto& path : fallbacks)
    if (readable(path)) return path;
  return {};
}

std::string resolveCaBundle(const std::string& configured) {
  if (const char* env = std::getenv("SSL_CERT_FILE"); configured.empty() && env && readable(env))
    return env;
  return resolveCaBundle(
      configured, compiledCaDefault(),
      {kAmazonLinuxCaBundle, "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"});
}

class CurlTransport::Impl {
 public:
  explicit Impl(Options options) : options_(std::move(options)) {
    globalInit();
    options_.ca_file = resolveCaBundle(options_.ca_file);
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options_.max_cached_connections);
    thread_ = std::thread([this] { loop(); });
  }

  ~Impl() {
    stop();
    curl_multi_cleanup(multi_);
  }

  void stop() {
    {
      MutexLock lock(mutex_);
      stopping_ = true;
    }
    curl_multi_wakeup(multi_);
    std::call_once(joined_, [this] { thread_.join(); });
  }

  void send(HttpRequest request, ResponseCallback done) {
    auto transfer = std::make_unique<Transfer>(std::move(request), std::move(done));
    {
      MutexLock lock(mutex_);
      if (!stopping_) {
        queue_.push_back(std::move(transfer));
        transfer = nullptr;
      }
    }
    if (transfer) {
      transfer->response.error = TransportError::kOther;
      transfer->response.error_message = "transport stopped";
      safeCall(*transfer);
      return;
    }
    curl_multi_wakeup(multi_);
  }

 private:
  void loop() {
    for (;;) {
      std::vector<std::unique_ptr<Transfer>> incoming;
      {
        MutexLock lock(mutex_);
        if (stopping_) break;
        incoming.swap(queue_);
      }
      for (auto& t : incoming) startGuarded(t);
      int running = 0;
      curl_multi_perform(multi_, &running);
      (void)runGuarded(ThreadKind::kTransport, {}, [&] { collect(); });
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
    // Shutting down: fail what is queued or in flight, so no caller waits forever.
    std::vector<std::unique_ptr<Transfer>> rest;
    {
      MutexLock lock(mutex_);
      rest.swap(queue_);
    }
    for (auto& [easy, t] : active_) {
      curl_multi_remove_handle(multi_, easy);
      rest.push_back(std::move(t));
    }
    active_.clear();
    for (auto& t : rest) {
      t->response.error = TransportError::kOther;
      t->response.error_message = "transport stopped";
      safeCall(*t);
    }
  }

  // A surprise while setting a transfer up (bad_alloc copying headers) fails that transfer:
  // its caller gets an answer instead of waiting for one that never comes.
  void startGuarded(std::unique_ptr<Transfer>& t) {
    if (runGuarded(ThreadKind::kTransport, {}, [&] { start(t); }) || !t) return;
    if (t->easy) curl_multi_remove_handle(multi_, t->easy);
    t->response.error = TransportError::kOther;
    t->response.error_message = "internal error in the transport";
    safeCall(*t);
  }

  // Takes the transfer (moves it into active_) only once curl has it.
  void start(std::unique_ptr<Transfer>& t) {
    const auto& r = t->request;
    CURL* easy = curl_easy_init();
    t->easy = easy;
    if (!easy) {
      t->response.error = TransportError::kOther;
      t->response.error_message = "curl_easy_init failed";
      safeCall(*t);
      return;
    }
    curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    // Waiting for a connection to multiplex on only pays where HTTP/2 can be negotiated (TLS);
    // on plain http:// (local OpenAI-compatible servers, fakes) it would serialise the first
    // parallel calls behind one connection, so a compare of N models would not start together.
    if (r.url.starts_with("https://")) curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, clampMs(r.connect_timeout));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, clampMs(r.total_timeout));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, t.get());

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
    if (!r.aws_sigv4) t->header_list = curl_slist_append(t->header_list, "Expect:");
    for (const auto& [name, value] : r.headers) {
      std::string line = name;
      line.append(": ").append(value);
      t->header_list = curl_slist_append(t->header_list, line.c_str());
    }
    if (r.aws_sigv4) {
      const auto& aws = *r.aws_sigv4;
      t->userpwd = aws.access_key_id + ":" + aws.secret_access_key;
      curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, aws.provider.c_str());
      curl_easy_setopt(easy, CURLOPT_USERPWD, t->userpwd.c_str());
      if (!aws.session_token.empty())
        t->header_list = curl_slist_append(t->header_list,
                                           ("x-amz-security-token: " + aws.session_token).c_str());
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->header_list);

    if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
      t->response.error = TransportError::kOther;
      t->response.error_message = "curl_multi_add_handle failed";
      safeCall(*t);
      return;
    }
    active_.emplace(easy, std::move(t));
  }

  void collect() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      curl_multi_remove_handle(multi_, easy);
      auto it = active_.find(easy);
      if (it == active_.end()) continue;
      auto t = std::move(it->second);
      active_.erase(it);
      finish(*t, code);
      safeCall(*t);
    }
  }

  static void finish(Transfer& t, CURLcode code) {
    auto& resp = t.response;
    curl_off_t total_us = 0;
    curl_easy_getinfo(t.easy, CURLINFO_TOTAL_TIME_T, &total_us);
    resp.total_time = std::chrono::microseconds(total_us);
    if (code == CURLE_OK) {
      curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &resp.status);
      return;
    }
    resp.status = 0;
    if (code == CURLE_OPERATION_TIMEDOUT)
      resp.error = TransportError::kTimeout;
    else if (code == CURLE_COULDNT_CONNECT)
      resp.error = TransportError::kConnectRefused;
    else
      resp.error = TransportError::kOther;
    if (t.too_big)
      resp.error_message =
          "response body larger than " + std::to_string(t.request.max_response_bytes) + " bytes";
    else
      resp.error_message =
          t.errbuf[0] ? std::string(t.errbuf) : std::string(curl_easy_strerror(code));
  }

  Options options_;
  CURLM* multi_ = nullptr;
  Mutex mutex_;
  bool stopping_ CS_GUARDED_BY(mutex_) = false;
  std::vector<std::unique_ptr<Transfer>> queue_ CS_GUARDED_BY(mutex_);
  // The transport thread's own: no lock.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active_;
  std::thread thread_;
  std::once_flag joined_;
};

CurlTransport::CurlTransport() : CurlTransport(Options{}) {}
CurlTransport::CurlTransport(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
CurlTransport::~CurlTransport() = default;

void CurlTransport::send(HttpRequest request, ResponseCallback done) {
  impl_->send(std::move(request), std::move(done));
}

void CurlTransport::stop() {
  impl_->stop();
}

}  // namespace cs::net
