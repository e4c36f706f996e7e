#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cache/budget_guard.hpp"
#include "cache/dedup.hpp"
#include "cache/ingest.hpp"
#include "cache/saying_cache.hpp"
#include "cache/service_tracker.hpp"
#include "core/embedded.hpp"
#include "core/executor.hpp"
#include "core/service_catalog.hpp"
#include "fakes/fake_gateway.hpp"
#include "store/saying_picker.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs::testing {

// The cache stack over an in-memory SQLite store and a FakeGateway, wired as App wires it.
struct CacheStack {
  explicit CacheStack(std::vector<std::string> model_ids, cache::CacheOptions cache_options = {},
                      cache::BudgetGuard::Options budget_options = {0, 0.0, 0.5},
                      cache::ServiceTracker::Options tracker_options = {},
                      cache::DedupIndex::Options dedup_options = {},
                      const Clock& clock = SystemClock::instance())
      : models(std::move(model_ids)),
        store(":memory:"),
        picker(store, clock,
               SayingPicker::Options{std::chrono::milliseconds(0), std::chrono::milliseconds(0)}),
        catalog(*ServiceCatalog::fromJson(embeddedFile("config/services.json"))),
        dedup(dedup_options),
        tracker(tracker_options),
        budget(clock, budget_options),
        ingestor(store, picker, catalog, dedup, tracker, clock) {
    for (const auto& m : models) gateway.addModel(m);
    options = cache_options;
    clock_ = &clock;
  }
  cache::SayingCache& makeCache() {
    cache = std::make_unique<cache::SayingCache>(gateway, ingestor, tracker, budget, *clock_,
                                                 executor, options, models);
    return *cache;
  }

  std::vector<std::string> models;
  FakeGateway gateway;
  SqliteStore store;
  SayingPicker picker;
  ServiceCatalog catalog;
  cache::DedupIndex dedup;
  cache::ServiceTracker tracker;
  cache::BudgetGuard budget;
  cache::Ingestor ingestor;
  cache::CacheOptions options;
  const Clock* clock_ = nullptr;
  ThreadExecutor executor{2};                 // the builder's jobs, as App's executor runs them
  std::unique_ptr<cache::SayingCache> cache;  // last: it stops (waits for its calls) first
};

}  // namespace cs::testing
