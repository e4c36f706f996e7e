#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/saying_picker.hpp"
#include "store/store.hpp"

namespace cs {

// A vote as the API received it, already validated for shape.
struct VoteRequest {
  std::string saying_id;
  Vote vote = Vote::kUp;
  std::optional<double> execution_time;
  std::optional<double> original_llm_time;
  std::optional<bool> is_cached;
  std::string client_key;  // who votes (see docs/api.md, "Who is a client")
};

struct VoteResult {
  VoteOutcome outcome;  // counted=false: this client had already voted on this saying
  std::string model;
  std::string provider;
};

// POST /api/feedback: fills model and provider from the saying, then records the vote and
// bumps the saying's counter atomically in the store (once per saying and client). The store
// commits synchronously before this returns, so an acknowledged vote survives a crash.
class FeedbackService {
 public:
  FeedbackService(Store& store, SayingPicker& picker, const Clock& clock);

  // Errors: "not_found" (no such saying), "store_unavailable", "store_error".
  Result<VoteResult> vote(const VoteRequest& request);
  // Bumped after every vote this instance counted, once the store holds it: a stats cache
  // keyed on it never hides this instance's votes.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::uint64_t> version_{0};
  Store& store_;
  SayingPicker& picker_;
  const Clock& clock_;
};

}  // namespace cs
