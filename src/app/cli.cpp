#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "app/allocator.hpp"
#include "app/app.hpp"
#include "app/generate_command.hpp"
#include "app/lambda_command.hpp"
#include "app/store_factory.hpp"
#include "core/redact.hpp"
#include "http/server.hpp"
#include "obs/logger.hpp"
#include "store/corpus.hpp"

namespace cs::app {

namespace {
struct CommonFlags {
  std::string config_file;
  std::optional<std::string> store_url;
};

struct ServeFlags {
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> rate_limit;  // on | off
};

Config buildConfig(const CommonFlags& common) {
  // Defaults, then the file, then CLOUD_SAYINGS_* variables, then flags.
  Config config = loadConfig(common.config_file);
  if (common.store_url) config.store.url = *common.store_url;
  return config;
}

int serve(const CommonFlags& common, const ServeFlags& flags) {
  Config config = buildConfig(common);
  if (flags.host) config.server.host = *flags.host;
  if (flags.port) {
    if (*flags.port < 0 || *flags.port > 65535) throw ConfigError("--port: must be 0..65535");
    config.server.port = static_cast<std::uint16_t>(*flags.port);
  }
  if (flags.rate_limit) config.rate_limit.enabled = *flags.rate_limit == "on";
  obs::Logger logger(config.log.level);
  obs::setGlobalLogger(&logger);
  int code = 0;
  try {
    App app(config);
    http::Server server(config.server, app.handler());
    app.attachServer(server);
    server.listen();
    logger.info("Server listening", {{"host", config.server.host},
                                     {"port", server.port()},
                                     {"store", std::string(app.store().backendName())},
                                     {"version", CS_VERSION},
                                     {"allocator", allocatorName()}});
    server.run();
    logger.info("Server stopped", {});
  } catch (const ConfigError&) {
    obs::setGlobalLogger(nullptr);
    throw;
  } catch (const std::exception& e) {
    logger.error("Fatal start-up error", {{"error_type", "startup"}, {"error_message", e.what()}});
    code = 1;
  }
  logger.flush();
  obs::setGlobalLogger(nullptr);
  return code;
}

int seed(const CommonFlags& common, const std::string& file) {
  Config config = buildConfig(common);
  if (!file.empty()) config.store.corpus_file = file;
  auto store = makeStore(config);
  auto corpus = loadCorpus(config, SystemClock::instance());
  if (!corpus) throw ConfigError("--file: " + corpus.error().message);
  auto report = seedStore(*store, *corpus);
  if (!report) {
    std::cerr << "seed failed: " << report.error().message << "\n";
    return 1;
  }
  std::cout << "seeded " << report->inserted << " new sayings (" << report->total
            << " in the corpus, " << report->total - report->inserted << " already present)\n";
  return 0;
}
int storeInit(const CommonFlags& common) {
  Config config = buildConfig(common);
  auto lines = initStore(config);
  if (!lines) {
    std::cerr << "store init failed: " << lines.error().message << "\n";
    return 1;
  }
  for (const auto& line : *lines) std::cout << line << "\n";
  return 0;
}
}  // namespace

int runCli(int argc, char** argv) {
  // Run by Lambda as `bootstrap` with no arguments: the custom runtime.
  const char* runtime_api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (argc <= 1 && runtime_api && *runtime_api) {
    try {
      return lambdaCommand({});
    } catch (const std::exception& e) {
      std::cerr << "cloud-sayings: " << redact(e.what()) << "\n";
      return 1;
    }
  }
  CLI::App cli{"Cloud Sayings: compare LLMs on witty cloud analogies", "cloud-sayings"};
  cli.set_version_flag("--version", std::string("cloud-sayings ") + CS_VERSION);
  cli.require_subcommand(1);
  CommonFlags common;
  ServeFlags serve_flags;
  std::string seed_file;

  auto addCommon = [&](CLI::App* sub) {
    sub->add_option("--config", common.config_file, "TOML config file")->check(CLI::ExistingFile);
    sub->add_option("--store", common.store_url, "store: sqlite:PATH, sqlite::memory: or dynamodb");
  };
  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP server");
  addCommon(serve_cmd);
  serve_cmd->add_option("--host", serve_flags.host, "address to listen on");
  serve_cmd->add_option("--port", serve_flags.port, "port to listen on (0 = any free port)");
  serve_cmd
      ->add_option("--rate-limit", serve_flags.rate_limit, "on|off: override [rate_limit] enabled")
      ->check(CLI::IsMember({"on", "off"}));
  auto* lambda_cmd = cli.add_subcommand(
      "lambda", "run as an AWS Lambda custom runtime behind API Gateway (AWS_LAMBDA_RUNTIME_API)");
  addCommon(lambda_cmd);
  auto* seed_cmd = cli.add_subcommand("seed", "load the corpus into the store (idempotent)");
  addCommon(seed_cmd);
  auto* store_cmd = cli.add_subcommand("store", "manage the store");
  store_cmd->require_subcommand(1);
  auto* store_init_cmd = store_cmd->add_subcommand(
      "init", "create missing tables (DynamoDB: on demand, encrypted) and wait until ready");
  addCommon(store_init_cmd);
  seed_cmd->add_option("--file", seed_file, "corpus JSON file (default: the shipped corpus)")
      ->check(CLI::ExistingFile);

  GenerateFlags generate_flags;
  auto* generate_cmd =
      cli.add_subcommand("generate", "ask one model for fresh sayings (try a key)");
  addCommon(generate_cmd);
  generate_cmd->add_option("--model", generate_flags.model, "model id (see GET /api/models)")
      ->required();
  generate_cmd->add_option("--count", generate_flags.count, "sayings to ask for")
      ->check(CLI::Range(1, 10));
  generate_cmd->add_option("--avoid", generate_flags.avoid, "services to steer away from")
      ->delimiter(',');
  generate_cmd->add_option("--topic", generate_flags.topic, "a theme for the sayings");
  generate_cmd->add_flag("--json", generate_flags.json, "print the result as JSON");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    std::cerr << "cloud-sayings: " << msg << " (see --help)\n";
    return 2;
  }

  try {
    if (*serve_cmd) return serve(common, serve_flags);
    if (*lambda_cmd) return lambdaCommand({common.config_file, common.store_url});
    if (*seed_cmd) return seed(common, seed_file);
    if (*store_init_cmd) return storeInit(common);
    if (*generate_cmd) return generateCommand(buildConfig(common), generate_flags);
  } catch (const ConfigError& e) {
    std::cerr << "cloud-sayings: bad setting: " << redact(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "cloud-sayings: " << redact(e.what()) << "\n";
    return 1;
  }
  return 2;
}

}  // namespace cs::app
