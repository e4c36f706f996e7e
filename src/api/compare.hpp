#pragma once
#include "http/message.hpp"
#include "service/compare_service.hpp"

namespace cs::api {

// GET /api/compare?models=a,b&topic=T, or POST {"models": [...], "topic": "..."}.
// JSON answer after every model finished (or the deadline); with `Accept: text/event-stream`
// one SSE `result` event per model as it finishes, then `done`. Malformed requests are
// answered at once; everything else is a deferred response (http::Response::deferred), so no
// server thread waits for the models.
http::Response compare(CompareService& service, const http::Request& request);

}  // namespace cs::api
