#pragma once
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "net/http_transport.hpp"

namespace cs::testing {

// An HttpTransport that answers from a script, on the caller's thread, and records every
// request: for testing clients' retry and error handling without sockets. When the script
// runs out, `fallback` answers (by default a transport failure, so a test that under-scripts
// fails visibly).
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
  void setFallback(Handler handler) {
    std::lock_guard lock(mutex_);
    fallback_ = std::move(handler);
  }

  void send(net::HttpRequest request, net::ResponseCallback done) override {
    net::HttpResponse response;
    Handler fallback;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (!script_.empty()) {
        response = std::move(script_.front());
        script_.pop_front();
        done(std::move(response));
        return;
      }
      fallback = fallback_;
    }
    if (fallback) {
      done(fallback(request));
      return;
    }
    response.error = net::TransportError::kConnectRefused;
    response.error_message = "script exhausted";
    done(std::move(response));
  }

  std::vector<net::HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<net::HttpResponse> script_;
  Handler fallback_;
  std::vector<net::HttpRequest> requests_;
};

}  // namespace cs::testing
