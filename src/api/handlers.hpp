#pragma once
#include <optional>
#include "http/message.hpp"
#include "service/saying_service.hpp"
#include "store/store.hpp"

namespace cs::api {

// GET /healthz: the process is alive and serving.
http::Response healthz(const http::Request& request);
// GET /readyz: the store answers.
http::Response readyz(Store& store);
// GET /api/sayings
http::Response getSaying(SayingService& service, const http::Request& request);
// GET /api/sayings answered on the I/O thread when memory suffices (the route's
// InlineHandler); nullopt sends it to getSaying on a worker.
std::optional<http::Response> getSayingFromMemory(SayingService& service,
                                                  const http::Request& request);
// Whether GET /api/sayings may wait: `?model=ID` (decoded, so ?mod%65l=ID counts) may wait for a
// generation, and a request the service will answer from the store waits on the store.
bool sayingMayBlock(const SayingService& service, const http::Request& request);

}  // namespace cs::api
