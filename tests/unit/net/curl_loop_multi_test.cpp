// CurlTransport on an HTTP server's I/O thread (core/event_loop, net/curl_loop_multi): a route
// of a proxy server sends upstream from its own I/O thread and answers from the transfer's
// callback, the way the passthrough does. Both servers are our real Server on loopback.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/event_loop.hpp"
#include "core/fnv.hpp"
#include "fakes/loopback_server.hpp"
#include "net/curl_transport.hpp"

namespace cs::net {
namespace {

using cs::testing::LoopbackServer;
using namespace std::chrono_literals;

// A body nobody could produce by accident: byte i depends on i, so a lost, doubled or
// reordered chunk shows.
std::string patterned(std::size_t bytes) {
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 4093) % 26);
  return out;
}

// Holds /stall requests until released (the test's end releases them).
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  int waiting = 0;
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
  void waitForStalled(int n) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return waiting >= n; });
  }
};

http::Router upstreamRouter(Gate& gate) {
  http::Router router;
  router.add("GET", "/big", [](const http::Request& r) {
    http::Response out;
    out.content_type = "text/plain";
    out.body = patterned(std::stoul(r.queryParam("bytes").value_or("1")));
    return out;
  });
  router.add("POST", "/digest", [](const http::Request& r) {
    http::Response out;
    out.content_type = "text/plain";
    out.body = std::to_string(r.body.size()) + ":" + std::to_string(fnv1a(r.body));
    return out;
  });
  router.add(
      "GET", "/stall",
      [&gate](const http::Request&) {
        std::unique_lock lock(gate.mutex);
        ++gate.waiting;
        gate.cv.notify_all();
        gate.cv.wait(lock, [&] { return gate.open; });
        return http::Response{};
      },
      true);
  return router;
}

std::string threadName(std::thread::id id) {
  std::ostringstream out;
  out << id;
  return out.str();
}

// What the proxy's transfer callbacks saw, for the tests that stop things under a transfer.
struct Outcomes {
  std::mutex mutex;
  std::vector<HttpResponse> responses;
  std::condition_variable cv;
  void add(HttpResponse r) {
    {
      std::lock_guard lock(mutex);
      responses.push_back(std::move(r));
    }
    cv.notify_all();
  }
  std::vector<HttpResponse> waitFor(std::size_t n) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return responses.size() >= n; });
    return responses;
  }
};

// GET /proxy?path=P[&timeout_ms=T] sends GET upstream+P from the I/O thread; POST /proxy
// forwards the body to upstream /digest. The answer carries the upstream's status and body,
// and says whether the callback ran on the thread that took the request.
http::Router proxyRouter(CurlTransport& transport, const std::string& upstream, Outcomes& seen) {
  http::Router router;
  auto proxy = [&transport, upstream, &seen](const http::Request& request) {
    HttpRequest up;
    up.method = request.method;
    up.url = upstream + (request.method == "POST" ? "/digest" : *request.queryParam("path"));
    up.body = request.body;
    up.max_response_bytes = 64 * 1024 * 1024;
    if (auto t = request.queryParam("timeout_ms"))
      up.total_timeout = std::chrono::milliseconds(std::stol(*t));
    http::Response pending;
    pending.deferred = [&transport, &seen,
                        up = std::move(up)](http::ResponseCallback done) mutable {
      const bool on_loop = EventLoop::current() != nullptr;
      const auto here = std::this_thread::get_id();
      transport.send(std::move(up), [&seen, done, on_loop, here](HttpResponse response) {
        http::Response out;
        out.content_type = "text/plain";
        out.status = response.ok() ? static_cast<int>(response.status) : 502;
        out.headers.set("X-On-Loop", on_loop ? "yes" : "no");
        out.headers.set("X-Same-Thread", std::this_thread::get_id() == here ? "yes" : "no");
        out.headers.set("X-Answered-On", threadName(std::this_thread::get_id()));
        out.body = response.ok() ? response.body : response.error_message;
        seen.add(std::move(response));
        done(std::move(out));
      });
    };
    return pending;
  };
  router.add("GET", "/proxy", proxy);
  router.add("POST", "/proxy", proxy);
  // A handler that waits for its answer on the I/O thread (a store's blocking call would): the
  // transfer must run elsewhere, or the thread would wait for itself.
  router.add("GET", "/proxy-blocking", [&transport, upstream](const http::Request&) {
    HttpRequest up;
    up.url = upstream + "/big?bytes=9";
    auto response = transport.sendBlocking(std::move(up));
    http::Response out;
    out.content_type = "text/plain";
    out.body = response.ok() ? response.body : response.error_message;
    return out;
  });
  return router;
}

http::ServerOptions proxyOptions() {
  auto options = LoopbackServer::defaults();
  options.drain_timeout = 300ms;  // the stop tests end with a transfer still running
  return options;
}

class TransportOnLoopTest : public ::testing::Test {
 protected:
  ~TransportOnLoopTest() override {
    gate_.release();
    proxy_.reset();
  }
  HttpResponse viaProxy(const std::string& path_and_query) {
    HttpRequest r;
    r.url = proxy_->url(path_and_query);
    r.max_response_bytes = 64 * 1024 * 1024;
    return client_.sendBlocking(std::move(r));
  }

