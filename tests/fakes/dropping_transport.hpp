#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "net/http_transport.hpp"

namespace cs::testing {

// Wraps a real transport: every request goes through, and the answer to a chosen DynamoDB write
// (PutItem, UpdateItem) is thrown away after DynamoDB applied it, so the caller sees a timeout
// for a write that happened: the ambiguous failure a retrying client must survive.
class DroppingTransport final : public net::HttpTransport {
 public:
  // n counts writes from 0 (retries included); true = drop this answer.
  using Policy = std::function<bool(std::uint64_t n, const net::HttpRequest& request)>;

  DroppingTransport(net::HttpTransportPtr inner, Policy drop)
      : inner_(std::move(inner)), drop_(std::move(drop)) {}

  // Every other write of each calling thread: a call's first answer is lost, its retry's
  // arrives. Counted per thread because with one shared counter concurrent writers can make
  // every retry of one call land on a dropped slot (8 in a row under ASan's timing), which
  // tests the interleaving, not the store.
  static Policy everyOtherWrite() {
    struct PerThread {
      std::mutex mutex;
      std::unordered_map<std::thread::id, std::uint64_t> writes;
    };
    auto state = std::make_shared<PerThread>();
    return [state](std::uint64_t, const net::HttpRequest&) {
      std::lock_guard lock(state->mutex);
      return state->writes[std::this_thread::get_id()]++ % 2 == 0;
    };
  }

  void send(net::HttpRequest request, net::ResponseCallback done) override {
    bool drop = false;
    if (isWrite(request)) drop = drop_(writes_.fetch_add(1), request);
    if (!drop) {
      inner_->send(std::move(request), std::move(done));
      return;
    }
    inner_->send(std::move(request), [this, done = std::move(done)](net::HttpResponse applied) {
      // Only a write DynamoDB answered was applied (or failed its condition): drop that answer.
      if (applied.ok()) dropped_.fetch_add(1);
      net::HttpResponse lost;
      lost.error = net::TransportError::kTimeout;
      lost.error_message = "answer dropped by DroppingTransport";
      done(std::move(lost));
    });
  }

  std::uint64_t writes() const { return writes_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }

 private:
  static bool isWrite(const net::HttpRequest& request) {
    for (const auto& [name, value] : request.headers)
      if (name == "X-Amz-Target")
        return value.ends_with(".PutItem") || value.ends_with(".UpdateItem");
    return false;
  }

  net::HttpTransportPtr inner_;
  Policy drop_;
  std::atomic<std::uint64_t> writes_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace cs::testing
