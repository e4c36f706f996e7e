#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/mutex.hpp"
#include "core/periodic_thread.hpp"
#include "llm/ledger.hpp"
#include "store/store.hpp"

namespace cs {

// The ledger's rollups: every LedgerRecord is added to its (minute, model, provider, purpose)
// row in memory and written to the store in batches (Store::addLedgerStats, ADD semantics) by
// a background thread, as RequestStatsRecorder does for request samples. /api/stats reads the
// store's rows plus pending(), so this instance's calls show at once.
// RAII: the worker starts in the constructor; the destructor stops it and flushes what is left.
class LedgerRollup final : public llm::LedgerSink {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{10'000};
    bool background = true;  // false: no thread; the owner calls flush() (tests)
  };
  LedgerRollup(Store& store, Options options);
  ~LedgerRollup() override;
  LedgerRollup(const LedgerRollup&) = delete;
  LedgerRollup& operator=(const LedgerRollup&) = delete;

  void record(const llm::LedgerRecord& record) override;
  // Writes everything pending as one batch; on a store error the batch is dropped (logged),
  // never retried, so nothing is counted twice.
  Result<std::size_t> flush();
  std::vector<LedgerRow> pending() const;
  // The store's rows in `range` plus the pending ones, read with flushes held off: a flush
  // between the two reads would otherwise leave a batch in neither.
  Result<std::vector<LedgerRow>> list(const TimeRange& range);
  // Bumped by every record(): a stats cache keyed on it never hides this instance's calls.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  Store& store_;
  Options options_;
  mutable Mutex mutex_;
  std::unordered_map<std::string, LedgerRow> rows_ CS_GUARDED_BY(mutex_);
  std::atomic<std::uint64_t> version_{0};
  Mutex flush_mutex_;                      // one flush at a time; guards no field
  std::optional<PeriodicThread> flusher_;  // last: it flushes the members above
};

// One LedgerRow counting `record` alone (minute of ended_at_ms).
LedgerRow ledgerRowOf(const llm::LedgerRecord& record);

}  // namespace cs
