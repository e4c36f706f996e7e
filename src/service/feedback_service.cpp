#include "service/feedback_service.hpp"

#include "core/ids.hpp"

namespace cs {

FeedbackService::FeedbackService(Store& store, SayingPicker& picker, const Clock& clock)
    : store_(store), picker_(picker), clock_(clock) {}

Result<VoteResult> FeedbackService::vote(const VoteRequest& request) {
  // The picker's 5-minute item cache answers repeat votes on popular sayings without SQL.
  auto saying = picker_.get(request.saying_id);
  if (!saying) return std::unexpected(saying.error());
  if (!*saying) return fail(ErrorCode::kNotFound, "no saying with id " + request.saying_id);

  FeedbackRecord record;
  record.id = randomId();
  record.saying_id = request.saying_id;
  record.vote = request.vote;
  record.model = (*saying)->model;
  record.provider = (*saying)->provider;
  record.execution_time = request.execution_time;
  record.original_llm_time = request.original_llm_time;
  record.is_cached = request.is_cached;
  record.client_key = request.client_key;
  record.created_at_ms = clock_.wallMs();
  auto outcome = store_.recordVote(record);
  if (!outcome) return std::unexpected(outcome.error());
  // Its up/down counters changed: the next read should see them.
  if (outcome->counted) {
    picker_.forget(request.saying_id);
    version_.fetch_add(1, std::memory_order_release);
  }
  return VoteResult{std::move(*outcome), record.model, record.provider};
}

}  // namespace cs
