#pragma once
#include "http/message.hpp"
#include "service/compare_service.hpp"

namespace cs::api {

// GET /api/compare?models=a,b&topic=T, or POST {"models": [...], "topic": "..."}.
// JSON answer after every model finished (or the deadline); with `Accept: text/event-stream`
// one SSE `result` event per model as it finishes, then `done`.
http::Response compare(CompareService& service, const http::Request& request);

}  // namespace cs::api
