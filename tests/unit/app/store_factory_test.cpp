#include <gtest/gtest.h>

#include <map>

#include "app/config.hpp"
#include "app/store_factory.hpp"

namespace cs::app {
namespace {

EnvLookup fakeEnv(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

const std::map<std::string, std::string> kCreds = {{"AWS_ACCESS_KEY_ID", "AKIDFAKEEXAMPLE"},
                                                   {"AWS_SECRET_ACCESS_KEY", "FAKE-secret"}};

TEST(DynamoConfig, DefaultsAreTheOriginalTablesAndAwsEndpoint) {
  Config c = parseConfig("[store]\nurl = \"dynamodb\"\n");
  EXPECT_EQ(c.dynamodb.sayings_table, "main_humor");
  EXPECT_EQ(c.dynamodb.feedback_table, "saying_feedback");
  EXPECT_EQ(c.dynamodb.stats_table, "request_stats");
  auto o = dynamoClientOptions(c, fakeEnv(kCreds));
  EXPECT_EQ(o.region, "us-east-1");
  EXPECT_EQ(o.endpoint, "https://dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(o.credentials.access_key_id, "AKIDFAKEEXAMPLE");
  EXPECT_TRUE(o.credentials.session_token.empty());
}

TEST(DynamoConfig, EnvironmentFollowsTheAwsSdkPrecedence) {
  Config c;
  auto env = kCreds;
  env["AWS_DEFAULT_REGION"] = "eu-west-1";
  env["AWS_ENDPOINT_URL"] = "http://general:1";
  env["AWS_SESSION_TOKEN"] = "FAKE-token";
  auto o = dynamoClientOptions(c, fakeEnv(env));
  EXPECT_EQ(o.region, "eu-west-1");
  EXPECT_EQ(o.endpoint, "http://general:1");
  EXPECT_EQ(o.credentials.session_token, "FAKE-token");
  env["AWS_REGION"] = "ap-south-1";                         // beats AWS_DEFAULT_REGION
  env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:9";  // beats AWS_ENDPOINT_URL
  o = dynamoClientOptions(c, fakeEnv(env));
  EXPECT_EQ(o.region, "ap-south-1");
  EXPECT_EQ(o.endpoint, "http://127.0.0.1:9");
  // The config file beats the environment.
  c = parseConfig("[dynamodb]\nregion = \"us-west-2\"\nendpoint = \"https://x.example\"\n");
  o = dynamoClientOptions(c, fakeEnv(env));
  EXPECT_EQ(o.region, "us-west-2");
  EXPECT_EQ(o.endpoint, "https://x.example");
}

TEST(DynamoConfig, ReadsEveryKey) {
  Config c = parseConfig(R"(
[dynamodb]
sayings_table = "prod_main_humor"
feedback_table = "prod_saying_feedback"
stats_table = "prod.request-stats"
connect_timeout_ms = 300
attempt_timeout_ms = 800
deadline_ms = 3000
max_attempts = 4
consistent_reads = false
init_wait_ms = 60000
)");
  auto o = dynamoClientOptions(c, fakeEnv(kCreds));
  EXPECT_EQ(o.connect_timeout.count(), 300);
  EXPECT_EQ(o.attempt_timeout.count(), 800);
  EXPECT_EQ(o.deadline.count(), 3000);
  EXPECT_EQ(o.backoff.max_attempts, 4);
  auto s = dynamoStoreOptions(c);
  EXPECT_EQ(s.tables.sayings, "prod_main_humor");
  EXPECT_EQ(s.tables.stats, "prod.request-stats");
  EXPECT_FALSE(s.consistent_reads);
  EXPECT_EQ(c.dynamodb.init_wait_ms, 60000);
}

TEST(DynamoConfig, BadSettingsNameTheSetting) {
  auto message = [](const std::string& toml) {
    try {
      parseConfig(toml);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("[dynamodb]\nendpoint = \"localhost:8000\"\n").find("dynamodb.endpoint"),
            std::string::npos);
  EXPECT_NE(
      message("[dynamodb]\nsayings_table = \"no spaces allowed\"\n").find("dynamodb.sayings_table"),
      std::string::npos);
  EXPECT_NE(message("[dynamodb]\nfeedback_table = \"ab\"\n").find("dynamodb.feedback_table"),
            std::string::npos);
  EXPECT_NE(message("[dynamodb]\nmax_attempts = 0\n").find("dynamodb.max_attempts"),
            std::string::npos);
  EXPECT_NE(message("[dynamodb]\ntable = \"x\"\n").find("dynamodb.table"), std::string::npos);
}

TEST(DynamoConfig, MissingCredentialsAreAConfigErrorThatLeaksNothing) {
  Config c;
  try {
    dynamoClientOptions(c, fakeEnv({{"AWS_ACCESS_KEY_ID", "AKIDFAKEEXAMPLE"}}));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("AKIDFAKEEXAMPLE"), std::string::npos);
  }
  EXPECT_THROW(dynamoClientOptions(c, fakeEnv({})), ConfigError);
  auto env = kCreds;
  env["AWS_ENDPOINT_URL"] = "ftp://nope";
  EXPECT_THROW(dynamoClientOptions(c, fakeEnv(env)), ConfigError);
}

}  // namespace
}  // namespace cs::app
