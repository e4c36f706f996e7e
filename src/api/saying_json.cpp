#include "api/saying_json.hpp"

#include <cmath>

namespace cs::api {

namespace {
double roundMs(double ms) { return std::round(ms * 1000.0) / 1000.0; }
}  // namespace

nlohmann::ordered_json sayingJson(const ServedSaying& served, double execution_ms) {
  const Saying& s = *served.saying;
  nlohmann::ordered_json j;
  j["id"] = s.id;
  j["text"] = s.text;
  j["services"] = s.services;
  j["model"] = s.model;
  j["provider"] = s.provider;
  j["source"] = sourceName(served.source);
  j["cached"] = served.source == Source::kCache;
  j["request_number"] = served.request_number;
  j["execution_ms"] = roundMs(execution_ms);
  j["llm_ms"] = s.llm_ms ? nlohmann::ordered_json(roundMs(*s.llm_ms)) : nlohmann::ordered_json(nullptr);
  j["tokens"] = {{"input", s.tokens.input_tokens}, {"output", s.tokens.output_tokens}};
  j["cost_usd"] = s.cost_usd;
  j["upvotes"] = s.upvotes;
  j["downvotes"] = s.downvotes;
  return j;
}

nlohmann::ordered_json fallbackJson(std::uint64_t request_number, double execution_ms) {
  nlohmann::ordered_json j;
  j["error"] = "unavailable";
  j["message"] =
      "Our cloud of sayings is briefly overcast. Please try again in a moment.";
  j["text"] = "The cloud is like the weather: usually sunny, occasionally a little overcast.";
  j["source"] = "fallback";
  j["cached"] = false;
  j["request_number"] = request_number;
  j["execution_ms"] = roundMs(execution_ms);
  return j;
}

}  // namespace cs::api
