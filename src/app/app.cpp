#include "app/app.hpp"

#include "api/compare.hpp"
#include "api/handlers.hpp"
#include "api/models_handler.hpp"
#include "app/store_factory.hpp"
#include "core/embedded.hpp"
#include "obs/logger.hpp"
#include "store/corpus.hpp"

namespace cs::app {

Result<std::vector<Saying>> loadCorpus(const Config& config, const Clock& clock) {
  if (!config.store.corpus_file.empty())
    return loadCorpusFile(config.store.corpus_file, clock.wallMs());
  return parseCorpus(embeddedFile("data/sayings.json"), clock.wallMs());
}

Result<ServiceCatalog> loadServiceCatalog(const Config& config) {
  if (!config.services_file.empty()) return ServiceCatalog::fromFile(config.services_file);
  return ServiceCatalog::fromJson(embeddedFile("config/services.json"));
}

App::App(Config config, const Clock& clock, llm::GatewayPtr gateway)
    : config_(std::move(config)), clock_(clock), gateway_(std::move(gateway)) {
  store_ = makeStore(config_);
  auto catalog = loadServiceCatalog(config_);
  if (!catalog) throw ConfigError("catalog.services_file: " + catalog.error().message);
  catalog_ = std::make_unique<ServiceCatalog>(std::move(*catalog));
  if (!gateway_) llm_ = makeLlmStack(config_, clock_);  // tests inject a fake instead

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
  buildCache();
  if (config_.web.enabled) {
    if (config_.web.assets_dir.empty()) {
      web_ = std::make_unique<api::StaticFiles>(api::StaticFiles::embedded());
    } else {
      auto files = api::StaticFiles::fromDirectory(config_.web.assets_dir);
      if (!files) throw ConfigError("web.assets_dir: " + files.error().message);
      web_ = std::make_unique<api::StaticFiles>(std::move(*files));
    }
  }
  registerRoutes();
  pipeline_ = std::make_unique<http::Pipeline>(router_, config_.body_limit);
  pipeline_->setAccessLog(config_.log.access_log);
}

App::~App() = default;

void App::buildCache() {
  const SayingService::Options flow{config_.flow.cold_start_store_requests,
                                    std::chrono::milliseconds(config_.flow.model_deadline_ms)};
  const auto& c = config_.cache;
  dedup_ = std::make_unique<cache::DedupIndex>(cache::DedupIndex::Options{
      c.dedup_threshold, static_cast<std::size_t>(c.dedup_shingle_words), static_cast<std::size_t>(c.dedup_capacity)});
  tracker_ = std::make_unique<cache::ServiceTracker>(cache::ServiceTracker::Options{
      static_cast<std::size_t>(c.service_window), static_cast<std::size_t>(c.avoid_services)});
  budget_ = std::make_unique<cache::BudgetGuard>(
      clock_, cache::BudgetGuard::Options{config_.budget.max_calls_per_minute, config_.budget.max_usd_per_day});
  ingestor_ = std::make_unique<cache::Ingestor>(*store_, *picker_, *catalog_, *dedup_, *tracker_, clock_);
  cache::CacheOptions options;
  options.low_water = static_cast<std::size_t>(c.low_water);
  options.high_water = static_cast<std::size_t>(c.high_water);
  options.capacity = static_cast<std::size_t>(c.capacity);
  options.batch_size = static_cast<int>(c.batch_size);
  options.max_serves = static_cast<int>(c.max_serves);
  options.call_timeout = std::chrono::milliseconds(c.call_timeout_ms);
  options.retry_backoff = std::chrono::milliseconds(c.retry_backoff_ms);
  options.dedup_recent = static_cast<std::size_t>(c.dedup_recent);
  std::vector<std::string> models;
  const auto statuses = gateway().models();
  for (const auto& m : statuses) models.push_back(m.info.id);
  cache_ = std::make_unique<cache::SayingCache>(gateway(), *ingestor_, *tracker_, *budget_, clock_, options,
                                                c.enabled ? models : std::vector<std::string>{});
  for (const auto& m : statuses) cache_->setEnabled(m.info.id, m.enabled);
  compare_ = std::make_unique<CompareService>(
      gateway(), *ingestor_, *budget_,
      CompareService::Options{std::chrono::milliseconds(config_.compare.deadline_ms),
                              static_cast<int>(config_.compare.sayings_per_model),
                              static_cast<std::size_t>(config_.compare.max_concurrent_calls),
                              static_cast<std::size_t>(config_.compare.topic_max_length)});
  sayings_ = std::make_unique<SayingService>(*picker_, *cache_, gateway(), flow);
}

void App::registerRoutes() {
  router_.add("GET", "/healthz", api::healthz);
  router_.add("GET", "/readyz", [this](const http::Request&) { return api::readyz(*store_); });
  router_.addBlockingIf(
      "GET", "/api/sayings", [this](const http::Request& r) { return api::getSaying(*sayings_, r); },
      api::sayingMayBlock);
  // may_block: the first look at a key may ask SSM.
  router_.add(
      "GET", "/api/models", [this](const http::Request&) { return api::listModels(gateway()); }, true);
  auto compare = [this](const http::Request& r) { return api::compare(*compare_, r); };
  router_.add("GET", "/api/compare", compare, /*may_block=*/true);
  router_.add("POST", "/api/compare", compare, /*may_block=*/true);
  if (web_) web_->registerRoutes(router_);
}

}  // namespace cs::app
