#include "app/lambda_command.hpp"

#include <cstdlib>
#include <iostream>

#include "app/app.hpp"
#include "core/json_text.hpp"
#include "core/redact.hpp"
#include "lambda/runtime.hpp"
#include "lambda/runtime_client.hpp"
#include "net/curl_transport.hpp"
#include "obs/logger.hpp"

namespace cs::app {

void applyLambdaDefaults(Config& config) {
  if (!config.metrics.emf) config.metrics.emf = true;
  config.metrics.prometheus = false;
  config.stats.background_flush = false;
  if (config.store.url == StoreConfig{}.url) config.store.url = "sqlite:/tmp/cloud-sayings.db";
}

namespace {
std::string contextFields(const lambda::Invocation& inv) {
  std::string out = "\"aws_request_id\":";
  appendJsonString(out, inv.request_id);
  if (!inv.trace_id.empty()) {
    out += ",\"trace_id\":";
    appendJsonString(out, inv.trace_id);
  }
  return out;
}

// Start-up failed: tell Lambda why (it shows in the function's logs and the caller's error),
// then exit non-zero so the next invocation starts a fresh environment.
int initFailure(lambda::RuntimeClient& client, obs::Logger& logger, std::string_view type,
                const std::string& message, int code) {
  const std::string text = redact(message);
  logger.error("Fatal start-up error",
               {{"error_type", std::string(type)}, {"error_message", text}});
  logger.flush();
  std::cerr << "cloud-sayings lambda: " << text << "\n";
  if (auto posted = client.initError(type, text); !posted)
    std::cerr << "cloud-sayings lambda: reporting the init error failed: " << posted.error().message
              << "\n";
  return code;
}
}  // namespace

int lambdaCommand(const LambdaFlags& flags) {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (!api || !*api) {
    std::cerr << "cloud-sayings lambda: AWS_LAMBDA_RUNTIME_API is not set (Lambda sets it; "
                 "for a local Runtime API set it to host:port)\n";
    return 2;
  }
  net::CurlTransport runtime_transport;
  lambda::RuntimeClient client(runtime_transport, api);
  obs::Logger logger(obs::Level::kInfo);
  obs::setGlobalLogger(&logger);
  struct Unset {
    ~Unset() { obs::setGlobalLogger(nullptr); }
  } unset;

  Config config;
  try {
    config = loadConfig(flags.config_file);
    if (flags.store_url) config.store.url = *flags.store_url;
    applyLambdaDefaults(config);
  } catch (const ConfigError& e) {
    return initFailure(client, logger, "Runtime.ConfigError",
                       std::string("bad setting: ") + e.what(), 2);
  }
  logger.setLevel(config.log.level);

  std::unique_ptr<App> app;
  try {
    app = std::make_unique<App>(config);
  } catch (const ConfigError& e) {
    return initFailure(client, logger, "Runtime.ConfigError",
                       std::string("bad setting: ") + e.what(), 2);
  } catch (const std::exception& e) {
    return initFailure(client, logger, "Runtime.InitError", e.what(), 1);
  }
  if (auto ready = app->store().ping(); !ready)
    return initFailure(client, logger, "Runtime.StoreUnavailable",
                       "the store (" + std::string(app->store().backendName()) +
                           ") does not answer: " + ready.error().message,
                       1);
  logger.info("Lambda runtime ready",
              {{"store", std::string(app->store().backendName())}, {"version", CS_VERSION}});

  App& a = *app;
  auto after = [&a, &logger](lambda::Runtime::Clock::time_point deadline) {
    // Nothing acknowledged may wait in memory across a freeze: rollups go to the store now
    // (votes were written before their 201), then refills the request started finish here.
    (void)a.requestStats().flush();
    if (auto* cache = a.sayingCache(); cache && !cache->waitIdle(deadline))
      logger.info("Cache refill still running at the invocation's deadline", {});
    (void)a.requestStats().flush();  // what the refills' own requests recorded, if any
    (void)a.ledgerRollup().flush();  // the invocation's LLM calls and the refills' (spend)
    logger.flush();
  };
  auto on_invocation = [&logger](const lambda::Invocation* inv) {
    logger.setContextFields(inv ? contextFields(*inv) : std::string());
  };
  int code = 0;
  {
    lambda::Runtime runtime(client, a.handler(), {}, after, on_invocation);
    code = runtime.run();
  }
  logger.flush();
  return code;
}

}  // namespace cs::app
