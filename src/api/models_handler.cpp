#include "api/models_handler.hpp"

#include "api/json_response.hpp"
#include "core/money.hpp"

namespace cs::api {

http::Response listModels(const llm::Gateway& gateway) {
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  for (const auto& m : gateway.models()) {
    models.push_back({{"id", m.info.id},
                      {"provider", m.info.provider},
                      {"display_name", m.info.display_name},
                      {"upstream_model", m.info.upstream_model},
                      // Prices per token as the catalog gives them (not amounts: a price
                      // below a nano-dollar must not round away); the 1K average is money.
                      {"input_cost_per_token", m.info.input_cost_per_token},
                      {"output_cost_per_token", m.info.output_cost_per_token},
                      {"cost_per_1k_tokens", roundUsd(m.info.cost_per_1k_tokens())},
                      {"enabled", m.enabled},
                      {"disabled_reason", m.enabled ? nlohmann::ordered_json(nullptr)
                                                    : nlohmann::ordered_json(m.disabled_reason)},
                      {"health", m.health}});
  }
  return jsonResponse(200, nlohmann::ordered_json{{"models", std::move(models)}});
}

}  // namespace cs::api
