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

http::Response getSaying(SayingService& service, const http::Request& request) {
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t request_number = 0;
  const auto model = request.queryParam("model");
  auto served = model ? service.nextForModel(*model, request_number) : service.next(request_number);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!served) {
    const auto& error = served.error();
    if (error.code == ErrorCode::kUnknownModel || error.code == ErrorCode::kModelDisabled)
      return http::jsonError(error);
    obs::log().error("Fallback response", {{"source", "fallback"},
                                           {"request_number", request_number},
                                           {"error_type", error.name()},
                                           {"error_message", error.message},
                                           {"request_id", request.request_id}});
    auto response = jsonResponse(503, fallbackJson(request_number, ms));
    response.observation = http::Observation{"fallback", "", std::nullopt, 0, 0.0, false};
    return response;
  }
  auto response = jsonTextResponse(200, sayingBody(*served, ms));
  const Saying& s = *served->saying;
  const bool generated_now = served->source == Source::kLlm;
  response.observation = http::Observation{sourceName(served->source),
                                           s.model,
                                           generated_now ? s.llm_ms : std::nullopt,
                                           generated_now ? s.tokens.total() : 0,
                                           generated_now ? s.cost_usd : 0.0,
                                           served->source == Source::kCache};
  return response;
}

bool sayingMayBlock(const SayingService& service, const http::Request& request) {
  return request.queryParam("model").has_value() || service.nextMayTouchStore();
}

}  // namespace cs::api
