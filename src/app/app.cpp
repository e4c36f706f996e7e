#include "app/app.hpp"

#include <cstdlib>
#include <set>

#include "api/arena_handler.hpp"
#include "api/compare.hpp"
#include "api/feedback_handler.hpp"
#include "api/handlers.hpp"
#include "api/metrics_hook.hpp"
#include "api/models_handler.hpp"
#include "api/passthrough_handler.hpp"
#include "api/stats_handler.hpp"
#include "app/store_factory.hpp"
#include "core/embedded.hpp"
#include "llm/model_catalog.hpp"
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

App::App(Config config, const Clock& clock, llm::GatewayPtr injected_gateway,
         StorePtr injected_store)
    : config_(std::move(config)),
      clock_(clock),
      store_(std::move(injected_store)),
      gateway_(std::move(injected_gateway)) {
  if (!store_) store_ = makeStore(config_);
  auto catalog = loadServiceCatalog(config_);
  if (!catalog) throw ConfigError("catalog.services_file: " + catalog.error().message);
  catalog_ = std::make_unique<ServiceCatalog>(std::move(*catalog));
  executor_ = std::make_unique<ThreadExecutor>(
      static_cast<std::size_t>(config_.llm.executor_threads), ThreadKind::kExecutor);
  if (!gateway_) llm_ = makeLlmStack(config_, clock_, *executor_);  // tests inject a fake instead
  wireLedger();

  Result<std::vector<std::string>> ids = std::vector<std::string>{};
  if (config_.store.seed_on_start) {
    ids = store_->listSayingIds();
    if (!ids)  // serve anyway: /readyz reports the store, and requests fall back
      obs::log().warn("Store not readable at start; not seeded",
                      {{"error_type", ids.error().name()}, {"error_message", ids.error().message}});
    if (ids && ids->empty()) {
      auto corpus = loadCorpus(config_, clock_);
      if (!corpus) throw ConfigError("store.corpus_file: " + corpus.error().message);
      auto report = seedStore(*store_, *corpus);
      if (!report) throw std::runtime_error("seeding the store failed: " + report.error().message);
      obs::log().info("Store seeded with the shipped corpus",
                      {{"inserted", report->inserted}, {"total", report->total}});
      ids = std::vector<std::string>{};  // not the seeded list: the picker reads it when asked
    }
  }

  picker_ = std::make_unique<SayingPicker>(
      *store_, clock_,
      SayingPicker::Options{std::chrono::milliseconds(config_.store.id_list_ttl_ms),
                            std::chrono::milliseconds(config_.store.item_cache_ttl_ms)});
  // The list read above is fresh: the first GET /api/sayings (cold start's figure) then reads
  // one row, not all of them a second time (5 ms of a 10,000-saying store's first request).
  if (ids && !ids->empty()) picker_->prime(std::move(*ids));
  buildCache();
  request_stats_ = std::make_unique<RequestStatsRecorder>(
      *store_, clock_,
      RequestStatsRecorder::Options{std::chrono::milliseconds(config_.stats.flush_interval_ms),
                                    config_.stats.background_flush});
  feedback_ = std::make_unique<FeedbackService>(*store_, *picker_, clock_);
  // Rollup rows carry only the model: the catalog says whose it is (votes carry both).
  std::unordered_map<std::string, std::string> provider_of_model;
  std::set<std::string, std::less<>> model_ids;
  if (auto models = llm::loadModelCatalog(config_.llm.models_file))
    for (const auto& m : *models) {
      provider_of_model.emplace(m.id, m.provider);
      model_ids.insert(m.id);
    }
  StatsService::Options stats_options;
  stats_options.cache_ttl = std::chrono::milliseconds(config_.stats.cache_ttl_ms);
  stats_ = std::make_unique<StatsService>(
      *store_, request_stats_.get(), clock_, stats_options,
      [providers = std::move(provider_of_model)](std::string_view model) {
        auto it = providers.find(std::string(model));
        return it == providers.end() ? std::string() : it->second;
      });
  stats_->setLedger(ledger_rollup_.get());
  stats_->setFeedback(feedback_.get());
  arena_ = std::make_unique<ArenaService>(
      *store_, gateway(), *ingestor_, *budget_, cache_.get(), clock_, ArenaService::Options{},
      [this](const std::optional<std::string>& topic) { return compare_->validateTopic(topic); });
  if (config_.passthrough.enabled) {
    const char* token = std::getenv(config_.passthrough.token_env.c_str());
    // A short token is guessable; the value itself is never printed.
    if (!token || std::string_view(token).size() < 16)
      throw ConfigError("passthrough.enabled: the environment variable " +
                        config_.passthrough.token_env +
                        " must hold the callers' bearer token (at least 16 characters)");
    passthrough_ = std::make_unique<PassthroughService>(
        gateway(), *budget_, std::move(model_ids),
        PassthroughService::Options{std::chrono::milliseconds(config_.passthrough.deadline_ms)});
    passthrough_handler_ = std::make_unique<api::PassthroughHandler>(*passthrough_, token);
  }
  metrics_.onRender([this](obs::Metrics& m) {
    for (const auto& status : gateway().models()) {
      m.gauge("cloudsayings_circuit_open",
              "1 while the model's circuit breaker is open (calls fail fast).",
              {{"model", status.info.id}})
          .set(status.health == "open" ? 1.0 : 0.0);
      for (const auto& [type, count] : status.errors)
        m.counter("cloudsayings_llm_errors_total",
                  "Failed LLM calls (retries included) by model and error type.",
                  {{"model", status.info.id}, {"error_type", type}})
            .raiseTo(static_cast<double>(count));
    }
    m.counter("cloudsayings_arena_self_naming_skipped_total",
              "Distinct sayings the arena left out because they name their own model or provider.")
        .raiseTo(static_cast<double>(arena_->selfNamingSkipped()));
    m.gauge("cloudsayings_compare_calls_in_flight",
            "Compare LLM calls running now (bounded by compare.max_concurrent_calls).")
        .set(static_cast<double>(compare_->callsInFlight()));
    m.counter("cloudsayings_request_stats_rows_dropped_total",
              "Per-minute request statistics rows lost because their flush to the store failed.")
        .raiseTo(static_cast<double>(request_stats_->droppedRows()));
    if (protections_)
      m.counter("cloudsayings_rate_limited_total",
                "Requests refused with 429 by the per-client rate limiter.")
          .raiseTo(static_cast<double>(protections_->rate_limiter->rejectedTotal()));
  });
  // The cache's own figures, refreshed at render (the builder never touches metrics).
  metrics_.onRender([this](obs::Metrics& m) {
    for (const auto& p : cache_->stats()) {
      const obs::Labels model{{"model", p.model}};
      m.gauge("cloudsayings_cache_size", "Sayings ready in the model's pool.", model)
          .set(static_cast<double>(p.size));
      // Running totals kept by the cache: counters, raised to the cache's figure at each scrape.
      m.counter("cloudsayings_cache_llm_calls_total", "Background (refill) LLM calls.", model)
          .raiseTo(static_cast<double>(p.calls));
      m.counter("cloudsayings_cache_refill_failures_total", "Refill calls that failed.", model)
          .raiseTo(static_cast<double>(p.failures));
      m.counter("cloudsayings_dedup_drops_total", "Generated sayings dropped as (near-)duplicates.",
                model)
          .raiseTo(static_cast<double>(p.duplicates));
    }
    const auto budget = budget_->snapshot();
    m.gauge("cloudsayings_budget_exhausted", "1 while the LLM budget guard pauses calls.")
        .set(budget.exhausted ? 1.0 : 0.0);
    m.counter("cloudsayings_budget_refusals_total", "LLM calls the budget guard refused.")
        .raiseTo(static_cast<double>(budget.refusals));
    m.gauge("cloudsayings_budget_usd_today", "Dollars spent on LLM calls today (UTC).")
        .set(budget.usd_today);
    // The two shares ([budget] people_share): the builder's and people's (?model=, compare).
    for (const auto& [name, share] :
         {std::pair{"builder", &budget.builder}, std::pair{"people", &budget.people}}) {
      const obs::Labels labels{{"share", name}};
      m.gauge("cloudsayings_budget_share_exhausted",
              "1 while this share of the LLM budget refuses calls.", labels)
          .set(share->exhausted ? 1.0 : 0.0);
      m.counter("cloudsayings_budget_share_refusals_total",
                "LLM calls this share of the budget refused.", labels)
          .raiseTo(static_cast<double>(share->refusals));
      m.gauge("cloudsayings_budget_share_usd_today",
              "Dollars this share spent on LLM calls today (UTC).", labels)
          .set(share->usd_today);
    }
  });
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
  pipeline_->setBodyLimit("POST", "/api/feedback", config_.feedback.body_limit);
  pipeline_->setBodyLimit("POST", std::string(api::kBattlesPath), api::kArenaBodyLimit);
  if (passthrough_)
    pipeline_->setBodyLimit("POST", std::string(api::kChatCompletionsPath),
                            static_cast<std::size_t>(config_.passthrough.body_limit));
  // EMF by default only in Lambda mode, where stdout goes to CloudWatch Logs.
  const bool emf = config_.metrics.emf.value_or(std::getenv("AWS_LAMBDA_RUNTIME_API") != nullptr);
  pipeline_->addAfter(api::metricsHook(metrics_, request_stats_.get(), clock_,
                                       {emf, config_.metrics.emf_namespace}));
  protections_ = installProtections(*pipeline_, config_, clock_);
}

