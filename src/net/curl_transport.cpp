#include "net/curl_transport.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/event_loop.hpp"
#include "core/mutex.hpp"
#include "core/thread_boundary.hpp"
#include "net/curl_loop_multi.hpp"
#include "net/curl_transfer.hpp"

namespace cs::net {
namespace {

using detail::Transfer;

void globalInit() {
  detail::curlGlobalInit();
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
    settings_ = detail::CurlSettings{options_.user_agent, options_.ca_file};
    multi_ = detail::newMulti(options_.max_cached_connections);
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
    // The event loops' multis belong to their threads: each is told to fail what it runs.
    MutexLock lock(locals_->mutex);
    for (auto& [loop, local] : locals_->by_loop) loop->post([multi = local] { multi->shutdown(); });
  }

  void send(HttpRequest request, ResponseCallback done) {
    const bool on_caller_loop = options_.run_on_caller_loop && !request.caller_waits;
    auto transfer = std::make_unique<Transfer>(std::move(request), std::move(done));
    if (EventLoop* loop = on_caller_loop ? EventLoop::current() : nullptr) {
      bool stopping = false;
      {
        MutexLock lock(mutex_);
        stopping = stopping_;
      }
      if (!stopping) return localFor(*loop).add(std::move(transfer));
    }
    {
      MutexLock lock(mutex_);
      if (!stopping_) {
        queue_.push_back(std::move(transfer));
        transfer = nullptr;
      }
    }
    if (transfer) {
      transfer->failWith("transport stopped");
      return transfer->answer();
    }
    curl_multi_wakeup(multi_);
  }

 private:
  // The multis of the event loops transfers were started on, one per loop. Shared with each
  // loop's stop hook, which may run after this transport is gone (the multi is self-contained).
  struct Locals {
    Mutex mutex;
    std::unordered_map<EventLoop*, std::shared_ptr<detail::LoopMulti>> by_loop CS_GUARDED_BY(mutex);
  };

  // Only the loop's own thread creates or uses its multi; the map is shared with stop().
  detail::LoopMulti& localFor(EventLoop& loop) {
    MutexLock lock(locals_->mutex);
    auto& local = locals_->by_loop[&loop];
    if (!local) {
      local = std::make_shared<detail::LoopMulti>(loop, settings_, options_.max_cached_connections);
      loop.atStop([locals = locals_, stopping = &loop] {
        std::shared_ptr<detail::LoopMulti> mine;
        {
          MutexLock inner(locals->mutex);
          auto it = locals->by_loop.find(stopping);
          if (it == locals->by_loop.end()) return;
          mine = std::move(it->second);
          locals->by_loop.erase(it);
        }
        mine->shutdown();
      });
    }
    return *local;
  }

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
      t->failWith("transport stopped");
      t->answer();
    }
  }

  // A surprise while setting a transfer up (bad_alloc copying headers) fails that transfer:
  // its caller gets an answer instead of waiting for one that never comes.
  void startGuarded(std::unique_ptr<Transfer>& t) {
    if (runGuarded(ThreadKind::kTransport, {}, [&] { start(t); }) || !t) return;
    if (t->easy) curl_multi_remove_handle(multi_, t->easy);
    t->failWith("internal error in the transport");
    t->answer();
  }

  // Takes the transfer (moves it into active_) only once curl has it.
  void start(std::unique_ptr<Transfer>& t) {
    if (!t->prepare(settings_, pool_)) return t->answer();
    if (curl_multi_add_handle(multi_, t->easy) != CURLM_OK) {
      t->failWith("curl_multi_add_handle failed");
      return t->answer();
    }
    CURL* easy = t->easy;
    active_.emplace(easy, std::move(t));
  }

  void collect() {
    while (auto t = detail::takeFinished(multi_, active_, pool_)) t->answer();
  }

  Options options_;
  detail::CurlSettings settings_;
  std::shared_ptr<Locals> locals_ = std::make_shared<Locals>();
  CURLM* multi_ = nullptr;
  Mutex mutex_;
  bool stopping_ CS_GUARDED_BY(mutex_) = false;
  std::vector<std::unique_ptr<Transfer>> queue_ CS_GUARDED_BY(mutex_);
  // The transport thread's own: no lock.
  detail::ActiveTransfers active_;
  detail::EasyPool pool_;
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
