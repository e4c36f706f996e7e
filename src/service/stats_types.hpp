#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cs {

// GET /api/stats filters, resolved to absolute times. from_ms = 0 means "from the beginning".
struct StatsFilter {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;  // exclusive; the request time when not given
  bool from_given = false;
  std::optional<std::string> provider;
  std::optional<std::string> model;
};

// What the ledger says was spent on upstream calls (sums of LedgerRow over range and filters).
struct PurposeSpend {
  std::int64_t calls = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost_usd = 0.0;
};
struct Spend {
  std::int64_t calls = 0;
  std::int64_t failed_calls = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost_usd = 0.0;
  std::map<std::string, PurposeSpend> by_purpose;  // purpose name -> its share
};

// The dashboard figures for one provider, one model, or everything.
struct Figures {
  // From votes (saying_feedback).
  std::int64_t positive = 0;
  std::int64_t negative = 0;
  std::int64_t total() const { return positive + negative; }
  double successRate() const;  // positive / total * 100, 0 without votes
  std::int64_t score() const { return positive - negative; }
  double response_time_sum_ms = 0.0;  // over the samples the original's rule keeps
  std::int64_t response_time_samples = 0;
  double avgResponseTimeMs() const;  // 0 without samples
  // From request statistics (request_stats rollups).
  std::int64_t invocations = 0;
  std::int64_t errors = 0;
  std::int64_t cache_hits = 0;
  std::int64_t tokens = 0;
  double cost_usd = 0.0;
  double execution_ms_sum = 0.0;
  double cacheHitRate() const;  // cache_hits / invocations * 100, 0 without invocations
  // From the LLM call ledger (ledger_stats rollups): what upstream calls really cost.
  Spend spend;
};

struct ModelFigures {
  std::string model;
  std::string provider;
  Figures figures;
};

struct ProviderFigures {
  std::string provider;
  Figures figures;
};

// A cloud service and how the voted sayings that mention it fared.
struct ServiceMention {
  std::string service;
  std::int64_t sayings = 0;  // distinct voted sayings in range mentioning it (the ranking)
  std::int64_t positive = 0;
  std::int64_t negative = 0;
};

struct SeriesBucket {
  std::int64_t start_ms = 0;
  Figures figures;
};

struct Stats {
  std::int64_t from_ms = 0;  // the range actually covered
  std::int64_t to_ms = 0;
  Figures totals;
  std::vector<ProviderFigures> providers;  // by total votes + invocations, then name
  std::vector<ModelFigures> models;
  std::vector<ServiceMention> services;  // top kTopServices
  std::int64_t bucket_ms = 0;
  std::vector<SeriesBucket> series;  // contiguous buckets from from_ms to to_ms
  static constexpr std::size_t kTopServices = 10;
};

}  // namespace cs
