#pragma once
#include <string>
#include <vector>

#include "cache/dedup.hpp"
#include "cache/service_tracker.hpp"
#include "core/clock.hpp"
#include "core/saying.hpp"
#include "core/service_catalog.hpp"
#include "llm/types.hpp"
#include "store/saying_picker.hpp"
#include "store/store.hpp"

namespace cs::cache {

// Turns what a model generated into stored sayings: services extracted with the catalog,
// near-duplicates dropped (and counted), the rest written to the store with model, provider,
// tokens, cost and generation time, so the store grows into the long-term corpus. A saying is
// accepted (served) only once it is stored, so every served id can be voted on.
class Ingestor {
 public:
  Ingestor(Store& store, SayingPicker& picker, const ServiceCatalog& catalog, DedupIndex& dedup,
           ServiceTracker& tracker, const Clock& clock)
      : store_(store),
        picker_(picker),
        catalog_(catalog),
        dedup_(dedup),
        tracker_(tracker),
        clock_(clock) {}

  struct Duplicate {
    Saying saying;             // as generated (not stored)
    std::string duplicate_of;  // id of the known saying it repeats
  };
  struct Outcome {
    std::vector<Saying> accepted;  // stored: only these are served
    std::vector<Duplicate> duplicates;
    std::size_t unstored = 0;  // generated but the store refused them (not served)
  };
  Outcome ingest(const llm::GenerationResult& result);

  // Loads the most recent store sayings into the dedup index (once, when building starts).
  void primeFromStore(std::size_t recent);

 private:
  Store& store_;
  SayingPicker& picker_;
  const ServiceCatalog& catalog_;
  DedupIndex& dedup_;
  ServiceTracker& tracker_;
  const Clock& clock_;
};

}  // namespace cs::cache
