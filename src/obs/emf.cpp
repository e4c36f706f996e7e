#include "obs/emf.hpp"

#include <nlohmann/json.hpp>

namespace cs::obs {

std::string emfLine(const RequestSample& s, std::int64_t timestamp_ms, std::string_view ns) {
  using nlohmann::ordered_json;
  ordered_json metrics = ordered_json::array();
  auto metric = [&](const char* name, const char* unit) {
    metrics.push_back({{"Name", name}, {"Unit", unit}});
  };
  metric("TotalExecutionTime", "Milliseconds");
  if (s.api_ms) metric("APILatency", "Milliseconds");
  metric("TokensUsed", "Count");
  metric("Cost", "None");
  metric("CacheHit", "Count");

  ordered_json line;
  line["_aws"] = {
      {"Timestamp", timestamp_ms},
      {"CloudWatchMetrics",
       ordered_json::array(
           {{{"Namespace", ns},
             {"Dimensions", ordered_json::array({ordered_json::array({"source", "model"})})},
             {"Metrics", std::move(metrics)}}})}};
  line["source"] = s.source;
  line["model"] = s.model;
  line["TotalExecutionTime"] = s.total_ms;
  if (s.api_ms) line["APILatency"] = *s.api_ms;
  line["TokensUsed"] = s.tokens;
  line["Cost"] = s.cost_usd;
  line["CacheHit"] = s.cache_hit ? 1 : 0;
  line["status"] = s.status;
  return line.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace cs::obs
