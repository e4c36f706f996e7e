// CLOUD_SAYINGS_<SECTION>_<KEY> environment variables override the config file.
#include <gtest/gtest.h>

#include "app/config.hpp"
#include "app/lambda_command.hpp"
#include "app/toml_reader.hpp"
#include "net/curl_transport.hpp"
#include "support/test_support.hpp"

#include <fstream>

namespace cs::app {
namespace {

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
