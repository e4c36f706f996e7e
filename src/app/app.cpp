#include "app/app.hpp"

#include <cstdlib>

#include "api/feedback_handler.hpp"
#include "api/handlers.hpp"
#include "api/metrics_hook.hpp"
#include "api/stats_handler.hpp"
#include "app/store_factory.hpp"
#include "core/embedded.hpp"
#include "obs/logger.hpp"
#include "store/corpus.hpp"

namespace cs::app {

Result<std::vector<Saying>> loadCorpus(const Config& config, const Clock& clock) {
  if (!config.store.corpus_file.empty()) return loadCorpusFile(config.store.corpus_file, clock.wallMs());
  return parseCorpus(embeddedFile("data/sayings.json"), clock.wallMs());
}

Result<ServiceCatalog> loadServiceCatalog(const Config& config) {
  if (!config.services_file.empty()) return ServiceCatalog::fromFile(config.services_file);
  return ServiceCatalog::fromJson(embeddedFile("config/services.json"));
}

App::App(Config config, const Clock& clock) : config_(std::move(config)), clock_(clock) {
  store_ = makeStore(config_);
  auto catalog = loadServiceCatalog(config_);
  if (!catalog) throw ConfigError("catalog.services_file: " + catalog.error().message);
  catalog_ = std::make_unique<ServiceCatalog>(std::move(*catalog));

  if (config_.store.seed_on_start) {
    auto ids = store_->listSayingIds();
    if (ids && ids->empty()) {
      auto corpus = loadCorpus(config_, clock_);
      if (!corpus) throw ConfigError("store.corpus_file: " + corpus.error().message);
      auto report = seedStore(*store_, *corpus);
      if (!report) throw std::runtime_error("seeding the store failed: " + report.error().message);
      obs::log().info("Store seeded with the shipped corpus",
                      {{"inserted", report->inserted}, {"total", report->total}});
    }
  }

  picker_ = std::make_unique<SayingPicker>(
      *store_, clock_,
      SayingPicker::Options{std::chrono::milliseconds(config_.store.id_list_ttl_ms),
                            std::chrono::milliseconds(config_.store.item_cache_ttl_ms)});
  sayings_ = std::make_unique<SayingService>(
      *picker_, SayingService::Options{config_.flow.cold_start_store_requests});
  request_stats_ = std::make_unique<RequestStatsRecorder>(
      *store_, clock_, RequestStatsRecorder::Options{std::chrono::milliseconds(config_.stats.flush_interval_ms)});
  feedback_ = std::make_unique<FeedbackService>(*store_, *picker_, clock_);
  stats_ = std::make_unique<StatsService>(*store_, request_stats_.get(), clock_,
                                          StatsService::Options{std::chrono::milliseconds(config_.stats.cache_ttl_ms)});
  registerRoutes();
  pipeline_ = std::make_unique<http::Pipeline>(router_, config_.body_limit);
  pipeline_->setAccessLog(config_.log.access_log);
  pipeline_->setBodyLimit("POST", "/api/feedback", config_.feedback.body_limit);
  // EMF by default only in Lambda mode, where stdout goes to CloudWatch Logs.
  const bool emf = config_.metrics.emf.value_or(std::getenv("AWS_LAMBDA_RUNTIME_API") != nullptr);
  pipeline_->addAfter(api::metricsHook(metrics_, request_stats_.get(), clock_, {emf, config_.metrics.emf_namespace}));
}

App::~App() = default;

void App::registerRoutes() {
  router_.add("GET", "/healthz", api::healthz);
  router_.add("GET", "/readyz", [this](const http::Request&) { return api::readyz(*store_); });
  router_.add("GET", "/api/sayings",
              [this](const http::Request& r) { return api::getSaying(*sayings_, r); });
  router_.add("POST", "/api/feedback",
              [this](const http::Request& r) { return api::postFeedback(*feedback_, metrics_, r); });
  router_.add("GET", "/api/stats", [this](const http::Request& r) { return api::getStats(*stats_, r); });
  if (config_.metrics.prometheus)
    router_.add("GET", "/metrics", [this](const http::Request&) { return api::metricsEndpoint(metrics_); });
}

}  // namespace cs::app
