// Every caller of the gateway says why it calls: the cache builder cache_fill, a ?model=
// request that makes its own generation model_request (one that joins a refill already running
// stays cache_fill), compare compare; a failed compare reports its real attempts.
#include <gtest/gtest.h>

#include <thread>

#include "fakes/cache_fixture.hpp"
#include "service/saying_service.hpp"

namespace cs::testing {
namespace {

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
      eventually([&] { return cache.stats()[0].failures == 1 && !cache.stats()[0].in_flight; }));
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
