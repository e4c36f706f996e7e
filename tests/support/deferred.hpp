#pragma once
#include <chrono>
#include <future>
#include <memory>

#include "http/json_error.hpp"
#include "http/message.hpp"

namespace cs::testing {

// What a client of the real server would receive: a deferred response (a compare) waited for,
// as the server's session awaits it; any other response as it is. The cap only keeps a broken
// build from hanging the suite (then a 500 the test reports).
inline http::Response settle(http::Response response,
                             std::chrono::seconds cap = std::chrono::seconds(60)) {
  if (!response.deferred) return response;
  auto promise = std::make_shared<std::promise<http::Response>>();
  auto answer = promise->get_future();
  auto start = std::move(response.deferred);
  start([promise](http::Response r) { promise->set_value(std::move(r)); });
  if (answer.wait_for(cap) != std::future_status::ready)
    return http::jsonError(ErrorCode::kInternal, "test: the deferred answer never came");
  return answer.get();
}

}  // namespace cs::testing
