#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "http/cors.hpp"
#include "http/rate_limiter.hpp"
#include "http/security_headers.hpp"
#include "http/server.hpp"
#include "obs/logger.hpp"

namespace cs::app {

// A bad setting. what() is one line naming the setting; the program exits 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoreConfig {
  std::string url = "sqlite:var/cloud-sayings.db";  // sqlite:PATH | sqlite::memory: | dynamodb
  std::string corpus_file;                          // empty = the corpus compiled into the binary
  bool seed_on_start = true;                        // load the corpus into an empty store
  std::int64_t item_cache_ttl_ms = 300'000;
  std::int64_t id_list_ttl_ms = 60'000;
};

// [dynamodb]: used when store.url = "dynamodb". Empty region/endpoint fall back to the AWS
// SDKs' environment variables (see store_factory.cpp); credentials come only from the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), never from a file.
struct DynamoConfig {
  std::string region;    // empty: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1
  std::string endpoint;  // empty: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, then AWS's
  std::string sayings_table = "main_humor";
  std::string feedback_table = "saying_feedback";
  std::string stats_table = "request_stats";
  std::string arena_table = "arena";  // arena battles and votes
  std::int64_t connect_timeout_ms = 1'000;
  std::int64_t attempt_timeout_ms = 2'000;  // one HTTP exchange
  std::int64_t deadline_ms = 5'000;         // one store call, throttling retries included
  std::int64_t max_attempts = 8;
  bool consistent_reads = true;         // GetItem/BatchGetItem see every instance's writes
  std::int64_t init_wait_ms = 120'000;  // `store init` waits this long for ACTIVE tables
};

struct LogConfig {
  obs::Level level = obs::Level::kInfo;
  bool access_log = true;
};

struct FlowConfig {
  std::uint64_t cold_start_store_requests = 3;
  std::int64_t model_deadline_ms = 10'000;  // ?model=ID: wait this long for one generation
};

// [cache]: per-model pools and the background builder (src/cache/).
struct CacheConfig {
  bool enabled = true;
  std::int64_t low_water = 3;
  std::int64_t high_water = 9;
  std::int64_t capacity = 30;
  std::int64_t batch_size = 3;
  std::int64_t max_serves = 1;
  std::int64_t call_timeout_ms = 20'000;
  std::int64_t retry_backoff_ms = 5'000;
  double dedup_threshold = 0.8;
  std::int64_t dedup_shingle_words = 2;
  std::int64_t dedup_capacity = 2'000;
  std::int64_t dedup_recent = 1'000;
  std::int64_t service_window = 30;
  std::int64_t avoid_services = 6;
};

// [budget]: what this instance may spend on LLM calls. `people_share` of each cap is reserved
// for people's calls (?model=, compare), the rest is the cache builder's (cache::BudgetGuard).
struct BudgetConfig {
  std::int64_t max_calls_per_minute = 60;
  double max_usd_per_day = 5.0;
  double people_share = 0.5;
};

// [compare]: GET|POST /api/compare.
struct CompareConfig {
  std::int64_t deadline_ms = 20'000;
  std::int64_t sayings_per_model = 1;
  std::int64_t max_concurrent_calls = 32;
  std::int64_t topic_max_length = 60;
};

// [passthrough]: POST /v1/chat/completions, an OpenAI-compatible door to the catalog's
// OpenAI-wire models. Off unless enabled; then every request must carry
// `Authorization: Bearer <token>`, the token coming from the environment variable named by
// token_env (never from a file setting: it is a secret).
struct PassthroughConfig {
  bool enabled = false;
  std::string token_env = "CS_PASSTHROUGH_TOKEN";
  std::int64_t deadline_ms = 30'000;
  std::int64_t body_limit = 1024 * 1024;
};

struct StatsConfig {
  std::int64_t cache_ttl_ms =
      120'000;  // /api/stats results per filter combination (original: 2 min)
  std::int64_t flush_interval_ms = 10'000;  // request-statistics rollups are written this often
  // Not a file setting: false in Lambda mode, where a thread gets no time between invocations
  // and the runtime flushes after every response instead.
  bool background_flush = true;
};

