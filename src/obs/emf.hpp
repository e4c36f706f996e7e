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

// One upstream LLM call's spend (a ledger record): TokensUsed (input + output) and Cost with
// the dimensions [model] and [model, purpose]; provider, outcome and the token directions as
// properties. The only EMF source of TokensUsed and Cost, so CloudWatch sums are the ledger's.
struct SpendSample {
  std::string_view model;
  std::string_view provider;
  std::string_view purpose;
  std::string_view outcome;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost_usd = 0.0;
};
std::string emfSpendLine(const SpendSample& sample, std::int64_t timestamp_ms,
                         std::string_view ns = "CloudSayings");

}  // namespace cs::obs
