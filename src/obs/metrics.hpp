#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/mutex.hpp"
#include "core/per_thread.hpp"

namespace cs::obs {

// What one request cost, in the original's metric terms: TotalExecutionTime, APILatency,
// TokensUsed, Cost and CacheHit, with the dimensions source and model.
struct RequestSample {
  std::string_view source;  // store | cache | llm | fallback
  std::string_view model;   // model id, "corpus", or empty when no model served it
  int status = 200;
  double total_ms = 0.0;
  std::optional<double> api_ms;  // only when an upstream LLM call was made
  std::int64_t tokens = 0;
  double cost_usd = 0.0;
  bool cache_hit = false;
};

using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing value (Prometheus counter).
class Counter {
 public:
  void inc(double v = 1.0) { value_.fetch_add(v, std::memory_order_relaxed); }
  // Mirrors a monotonic count kept elsewhere (e.g. the rate limiter's refusals), refreshed by
  // an onRender hook: never goes down, and concurrent scrapes cannot add the same delta twice.
  void raiseTo(double v) {
    double seen = value_.load(std::memory_order_relaxed);
    while (v > seen && !value_.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
    }
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down (Prometheus gauge), e.g. circuit state 0/1/2.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// The program's metrics: the five request metrics per (source, model), HTTP responses per
// status, and named counters/gauges other components register (dedup drops, circuit state,
// votes). Rendered as Prometheus text; names in docs/observability.md. Thread-safe.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Every HTTP response (any route).
  void recordResponse(int status);
  // A response that carried an observation (sayings, compare). Counted in the calling
  // thread's own shard (core/per_thread.hpp), merged when rendered: no lock shared with other
  // request threads, no allocation once the thread has seen the (source, model) pair.
  void recordRequest(const RequestSample& sample);

  // Named series, created on first use; the reference stays valid for the registry's life.
  // `name` must be a valid Prometheus name (counters end in _total); label names snake_case.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  // Runs before every render, to refresh gauges from their owners (e.g. circuit state).
  void onRender(std::function<void(Metrics&)> fn);

  std::string renderPrometheus();

  // Beyond this many (source, model) pairs new models are reported as model="other", so a
  // flood of bogus ids cannot blow up memory or the scrape.
  static constexpr std::size_t kMaxRequestSeries = 256;

 private:
  struct RequestCells;
  struct KeyLess {
    using is_transparent = void;
    bool operator()(std::pair<std::string_view, std::string_view> a,
                    std::pair<std::string_view, std::string_view> b) const {
      return a < b;
    }
  };
  using SeriesKey = std::pair<std::string, std::string>;  // (source, model)
  using SeriesMap = std::map<SeriesKey, RequestCells, KeyLess>;
  struct Family;
  Family& family(const std::string& name, const std::string& help, const char* type)
      CS_REQUIRES(mutex_);
  // The key a new (source, model) pair is counted under: itself, or model "other" once
  // kMaxRequestSeries distinct pairs are known.
  SeriesKey admit(std::pair<std::string_view, std::string_view> key);

  Mutex mutex_;
  // every pair any thread has counted
  std::map<SeriesKey, bool, KeyLess> admitted_ CS_GUARDED_BY(mutex_);
  std::unique_ptr<PerThread<SeriesMap>> series_;  // set once; each shard has its own lock
  std::map<std::string, std::unique_ptr<Family>> families_ CS_GUARDED_BY(mutex_);
  std::vector<std::function<void(Metrics&)>> render_hooks_ CS_GUARDED_BY(mutex_);
  std::array<std::atomic<std::uint64_t>, 6> responses_by_class_{};  // 1xx..5xx, other
};

// Prometheus label-value escaping: backslash, double quote and newline.
std::string escapeLabelValue(std::string_view v);

}  // namespace cs::obs