struct MetricsConfig {
  bool prometheus = true;   // serve GET /metrics
  std::optional<bool> emf;  // CloudWatch EMF lines; unset = on in Lambda mode, off for serve
  std::string emf_namespace = "CloudSayings";
};

struct FeedbackConfig {
  std::size_t body_limit = std::size_t{4} * 1024;  // POST /api/feedback bodies beyond this: 413
};

// [llm]: the gateway (catalog, prompts, timeouts, retries, breaker, provider endpoints).
// Environment wins over the file for base URLs: ANTHROPIC_BASE_URL, OPENAI_BASE_URL.
struct LlmConfig {
  std::string models_file;  // empty = config/models.toml compiled into the binary
  std::string prompts_dir;  // empty = config/prompts/*.toml compiled into the binary
  std::int64_t connect_timeout_ms = 3'000;
  std::int64_t call_timeout_ms = 25'000;  // one upstream attempt
  std::int64_t deadline_ms = 30'000;      // a generate() without its own deadline
  std::int64_t max_attempts = 3;
  std::int64_t backoff_base_ms = 250;
  std::int64_t backoff_cap_ms = 4'000;
  std::int64_t breaker_failures = 5;
  std::int64_t breaker_window_ms = 60'000;
  std::int64_t breaker_cooldown_ms = 30'000;
  // Threads of the one executor that runs LLM call steps, retry timers and completions (the
  // store writes of generated sayings): fixed at start-up, whatever the load.
  std::int64_t executor_threads = 4;
  std::string anthropic_base_url = "https://api.anthropic.com";
  std::string anthropic_version = "2023-06-01";
  std::string openai_base_url = "https://api.openai.com/v1";
  std::string openai_token_field = "max_completion_tokens";  // or max_tokens (older servers)
};

// [secrets]: API keys from env (ANTHROPIC_API_KEY, OPENAI_API_KEY) -> file -> SSM.
// Environment wins for CLAUDE_PARAMETER_NAME, OPENAI_PARAMETER_NAME, AWS_REGION,
// AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL.
struct SecretsConfig {
  std::int64_t cache_ttl_ms = 300'000;
  std::string anthropic_key_file;
  std::string openai_key_file;
  std::string anthropic_ssm_parameter;
  std::string openai_ssm_parameter;
  std::string aws_region = "us-east-1";
  std::string ssm_endpoint;  // empty = https://ssm.REGION.amazonaws.com
};

struct WebConfig {
  bool enabled = true;     // serve the pages (/, /compare, /dashboard) and /assets/
  std::string assets_dir;  // empty = the pages compiled into the binary; else read at start
};

// Every setting of the program. Defaults are the original's values; a TOML file
// (config/cloud-sayings.toml documents every key) overrides them, flags override the file.
struct Config {
  http::ServerOptions server;
  std::size_t body_limit = std::size_t{64} * 1024;
  StoreConfig store;
  LogConfig log;
  FlowConfig flow;
  CacheConfig cache;
  BudgetConfig budget;
  CompareConfig compare;
  PassthroughConfig passthrough;
  std::string services_file;  // empty = the catalog compiled into the binary
  StatsConfig stats;
  MetricsConfig metrics;
  FeedbackConfig feedback;
  LlmConfig llm;
  SecretsConfig secrets;
  WebConfig web;
  DynamoConfig dynamodb;
  http::RateLimitOptions rate_limit;
  http::CorsOptions cors;
  http::SecurityHeadersOptions security_headers;
};

class EnvOverrides;  // app/toml_reader.hpp

// Parses TOML text; throws ConfigError naming the first bad or unknown setting. `env`
// (CLOUD_SAYINGS_<SECTION>_<KEY> variables) overrides the text, setting by setting.
Config parseConfig(const std::string& toml_text, const std::string& origin = "config",
                   const EnvOverrides* env = nullptr);
Config loadConfigFile(const std::string& path, const EnvOverrides* env = nullptr);
// What serve and lambda run with: the file at `path` (none when empty) overridden by the
// process's CLOUD_SAYINGS_* environment variables.
Config loadConfig(const std::string& path);

}  // namespace cs::app
