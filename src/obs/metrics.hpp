#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Fixed-bucket histogram; lock-free observe.
class Histogram {
 public:
  explicit Histogram(std::span<const double> upper_bounds);
  void observe(double v);
  std::span<const double> bounds() const { return bounds_; }
  std::uint64_t bucketCount(std::size_t i) const {
    return buckets_[i].load(std::memory_order_relaxed);
  }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // non-cumulative, one per bound
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
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
  // A response that carried an observation (sayings, compare).
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
  struct RequestSeries;
  struct Family;
  Family& family(const std::string& name, const std::string& help, const char* type);

  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<RequestSeries>> series_;
  std::map<std::string, std::unique_ptr<Family>> families_;
  std::vector<std::function<void(Metrics&)>> render_hooks_;
  std::array<std::atomic<std::uint64_t>, 6> responses_by_class_{};  // 1xx..5xx, other
};

// Prometheus label-value escaping: backslash, double quote and newline.
std::string escapeLabelValue(std::string_view v);

}  // namespace cs::obs
