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

// responseTimeSample (the original's per-vote response-time rule) lives in store/records.hpp:
// the stores apply it when they add a vote to its rollup.

// Bucket size for a time series over `range_ms`: the smallest of 1m, 5m, 15m, 30m, 1h, 3h, 6h,
// 12h, 1d, 7d, 30d giving at most kMaxBuckets buckets (the largest beyond that).
std::int64_t bucketSizeFor(std::int64_t range_ms);
inline constexpr std::int64_t kMaxBuckets = 60;

struct StatsInput {
  // Votes, either raw (tests, benchmarks) or as rollups summed per bucket (the service): a
  // vote row counts in the series bucket holding its minute_ms, so rows summed per bucket
  // must use bucket_ms = bucketSizeFor(the covered range), or a divisor of it. Vote rows are
  // taken as already matching range and filters (the store applied them).
  std::span<const FeedbackRecord> feedback;
  std::span<const VoteRow> vote_rows;
  // The earliest minute of the vote rows before bucketing (where the data starts when the
  // filter has no `from`); ignored when vote_rows is empty.
  std::optional<std::int64_t> first_vote_minute_ms;
  // Votes for the top-services list only (a bounded recent window), besides `feedback`.
  std::span<const VoteSample> service_votes;
  std::span<const RequestStatsRow> rollups;
  std::span<const LedgerRow> ledger;  // spend: rows carry their own provider
  // Cloud services of the sayings the records refer to (missing ids are skipped).
  const std::unordered_map<std::string, std::vector<std::string>>* services_by_saying = nullptr;
  // Provider of a model id for rollup rows (which carry only the model); models seen in
  // `feedback` are learned from it first. Unset or "" -> "unknown".
  std::function<std::string(std::string_view model)> provider_of;
  std::int64_t now_ms = 0;  // the end of the series when the filter has no `to`
};

// Where the result will start and end, and its bucket size, for this input without its vote
// rows (only first_vote_minute_ms of them): what a caller needs to ask the store for vote rows
// summed per bucket. aggregate() uses the same.
struct StatsWindow {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::int64_t bucket_ms = 0;  // 0 when the window is empty
};
StatsWindow statsWindow(const StatsInput& input, const StatsFilter& filter);

// Pure: the whole /api/stats computation over already-fetched data, so it can be unit-tested
// and benchmarked without a store. Applies the filter's range, provider and model to both
// records and rollups. Linear in the input size.
Stats aggregate(const StatsInput& input, const StatsFilter& filter);

}  // namespace cs
