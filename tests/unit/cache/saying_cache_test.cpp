#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "fakes/cache_fixture.hpp"
#include "fakes/fake_clock.hpp"
#include "service/saying_service.hpp"

namespace cs::testing {
namespace {

cache::CacheOptions smallPools() {
  cache::CacheOptions o;
  o.low_water = 3;
  o.high_water = 6;
  o.capacity = 12;
  o.retry_backoff = std::chrono::milliseconds(60'000);
  return o;
}

TEST(CacheBuilder, DoesNothingUntilStartedThenFillsEveryPoolInParallel) {
  CacheStack stack({"m1", "m2", "m3"}, smallPools());
  stack.gateway.hold();
  auto& cache = stack.makeCache();
  EXPECT_FALSE(cache.take());
  EXPECT_EQ(stack.gateway.totalCalls(), 0);
  cache.start();
  // All three models are called while every call is held at the gate: the calls run at once.
  stack.gateway.waitForCalls(3);
  EXPECT_EQ(stack.gateway.maxConcurrent(), 3);
  stack.gateway.release();
  ASSERT_TRUE(waitFor([&] {
    for (const auto& s : cache.stats())
      if (s.size < 6 || s.in_flight) return false;
    return true;
  }));
  for (const auto& s : cache.stats()) {
    EXPECT_EQ(s.calls, 2u) << s.model;  // two batches of 3 reach the high-water mark of 6
    EXPECT_EQ(s.size, 6u);
  }
  for (const auto& r : stack.gateway.requests()) EXPECT_EQ(r.count, 3);
}

TEST(CacheBuilder, GeneratedSayingsAreStoredWithTheirFigures) {
  CacheStack stack({"m1"}, smallPools());
  auto& cache = stack.makeCache();
  cache.start();
  ASSERT_TRUE(waitFor([&] { return cache.totalSize() >= 6 && !cache.stats()[0].in_flight; }));
  auto hit = cache.take();
  ASSERT_TRUE(hit);
  auto stored = stack.store.getSaying(hit->saying->id);
  ASSERT_TRUE(stored && *stored);
  const Saying& s = **stored;
  EXPECT_EQ(s.text, hit->saying->text);
  EXPECT_EQ(s.model, "m1");
  EXPECT_EQ(s.provider, "fake");
  EXPECT_FALSE(s.services.empty());  // extracted with the service catalog
  EXPECT_EQ(s.tokens.input_tokens, 40);
  EXPECT_EQ(s.tokens.output_tokens, 30);
  EXPECT_NEAR(s.cost_usd, 0.001, 1e-12);  // the call's $0.003 split over 3 sayings
  ASSERT_TRUE(s.llm_ms.has_value());
  EXPECT_EQ(stack.store.listSayingIds()->size(), 6u);
}

TEST(CacheBuilder, FiftyConcurrentMissesMakeExactlyOneUpstreamCall) {
  auto options = smallPools();
  options.low_water = 0;  // no background top-up: every call counted comes from the misses
  options.high_water = 3;
  CacheStack stack({"m1"}, options);
  stack.gateway.hold();
  auto& cache = stack.makeCache();
  SayingService service(stack.picker, cache, stack.gateway,
                        SayingService::Options{0, std::chrono::seconds(20)});
  std::vector<std::thread> clients;
  std::atomic<int> from_model{0}, started{0};
  for (int i = 0; i < 50; ++i)
    clients.emplace_back([&] {
      std::uint64_t n = 0;
      ++started;
      auto served = service.nextForModel("m1", n);
      if (served && served->saying->model == "m1") ++from_model;
    });
  stack.gateway.waitForCalls(1);
  // All 50 must be misses concurrent with the held call: a thread that only got going after
  // the release would find the batch gone and rightly make a call of its own (seen under ASan).
  ASSERT_TRUE(waitFor([&] { return started.load() == 50; }));
  // Give the other 49 requests every chance to (wrongly) start calls of their own.
  ASSERT_TRUE(waitFor([&] { return cache.stats()[0].in_flight; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(stack.gateway.calls("m1"), 1);
  stack.gateway.release();
  for (auto& c : clients) c.join();
  EXPECT_EQ(stack.gateway.calls("m1"), 1);
  EXPECT_EQ(stack.gateway.maxConcurrent(), 1);
  EXPECT_EQ(from_model.load(), 50);  // every waiter got that one call's sayings
}

TEST(CacheBuilder, DropsDuplicatesAgainstPoolAndStoreAndCountsThem) {
  CacheStack stack({"m1"}, smallPools());
  stack.gateway.setTexts("m1", [](const llm::GenerationRequest&, int) {
    return std::vector<std::string>{
        "Amazon S3 is like a bottomless closet that never asks you to tidy up",
        "AMAZON S3 is like a bottomless closet that never asks you to tidy up!",
        "AWS Lambda is like a food truck that only shows up when you are hungry"};
  });
  // One saying is already in the store (the corpus): a near copy of it must not come back.
  Saying corpus;
  corpus.id = "corpus-1";
  corpus.text = "AWS Lambda is like a food truck that only shows up when you are hungry.";
  corpus.model = corpus.provider = "corpus";
  ASSERT_TRUE(stack.store.putSaying(corpus));
  auto& cache = stack.makeCache();
  cache.start();
  ASSERT_TRUE(
      waitFor([&] { return stack.gateway.calls("m1") >= 2 && !cache.stats()[0].in_flight; }));
  const auto stats = cache.stats()[0];
  EXPECT_EQ(stats.generated, 1u);   // only the first text is new
  EXPECT_EQ(stats.duplicates, 5u);  // 2 in the first batch, all 3 in the second
  EXPECT_EQ(cache.totalSize(), 1u);
  // A batch of nothing new does not loop: the builder backs off instead of calling again.
  EXPECT_EQ(stack.gateway.calls("m1"), 2);
  EXPECT_EQ(stack.dedup.droppedCount(), 5u);
}

TEST(CacheBuilder, ServiceTrackingSpreadsThirtySayingsOverManyServices) {
  auto count_services = [](bool track) {
    cache::CacheOptions options;
    options.low_water = 30;
    options.high_water = 30;
    options.capacity = 30;
    CacheStack stack({"m1"}, options, {0, 0.0, 0.5},
                     cache::ServiceTracker::Options{30, track ? 12u : 0u});
    auto& cache = stack.makeCache();
    cache.start();
    EXPECT_TRUE(waitFor([&] { return cache.totalSize() >= 30; }));
    cache.stop();  // draining below the low-water mark must not start more calls
    std::multiset<std::string> services;
    std::set<std::string> distinct;
    while (auto hit = cache.take())
      for (const auto& s : hit->saying->services) services.insert(s), distinct.insert(s);
    EXPECT_EQ(services.size(), 30u);
    return std::make_pair(distinct.size(), services.count("Amazon S3"));
  };
  // The fake favours S3 like a real model would, but honours the avoid hint.
  const auto [tracked_distinct, tracked_s3] = count_services(true);
  const auto [untracked_distinct, untracked_s3] = count_services(false);
  EXPECT_GE(tracked_distinct, 12u);
  EXPECT_LE(tracked_s3, 3u);
  EXPECT_LE(untracked_distinct, 3u);  // without the hint: S3, Lambda, DynamoDB per batch
  EXPECT_EQ(untracked_s3, 10u);
}

TEST(CacheBuilder, FailedRefillBacksOffInsteadOfHammeringTheUpstream) {
  FakeClock clock;
  CacheStack stack({"m1"}, smallPools(), {0, 0.0, 0.5}, {}, {}, clock);
  stack.gateway.failAlways("m1", cache::localError(llm::LlmError::Kind::kServer, "upstream 500"));
  auto& cache = stack.makeCache();
  cache.start();
  ASSERT_TRUE(
      waitFor([&] { return stack.gateway.calls("m1") == 1 && !cache.stats()[0].in_flight; }));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(cache.take());
  EXPECT_EQ(stack.gateway.calls("m1"), 1);
  clock.advance(std::chrono::seconds(61));  // past the backoff, the next miss retries
  EXPECT_FALSE(cache.take());
  ASSERT_TRUE(waitFor([&] { return stack.gateway.calls("m1") == 2; }));
}

TEST(CacheBuilder, BudgetGuardPausesTheBuilderAndTheStoreAnswers) {
  FakeClock clock;
  auto options = smallPools();
  options.retry_backoff = std::chrono::milliseconds(1000);
  CacheStack stack({"m1", "m2"}, options, {3, 0.0, 0.0}, {}, {}, clock);  // all the builder's
  Saying corpus;
  corpus.id = "corpus-1";
  corpus.text = "The cloud is just someone else's computer, with better lighting.";
  corpus.model = corpus.provider = "corpus";
  ASSERT_TRUE(stack.store.putSaying(corpus));
  auto& cache = stack.makeCache();
  SayingService service(stack.picker, cache, stack.gateway,
                        SayingService::Options{0, std::chrono::seconds(5)});
  std::uint64_t n = 0;
  ASSERT_TRUE(service.next(n));  // starts building
  ASSERT_TRUE(waitFor([&] {
    for (const auto& s : cache.stats())
      if (s.in_flight) return false;
    return stack.budget.snapshot().refusals > 0;
  }));
  EXPECT_EQ(stack.gateway.totalCalls(), 3);  // 3 calls allowed per minute, then paused
  int from_store = 0;
  for (int i = 0; i < 20; ++i) {
    auto served = service.next(n);
    ASSERT_TRUE(served);
    if (served->source == Source::kStore) ++from_store;
  }
  EXPECT_GT(from_store, 0);  // 9 cached sayings cannot answer 20 requests
  EXPECT_EQ(stack.gateway.totalCalls(), 3);
  clock.advance(std::chrono::seconds(61));
  (void)service.next(n);  // a miss after the minute resumes building
  ASSERT_TRUE(waitFor([&] { return stack.gateway.totalCalls() > 3; }));
}

// Every caller of the gateway says why it calls: the cache builder cache_fill, a ?model=
// request that makes its own generation model_request (one that joins a refill already running
// stays cache_fill), compare compare; a failed compare reports its real attempts.

cache::CacheOptions onePool() {
  cache::CacheOptions o;
  o.low_water = 0;  // no background top-up: each call below is the one the test asks for
  o.high_water = 3;
  o.capacity = 6;
  o.retry_backoff = std::chrono::milliseconds(600'000);
  return o;
}

int countPurpose(const FakeGateway& g, llm::Purpose p) {
  int n = 0;
  for (const auto& r : g.requests()) n += r.purpose == p ? 1 : 0;
  return n;
}

TEST(LedgerPurposes, BuilderIsCacheFillAndAModelRequestOnAnEmptyPoolIsModelRequest) {
  CacheStack stack({"m1"}, onePool());
  auto& cache = stack.makeCache();
  SayingService service(stack.picker, cache, stack.gateway,
                        SayingService::Options{0, std::chrono::seconds(20)});
  // The builder's first refill fails: the pool stays empty for the backoff.
  stack.gateway.failNext("m1", cache::localError(llm::LlmError::Kind::kServer, "scripted"));
  cache.start();
  ASSERT_TRUE(
      waitFor([&] { return cache.stats()[0].failures == 1 && !cache.stats()[0].in_flight; }));
  EXPECT_EQ(countPurpose(stack.gateway, llm::Purpose::kCacheFill), 1);
  std::uint64_t n = 0;
  auto served = service.nextForModel("m1", n);
  ASSERT_TRUE(served);
  EXPECT_EQ(served->source, Source::kLlm);
  EXPECT_EQ(countPurpose(stack.gateway, llm::Purpose::kModelRequest), 1);
  EXPECT_EQ(stack.gateway.totalCalls(), 2);
}

TEST(LedgerPurposes, AModelRequestJoiningARunningRefillLeavesItCacheFill) {
  CacheStack stack({"m1"}, onePool());
  stack.gateway.hold();
  auto& cache = stack.makeCache();
  SayingService service(stack.picker, cache, stack.gateway,
                        SayingService::Options{0, std::chrono::seconds(20)});
  cache.start();
  ASSERT_TRUE(cache.refillNow("m1"));  // the builder's refill, now running (held)
  stack.gateway.waitForCalls(1);
  std::thread client([&] {
    std::uint64_t n = 0;
    EXPECT_TRUE(service.nextForModel("m1", n));
  });
  stack.gateway.release();
  client.join();
  EXPECT_EQ(stack.gateway.totalCalls(), 1);
  EXPECT_EQ(countPurpose(stack.gateway, llm::Purpose::kCacheFill), 1);
  EXPECT_EQ(countPurpose(stack.gateway, llm::Purpose::kModelRequest), 0);
}

}  // namespace
}  // namespace cs::testing
