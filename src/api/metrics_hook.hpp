#pragma once
#include "core/clock.hpp"
#include "http/message.hpp"
#include "http/pipeline.hpp"
#include "obs/metrics.hpp"
#include "service/request_stats.hpp"

namespace cs::api {

struct MetricsHookOptions {
  bool emf = false;  // also write a CloudWatch EMF line per observed request
  std::string emf_namespace = "CloudSayings";
};

// The Pipeline after-hook behind every metric: counts every response, and for responses that
// carry an http::Observation records the five request metrics (Prometheus), the per-minute
// rollup (RequestStatsRecorder; may be null) and, when enabled, an EMF line. Sets the
// `Server-Timing` header (total, and upstream when an LLM call was made). Handlers only fill
// Response::observation; they never touch metrics.
http::Pipeline::After metricsHook(obs::Metrics& metrics, RequestStatsRecorder* recorder,
                                  const Clock& clock, MetricsHookOptions options);

// GET /metrics: Prometheus text exposition format 0.0.4.
http::Response metricsEndpoint(obs::Metrics& metrics);

}  // namespace cs::api
