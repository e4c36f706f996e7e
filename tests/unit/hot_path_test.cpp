// The hot path's pieces: the inline attempt before the worker pool (Pipeline/Router), the
// picker's memory-only pick, and per-thread shards merged by readers (PerThread, Metrics).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/per_thread.hpp"
#include "fakes/fake_clock.hpp"
#include "http/json_error.hpp"
#include "http/pipeline.hpp"
#include "obs/metrics.hpp"
#include "store/saying_picker.hpp"
#include "store/sqlite_store.hpp"
#include "support/forwarding_store.hpp"

namespace cs::testing {
namespace {

using http::Pipeline;
using http::Request;
using http::Response;
using http::Router;

Response answer(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

// A route whose InlineHandler answers when ?inline=1, else hands over to the worker handler.
struct InlineRoute : ::testing::Test {
  void SetUp() override {
    router.add(
        "GET", "/x",
        [this](const Request&) {
          ++worker_calls;
          return answer("worker");
        },
        http::Blocking::always());
    router.setInlineTry("GET", "/x", [this](const Request& r) -> std::optional<Response> {
      ++inline_calls;
      if (r.queryParam("inline")) return answer("inline");
      return std::nullopt;
    });
    pipeline.setAccessLog(false);
    pipeline.addBefore([this](Request& r) -> std::optional<Response> {
      ++before_calls;
      if (r.queryParam("limit")) return http::jsonError(ErrorCode::kRateLimited, "slow down");
      return std::nullopt;
    });
    pipeline.addAfter([this](const Request&, Response&, double) { ++after_calls; });
  }
  Router router;
  Pipeline pipeline{router};
  int worker_calls = 0, inline_calls = 0, before_calls = 0, after_calls = 0;
};

TEST_F(InlineRoute, AnInlineAnswerIsTheWholeAnswer) {
  auto request = Request::make("GET", "/x?inline=1");
  ASSERT_TRUE(pipeline.mayBlock(request));
  auto response = pipeline.handleInline(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "inline");
  EXPECT_EQ(response->headers.get("X-Request-Id")->size(), 32u);
  EXPECT_EQ(worker_calls, 0);
  EXPECT_EQ(before_calls, 1);
  EXPECT_EQ(after_calls, 1);
}

TEST_F(InlineRoute, AHandOverRunsTheBeforeStagesOnceAndKeepsTheRequestId) {
  auto request = Request::make("GET", "/x");
  EXPECT_FALSE(pipeline.handleInline(request));
  const std::string id = request.request_id;
  EXPECT_EQ(after_calls, 0);  // nothing answered yet: no metrics, no access line
  auto response = pipeline.handle(request);
  EXPECT_EQ(response.body, "worker");
  EXPECT_EQ(*response.headers.get("X-Request-Id"), id);
  EXPECT_EQ(before_calls, 1) << "a rate limiter must not count the request twice";
  EXPECT_EQ(inline_calls, 1);
  EXPECT_EQ(worker_calls, 1);
  EXPECT_EQ(after_calls, 1);
}

TEST_F(InlineRoute, ABeforeStageAnswerEndsTheRequestInline) {
  auto request = Request::make("GET", "/x?limit=1");
  auto response = pipeline.handleInline(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(inline_calls, 0);
  EXPECT_EQ(worker_calls, 0);
}

TEST_F(InlineRoute, ARouteWithoutInlineHandlerAlwaysHandsOver) {
  router.add(
      "GET", "/plain", [](const Request&) { return answer("plain"); }, http::Blocking::always());
  auto request = Request::make("GET", "/plain");
  EXPECT_FALSE(pipeline.handleInline(request));
  EXPECT_EQ(pipeline.handle(request).body, "plain");
  EXPECT_EQ(before_calls, 1);
}

// Counts the store reads a pick makes.
class ReadCountingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::atomic<int> reads{0};
  Result<std::optional<Saying>> getSaying(const std::string& id) override {
    ++reads;
    return ForwardingStore::getSaying(id);
  }
  Result<std::vector<std::string>> listSayingIds() override {
    ++reads;
    return ForwardingStore::listSayingIds();
  }
};

Saying storedSaying(const std::string& id) {
  Saying s;
  s.id = id;
  s.text = "Amazon S3 is a closet that never fills up (" + id + ").";
  s.services = {"Amazon S3"};
  s.model = "corpus";
  s.provider = "corpus";
  return s;
}

TEST(SayingPickerMemory, PicksFromMemoryOnlyOnceTheListAndTheSayingAreCached) {
  SqliteStore sqlite(":memory:");
  ASSERT_TRUE(sqlite.putSaying(storedSaying("only")));
  ReadCountingStore store(sqlite);
  FakeClock clock;
  SayingPicker picker(store, clock,
                      {std::chrono::milliseconds(60'000), std::chrono::milliseconds(300'000)});
  EXPECT_EQ(picker.pickCached(""), nullptr) << "no id list yet: the store must be read";
  EXPECT_EQ(store.reads, 0);
  ASSERT_TRUE(picker.pickRandom(""));
  const int after_first = store.reads;
  EXPECT_EQ(after_first, 2);  // the list, then the saying
  auto cached = picker.pickCached("");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->id, "only");
  EXPECT_EQ(store.reads, after_first) << "a memory pick reads nothing";
  clock.advance(std::chrono::milliseconds(60'001));
  EXPECT_EQ(picker.pickCached(""), nullptr) << "a stale id list sends the pick to the store";
}

TEST(SayingPickerMemory, AnUncachedSayingIsNotPickedFromMemory) {
  SqliteStore sqlite(":memory:");
  ASSERT_TRUE(sqlite.putSaying(storedSaying("a")));
  ReadCountingStore store(sqlite);
  FakeClock clock;
  SayingPicker picker(store, clock,
                      {std::chrono::milliseconds(60'000), std::chrono::milliseconds(1'000)});
  ASSERT_TRUE(picker.pickRandom(""));
  clock.advance(std::chrono::milliseconds(1'001));  // the item expired, the list did not
  EXPECT_EQ(picker.pickCached(""), nullptr);
}

TEST(PerThread, ReadersMergeEveryThreadsShardIncludingThreadsThatExited) {
  PerThread<long> counts;
  constexpr int kThreads = 4, kEach = 10'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) counts.withLocal([](long& n) { ++n; });
    });
  for (auto& t : threads) t.join();
  counts.withLocal([](long& n) { n += 5; });
  long total = 0, shards = 0;
  counts.forEach([&](long& n) {
    total += n;
    ++shards;
  });
  EXPECT_EQ(total, kThreads * kEach + 5);
  EXPECT_EQ(shards, kThreads + 1);
}

TEST(PerThread, TwoOwnersOnOneThreadKeepSeparateShards) {
  PerThread<int> a, b;
  a.withLocal([](int& n) { n = 1; });
  b.withLocal([](int& n) { n = 2; });
  int sum_a = 0, sum_b = 0;
  a.forEach([&](int& n) { sum_a += n; });
  b.forEach([&](int& n) { sum_b += n; });
  EXPECT_EQ(sum_a, 1);
  EXPECT_EQ(sum_b, 2);
}

TEST(MetricsShards, RequestsCountedOnManyThreadsAreAllRendered) {
  obs::Metrics metrics;
  constexpr int kThreads = 4, kEach = 2'500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      obs::RequestSample s;
      s.source = "store";
      s.model = "corpus";
      s.total_ms = 0.2;
      s.tokens = 3;
      for (int i = 0; i < kEach; ++i) metrics.recordRequest(s);
    });
  for (auto& t : threads) t.join();
  const std::string text = metrics.renderPrometheus();
  EXPECT_NE(text.find(R"(cloudsayings_requests_total{source="store",model="corpus"} 10000)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(cloudsayings_tokens_used_total{source="store",model="corpus"} 30000)"),
            std::string::npos);
  EXPECT_NE(
      text.find(
          R"(cloudsayings_total_execution_time_seconds_count{source="store",model="corpus"} 10000)"),
      std::string::npos);
}

}  // namespace
}  // namespace cs::testing
