#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/mutex.hpp"
#include "core/per_thread.hpp"
#include "core/periodic_thread.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace cs {

// Rolls request samples up per minute per (model, source) in memory and writes them to the
// store in batches (Store::addRequestStats, ADD semantics) from a background thread, so
// /api/stats invocation counts survive restarts and are shared by every instance on one store,
// at the cost of one store write per flush interval instead of one per request.
// RAII: the worker starts in the constructor; the destructor stops it and flushes what is left.
// A kill -9 loses at most one flush interval of rollups (votes are written synchronously).
class RequestStatsRecorder {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{10'000};
    bool background = true;  // false: no thread; the owner calls flush() (tests)
  };
  RequestStatsRecorder(Store& store, const Clock& clock, Options options);
  ~RequestStatsRecorder();
  RequestStatsRecorder(const RequestStatsRecorder&) = delete;
  RequestStatsRecorder& operator=(const RequestStatsRecorder&) = delete;

  // Hot path: a hash lookup in the calling thread's own shard (core/per_thread.hpp), whose
  // lock no other request thread takes; no allocation once the minute's row exists.
  void record(const obs::RequestSample& sample);
  // Writes everything pending as one batch; returns how many rows it wrote. On a store error
  // the batch is dropped (logged and counted), never retried, so nothing is counted twice.
  Result<std::size_t> flush();
  // Rows recorded here but not yet flushed (so this instance's newest minute shows at once).
  std::vector<RequestStatsRow> pending() const;
  std::uint64_t droppedRows() const;

 private:
  Store& store_;
  const Clock& clock_;
  Options options_;
  using Rows = std::unordered_map<std::string, RequestStatsRow>;  // by minute|model|source
  PerThread<Rows> shards_;
  mutable Mutex mutex_;
  std::uint64_t dropped_rows_ CS_GUARDED_BY(mutex_) = 0;
  Mutex flush_mutex_;  // one flush at a time (worker, destructor, tests); guards no field
  std::optional<PeriodicThread> flusher_;  // last: it flushes the members above
};

}  // namespace cs
