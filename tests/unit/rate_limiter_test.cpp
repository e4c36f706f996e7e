#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_clock.hpp"
#include "http/client_address.hpp"
#include "http/rate_limiter.hpp"

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

Request from(const std::string& address, const std::string& target) {
  auto r = Request::make("GET", target);
  r.remote_address = address;
  return r;
}

TEST(RateLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(limiter.check(from("10.0.0.1", "/api/compare"))) << i;
  auto refused = limiter.check(from("10.0.0.1", "/api/compare"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(*refused->headers.get("Retry-After"), "2");  // one token at 0.5/s takes 2 s
  auto body = nlohmann::json::parse(refused->body);
  EXPECT_EQ(body["error"], "rate_limited");
  EXPECT_FALSE(body["message"].get<std::string>().empty());
  EXPECT_EQ(limiter.rejectedTotal(), 1u);

  clock.advance(1s);  // half a token: still refused, 1 s to go
  auto again = limiter.check(from("10.0.0.1", "/api/compare"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->headers.get("Retry-After"), "1");
  clock.advance(1s);
  EXPECT_FALSE(limiter.check(from("10.0.0.1", "/api/compare")));
}

TEST(RateLimiter, RoutesAndClientsHaveSeparateBuckets) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 2; ++i) limiter.check(from("10.0.0.1", "/api/compare"));
  EXPECT_TRUE(limiter.check(from("10.0.0.1", "/api/compare")));
  // Compare's budget is spent; sayings (the fallback rule) and other clients are untouched.
  EXPECT_FALSE(limiter.check(from("10.0.0.1", "/api/sayings")));
  EXPECT_FALSE(limiter.check(from("10.0.0.2", "/api/compare")));
  // Prefix rules: every asset shares the /assets/* bucket.
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(limiter.check(from("10.0.0.1", "/assets/a" + std::to_string(i))));
  EXPECT_TRUE(limiter.check(from("10.0.0.1", "/assets/x.js")));
}

TEST(RateLimiter, TheMostSpecificRuleWinsWhateverTheOrder) {
  FakeClock clock;
  auto o = options();
  o.routes = {{"/api/*", 100.0, 100.0}, {"/api/compare", 0.5, 1.0}};
  RateLimiter limiter(o, clock);
  EXPECT_FALSE(limiter.check(from("10.0.0.1", "/api/compare")));
  EXPECT_TRUE(limiter.check(from("10.0.0.1", "/api/compare")));
  EXPECT_FALSE(limiter.check(from("10.0.0.1", "/api/stats")));
}

TEST(RateLimiter, ExemptPathsAndDisabledLimiterNeverRefuse) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(limiter.check(from("10.0.0.1", "/healthz")));
  auto o = options();
  o.enabled = false;
  RateLimiter off(o, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(off.check(from("10.0.0.1", "/api/compare")));
}

TEST(RateLimiter, TheCapHoldsUnderAFloodOfNewClients) {
  FakeClock clock;
  auto o = options();
  o.max_tracked = 64;  // 4 per shard
  RateLimiter limiter(o, clock);
  for (int i = 0; i < 10'000; ++i)
    limiter.check(from("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), "/x"));
  EXPECT_LE(limiter.trackedBuckets(), 64u);
  EXPECT_GE(limiter.trackedBuckets(), 32u);
}

TEST(RateLimiter, RefilledBucketsAreForgotten) {
  FakeClock clock;
  RateLimiter limiter(options(), clock);
  for (int i = 0; i < 1000; ++i)
    limiter.check(from("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), "/x"));
  for (int i = 0; i < 5; ++i) limiter.check(from("10.7.7.7", "/x"));  // empties its bucket
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
  for (int i = 0; i < 5; ++i) limiter.check(from("10.0.0.1", "/x"));
  for (int i = 0; i < 500; ++i)
    limiter.check(from("10.2.0." + std::to_string(i % 250), "/y" + std::to_string(i)));
  EXPECT_TRUE(limiter.check(from("10.0.0.1", "/x"))) << "other clients must not reset this one";
}

TEST(ClientResolver, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  ClientResolver resolver({*IpRange::parse("10.0.0.0/8"), *IpRange::parse("::1")});
  auto direct = from("203.0.113.9", "/");
  direct.headers.add("X-Forwarded-For", "198.51.100.1");
  EXPECT_EQ(resolver.clientAddress(direct), "203.0.113.9")
      << "an untrusted peer cannot pick an identity";

  auto proxied = from("10.1.2.3", "/");
  proxied.headers.add("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.9.9.9");
  EXPECT_EQ(resolver.clientAddress(proxied), "198.51.100.7") << "rightmost untrusted hop";

  auto two_lines = from("::1", "/");
  two_lines.headers.add("X-Forwarded-For", "192.0.2.1");
  two_lines.headers.add("X-Forwarded-For", "10.0.0.5");
  EXPECT_EQ(resolver.clientAddress(two_lines), "192.0.2.1");

  auto garbage = from("10.1.2.3", "/");
  garbage.headers.add("X-Forwarded-For", "evil, not-an-ip");
  EXPECT_EQ(resolver.clientAddress(garbage), "10.1.2.3");

  auto all_trusted = from("10.1.2.3", "/");
  all_trusted.headers.add("X-Forwarded-For", "10.0.0.1");
  EXPECT_EQ(resolver.clientAddress(all_trusted), "10.0.0.1");

  ClientResolver none;
  EXPECT_EQ(none.clientAddress(proxied), "10.1.2.3");
}

TEST(ClientResolver, KeysIpv6ByPrefixAndMapsIpv4) {
  ClientResolver resolver;
  EXPECT_EQ(resolver.clientKey(from("2001:db8:1:2:aaaa::1", "/")), "2001:db8:1:2::/64");
  EXPECT_EQ(resolver.clientKey(from("2001:db8:1:2:bbbb::9", "/")), "2001:db8:1:2::/64");
  EXPECT_EQ(resolver.clientKey(from("::ffff:192.0.2.4", "/")), "192.0.2.4");
  EXPECT_EQ(resolver.clientKey(from("192.0.2.4", "/")), "192.0.2.4");
}

TEST(IpRange, ParsesAndMatches) {
  auto r = IpRange::parse("192.168.0.0/16");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->contains(*IpAddress::parse("192.168.44.1")));
  EXPECT_FALSE(r->contains(*IpAddress::parse("192.169.0.1")));
  EXPECT_TRUE(IpRange::parse("0.0.0.0/0")->contains(*IpAddress::parse("8.8.8.8")));
  EXPECT_TRUE(IpRange::parse("fd00::/8")->contains(*IpAddress::parse("fd12::1")));
  for (auto bad : {"", "1.2.3.4/33", "1.2.3/8", "::1/129", "10.0.0.0/x", "10.0.0.0/", "host"})
    EXPECT_FALSE(IpRange::parse(bad)) << bad;
}

}  // namespace
}  // namespace cs::http
