#include "app/store_factory.hpp"

#include <cstdlib>

#include "core/backoff.hpp"
#include "net/curl_transport.hpp"
#include "store/dynamo/table_setup.hpp"
#include "store/sqlite_store.hpp"

namespace cs::app {

namespace {
std::string firstSet(const EnvLookup& env, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const char* v = env(name); v && *v) return v;
  return {};
}

bool isDynamo(const std::string& url) {
  return url == "dynamodb" || url == "dynamodb:";
}
}  // namespace

EnvLookup processEnv() {
  return [](const char* name) { return std::getenv(name); };
}

dynamo::ClientOptions dynamoClientOptions(const Config& config, const EnvLookup& env) {
  const auto& d = config.dynamodb;
  dynamo::ClientOptions o;
  o.region = !d.region.empty() ? d.region : firstSet(env, {"AWS_REGION", "AWS_DEFAULT_REGION"});
  if (o.region.empty()) o.region = "us-east-1";
  o.endpoint = !d.endpoint.empty()
                   ? d.endpoint
                   : firstSet(env, {"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"});
  if (o.endpoint.empty()) o.endpoint = "https://dynamodb." + o.region + ".amazonaws.com";
  if (!o.endpoint.starts_with("http://") && !o.endpoint.starts_with("https://"))
    throw ConfigError(
        "AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL: must start with http:// or https://");
  o.credentials.access_key_id = firstSet(env, {"AWS_ACCESS_KEY_ID"});
  o.credentials.secret_access_key = firstSet(env, {"AWS_SECRET_ACCESS_KEY"});
  o.credentials.session_token = firstSet(env, {"AWS_SESSION_TOKEN"});
  if (o.credentials.access_key_id.empty() || o.credentials.secret_access_key.empty())
    throw ConfigError(
        "store.url = dynamodb: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set "
        "(credentials come from "
        "the standard AWS environment variables)");
  o.connect_timeout = std::chrono::milliseconds(d.connect_timeout_ms);
  o.attempt_timeout = std::chrono::milliseconds(d.attempt_timeout_ms);
  o.deadline = std::chrono::milliseconds(d.deadline_ms);
  o.backoff.max_attempts = static_cast<int>(d.max_attempts);
  return o;
}

dynamo::StoreOptions dynamoStoreOptions(const Config& config) {
  dynamo::StoreOptions o;
  o.tables = {config.dynamodb.sayings_table, config.dynamodb.feedback_table,
              config.dynamodb.stats_table, config.dynamodb.arena_table};
  o.consistent_reads = config.dynamodb.consistent_reads;
  return o;
}

std::unique_ptr<dynamo::DynamoStore> makeDynamoStore(const Config& config, const EnvLookup& env) {
  return std::make_unique<dynamo::DynamoStore>(std::make_unique<net::CurlTransport>(),
                                               dynamoClientOptions(config, env),
                                               dynamoStoreOptions(config));
}

StorePtr makeStore(const Config& config) {
  const std::string& url = config.store.url;
  if (url.starts_with("sqlite:")) {
    const std::string path = url.substr(7);
    if (path.empty())
      throw ConfigError("store.url: sqlite: needs a path, e.g. sqlite:var/cloud-sayings.db");
    return std::make_unique<SqliteStore>(path);
  }
  if (isDynamo(url)) return makeDynamoStore(config, processEnv());
  throw ConfigError("store.url: \"" + url +
                    "\" is not a known store (use sqlite:PATH or dynamodb)");
}

Result<std::vector<std::string>> initStore(const Config& config) {
  if (!isDynamo(config.store.url)) {
    auto store = makeStore(config);  // opening creates and migrates
    if (auto ping = store->ping(); !ping) return std::unexpected(ping.error());
    return std::vector<std::string>{std::string(store->backendName()) +
                                    " store ready: " + config.store.url};
  }
  auto store = makeDynamoStore(config, processEnv());
  auto reports = dynamo::ensureTables(store->client(), store->options().tables,
                                      std::chrono::milliseconds(config.dynamodb.init_wait_ms),
                                      std::chrono::milliseconds(500), sleepOnThisThread,
                                      SystemClock::instance());
  if (!reports) return std::unexpected(reports.error());
  std::vector<std::string> lines;
  for (const auto& r : *reports)
    lines.push_back("dynamodb table " + r.table + ": " + (r.created ? "created" : "exists") + ", " +
                    r.status);
  return lines;
}

}  // namespace cs::app
