// Every thread entry is a failure boundary: a surprise is counted, reported once and turned into
// that call's error, and the thread lives on (core/thread_boundary).
#include "core/thread_boundary.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <stdexcept>

#include "fakes/cache_fixture.hpp"
#include "fakes/loopback_server.hpp"
#include "net/curl_transport.hpp"
#include "obs/logger.hpp"
#include "obs/metrics.hpp"

namespace cs {
namespace {

using testing::CacheStack;

struct Reported {
  std::mutex mutex;
  std::vector<std::tuple<ThreadKind, std::string, std::string>> seen;
};

// Captures reports for one test and puts the logger's reporter back afterwards.
class CaptureReports {
 public:
  CaptureReports() {
    setSurpriseReporter(
        [r = reported_](ThreadKind kind, std::string_view what, std::string_view model) {
          std::lock_guard lock(r->mutex);
          r->seen.emplace_back(kind, std::string(what), std::string(model));
        });
  }
  ~CaptureReports() { obs::setGlobalLogger(nullptr); }  // reinstalls the logging reporter
  std::size_t count() {
    std::lock_guard lock(reported_->mutex);
    return reported_->seen.size();
  }
  std::tuple<ThreadKind, std::string, std::string> last() {
    std::lock_guard lock(reported_->mutex);
    return reported_->seen.back();
  }

 private:
  std::shared_ptr<Reported> reported_ = std::make_shared<Reported>();
};

TEST(ThreadBoundary, RunGuardedCountsReportsAndSwallows) {
  CaptureReports reports;
  const auto before = surprisesIn(ThreadKind::kCompare);
  EXPECT_TRUE(runGuarded(ThreadKind::kCompare, "m", [] {}));
  EXPECT_FALSE(runGuarded(ThreadKind::kCompare, "gpt-x", [] { throw std::logic_error("boom"); }));
  EXPECT_FALSE(runGuarded(ThreadKind::kCompare, "", [] { throw 42; }));
  EXPECT_EQ(surprisesIn(ThreadKind::kCompare), before + 2);
  ASSERT_EQ(reports.count(), 2u);
  EXPECT_EQ(std::get<0>(reports.last()), ThreadKind::kCompare);
  EXPECT_NE(std::get<1>(reports.last()).find("not a std::exception"), std::string::npos);
}

TEST(ThreadBoundary, AThrowingReporterIsIgnored) {
  setSurpriseReporter([](ThreadKind, std::string_view, std::string_view) {
    throw std::runtime_error("reporter broke");
  });
  EXPECT_FALSE(runGuarded(ThreadKind::kWorkerPool, "", [] { throw std::runtime_error("x"); }));
  obs::setGlobalLogger(nullptr);
}

// The refill's call throws inside the gateway (an executor job): the flight's waiter still
// gets that refill's error, the surprise is counted, and the builder makes the next call.
TEST(ThreadBoundary, ACacheRefillThatThrowsIsThatRefillsErrorAndTheBuilderLivesOn) {
  CaptureReports reports;
  cache::CacheOptions options;
  options.capacity = 6;
  options.low_water = 1;
  options.high_water = 3;
  options.retry_backoff = std::chrono::milliseconds(0);
  CacheStack stack({"m1"}, options);
  stack.gateway.setTexts("m1", [](const llm::GenerationRequest&, int call) {
    if (call == 1) throw std::runtime_error("parser blew up");  // what a bug would do
    return std::vector<std::string>{"Amazon S3 is like a bottomless closet.",
                                    "AWS Lambda is like a taxi: you pay for the ride."};
  });
  const auto before = surprisesIn(ThreadKind::kExecutor);
  auto& cache = stack.makeCache();
  stack.gateway.hold();  // the first call waits at the gate, so refillNow joins that flight
  cache.start();
  stack.gateway.waitForCalls(1);
  auto flight = cache.refillNow("m1");
  ASSERT_TRUE(flight);
  stack.gateway.release();
  const cache::FlightResult* first =
      flight->wait(std::chrono::steady_clock::now() + std::chrono::seconds(20));
  ASSERT_NE(first, nullptr);  // the waiter got an answer, not a hang
  ASSERT_TRUE(first->error.has_value());
  EXPECT_NE(first->error->message.find("internal error"), std::string::npos);
  EXPECT_EQ(surprisesIn(ThreadKind::kExecutor), before + 1);
  EXPECT_EQ(std::get<2>(reports.last()), "m1");
  // The builder makes the next call and fills the pool.
  auto again = cache.refillNow("m1");
  ASSERT_TRUE(again);
  const cache::FlightResult* second =
      again->wait(std::chrono::steady_clock::now() + std::chrono::seconds(20));
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(second->error.has_value());
  EXPECT_GT(cache.totalSize(), 0u);
  EXPECT_GE(stack.gateway.calls("m1"), 2);
}

TEST(ThreadBoundary, ALoggerSinkThatThrowsLosesOneBatchNotTheProcess) {
  std::mutex mutex;
  std::string written;
  int batches = 0;
  const auto before = surprisesIn(ThreadKind::kLogger);
  {
    obs::Logger logger(obs::Level::kInfo, [&](std::string_view lines) {
      std::lock_guard lock(mutex);
      if (++batches == 1) throw std::runtime_error("sink failed");
      written += lines;
    });
    logger.info("first", {});
    logger.flush();
    logger.info("second", {});
    logger.flush();
  }
  EXPECT_EQ(surprisesIn(ThreadKind::kLogger), before + 1);
  EXPECT_NE(written.find("second"), std::string::npos);
}

TEST(ThreadBoundary, ATransportCallbackThatThrowsDoesNotStopTheTransport) {
  CaptureReports reports;
  http::Router router;
  router.add("GET", "/ok", [](const http::Request&) {
    http::Response r;
    r.body = "ok";
    return r;
  });
  testing::LoopbackServer server(std::move(router));
  net::CurlTransport transport;
  const auto before = surprisesIn(ThreadKind::kTransport);
  std::promise<void> thrown;
  net::HttpRequest req;
  req.url = server.url("/ok");
  transport.send(req, [&](net::HttpResponse) {
    thrown.set_value();
    throw std::runtime_error("callback bug");
  });
  thrown.get_future().wait();
  auto after = transport.sendBlocking(req);  // the loop is still running
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "ok");
  EXPECT_EQ(surprisesIn(ThreadKind::kTransport), before + 1);
  EXPECT_EQ(std::get<0>(reports.last()), ThreadKind::kTransport);
}

TEST(ThreadBoundary, EveryKindIsAPrometheusSeries) {
  (void)runGuarded(ThreadKind::kStatsFlusher, "", [] { throw std::runtime_error("x"); });
  obs::setGlobalLogger(nullptr);
  obs::Metrics metrics;
  const auto text = metrics.renderPrometheus();
  for (auto kind : {ThreadKind::kCacheBuilder, ThreadKind::kTransport, ThreadKind::kLogger,
                    ThreadKind::kStatsFlusher, ThreadKind::kWorkerPool, ThreadKind::kCompare})
    EXPECT_NE(text.find("cloudsayings_thread_exceptions_total{thread=\"" +
                        std::string(threadKindName(kind)) + "\"}"),
              std::string::npos)
        << threadKindName(kind);
  EXPECT_EQ(text.find("cloudsayings_thread_exceptions_total{thread=\"stats_flusher\"} 0\n"),
            std::string::npos);
}

}  // namespace
}  // namespace cs
