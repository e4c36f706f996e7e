#include "api/models_handler.hpp"

#include <cstdio>
#include <cstdlib>

#include "api/json_response.hpp"
#include "core/money.hpp"

namespace cs::api {

namespace {
// A per-token price to 12 significant digits: the catalog's "0.015 per 1K" divided by 1000 is
// 1.4999999999999999e-05 in doubles, shown as 1.5e-05. Not rounded to a nano-dollar: a price
// is not an amount, and one below 1e-9 must not vanish.
double tidyPrice(double price) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", price);
  return std::strtod(text, nullptr);
}
}  // namespace

http::Response listModels(const llm::Gateway& gateway) {
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  for (const auto& m : gateway.models()) {
    models.push_back({{"id", m.info.id},
                      {"provider", m.info.provider},
                      {"display_name", m.info.display_name},
                      {"upstream_model", m.info.upstream_model},
                      {"input_cost_per_token", tidyPrice(m.info.input_cost_per_token)},
                      {"output_cost_per_token", tidyPrice(m.info.output_cost_per_token)},
                      {"cost_per_1k_tokens", roundUsd(m.info.cost_per_1k_tokens())},
                      {"enabled", m.enabled},
                      {"disabled_reason", m.enabled ? nlohmann::ordered_json(nullptr)
                                                    : nlohmann::ordered_json(m.disabled_reason)},
                      {"health", m.health}});
  }
  return jsonResponse(200, nlohmann::ordered_json{{"models", std::move(models)}});
}

}  // namespace cs::api
