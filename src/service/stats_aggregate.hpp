#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "service/stats_types.hpp"
#include "store/records.hpp"

namespace cs {

// The original's response-time rule for one vote record: original_llm_time when present;
// else skip records marked cached; else skip execution_time < 100 ms (assumed a cache hit);
// else execution_time. nullopt = the record does not count towards the average.
std::optional<double> responseTimeSample(const FeedbackRecord& record);
inline constexpr double kAssumedCachedBelowMs = 100.0;

// Bucket size for a time series over `range_ms`: the smallest of 1m, 5m, 15m, 30m, 1h, 3h, 6h,
// 12h, 1d, 7d, 30d giving at most kMaxBuckets buckets (the largest beyond that).
std::int64_t bucketSizeFor(std::int64_t range_ms);
inline constexpr std::int64_t kMaxBuckets = 60;

struct StatsInput {
  std::span<const FeedbackRecord> feedback;
  std::span<const RequestStatsRow> rollups;
  std::span<const LedgerRow> ledger;  // spend: rows carry their own provider
  // Cloud services of the sayings the records refer to (missing ids are skipped).
  const std::unordered_map<std::string, std::vector<std::string>>* services_by_saying = nullptr;
  // Provider of a model id for rollup rows (which carry only the model); models seen in
  // `feedback` are learned from it first. Unset or "" -> "unknown".
  std::function<std::string(std::string_view model)> provider_of;
  std::int64_t now_ms = 0;  // the end of the series when the filter has no `to`
};

// Pure: the whole /api/stats computation over already-fetched data, so it can be unit-tested
// and benchmarked without a store. Applies the filter's range, provider and model to both
// records and rollups. Linear in the input size.
Stats aggregate(const StatsInput& input, const StatsFilter& filter);

}  // namespace cs
