#pragma once
#include "http/message.hpp"
#include "obs/metrics.hpp"
#include "service/feedback_service.hpp"

namespace cs::api {

// Largest POST /api/feedback body (413 beyond): a vote is a few dozen bytes.
inline constexpr std::size_t kFeedbackBodyLimit = std::size_t{4} * 1024;

// Validates the input, so the service gets a well-formed VoteRequest.
Result<VoteRequest> parseVoteRequest(const http::Request& request);

// POST /api/feedback. 201 {"id", "counted": true, ...} for a client's first vote on a saying;
// 200 with the first vote's id and "counted": false for a repeat; 400/404/415 as in docs/api.md.
http::Response postFeedback(FeedbackService& service, obs::Metrics& metrics,
                            const http::Request& request);

}  // namespace cs::api
