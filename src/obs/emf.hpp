#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "obs/metrics.hpp"

namespace cs::obs {

// One CloudWatch Embedded Metric Format record for a request: the original's five metric
// names (TotalExecutionTime and APILatency in Milliseconds, TokensUsed, Cost, CacheHit) with
// the dimensions [source, model], in namespace `ns`. APILatency is present only when the
// request made an upstream call. CloudWatch Logs turns each such line into metrics.
std::string emfLine(const RequestSample& sample, std::int64_t timestamp_ms,
                    std::string_view ns = "CloudSayings");

}  // namespace cs::obs
