#include "service/ledger_metrics.hpp"

#include "obs/emf.hpp"
#include "obs/logger.hpp"

namespace cs {

LedgerMetrics::LedgerMetrics(obs::Metrics& metrics, const Clock& clock, Options options)
    : metrics_(metrics), clock_(clock), options_(std::move(options)) {}

void LedgerMetrics::record(const llm::LedgerRecord& r) {
  const std::string purpose = llm::purposeName(r.purpose);
  metrics_
      .counter("cloudsayings_llm_calls_total",
               "Upstream LLM calls (retries are attempts of one call) by outcome: ok or the "
               "error type.",
               {{"model", r.model},
                {"provider", r.provider},
                {"purpose", purpose},
                {"outcome", r.outcome}})
      .inc();
  const char* kTokensHelp = "Tokens the provider reported for LLM calls, by direction.";
  auto tokens = [&](const char* direction, std::int64_t n) {
    auto& c = metrics_.counter("cloudsayings_llm_tokens_total", kTokensHelp,
                               {{"model", r.model},
                                {"provider", r.provider},
                                {"purpose", purpose},
                                {"direction", direction}});
    if (n > 0) c.inc(static_cast<double>(n));
  };
  tokens("input", r.tokens.input_tokens);
  tokens("output", r.tokens.output_tokens);
  auto& cost =
      metrics_.counter("cloudsayings_llm_cost_usd_total",
                       "US dollars of LLM calls: reported tokens x the catalog's prices.",
                       {{"model", r.model}, {"provider", r.provider}, {"purpose", purpose}});
  if (r.cost_usd > 0) cost.inc(r.cost_usd);
  if (options_.emf)
    obs::log().writeLine(
        obs::emfSpendLine({r.model, r.provider, purpose, r.outcome, r.tokens.input_tokens,
                           r.tokens.output_tokens, r.cost_usd},
                          clock_.wallMs(), options_.emf_namespace));
}

}  // namespace cs
