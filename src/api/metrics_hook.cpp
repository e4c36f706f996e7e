#include "api/metrics_hook.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "obs/emf.hpp"
#include "obs/logger.hpp"

namespace cs::api {

namespace {
// Milliseconds with three decimals, formatted with to_chars (printf's float path was a visible
// share of a hot-path request's CPU).
void appendMs(std::string& out, double ms) {
  char buf[32];
  // Clamped so the fixed notation always fits the buffer (a day is 8.64e7 ms).
  const double v = std::isfinite(ms) ? std::clamp(ms, 0.0, 1e12) : 0.0;
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 3);
  out.append(buf, r.ptr);
}

std::string serverTiming(double total_ms, const std::optional<double>& upstream_ms) {
  std::string out = "total;dur=";
  appendMs(out, total_ms);
  if (upstream_ms) {
    out += ", upstream;dur=";
    appendMs(out, *upstream_ms);
  }
  return out;
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
