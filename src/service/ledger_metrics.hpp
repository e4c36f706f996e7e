#pragma once
#include <string>

#include "core/clock.hpp"
#include "llm/ledger.hpp"
#include "obs/metrics.hpp"

namespace cs {

// Feeds Prometheus (and, when enabled, CloudWatch EMF) from the ledger, one record at a time:
//   cloudsayings_llm_calls_total{model,provider,purpose,outcome}
//   cloudsayings_llm_tokens_total{model,provider,purpose,direction}   direction = input|output
//   cloudsayings_llm_cost_usd_total{model,provider,purpose}
// Labels come from the catalog (the gateway records no unknown model), so the series are bounded.
class LedgerMetrics final : public llm::LedgerSink {
 public:
  struct Options {
    bool emf = false;
    std::string emf_namespace = "CloudSayings";
  };
  LedgerMetrics(obs::Metrics& metrics, const Clock& clock, Options options);
  void record(const llm::LedgerRecord& record) override;

 private:
  obs::Metrics& metrics_;
  const Clock& clock_;
  Options options_;
};

}  // namespace cs
