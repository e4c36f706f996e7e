#include "service/passthrough_service.hpp"

#include "service/model_error.hpp"

namespace cs {

PassthroughService::PassthroughService(llm::Gateway& gateway, cache::BudgetGuard& budget,
                                       std::set<std::string, std::less<>> catalog, Options options)
    : gateway_(gateway), budget_(budget), catalog_(std::move(catalog)), options_(options) {}

PassthroughService::~PassthroughService() {
  pending_.waitZero();
}

void PassthroughService::forward(std::string model_id, std::string body, jsonf::Span model_value,
                                 Done done) {
  constexpr auto kPurpose = llm::Purpose::kPassthrough;
  if (!catalog_.contains(model_id))
    return done(fail(ErrorCode::kUnknownModel,
                     "model: '" + model_id + "' is not in the catalog (GET /api/models)"));
  std::string why;
  if (!budget_.tryAcquire(kPurpose, &why))
    return done(fail(ErrorCode::kBudgetExhausted,
                     "the LLM spend budget for people's requests is used up for now (" + why +
                         "), so model '" + model_id + "' was not called; try again later"));
  llm::ForwardRequest request;
  request.model_id = model_id;
  request.body = std::move(body);
  request.model_value = model_value;
  request.deadline = std::chrono::steady_clock::now() + options_.deadline;
  request.purpose = kPurpose;
  pending_.enter();
  gateway_.forwardAsync(std::move(request), [this, model_id = std::move(model_id),
                                             done = std::move(done)](llm::ForwardOutcome outcome) {
    struct Leave {
      PendingCalls& p;
      ~Leave() { p.leave(); }
    } leave{pending_};
    if (!outcome) return done(std::unexpected(passthroughError(model_id, outcome.error())));
    budget_.recordCost(kPurpose, outcome->cost_usd);
    done(std::move(*outcome));
  });
}

Error passthroughError(const std::string& model_id, const llm::LlmError& error) {
  using K = llm::LlmError::Kind;
  const std::string who = "model '" + model_id + "'";
  switch (error.kind) {
    case K::kBadRequest:
      // Either the provider refused the client's body (its message says why, redacted and
      // cut by the adapter) or the model's provider does not take this wire format.
      return {ErrorCode::kBadRequest,
              error.http_status
                  ? "the provider of " + who + " rejected the request: " + error.message
                  : error.message};
    case K::kRateLimited:
      return {ErrorCode::kRateLimited, "the provider of " + who + " is rate limiting our calls"};
    case K::kBadResponse:
      return {ErrorCode::kUpstreamError, who + " answered with an unusable response"};
    default:
      return clientError(model_id, error);
  }
}

}  // namespace cs
