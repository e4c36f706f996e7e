#include "api/metrics_hook.hpp"

#include <cstdio>

#include "obs/emf.hpp"
#include "obs/logger.hpp"

namespace cs::api {

namespace {
std::string serverTiming(double total_ms, const std::optional<double>& upstream_ms) {
  char buf[96];
  if (upstream_ms)
    std::snprintf(buf, sizeof buf, "total;dur=%.3f, upstream;dur=%.3f", total_ms, *upstream_ms);
  else
    std::snprintf(buf, sizeof buf, "total;dur=%.3f", total_ms);
  return buf;
}
}  // namespace

http::Pipeline::After metricsHook(obs::Metrics& metrics, RequestStatsRecorder* recorder,
                                  const Clock& clock, MetricsHookOptions options) {
  return [&metrics, recorder, &clock, options = std::move(options)](
             const http::Request&, http::Response& response, double execution_ms) {
    metrics.recordResponse(response.status);
    const auto& obs = response.observation;
    response.headers.set("Server-Timing",
                         serverTiming(execution_ms, obs ? obs->api_latency_ms : std::nullopt));
    if (!obs) return;
    obs::RequestSample sample;
    sample.source = obs->source.empty() ? std::string_view("none") : std::string_view(obs->source);
    sample.model = obs->model;  // empty: no model served it (no model label, no "none")
    sample.status = response.status;
    sample.total_ms = execution_ms;
    sample.api_ms = obs->api_latency_ms;
    sample.tokens = obs->tokens;
    sample.cost_usd = obs->cost_usd;
    sample.cache_hit = obs->cache_hit;
    metrics.recordRequest(sample);
    if (recorder) recorder->record(sample);
    if (options.emf)
      obs::log().writeLine(obs::emfLine(sample, clock.wallMs(), options.emf_namespace));
  };
}

http::Response metricsEndpoint(obs::Metrics& metrics) {
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics.renderPrometheus();
  r.headers.set("Cache-Control", "no-store");
  return r;
}

}  // namespace cs::api