// Every gateway caller stops before what the ledger sinks use (metrics_, the store) goes.
App::~App() {
  if (cache_) cache_->stop();
  compare_.reset();
  passthrough_handler_.reset();
  passthrough_.reset();
}

void App::wireLedger() {
  // Before buildCache(): the builder's first call must find its sinks.
  ledger_rollup_ = std::make_unique<LedgerRollup>(
      *store_, LedgerRollup::Options{std::chrono::milliseconds(config_.stats.flush_interval_ms)});
  const bool emf = config_.metrics.emf.value_or(std::getenv("AWS_LAMBDA_RUNTIME_API") != nullptr);
  ledger_metrics_ = std::make_unique<LedgerMetrics>(
      metrics_, clock_, LedgerMetrics::Options{emf, config_.metrics.emf_namespace});
  gateway().ledger().subscribe(*ledger_rollup_);
  gateway().ledger().subscribe(*ledger_metrics_);
}

void App::buildCache() {
  const SayingService::Options flow{config_.flow.cold_start_store_requests,
                                    std::chrono::milliseconds(config_.flow.model_deadline_ms)};
  const auto& c = config_.cache;
  dedup_ = std::make_unique<cache::DedupIndex>(
      cache::DedupIndex::Options{c.dedup_threshold, static_cast<std::size_t>(c.dedup_shingle_words),
                                 static_cast<std::size_t>(c.dedup_capacity)});
  tracker_ = std::make_unique<cache::ServiceTracker>(cache::ServiceTracker::Options{
      static_cast<std::size_t>(c.service_window), static_cast<std::size_t>(c.avoid_services)});
  budget_ = std::make_unique<cache::BudgetGuard>(
      clock_,
      cache::BudgetGuard::Options{config_.budget.max_calls_per_minute,
                                  config_.budget.max_usd_per_day, config_.budget.people_share});
  ingestor_ =
      std::make_unique<cache::Ingestor>(*store_, *picker_, *catalog_, *dedup_, *tracker_, clock_);
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
  models.reserve(statuses.size());
  for (const auto& m : statuses) models.push_back(m.info.id);
  cache_ = std::make_unique<cache::SayingCache>(gateway(), *ingestor_, *tracker_, *budget_, clock_,
                                                *executor_, options,
                                                c.enabled ? models : std::vector<std::string>{});
  for (const auto& m : statuses) cache_->setEnabled(m.info.id, m.enabled);
  compare_ = std::make_unique<CompareService>(
      gateway(), *ingestor_, *budget_, *executor_,
      CompareService::Options{std::chrono::milliseconds(config_.compare.deadline_ms),
                              static_cast<int>(config_.compare.sayings_per_model),
                              static_cast<std::size_t>(config_.compare.max_concurrent_calls),
                              static_cast<std::size_t>(config_.compare.topic_max_length)});
  sayings_ = std::make_unique<SayingService>(*picker_, *cache_, gateway(), flow);
}

