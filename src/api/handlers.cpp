#include "api/handlers.hpp"

#include <chrono>

#include "api/json_response.hpp"
#include "api/saying_json.hpp"
#include "obs/logger.hpp"

namespace cs::api {

http::Response healthz(const http::Request&) {
  return jsonResponse(200, nlohmann::json{{"status", "ok"}});
}

http::Response readyz(Store& store) {
  auto ok = store.ping();
  if (!ok)
    return jsonResponse(503, nlohmann::json{{"status", "unavailable"},
                                            {"store", std::string(store.backendName())},
                                            {"error", "store_unavailable"},
                                            {"message", "the store does not answer"}});
  return jsonResponse(
      200, nlohmann::json{{"status", "ready"}, {"store", std::string(store.backendName())}});
}

namespace {
// {"error", "message", "model"}: the one error shape plus the model the client asked for.
http::Response modelErrorResponse(const Error& error, const std::string& model) {
  auto response = http::jsonError(error);
  response.body =
      nlohmann::ordered_json{{"error", error.name()}, {"message", error.message}, {"model", model}}
          .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return response;
}
}  // namespace

namespace {
http::Response servedResponse(const ServedSaying& served, double ms) {
  auto response = jsonTextResponse(200, sayingBody(served, ms));
  const Saying& s = *served.saying;
  const bool generated_now = served.source == Source::kLlm;
  // The request's own upstream spend (the call it made, else 0), as its body reports it.
  response.observation = http::Observation{sourceName(served.source),
                                           s.model,
                                           generated_now ? s.llm_ms : std::nullopt,
                                           served.request_tokens.total(),
                                           served.request_cost_usd,
                                           served.source == Source::kCache};
  return response;
}

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}
}  // namespace

http::Response getSaying(SayingService& service, const http::Request& request) {
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t request_number = 0;
  const auto model = request.queryParam("model");
  auto served = model ? service.nextForModel(*model, request_number) : service.next(request_number);
  const double ms = msSince(start);
  if (!served) {
    const auto& error = served.error();
    // A ?model= request the model could not answer says why, naming the model; only a store
    // that cannot answer either (unavailable) becomes the friendly fallback below.
    if (model && error.code != ErrorCode::kUnavailable) return modelErrorResponse(error, *model);
    obs::log().error("Fallback response", {{"source", "fallback"},
                                           {"request_number", request_number},
                                           {"error_type", error.name()},
                                           {"error_message", error.message},
                                           {"request_id", request.request_id}});
    auto response = jsonResponse(503, fallbackJson(request_number, ms));
    response.observation = http::Observation{"fallback", "", std::nullopt, 0, 0.0, false};
    return response;
  }
  return servedResponse(*served, ms);
}

std::optional<http::Response> getSayingFromMemory(SayingService& service,
                                                  const http::Request& request) {
  if (request.queryParam("model")) return std::nullopt;  // may wait on a generation
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t request_number = 0;
  auto served = service.nextFromMemory(request_number);
  if (!served) return std::nullopt;
  return servedResponse(*served, msSince(start));
}

bool sayingMayBlock(const SayingService& service, const http::Request& request) {
  return request.queryParam("model").has_value() || service.nextMayTouchStore();
}

}  // namespace cs::api
