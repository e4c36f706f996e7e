#pragma once
#include <cstdint>
#include <optional>
#include <string>

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

// Half-open [from_ms, to_ms) in Unix epoch milliseconds.
struct TimeRange {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = INT64_MAX;
};

}  // namespace cs