void App::registerRoutes() {
  using http::Blocking;
  // Blocking says which requests may wait on the store, an LLM call or a scan: those run on
  // the server's bounded worker pool, the rest (health, cached sayings, pages) on the I/O
  // threads. Decided from the parsed request, never from the raw query string.
  router_.add("GET", "/healthz", api::healthz);
  router_.add(
      "GET", "/readyz", [this](const http::Request&) { return api::readyz(*store_); },
      Blocking::always());
  router_.add(
      "GET", "/api/sayings",
      [this](const http::Request& r) { return api::getSaying(*sayings_, r); },
      Blocking::when([this](const http::Request& r) { return api::sayingMayBlock(*sayings_, r); }));
  // Most of those are answered from memory after all: tried on the I/O thread first.
  router_.setInlineTry("GET", "/api/sayings", [this](const http::Request& r) {
    return api::getSayingFromMemory(*sayings_, r);
  });
  router_.add(
      "POST", "/api/feedback",
      [this](const http::Request& r) { return api::postFeedback(*feedback_, metrics_, r); },
      Blocking::always());
  router_.add(
      "GET", "/api/stats", [this](const http::Request& r) { return api::getStats(*stats_, r); },
      Blocking::always());
  // Blocking: rendering asks the gateway for circuit states, which may look up a key.
  if (config_.metrics.prometheus)
    router_.add(
        "GET", "/metrics", [this](const http::Request&) { return api::metricsEndpoint(metrics_); },
        Blocking::always());
  // Blocking: the first look at a key may ask SSM.
  router_.add(
      "GET", "/api/models", [this](const http::Request&) { return api::listModels(gateway()); },
      Blocking::always());
  // Not blocking: the handler only parses; the answer is deferred (models resolved and called
  // on the executor), so a compare holds no server thread while its models run.
  auto compare = [this](const http::Request& r) { return api::compare(*compare_, r); };
  // HEAD would pay for every model's call and throw the answer away: 405 (Allow: GET, POST).
  router_.addGetWithoutHead("/api/compare", compare);
  router_.add("POST", "/api/compare", compare);
  // The arena: every route reads or writes the store (and a battle may call a model).
  router_.add(
      "POST", std::string(api::kBattlesPath),
      [this](const http::Request& r) { return api::postBattle(*arena_, metrics_, r); },
      Blocking::always());
  router_.addPrefix(
      "POST", std::string(api::kBattlePrefix),
      [this](const http::Request& r) { return api::postVote(*arena_, metrics_, r); },
      Blocking::always());
  router_.add(
      "GET", "/api/leaderboard",
      [this](const http::Request& r) { return api::getLeaderboard(*arena_, r); },
      Blocking::always());
  // Not blocking: the handler only checks the token and the body; the answer is deferred.
  if (passthrough_handler_)
    router_.add("POST", std::string(api::kChatCompletionsPath),
                [this](const http::Request& r) { return (*passthrough_handler_)(r); });
  if (web_) web_->registerRoutes(router_);
}

void App::attachServer(http::Server& server) {
  // SIGTERM ends running comparisons first, so their answers are complete before the drain.
  server.onShutdown([this] { compare_->shutdown(); });
  // Scrapes only arrive through this server, so the hook never outlives it in use.
  metrics_.onRender([&server](obs::Metrics& m) {
    m.gauge("cloudsayings_http_connections", "Open client connections (the scrape's own included).")
        .set(static_cast<double>(server.connections()));
    m.gauge("cloudsayings_http_requests_in_flight",
            "Requests being handled now (the scrape itself included).")
        .set(static_cast<double>(server.inFlight()));
    m.counter("cloudsayings_blocking_rejected_total",
              "Blocking requests refused with 503 because the worker pool's queue was full.")
        .raiseTo(static_cast<double>(server.blockingRejected()));
  });
}

}  // namespace cs::app
