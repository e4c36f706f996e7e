#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake_clock.hpp"
#include "http/client_address.hpp"
#include "http/rate_limiter.hpp"
#include "support/requests.hpp"

namespace cs::http {
namespace {

using namespace std::chrono_literals;

TEST(ClientResolver, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  ClientResolver resolver({*IpRange::parse("10.0.0.0/8"), *IpRange::parse("::1")});
  auto direct = testing::requestFrom("203.0.113.9", "/");
  direct.headers.add("X-Forwarded-For", "198.51.100.1");
  EXPECT_EQ(resolver.clientAddress(direct), "203.0.113.9")
      << "an untrusted peer cannot pick an identity";

  auto proxied = testing::requestFrom("10.1.2.3", "/");
  proxied.headers.add("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.9.9.9");
  EXPECT_EQ(resolver.clientAddress(proxied), "198.51.100.7") << "rightmost untrusted hop";

  auto two_lines = testing::requestFrom("::1", "/");
  two_lines.headers.add("X-Forwarded-For", "192.0.2.1");
  two_lines.headers.add("X-Forwarded-For", "10.0.0.5");
  EXPECT_EQ(resolver.clientAddress(two_lines), "192.0.2.1");

  auto garbage = testing::requestFrom("10.1.2.3", "/");
  garbage.headers.add("X-Forwarded-For", "evil, not-an-ip");
  EXPECT_EQ(resolver.clientAddress(garbage), "10.1.2.3");

  auto all_trusted = testing::requestFrom("10.1.2.3", "/");
  all_trusted.headers.add("X-Forwarded-For", "10.0.0.1");
  EXPECT_EQ(resolver.clientAddress(all_trusted), "10.0.0.1");

  ClientResolver none;
  EXPECT_EQ(none.clientAddress(proxied), "10.1.2.3");
}

TEST(ClientResolver, KeysIpv6ByPrefixAndMapsIpv4) {
  ClientResolver resolver;
  EXPECT_EQ(resolver.clientKey(testing::requestFrom("2001:db8:1:2:aaaa::1", "/")),
            "2001:db8:1:2::/64");
  EXPECT_EQ(resolver.clientKey(testing::requestFrom("2001:db8:1:2:bbbb::9", "/")),
            "2001:db8:1:2::/64");
  EXPECT_EQ(resolver.clientKey(testing::requestFrom("::ffff:192.0.2.4", "/")), "192.0.2.4");
  EXPECT_EQ(resolver.clientKey(testing::requestFrom("192.0.2.4", "/")), "192.0.2.4");
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
