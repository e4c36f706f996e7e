#pragma once
#include <memory>

#include "api/passthrough_handler.hpp"
#include "api/static_files.hpp"
#include "app/config.hpp"
#include "app/llm_factory.hpp"
#include "app/protections.hpp"
#include "cache/budget_guard.hpp"
#include "cache/dedup.hpp"
#include "cache/ingest.hpp"
#include "cache/saying_cache.hpp"
#include "cache/service_tracker.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "core/service_catalog.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "llm/gateway.hpp"
#include "obs/metrics.hpp"
#include "service/arena_service.hpp"
#include "service/compare_service.hpp"
#include "service/feedback_service.hpp"
#include "service/ledger_metrics.hpp"
#include "service/ledger_rollup.hpp"
#include "service/passthrough_service.hpp"
#include "service/request_stats.hpp"
#include "service/saying_service.hpp"
#include "service/stats_service.hpp"
#include "store/saying_picker.hpp"
#include "store/store.hpp"

namespace cs::app {

// The wired program: every component built once from the Config, owned here, in dependency
// order (members are destroyed in reverse). Tests build an App and call pipeline().handle().
class App {
 public:
  // `gateway` replaces the LLM stack built from the config, `store` the store (tests pass
  // fakes or decorators).
  explicit App(Config config, const Clock& clock = SystemClock::instance(),
               llm::GatewayPtr gateway = nullptr, StorePtr store = nullptr);
  ~App();

  http::HttpHandler& handler() { return *pipeline_; }
  // Wires a server that serves handler(): its shutdown ends running comparisons, and its
  // figures go to /metrics. The server must not outlive the App.
  void attachServer(http::Server& server);
  Store& store() { return *store_; }
  const Config& config() const { return config_; }
  const ServiceCatalog& catalog() const { return *catalog_; }
  obs::Metrics& metrics() { return metrics_; }
  RequestStatsRecorder& requestStats() { return *request_stats_; }
  LedgerRollup& ledgerRollup() { return *ledger_rollup_; }
  // The LLM gateway (always present; models without a key are disabled, not missing).
  llm::Gateway& gateway() { return gateway_ ? *gateway_ : *llm_.gateway; }
  cache::SayingCache* sayingCache() { return cache_.get(); }
  cache::BudgetGuard* budget() { return budget_.get(); }
  ArenaService& arena() { return *arena_; }
  Executor& executor() { return *executor_; }
  const Protections& protections() const { return *protections_; }

 private:
  void registerRoutes();
  void buildCache();
  void wireLedger();

  Config config_;
  const Clock& clock_;
  StorePtr store_;
  // Ledger sinks: outlive every gateway caller (the destructor stops those first).
  std::unique_ptr<LedgerRollup> ledger_rollup_;
  std::unique_ptr<LedgerMetrics> ledger_metrics_;
  std::unique_ptr<ServiceCatalog> catalog_;
  // Runs every LLM call's steps and timers and the completions (cache, compare): a fixed
  // number of threads ([llm] executor_threads). Outlives everything that posts to it.
  std::unique_ptr<ThreadExecutor> executor_;
  LlmStack llm_;
  std::unique_ptr<SayingPicker> picker_;
  llm::GatewayPtr gateway_;
  std::unique_ptr<cache::DedupIndex> dedup_;
  std::unique_ptr<cache::ServiceTracker> tracker_;
  std::unique_ptr<cache::BudgetGuard> budget_;
  std::unique_ptr<cache::Ingestor> ingestor_;
  std::unique_ptr<cache::SayingCache> cache_;  // its workers stop before what they use goes
  std::unique_ptr<CompareService> compare_;
  std::unique_ptr<SayingService> sayings_;
  obs::Metrics metrics_;
  std::unique_ptr<RequestStatsRecorder> request_stats_;  // flushes on destruction
  std::unique_ptr<FeedbackService> feedback_;
  std::unique_ptr<StatsService> stats_;
  std::unique_ptr<ArenaService> arena_;
  std::unique_ptr<PassthroughService> passthrough_;  // null unless [passthrough] enabled
  std::unique_ptr<api::PassthroughHandler> passthrough_handler_;
  std::unique_ptr<api::StaticFiles> web_;  // the pages; null when [web] enabled = false
  http::Router router_;
  std::unique_ptr<http::Pipeline> pipeline_;
  ProtectionsPtr protections_;  // hooked into pipeline_
};

// Loads the corpus (the configured file, or the embedded one).
Result<std::vector<Saying>> loadCorpus(const Config& config, const Clock& clock);
Result<ServiceCatalog> loadServiceCatalog(const Config& config);

}  // namespace cs::app
