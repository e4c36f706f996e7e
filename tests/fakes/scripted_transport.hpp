#pragma once
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "net/http_transport.hpp"

namespace cs::testing {

// The HttpTransport fake (the one for every test of a client of the transport): answers from a
// script, on the caller's thread, and records every request, for testing clients' retry and
// error handling without sockets. When the script runs out, the fallback answers: by default a
// refused connection, so a test that under-scripts fails visibly; `timeouts()` makes it a
// timeout instead (what the gateway's deadline tests need). Thread-safe; `done` is called
// without the lock held, so a client may send again from its callback.
class ScriptedTransport final : public net::HttpTransport {
 public:
  using Handler = std::function<net::HttpResponse(const net::HttpRequest&)>;

  void push(long status, std::string body) {
    net::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    push(std::move(r));
  }
  void push(net::HttpResponse response) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(response));
  }
  // Replaces what is left of the script.
  void setScript(std::deque<net::HttpResponse> script) {
    std::lock_guard lock(mutex_);
    script_ = std::move(script);
  }
  void setFallback(Handler handler) {
    std::lock_guard lock(mutex_);
    fallback_ = std::move(handler);
  }

  // A fallback that answers every request with a transport timeout, after `before` (say, a
  // FakeClock moved by the request's timeout, as a real timeout would take that long).
  static Handler timeouts(std::function<void(const net::HttpRequest&)> before = {}) {
    return [before = std::move(before)](const net::HttpRequest& request) {
      if (before) before(request);
      net::HttpResponse r;
      r.error = net::TransportError::kTimeout;
      r.error_message = "scripted timeout";
      return r;
    };
  }

  void send(net::HttpRequest request, net::ResponseCallback done) override {
    net::HttpResponse response;
    Handler fallback;
    bool scripted = false;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (!script_.empty()) {
        response = std::move(script_.front());
        script_.pop_front();
        scripted = true;
      } else {
        fallback = fallback_;
      }
    }
    if (!scripted && fallback) response = fallback(request);
    if (!scripted && !fallback) {
      response.error = net::TransportError::kConnectRefused;
      response.error_message = "script exhausted";
    }
    done(std::move(response));
  }

  std::vector<net::HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  void clearRequests() {
    std::lock_guard lock(mutex_);
    requests_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<net::HttpResponse> script_;
  Handler fallback_;
  std::vector<net::HttpRequest> requests_;
};

}  // namespace cs::testing
