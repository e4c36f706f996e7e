#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_clock.hpp"
#include "http/client_address.hpp"
#include "http/rate_limiter.hpp"
#include "obs/logger.hpp"
#include "obs/metrics.hpp"
#include "service/stats_service.hpp"
#include "support/requests.hpp"
#include "support/threads.hpp"

namespace cs::http {
namespace {

using cs::testing::FakeClock;

using namespace std::chrono_literals;

RateLimitOptions options() {
  RateLimitOptions o;
  o.fallback = {"*", 10.0, 5.0};
  o.routes = {{"/api/compare", 0.5, 2.0}, {"/assets/*", 100.0, 100.0}};
  o.exempt_paths = {"/healthz"};
  return o;
}

TEST(RateLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 2; ++i)
    EXPECT_FALSE(limiter.check(testing::requestFrom("10.0.0.1", "/api/compare"))) << i;
  auto refused = limiter.check(testing::requestFrom("10.0.0.1", "/api/compare"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(*refused->headers.get("Retry-After"), "2");  // one token at 0.5/s takes 2 s
  auto body = nlohmann::json::parse(refused->body);
  EXPECT_EQ(body["error"], "rate_limited");
  EXPECT_FALSE(body["message"].get<std::string>().empty());
  EXPECT_EQ(limiter.rejectedTotal(), 1u);

  clock.advance(1s);  // half a token: still refused, 1 s to go
  auto again = limiter.check(testing::requestFrom("10.0.0.1", "/api/compare"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->headers.get("Retry-After"), "1");
  clock.advance(1s);
  EXPECT_FALSE(limiter.check(testing::requestFrom("10.0.0.1", "/api/compare")));
}

TEST(RateLimiter, RoutesAndClientsHaveSeparateBuckets) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 2; ++i) limiter.check(testing::requestFrom("10.0.0.1", "/api/compare"));
  EXPECT_TRUE(limiter.check(testing::requestFrom("10.0.0.1", "/api/compare")));
  // Compare's budget is spent; sayings (the fallback rule) and other clients are untouched.
  EXPECT_FALSE(limiter.check(testing::requestFrom("10.0.0.1", "/api/sayings")));
  EXPECT_FALSE(limiter.check(testing::requestFrom("10.0.0.2", "/api/compare")));
  // Prefix rules: every asset shares the /assets/* bucket.
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(limiter.check(testing::requestFrom("10.0.0.1", "/assets/a" + std::to_string(i))));
  EXPECT_TRUE(limiter.check(testing::requestFrom("10.0.0.1", "/assets/x.js")));
}

TEST(RateLimiter, TheMostSpecificRuleWinsWhateverTheOrder) {
  FakeClock clock;
  auto o = options();
  o.routes = {{"/api/*", 100.0, 100.0}, {"/api/compare", 0.5, 1.0}};
  RateLimiter limiter(o, clock);
  EXPECT_FALSE(limiter.check(testing::requestFrom("10.0.0.1", "/api/compare")));
  EXPECT_TRUE(limiter.check(testing::requestFrom("10.0.0.1", "/api/compare")));
  EXPECT_FALSE(limiter.check(testing::requestFrom("10.0.0.1", "/api/stats")));
}

TEST(RateLimiter, ExemptPathsAndDisabledLimiterNeverRefuse) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 1000; ++i)
    ASSERT_FALSE(limiter.check(testing::requestFrom("10.0.0.1", "/healthz")));
  auto o = options();
  o.enabled = false;
  RateLimiter off(o, clock);
  for (int i = 0; i < 1000; ++i)
    ASSERT_FALSE(off.check(testing::requestFrom("10.0.0.1", "/api/compare")));
}

TEST(RateLimiter, TheCapHoldsUnderAFloodOfNewClients) {
  FakeClock clock;
  auto o = options();
  o.max_tracked = 64;  // 4 per shard
  RateLimiter limiter(o, clock);
  for (int i = 0; i < 10'000; ++i)
    limiter.check(testing::requestFrom(
        "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), "/x"));
  EXPECT_LE(limiter.trackedBuckets(), 64u);
  EXPECT_GE(limiter.trackedBuckets(), 32u);
}

TEST(RateLimiter, RefilledBucketsAreForgotten) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 1000; ++i)
    limiter.check(testing::requestFrom(
        "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), "/x"));
  for (int i = 0; i < 5; ++i)
    limiter.check(testing::requestFrom("10.7.7.7", "/x"));  // empties its bucket
  EXPECT_EQ(limiter.trackedBuckets(), 1001u);
  clock.advance(100ms);  // 1 token back for 10.7.7.7; the others were full all along
  limiter.expireIdle();
  EXPECT_EQ(limiter.trackedBuckets(), 1u);
  clock.advance(1s);  // 10.7.7.7 is full again: equivalent to never seen
  limiter.expireIdle();
  EXPECT_EQ(limiter.trackedBuckets(), 0u);
}

TEST(RateLimiter, UnderTheCapAnActiveClientKeepsItsDebt) {
  FakeClock clock;
  auto o = options();
  o.max_tracked = 100'000;
  RateLimiter limiter(o, clock);
  for (int i = 0; i < 5; ++i) limiter.check(testing::requestFrom("10.0.0.1", "/x"));
  for (int i = 0; i < 500; ++i)
    limiter.check(
        testing::requestFrom("10.2.0." + std::to_string(i % 250), "/y" + std::to_string(i)));
  EXPECT_TRUE(limiter.check(testing::requestFrom("10.0.0.1", "/x")))
      << "other clients must not reset this one";
}

}  // namespace
}  // namespace cs::http

namespace {

// Shared state touched from every I/O thread, hammered from several threads at once. These run
// in every preset; under the `tsan` preset they are what ThreadSanitizer checks for races.

TEST(Concurrency, RateLimiterGrantsExactlyTheBurstAcrossThreads) {
  cs::testing::FakeClock clock;  // frozen: no refill, so exactly `burst` tokens exist
  cs::http::RateLimitOptions options;
  options.routes = {{"/api/compare", 0.2, 25.0}};
  cs::http::RateLimiter limiter(options, clock);
  std::atomic<int> granted{0}, refused{0}, own_granted{0};
  cs::testing::onThreads([&](int t) {
    const std::string own = "10.0.0." + std::to_string(t + 10);
    auto shared = cs::http::Request::make("GET", "/api/compare");
    shared.remote_address = "10.0.0.1";
    auto mine = cs::http::Request::make("GET", "/api/compare");
    mine.remote_address = own;
    for (int i = 0; i < 100; ++i) {
      (limiter.check(shared) ? refused : granted)++;
      if (!limiter.check(mine)) own_granted++;
    }
  });
  EXPECT_EQ(granted, 25);
  EXPECT_EQ(refused, 100 * cs::testing::kThreads - 25);
  EXPECT_EQ(own_granted, 25 * cs::testing::kThreads);
  EXPECT_EQ(limiter.rejectedTotal(),
            static_cast<std::uint64_t>(refused + (100 - 25) * cs::testing::kThreads));
}

}  // namespace
