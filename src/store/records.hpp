#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace cs {

enum class Vote { kUp, kDown };
inline const char* voteName(Vote v) {
  return v == Vote::kUp ? "up" : "down";
}

// One row of `saying_feedback`: a vote plus what the client saw when it voted.
struct FeedbackRecord {
  std::string id;
  std::string saying_id;
  Vote vote = Vote::kUp;
  std::string model;
  std::string provider;
  std::optional<double> execution_time;     // ms the client waited for the saying
  std::optional<double> original_llm_time;  // ms the LLM took to generate it, when known
  std::optional<bool> is_cached;
  std::string client_key;  // who voted; one counted vote per (saying, client)
  std::int64_t created_at_ms = 0;
};

struct VoteOutcome {
  bool counted = false;   // false: this client had already voted on this saying
  std::string record_id;  // the record that holds the client's vote
};

// One per-minute rollup of this service's request statistics (what /api/stats reports as
// invocations, tokens, cost and cache hits). The key is (minute_ms, model, source); every other
// field is a counter. Instances flush rows in batches, so several instances (or several flushes
// of one instance) write the same key: a store MERGES with ADD semantics, never overwrites.
struct RequestStatsRow {
  // --- key ---
  std::int64_t minute_ms = 0;  // start of the UTC minute, Unix epoch ms (a multiple of 60000)
  std::string model;           // model id; "corpus" for shipped sayings; "none" when no model
  std::string source;          // store | cache | llm | fallback (never empty)
  // --- counters (ADD) ---
  std::int64_t invocations = 0;  // responses that carried an observation
  std::int64_t errors = 0;       // of those, responses with status >= 500
  std::int64_t cache_hits = 0;   // of those, served from the in-memory cache
  std::int64_t tokens = 0;       // TokensUsed (input + output)
  double cost_usd = 0.0;         // Cost
  double total_ms = 0.0;         // sum of TotalExecutionTime
  std::int64_t api_calls = 0;    // responses that made an upstream LLM call
  double api_ms = 0.0;           // sum of APILatency over those calls

  // Adds other's counters to this row's (the keys are not compared).
  void add(const RequestStatsRow& other) {
    invocations += other.invocations;
    errors += other.errors;
    cache_hits += other.cache_hits;
    tokens += other.tokens;
    cost_usd += other.cost_usd;
    total_ms += other.total_ms;
    api_calls += other.api_calls;
    api_ms += other.api_ms;
  }
};

// One per-minute rollup of the LLM call ledger (llm::LedgerRecord): what /api/stats reports
// as "spend". Key (minute_ms, model, provider, purpose); every other field is a counter merged
// with ADD semantics, as RequestStatsRow is.
struct LedgerRow {
  // --- key ---
  std::int64_t minute_ms = 0;  // start of the UTC minute the call ended in, Unix epoch ms
  std::string model;
  std::string provider;
  std::string purpose;  // cache_fill | model_request | compare | arena
  // --- counters (ADD) ---
  std::int64_t calls = 0;
  std::int64_t failed_calls = 0;  // outcome != "ok"
  std::int64_t attempts = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost_usd = 0.0;
  double latency_ms = 0.0;  // sum over the calls

  void add(const LedgerRow& other) {
    calls += other.calls;
    failed_calls += other.failed_calls;
    attempts += other.attempts;
    input_tokens += other.input_tokens;
    output_tokens += other.output_tokens;
    cost_usd += other.cost_usd;
    latency_ms += other.latency_ms;
  }
};

// One rollup of votes: key (minute_ms, model, provider), counters merged with ADD semantics. A
// vote is added to its row when the store counts it (in the same write as the vote itself), so
// /api/stats never loads raw votes. Listings return rows summed per bucket (VoteStatsQuery),
// minute_ms then being the bucket's start.
struct VoteRow {
  // --- key ---
  std::int64_t minute_ms = 0;  // start of the UTC minute of created_at_ms (or of the bucket)
  std::string model;
  std::string provider;
  // --- counters (ADD) ---
  std::int64_t positive = 0;
  std::int64_t negative = 0;
  double response_time_sum_ms = 0.0;  // over the votes responseTimeSample() keeps
  std::int64_t response_time_samples = 0;

  void add(const VoteRow& other) {
    positive += other.positive;
    negative += other.negative;
    response_time_sum_ms += other.response_time_sum_ms;
    response_time_samples += other.response_time_samples;
  }
};

// The original's response-time rule for one vote: original_llm_time when present; else skip
// votes marked cached; else skip execution_time < 100 ms (assumed a cache hit); else
// execution_time. nullopt = the vote does not count towards the average.
inline constexpr double kAssumedCachedBelowMs = 100.0;
inline std::optional<double> responseTimeSample(const FeedbackRecord& r) {
  if (r.original_llm_time) return r.original_llm_time;
  if (r.is_cached.value_or(false)) return std::nullopt;
  if (!r.execution_time) return std::nullopt;
  if (*r.execution_time < kAssumedCachedBelowMs) return std::nullopt;
  return r.execution_time;
}

// The VoteRow counting `record` alone (its minute, its vote, its response-time sample).
inline VoteRow voteRowOf(const FeedbackRecord& r) {
  VoteRow row;
  row.minute_ms = minuteStartMs(r.created_at_ms);
  row.model = r.model;
  row.provider = r.provider;
  (r.vote == Vote::kUp ? row.positive : row.negative) = 1;
  if (const auto rt = responseTimeSample(r)) {
    row.response_time_sum_ms = *rt;
    row.response_time_samples = 1;
  }
  return row;
}

// A vote as the top-services list needs it.
struct VoteSample {
  std::string saying_id;
  Vote vote = Vote::kUp;
};

// Half-open [from_ms, to_ms) in Unix epoch milliseconds.
struct TimeRange {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = INT64_MAX;
};

// Which vote rollups to sum: minutes in `range` (from_ms a whole minute), optionally one model
// and/or one provider, summed per (bucket start, model, provider). bucket_ms is a multiple of
// a minute; buckets are aligned to the Unix epoch (start = minute - minute % bucket_ms).
struct VoteQuery {
  TimeRange range;
  std::int64_t bucket_ms = 60'000;
  std::optional<std::string> model;
  std::optional<std::string> provider;
};

}  // namespace cs
