#include "app/llm_factory.hpp"

#include <cstdlib>

#include "llm/gateway_impl.hpp"
#include "llm/model_catalog.hpp"
#include "net/curl_transport.hpp"
#include "secrets/secret_chain.hpp"
#include "secrets/ssm_source.hpp"

namespace cs::app {
namespace {

std::string env(const char* name, std::string fallback = {}) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::move(fallback);
}

std::unique_ptr<SecretProvider> makeSecrets(const Config& config, net::HttpTransport& transport,
                                            const Clock& clock) {
  const auto& s = config.secrets;
  std::vector<std::unique_ptr<secrets::SecretSource>> sources;
  sources.push_back(std::make_unique<secrets::EnvSource>(std::map<std::string, std::string>{
      {"anthropic", "ANTHROPIC_API_KEY"}, {"openai", "OPENAI_API_KEY"}}));
  sources.push_back(std::make_unique<secrets::FileSource>(std::map<std::string, std::string>{
      {"anthropic", s.anthropic_key_file}, {"openai", s.openai_key_file}}));
  std::map<std::string, std::string> parameters = {
      {"anthropic", env("CLAUDE_PARAMETER_NAME", s.anthropic_ssm_parameter)},
      {"openai", env("OPENAI_PARAMETER_NAME", s.openai_ssm_parameter)}};
  secrets::SsmOptions ssm;
  ssm.region = env("AWS_REGION", env("AWS_DEFAULT_REGION", s.aws_region));
  ssm.endpoint = env("AWS_ENDPOINT_URL_SSM", env("AWS_ENDPOINT_URL", s.ssm_endpoint));
  ssm.access_key_id = env("AWS_ACCESS_KEY_ID");
  ssm.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  ssm.session_token = env("AWS_SESSION_TOKEN");
  sources.push_back(
      std::make_unique<secrets::SsmSource>(transport, std::move(ssm), std::move(parameters)));
  return std::make_unique<secrets::SecretChain>(std::move(sources), clock,
                                                std::chrono::milliseconds(s.cache_ttl_ms));
}

}  // namespace

LlmStack makeLlmStack(const Config& config, const Clock& clock, Executor& executor) {
  const auto& l = config.llm;
  auto catalog = llm::loadModelCatalog(l.models_file);
  if (!catalog) throw ConfigError("llm.models_file: " + catalog.error().message);

  llm::GatewayOptions options;
  options.connect_timeout = std::chrono::milliseconds(l.connect_timeout_ms);
  options.call_timeout = std::chrono::milliseconds(l.call_timeout_ms);
  options.default_deadline = std::chrono::milliseconds(l.deadline_ms);
  options.retry = llm::RetryPolicy{static_cast<int>(l.max_attempts),
                                   std::chrono::milliseconds(l.backoff_base_ms),
                                   std::chrono::milliseconds(l.backoff_cap_ms)};
  options.breaker = llm::CircuitBreaker::Options{static_cast<int>(l.breaker_failures),
                                                 std::chrono::milliseconds(l.breaker_window_ms),
                                                 std::chrono::milliseconds(l.breaker_cooldown_ms)};
  options.providers["anthropic"] = llm::ProviderSettings{
      env("ANTHROPIC_BASE_URL", l.anthropic_base_url), l.anthropic_version, ""};
  options.providers["openai"] =
      llm::ProviderSettings{env("OPENAI_BASE_URL", l.openai_base_url), "", l.openai_token_field};
  options.prompts_dir = l.prompts_dir;

  LlmStack stack;
  net::CurlTransport::Options transport_options;
  transport_options.user_agent = std::string("cloud-sayings/") + CS_VERSION;
  stack.transport = std::make_unique<net::CurlTransport>(transport_options);
  stack.secrets = makeSecrets(config, *stack.transport, clock);
  try {
    stack.gateway = std::make_unique<llm::GatewayImpl>(
        std::move(*catalog), std::move(options), *stack.transport, *stack.secrets, clock, executor);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("llm.models_file: ") + e.what());
  }
  return stack;
}

}  // namespace cs::app
