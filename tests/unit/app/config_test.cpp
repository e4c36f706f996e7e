#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/config.hpp"
#include "app/lambda_command.hpp"
#include "app/toml_reader.hpp"
#include "net/curl_transport.hpp"
#include "support/config_expect.hpp"
#include "support/test_support.hpp"

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

TEST(CacheConfig, DefaultsAndOverrides) {
  Config d = parseConfig("");
  EXPECT_EQ(d.cache.low_water, 3);
  EXPECT_EQ(d.cache.batch_size, 3);
  EXPECT_EQ(d.cache.max_serves, 1);
  EXPECT_DOUBLE_EQ(d.cache.dedup_threshold, 0.8);
  EXPECT_EQ(d.budget.max_calls_per_minute, 60);
  EXPECT_EQ(d.compare.deadline_ms, 20'000);
  Config c = parseConfig(R"(
[cache]
low_water = 1
high_water = 4
max_serves = 2
dedup_threshold = 0.9
[budget]
max_calls_per_minute = 5
max_usd_per_day = 0.5
people_share = 0.25
[compare]
deadline_ms = 3000
topic_max_length = 20
[flow]
model_deadline_ms = 2500
)");
  EXPECT_EQ(c.cache.low_water, 1);
  EXPECT_EQ(c.cache.high_water, 4);
  EXPECT_EQ(c.cache.max_serves, 2);
  EXPECT_DOUBLE_EQ(c.cache.dedup_threshold, 0.9);
  EXPECT_EQ(c.budget.max_calls_per_minute, 5);
  EXPECT_DOUBLE_EQ(c.budget.max_usd_per_day, 0.5);
  EXPECT_DOUBLE_EQ(c.budget.people_share, 0.25);
  EXPECT_EQ(c.compare.deadline_ms, 3000);
  EXPECT_EQ(c.compare.topic_max_length, 20);
  EXPECT_EQ(c.flow.model_deadline_ms, 2500);
}

TEST(CacheConfig, BadValuesNameTheSetting) {
  cs::testing::expectConfigError("[cache]\nhigh_water = 2\nlow_water = 5", "cache.high_water");
  cs::testing::expectConfigError("[cache]\ndedup_threshold = 1.5", "cache.dedup_threshold");
  cs::testing::expectConfigError("[cache]\nbatch = 3", "cache.batch");
  cs::testing::expectConfigError("[budget]\nmax_usd_per_day = -1", "budget.max_usd_per_day");
  cs::testing::expectConfigError("[budget]\npeople_share = 1.5", "budget.people_share");
  cs::testing::expectConfigError("[compare]\ndeadline_ms = 0", "compare.deadline_ms");
}

TEST(CacheConfig, TheShippedFileDocumentsTheDefaults) {
  std::ifstream in(std::string(CS_SOURCE_DIR) + "/config/cloud-sayings.toml");
  std::stringstream text;
  text << in.rdbuf();
  Config shipped = parseConfig(text.str());
  Config d = parseConfig("");
  EXPECT_EQ(shipped.cache.high_water, d.cache.high_water);
  EXPECT_EQ(shipped.cache.dedup_recent, d.cache.dedup_recent);
  EXPECT_DOUBLE_EQ(shipped.budget.max_usd_per_day, d.budget.max_usd_per_day);
  EXPECT_DOUBLE_EQ(shipped.budget.people_share, d.budget.people_share);
  EXPECT_DOUBLE_EQ(d.budget.people_share, 0.5);
  EXPECT_EQ(shipped.compare.max_concurrent_calls, d.compare.max_concurrent_calls);
}

// CLOUD_SAYINGS_<SECTION>_<KEY> environment variables override the config file.

Config withEnv(const std::string& toml, std::vector<std::pair<std::string, std::string>> vars) {
  const auto env = EnvOverrides::fromPairs(vars);
  return parseConfig(toml, "test.toml", &env);
}

std::string errorOf(const std::string& toml,
                    std::vector<std::pair<std::string, std::string>> vars) {
  try {
    withEnv(toml, std::move(vars));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(LambdaEnvConfig, VariablesOverrideTheFileSettingBySetting) {
  const Config c =
      withEnv("[store]\nurl = \"sqlite:file.db\"\n[cache]\nenabled = true\nlow_water = 4\n",
              {{"CLOUD_SAYINGS_STORE_URL", "dynamodb"},
               {"CLOUD_SAYINGS_CACHE_ENABLED", "false"},
               {"CLOUD_SAYINGS_BUDGET_MAX_USD_PER_DAY", "2.5"},
               {"CLOUD_SAYINGS_RATE_LIMIT_ENABLED", "false"},
               {"CLOUD_SAYINGS_SECURITY_HEADERS_HSTS_MAX_AGE_S", "600"},
               {"CLOUD_SAYINGS_CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example"},
               {"CLOUD_SAYINGS_METRICS_EMF", "false"},
               {"CLOUD_SAYINGS_SERVER_PORT", "9090"},
               {"UNRELATED", "x"}});
  EXPECT_EQ(c.store.url, "dynamodb");
  EXPECT_FALSE(c.cache.enabled);
  EXPECT_EQ(c.cache.low_water, 4);  // from the file: the variable did not name it
  EXPECT_DOUBLE_EQ(c.budget.max_usd_per_day, 2.5);
  EXPECT_FALSE(c.rate_limit.enabled);
  EXPECT_EQ(c.security_headers.hsts_max_age_s, 600);
  EXPECT_EQ(c.cors.allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(c.metrics.emf, false);
  EXPECT_EQ(c.server.port, 9090);
}

TEST(LambdaEnvConfig, ABadVariableIsNamed) {
  EXPECT_EQ(errorOf("", {{"CLOUD_SAYINGS_CACHE_ENABLED", "maybe"}}),
            "CLOUD_SAYINGS_CACHE_ENABLED: expected true or false");
  EXPECT_EQ(errorOf("", {{"CLOUD_SAYINGS_SERVER_PORT", "80x"}}),
            "CLOUD_SAYINGS_SERVER_PORT: expected an integer");
  EXPECT_EQ(errorOf("", {{"CLOUD_SAYINGS_SERVER_PORT", "70000"}}),
            "CLOUD_SAYINGS_SERVER_PORT: 70000 is outside 0..65535");
  EXPECT_EQ(errorOf("", {{"CLOUD_SAYINGS_STORE_URLL", "x"}}),
            "CLOUD_SAYINGS_STORE_URLL: unknown setting");
  EXPECT_NE(
      errorOf("", {{"CLOUD_SAYINGS_NOPE_X", "1"}}).find("CLOUD_SAYINGS_NOPE_X: unknown setting"),
      std::string::npos);
  EXPECT_NE(errorOf("", {{"CLOUD_SAYINGS_LOG_LEVEL", "loud"}}).find("log.level"),
            std::string::npos);
  EXPECT_NE(errorOf("", {{"CLOUD_SAYINGS_RATE_LIMIT_ROUTES", "x"}})
                .find("CLOUD_SAYINGS_RATE_LIMIT_ROUTES"),
            std::string::npos);
}

TEST(LambdaEnvConfig, LambdaModeDefaults) {
  Config c = withEnv("", {});
  applyLambdaDefaults(c);
  EXPECT_EQ(c.metrics.emf, true);
  EXPECT_FALSE(c.metrics.prometheus);
  EXPECT_FALSE(c.stats.background_flush);
  EXPECT_EQ(c.store.url, "sqlite:/tmp/cloud-sayings.db");
  Config off = withEnv(
      "", {{"CLOUD_SAYINGS_METRICS_EMF", "false"}, {"CLOUD_SAYINGS_METRICS_PROMETHEUS", "true"}});
  applyLambdaDefaults(off);
  EXPECT_EQ(off.metrics.emf, false);
  EXPECT_FALSE(off.metrics.prometheus);  // never served through API Gateway
}

TEST(LambdaEnvConfig, CaBundleFallsBackToAmazonLinuxsLocation) {
  testing::TempDir dir;
  const std::string bundle = dir.file("ca-bundle.crt");
  std::ofstream(bundle) << "-----BEGIN CERTIFICATE-----\n";
  EXPECT_EQ(net::resolveCaBundle("/configured.pem", bundle, {}), "/configured.pem");
  EXPECT_EQ(net::resolveCaBundle("", bundle, {dir.file("other")}), "");  // the default exists
  EXPECT_EQ(net::resolveCaBundle("", "/etc/ssl/certs/missing-here.crt", {dir.file("none"), bundle}),
            bundle);
}

}  // namespace
}  // namespace cs::app
