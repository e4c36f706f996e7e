#include <gtest/gtest.h>

#include "support/config_expect.hpp"

#include "app/config.hpp"

namespace cs::app {
namespace {

TEST(Config, DefaultsAreTheOriginals) {
  Config c = parseConfig("");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.store.url, "sqlite:var/cloud-sayings.db");
  EXPECT_EQ(c.store.item_cache_ttl_ms, 300'000);
  EXPECT_EQ(c.flow.cold_start_store_requests, 3u);
}

TEST(Config, ReadsEverySection) {
  Config c = parseConfig(R"(
[server]
host = "0.0.0.0"
port = 9000
io_threads = 2
read_timeout_ms = 5000
body_limit_bytes = 2048
[store]
url = "sqlite::memory:"
seed_on_start = false
[log]
level = "debug"
access_log = false
[flow]
cold_start_store_requests = 5
)");
  EXPECT_EQ(c.server.host, "0.0.0.0");
  EXPECT_EQ(c.server.port, 9000);
  EXPECT_EQ(c.server.io_threads, 2u);
  EXPECT_EQ(c.server.read_timeout.count(), 5000);
  EXPECT_EQ(c.body_limit, 2048u);
  EXPECT_EQ(c.store.url, "sqlite::memory:");
  EXPECT_FALSE(c.store.seed_on_start);
  EXPECT_EQ(c.log.level, obs::Level::kDebug);
  EXPECT_FALSE(c.log.access_log);
  EXPECT_EQ(c.flow.cold_start_store_requests, 5u);
}

TEST(Config, BadValuesNameTheSetting) {
  cs::testing::expectConfigError("[server]\nport = 70000", "server.port");
  cs::testing::expectConfigError("[server]\nport = \"eighty\"", "server.port");
  cs::testing::expectConfigError("[server]\nprot = 80", "server.prot");
  cs::testing::expectConfigError("[log]\nlevel = \"loud\"", "log.level");
  cs::testing::expectConfigError("[nonsense]\nx = 1", "nonsense");
  cs::testing::expectConfigError("server = 3", "server");
  cs::testing::expectConfigError("[server\nport = 1", "config:1");
}

}  // namespace
}  // namespace cs::app