  Gate gate_;
  Outcomes seen_;
  LoopbackServer upstream_{upstreamRouter(gate_)};
  CurlTransport transport_;  // the proxy's, used from its I/O threads
  std::unique_ptr<LoopbackServer> proxy_ = std::make_unique<LoopbackServer>(
      proxyRouter(transport_, upstream_.url(), seen_), proxyOptions());
  CurlTransport client_;  // the test's, used from this (loop-less) thread
};

TEST_F(TransportOnLoopTest, TheAnswerComesOnTheThreadThatTookTheRequest) {
  auto r = viaProxy("/proxy?path=/big%3Fbytes%3D5");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, patterned(5));
  EXPECT_EQ(r.header("x-on-loop").value_or(""), "yes");
  EXPECT_EQ(r.header("x-same-thread").value_or(""), "yes");
}

// Bigger than any socket buffer and than curl's read buffer: curl reads it over many wake-ups,
// so a socket left readable between them would stall the transfer for good.
TEST_F(TransportOnLoopTest, AnAnswerOfManyMegabytesArrivesWhole) {
  for (std::size_t bytes : {std::size_t{70'000}, std::size_t{1} << 20, std::size_t{6} << 20}) {
    auto r = viaProxy("/proxy?path=/big%3Fbytes%3D" + std::to_string(bytes));
    ASSERT_TRUE(r.ok()) << r.error_message;
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
    EXPECT_EQ(r.body.size(), bytes);
    EXPECT_TRUE(r.body == patterned(bytes)) << "the body differs from what the upstream sent";
  }
}

TEST_F(TransportOnLoopTest, ABigUploadArrivesWhole) {
  const std::string body = patterned(1'000'000);  // the servers take up to 1 MiB
  HttpRequest r;
  r.method = "POST";
  r.url = proxy_->url("/proxy");
  r.body = body;
  auto resp = client_.sendBlocking(std::move(r));
  ASSERT_TRUE(resp.ok()) << resp.error_message;
  EXPECT_EQ(resp.body, std::to_string(body.size()) + ":" + std::to_string(fnv1a(body)));
}

TEST_F(TransportOnLoopTest, ManyConcurrentTransfersOnTheLoopsAllComplete) {
  constexpr int kClients = 8, kEach = 25;
  std::vector<std::future<int>> clients;
  for (int c = 0; c < kClients; ++c)
    clients.push_back(std::async(std::launch::async, [this, c] {
      int right = 0;
      for (int i = 0; i < kEach; ++i) {
        const std::size_t bytes = 1 + static_cast<std::size_t>((c * kEach + i) * 3001 % 300'000);
        auto r = viaProxy("/proxy?path=/big%3Fbytes%3D" + std::to_string(bytes));
        if (r.ok() && r.status == 200 && r.body == patterned(bytes) &&
            r.header("x-same-thread").value_or("") == "yes")
          ++right;
      }
      return right;
    }));
  int right = 0;
  for (auto& c : clients) right += c.get();
  EXPECT_EQ(right, kClients * kEach);
}

TEST_F(TransportOnLoopTest, ABlockingSendFromAnIoThreadDoesNotWaitForItself) {
  auto r = viaProxy("/proxy-blocking");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, patterned(9));
}

// curl's own timeout runs on the loop's timer.
TEST_F(TransportOnLoopTest, ATimeoutFiresOnTheLoop) {
  auto r = viaProxy("/proxy?path=/stall&timeout_ms=200");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 502);
  auto outcomes = seen_.waitFor(1);
  EXPECT_EQ(outcomes[0].error, TransportError::kTimeout) << outcomes[0].error_message;
}

// The proxy stops while a transfer is still waiting upstream: its loop's stop hook fails it, so
// the caller hears (here: the callback runs, with "transport stopped").
TEST_F(TransportOnLoopTest, AStoppingLoopFailsTheTransfersStillOnIt) {
  auto pending = std::async(std::launch::async, [this] { return viaProxy("/proxy?path=/stall"); });
  gate_.waitForStalled(1);
  proxy_->stop();
  auto outcomes = seen_.waitFor(1);
  EXPECT_EQ(outcomes[0].error, TransportError::kOther);
  EXPECT_EQ(outcomes[0].error_message, "transport stopped");
  proxy_.reset();       // closes the client's connection
  (void)pending.get();  // a closed connection or the 502: either is fine
}

// transport.stop() from another thread reaches the transfers running on the loops.
TEST_F(TransportOnLoopTest, StoppingTheTransportFailsTransfersOnTheLoops) {
  auto pending = std::async(std::launch::async, [this] { return viaProxy("/proxy?path=/stall"); });
  gate_.waitForStalled(1);
  transport_.stop();
  auto r = pending.get();
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body, "transport stopped");
  EXPECT_EQ(r.header("x-same-thread").value_or(""), "yes");
  // Later sends answer at once, on the caller's thread.
  auto later = viaProxy("/proxy?path=/big%3Fbytes%3D3");
  EXPECT_EQ(later.body, "transport stopped");
}

}  // namespace
}  // namespace cs::net
