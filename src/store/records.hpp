#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace cs {

enum class Vote { kUp, kDown };
inline const char* voteName(Vote v) { return v == Vote::kUp ? "up" : "down"; }

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

// Half-open [from_ms, to_ms) in Unix epoch milliseconds.
struct TimeRange {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = INT64_MAX;
};

}  // namespace cs
