#include "api/stats_handler.hpp"

#include <cmath>

#include "api/json_response.hpp"
#include "core/money.hpp"
#include "core/time_format.hpp"
#include "llm/ledger.hpp"
#include "obs/logger.hpp"

namespace cs::api {

namespace {
double round(double v, double scale) {
  return std::round(v * scale) / scale;
}

// The ledger's sums; every purpose is listed (zeros included) so the shape never changes.
nlohmann::ordered_json spendJson(const Spend& s) {
  nlohmann::ordered_json by_purpose = nlohmann::ordered_json::object();
  for (llm::Purpose p : llm::kAllPurposes) {
    const auto it = s.by_purpose.find(llm::purposeName(p));
    const PurposeSpend ps = it == s.by_purpose.end() ? PurposeSpend{} : it->second;
    by_purpose[llm::purposeName(p)] = {{"calls", ps.calls},
                                       {"input_tokens", ps.input_tokens},
                                       {"output_tokens", ps.output_tokens},
                                       {"cost_usd", roundUsd(ps.cost_usd)}};
  }
  return {{"calls", s.calls},
          {"failed_calls", s.failed_calls},
          {"input_tokens", s.input_tokens},
          {"output_tokens", s.output_tokens},
          {"cost_usd", roundUsd(s.cost_usd)},
          {"by_purpose", std::move(by_purpose)}};
}

void putFigures(nlohmann::ordered_json& j, const Figures& f) {
  j["positive"] = f.positive;
  j["negative"] = f.negative;
  j["total"] = f.total();
  j["success_rate"] = round(f.successRate(), 100);
  j["score"] = f.score();
  j["avg_response_time_ms"] = round(f.avgResponseTimeMs(), 1000);
  j["response_time_samples"] = f.response_time_samples;
  j["invocations"] = f.invocations;
  j["errors"] = f.errors;
  j["cache_hits"] = f.cache_hits;
  j["cache_hit_rate"] = round(f.cacheHitRate(), 100);
  j["tokens"] = f.tokens;
  j["cost_usd"] = round(f.cost_usd, 1e9);
  j["avg_execution_ms"] =
      f.invocations == 0 ? 0.0
                         : round(f.execution_ms_sum / static_cast<double>(f.invocations), 1000);
  j["spend"] = spendJson(f.spend);
}

nlohmann::ordered_json optionalString(const std::optional<std::string>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}
}  // namespace

nlohmann::ordered_json statsJson(const StatsResult& r) {
  const Stats& s = r.stats;
  nlohmann::ordered_json j;
  j["computed_at"] = formatIsoUtcMs(r.computed_at_ms);
  j["filters"] = {
      {"from", r.filter.from_given ? nlohmann::ordered_json(formatIsoUtcMs(r.filter.from_ms))
                                   : nlohmann::ordered_json(nullptr)},
      {"to", formatIsoUtcMs(r.filter.to_ms)},
      {"provider", optionalString(r.filter.provider)},
      {"model", optionalString(r.filter.model)}};
  j["range"] = {{"from", formatIsoUtcMs(s.from_ms)}, {"to", formatIsoUtcMs(s.to_ms)}};
  nlohmann::ordered_json totals = nlohmann::ordered_json::object();
  putFigures(totals, s.totals);
  j["totals"] = std::move(totals);
  auto& providers = j["providers"] = nlohmann::ordered_json::array();
  for (const auto& p : s.providers) {
    nlohmann::ordered_json e;
    e["provider"] = p.provider;
    putFigures(e, p.figures);
    providers.push_back(std::move(e));
  }
  auto& models = j["models"] = nlohmann::ordered_json::array();
  for (const auto& m : s.models) {
    nlohmann::ordered_json e;
    e["model"] = m.model;
    e["provider"] = m.provider;
    putFigures(e, m.figures);
    models.push_back(std::move(e));
  }
  auto& services = j["services"] = nlohmann::ordered_json::array();
  for (const auto& m : s.services)
    services.push_back({{"service", m.service},
                        {"sayings", m.sayings},
                        {"positive", m.positive},
                        {"negative", m.negative}});
  // The list ranks the newest votes only (ServicesWindow); say how many and whether capped.
  j["services_window"] = {{"votes", r.services_window.votes},
                          {"limited", r.services_window.limited}};
  nlohmann::ordered_json buckets = nlohmann::ordered_json::array();
  for (const auto& b : s.series) {
    const Figures& f = b.figures;
    buckets.push_back({{"start", formatIsoUtcMs(b.start_ms)},
                       {"positive", f.positive},
                       {"negative", f.negative},
                       {"success_rate", round(f.successRate(), 100)},
                       {"avg_response_time_ms", round(f.avgResponseTimeMs(), 1000)},
                       {"invocations", f.invocations},
                       {"cache_hits", f.cache_hits},
                       {"tokens", f.tokens},
                       {"cost_usd", round(f.cost_usd, 1e9)}});
  }
  j["series"] = {{"bucket_ms", s.bucket_ms}, {"buckets", std::move(buckets)}};
  return j;
}

http::Response getStats(StatsService& service, const http::Request& request) {
  auto result = service.stats(request.query());
  if (!result) {
    const auto& e = result.error();
    if (e.code == ErrorCode::kBadRequest) return http::jsonError(ErrorCode::kBadRequest, e.message);
    obs::log().error("Stats failed", {{"error_type", e.name()},
                                      {"error_message", e.message},
                                      {"request_id", request.request_id}});
    if (e.code == ErrorCode::kStoreUnavailable)
      return http::jsonError(ErrorCode::kStoreUnavailable,
                             "statistics are unavailable; please retry");
    return http::jsonError(ErrorCode::kInternal, "statistics could not be computed");
  }
  return jsonResponse(200, statsJson(**result));
}

}  // namespace cs::api
