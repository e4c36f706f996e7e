#include "app/config.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "app/config_http.hpp"
#include "app/toml_reader.hpp"

namespace cs::app {

namespace {
constexpr std::int64_t kMaxMs = 24LL * 3600 * 1000;

const toml::table* section(const toml::table& root, std::string_view name) {
  const auto* node = root.get(name);
  if (!node) return nullptr;
  if (!node->is_table())
    throw ConfigError(std::string(name) + ": expected a [" + std::string(name) + "] table");
  return node->as_table();
}

void readServer(const toml::table& root, Config& c) {
  TomlSection s(section(root, "server"), "server");
  s.read("host", c.server.host);
  s.readInt("port", c.server.port, 0, 65535);
  s.readInt("io_threads", c.server.io_threads, 0, 256);
  s.readInt("worker_threads", c.server.worker_threads, 1, 1024);
  s.readInt("header_limit_bytes", c.server.header_limit, 1024, 1 << 20);
  s.readInt("body_limit_bytes", c.body_limit, 1, 64 << 20);
  std::int64_t read_ms = c.server.read_timeout.count(), idle_ms = c.server.idle_timeout.count(),
               drain_ms = c.server.drain_timeout.count();
  s.read("read_timeout_ms", read_ms, 1, kMaxMs);
  s.read("idle_timeout_ms", idle_ms, 1, kMaxMs);
  s.read("drain_timeout_ms", drain_ms, 0, kMaxMs);
  c.server.read_timeout = std::chrono::milliseconds(read_ms);
  c.server.idle_timeout = std::chrono::milliseconds(idle_ms);
  c.server.drain_timeout = std::chrono::milliseconds(drain_ms);
  s.readInt("max_connections", c.server.max_connections, 1, 1'000'000);
  s.readInt("max_connections_per_address", c.server.max_connections_per_address, 1, 1'000'000);
  s.readInt("blocking_queue_limit", c.server.blocking_queue_limit, 0, 1'000'000);
  std::int64_t first_byte_ms = c.server.first_byte_timeout.count();
  s.read("first_byte_timeout_ms", first_byte_ms, 1, kMaxMs);
  c.server.first_byte_timeout = std::chrono::milliseconds(first_byte_ms);
  s.readInt("max_requests_per_connection", c.server.max_requests_per_connection, 1, 100'000'000);
  s.finish();
}

void readStore(const toml::table& root, Config& c) {
  TomlSection s(section(root, "store"), "store");
  s.read("url", c.store.url);
  s.read("corpus_file", c.store.corpus_file);
  s.read("seed_on_start", c.store.seed_on_start);
  s.read("item_cache_ttl_ms", c.store.item_cache_ttl_ms, 0, kMaxMs);
  s.read("id_list_ttl_ms", c.store.id_list_ttl_ms, 0, kMaxMs);
  s.finish();
}

void readLog(const toml::table& root, Config& c) {
  TomlSection s(section(root, "log"), "log");
  std::string level;
  s.read("level", level);
  if (!level.empty() && !obs::parseLevel(level, c.log.level))
    throw ConfigError("log.level: \"" + level + "\" is not one of debug, info, warning, error");
  s.read("access_log", c.log.access_log);
  s.finish();
}

void readFlow(const toml::table& root, Config& c) {
  TomlSection s(section(root, "flow"), "flow");
  s.readInt("cold_start_store_requests", c.flow.cold_start_store_requests, 0, 1'000'000);
  s.read("model_deadline_ms", c.flow.model_deadline_ms, 1, kMaxMs);
  s.finish();
}

void readCache(const toml::table& root, Config& c) {
  TomlSection s(section(root, "cache"), "cache");
  auto& k = c.cache;
  s.read("enabled", k.enabled);
  s.read("low_water", k.low_water, 0, 10'000);
  s.read("high_water", k.high_water, 1, 10'000);
  s.read("capacity", k.capacity, 1, 100'000);
  s.read("batch_size", k.batch_size, 1, 20);
  s.read("max_serves", k.max_serves, 1, 1'000'000);
  s.read("call_timeout_ms", k.call_timeout_ms, 1, kMaxMs);
  s.read("retry_backoff_ms", k.retry_backoff_ms, 0, kMaxMs);
  s.read("dedup_threshold", k.dedup_threshold, 0.0, 1.0);
  s.read("dedup_shingle_words", k.dedup_shingle_words, 1, 10);
  s.read("dedup_capacity", k.dedup_capacity, 1, 1'000'000);
  s.read("dedup_recent", k.dedup_recent, 0, 1'000'000);
  s.read("service_window", k.service_window, 0, 10'000);
  s.read("avoid_services", k.avoid_services, 0, 100);
  s.finish();
  if (k.high_water < k.low_water)
    throw ConfigError("cache.high_water: must be at least cache.low_water");
  if (k.capacity < k.high_water)
    throw ConfigError("cache.capacity: must be at least cache.high_water");
}

void readBudget(const toml::table& root, Config& c) {
  TomlSection s(section(root, "budget"), "budget");
  s.read("max_calls_per_minute", c.budget.max_calls_per_minute, 0, 1'000'000);
  s.read("max_usd_per_day", c.budget.max_usd_per_day, 0.0, 1e9);
  s.read("people_share", c.budget.people_share, 0.0, 1.0);
  s.finish();
}

void readCompare(const toml::table& root, Config& c) {
  TomlSection s(section(root, "compare"), "compare");
  s.read("deadline_ms", c.compare.deadline_ms, 1, kMaxMs);
  s.read("sayings_per_model", c.compare.sayings_per_model, 1, 10);
  s.read("max_concurrent_calls", c.compare.max_concurrent_calls, 1, 10'000);
  s.read("topic_max_length", c.compare.topic_max_length, 1, 1'000);
  s.finish();
}

void readPassthrough(const toml::table& root, Config& c) {
  TomlSection s(section(root, "passthrough"), "passthrough");
  s.read("enabled", c.passthrough.enabled);
  s.read("token_env", c.passthrough.token_env);
  s.read("deadline_ms", c.passthrough.deadline_ms, 1, kMaxMs);
  s.read("body_limit", c.passthrough.body_limit, 1, std::int64_t{64} * 1024 * 1024);
  s.finish();
}

void readWeb(const toml::table& root, Config& c) {
  TomlSection s(section(root, "web"), "web");
  s.read("enabled", c.web.enabled);
  s.read("assets_dir", c.web.assets_dir);
  s.finish();
}

void readDynamo(const toml::table& root, Config& c) {
  TomlSection s(section(root, "dynamodb"), "dynamodb");
  auto& d = c.dynamodb;
  s.read("region", d.region);
  s.read("endpoint", d.endpoint);
  if (!d.endpoint.empty() && !d.endpoint.starts_with("http://") &&
      !d.endpoint.starts_with("https://"))
    throw ConfigError("dynamodb.endpoint: must start with http:// or https://");
  for (auto [key, table] :
       {std::pair{"sayings_table", &d.sayings_table},
        std::pair{"feedback_table", &d.feedback_table}, std::pair{"stats_table", &d.stats_table},
        std::pair{"arena_table", &d.arena_table}}) {
    s.read(key, *table);
    // DynamoDB's rule for table names.
    const bool valid = table->size() >= 3 && table->size() <= 255 &&
                       std::all_of(table->begin(), table->end(), [](char ch) {
                         return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' ||
                                ch == '-' || ch == '.';
                       });
    if (!valid) throw ConfigError(s.qualified(key) + ": 3-255 characters of a-z, A-Z, 0-9, _ - .");
  }
  s.read("connect_timeout_ms", d.connect_timeout_ms, 1, kMaxMs);
  s.read("attempt_timeout_ms", d.attempt_timeout_ms, 1, kMaxMs);
  s.read("deadline_ms", d.deadline_ms, 1, kMaxMs);
  s.read("max_attempts", d.max_attempts, 1, 50);
  s.read("consistent_reads", d.consistent_reads);
  s.read("init_wait_ms", d.init_wait_ms, 0, kMaxMs);
  s.finish();
}

void readCatalog(const toml::table& root, Config& c) {
  TomlSection s(section(root, "catalog"), "catalog");
  s.read("services_file", c.services_file);
  s.finish();
}
void readStats(const toml::table& root, Config& c) {
  TomlSection s(section(root, "stats"), "stats");
  s.read("cache_ttl_ms", c.stats.cache_ttl_ms, 0, kMaxMs);
  s.read("flush_interval_ms", c.stats.flush_interval_ms, 100, kMaxMs);
  s.finish();
}

void readMetrics(const toml::table& root, Config& c) {
  TomlSection s(section(root, "metrics"), "metrics");
  s.read("prometheus", c.metrics.prometheus);
  if (s.has("emf")) {
    bool emf = false;
    s.read("emf", emf);
    c.metrics.emf = emf;
  }
  s.read("emf_namespace", c.metrics.emf_namespace);
  if (c.metrics.emf_namespace.empty() || c.metrics.emf_namespace.size() > 255)
    throw ConfigError("metrics.emf_namespace: expected 1 to 255 characters");
  s.finish();
}

void readFeedback(const toml::table& root, Config& c) {
  TomlSection s(section(root, "feedback"), "feedback");
  s.readInt("body_limit_bytes", c.feedback.body_limit, 64, 1 << 20);
  s.finish();
}

void readLlm(const toml::table& root, Config& c) {
  TomlSection s(section(root, "llm"), "llm");
  auto& l = c.llm;
  s.read("models_file", l.models_file);
  s.read("prompts_dir", l.prompts_dir);
  s.read("connect_timeout_ms", l.connect_timeout_ms, 1, kMaxMs);
  s.read("call_timeout_ms", l.call_timeout_ms, 1, kMaxMs);
  s.read("deadline_ms", l.deadline_ms, 1, kMaxMs);
  s.read("max_attempts", l.max_attempts, 1, 10);
  s.read("backoff_base_ms", l.backoff_base_ms, 0, kMaxMs);
  s.read("backoff_cap_ms", l.backoff_cap_ms, 0, kMaxMs);
  s.read("breaker_failures", l.breaker_failures, 1, 1000);
  s.read("breaker_window_ms", l.breaker_window_ms, 1, kMaxMs);
  s.read("breaker_cooldown_ms", l.breaker_cooldown_ms, 1, kMaxMs);
  s.read("executor_threads", l.executor_threads, 1, 64);
  s.read("anthropic_base_url", l.anthropic_base_url);
  s.read("anthropic_version", l.anthropic_version);
  s.read("openai_base_url", l.openai_base_url);
  s.read("openai_token_field", l.openai_token_field);
  if (l.openai_token_field != "max_completion_tokens" && l.openai_token_field != "max_tokens")
    throw ConfigError("llm.openai_token_field: must be max_completion_tokens or max_tokens");
  s.finish();
}

void readSecrets(const toml::table& root, Config& c) {
  TomlSection s(section(root, "secrets"), "secrets");
  auto& k = c.secrets;
  s.read("cache_ttl_ms", k.cache_ttl_ms, 0, kMaxMs);
  s.read("anthropic_key_file", k.anthropic_key_file);
  s.read("openai_key_file", k.openai_key_file);
  s.read("anthropic_ssm_parameter", k.anthropic_ssm_parameter);
  s.read("openai_ssm_parameter", k.openai_ssm_parameter);
  s.read("aws_region", k.aws_region);
  s.read("ssm_endpoint", k.ssm_endpoint);
  s.finish();
}
}  // namespace

Config parseConfig(const std::string& toml_text, const std::string& origin,
                   const EnvOverrides* env) {
  std::optional<EnvOverrides::Scope> scope;
  if (env) scope.emplace(*env);
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(origin + ":" + std::to_string(where.line) + ":" +
                      std::to_string(where.column) + ": " + std::string(e.description()));
  }
  static const std::set<std::string, std::less<>> kSections = {
      "server",  "store",       "log",        "flow",     "catalog",         "web",   "llm",
      "secrets", "stats",       "metrics",    "feedback", "dynamodb",        "cache", "budget",
      "compare", "passthrough", "rate_limit", "cors",     "security_headers"};
  for (const auto& [k, v] : root)
    if (!kSections.contains(k.str())) throw ConfigError(std::string(k.str()) + ": unknown setting");
  Config c;
  readServer(root, c);
  readStore(root, c);
  readLog(root, c);
  readFlow(root, c);
  readCache(root, c);
  readBudget(root, c);
  readCompare(root, c);
  readPassthrough(root, c);
  readCatalog(root, c);
  readStats(root, c);
  readMetrics(root, c);
  readFeedback(root, c);
  readRateLimit(section(root, "rate_limit"), c);
  readCors(section(root, "cors"), c);
  readSecurityHeaders(section(root, "security_headers"), c);
  readLlm(root, c);
  readSecrets(root, c);
  readWeb(root, c);
  readDynamo(root, c);
  return c;
}

Config loadConfigFile(const std::string& path, const EnvOverrides* env) {
  std::ifstream in(path);
  if (!in) throw ConfigError("--config: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parseConfig(ss.str(), path, env);
}

Config loadConfig(const std::string& path) {
  const EnvOverrides env = EnvOverrides::fromProcess();
  return path.empty() ? parseConfig("", "environment", &env) : loadConfigFile(path, &env);
}

}  // namespace cs::app
