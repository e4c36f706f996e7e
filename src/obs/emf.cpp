#include "obs/emf.hpp"

#include <nlohmann/json.hpp>

#include "core/money.hpp"

namespace cs::obs {

std::string emfLine(const RequestSample& s, std::int64_t timestamp_ms, std::string_view ns) {
  using nlohmann::ordered_json;
  ordered_json metrics = ordered_json::array();
  auto metric = [&](const char* name, const char* unit) {
    metrics.push_back({{"Name", name}, {"Unit", unit}});
  };
  metric("TotalExecutionTime", "Milliseconds");
  if (s.api_ms) metric("APILatency", "Milliseconds");
  metric("CacheHit", "Count");

  ordered_json line;
  line["_aws"] = {
      {"Timestamp", timestamp_ms},
      {"CloudWatchMetrics",
       ordered_json::array(
           {{{"Namespace", ns},
             // A request no model served has no model dimension (never model="none").
             {"Dimensions", s.model.empty()
                                ? ordered_json::array({ordered_json::array({"source"})})
                                : ordered_json::array({ordered_json::array({"source", "model"})})},
             {"Metrics", std::move(metrics)}}})}};
  line["source"] = s.source;
  if (!s.model.empty()) line["model"] = s.model;
  line["TotalExecutionTime"] = s.total_ms;
  if (s.api_ms) line["APILatency"] = *s.api_ms;
  // TokensUsed and Cost come from the ledger (emfSpendLine): a request's share would count a
  // call once per saying served and miss background refills.
  line["CacheHit"] = s.cache_hit ? 1 : 0;
  line["status"] = s.status;
  return line.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string emfSpendLine(const SpendSample& s, std::int64_t timestamp_ms, std::string_view ns) {
  using nlohmann::ordered_json;
  ordered_json line;
  line["_aws"] = {
      {"Timestamp", timestamp_ms},
      {"CloudWatchMetrics",
       ordered_json::array(
           {{{"Namespace", ns},
             {"Dimensions", ordered_json::array({ordered_json::array({"model"}),
                                                 ordered_json::array({"model", "purpose"})})},
             {"Metrics", ordered_json::array({{{"Name", "TokensUsed"}, {"Unit", "Count"}},
                                              {{"Name", "Cost"}, {"Unit", "None"}}})}}})}};
  line["model"] = s.model;
  line["purpose"] = s.purpose;
  line["provider"] = s.provider;
  line["outcome"] = s.outcome;
  line["TokensUsed"] = s.input_tokens + s.output_tokens;
  line["Cost"] = roundUsd(s.cost_usd);  // money in JSON: 1e-9 USD
  line["input_tokens"] = s.input_tokens;
  line["output_tokens"] = s.output_tokens;
  return line.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace cs::obs
