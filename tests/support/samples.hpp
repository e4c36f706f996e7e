#pragma once
// Plain records the tests build again and again: a stored saying and a vote, a ledger record, a
// request sample, and the lookup of one ledger rollup row.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/saying.hpp"
#include "llm/ledger.hpp"
#include "obs/metrics.hpp"
#include "store/records.hpp"

namespace cs::testing {

// A generated saying with every field set: an Anthropic model's, about `services`.
inline Saying sampleSaying(const std::string& id, const std::string& text, std::int64_t at = 1000,
                           std::vector<std::string> services = {"Amazon S3"}) {
  Saying s;
  s.id = id;
  s.text = text;
  s.services = std::move(services);
  s.model = "claude-haiku-4-5";
  s.provider = "anthropic";
  s.tokens = {60, 90};
  s.cost_usd = 0.000375;
  s.llm_ms = 812.5;
  s.created_at_ms = at;
  return s;
}

// `client`'s vote on `saying` (a cached answer of sampleSaying's model) at `at`.
inline FeedbackRecord sampleVote(const std::string& saying, const std::string& client, Vote v,
                                 std::int64_t at) {
  FeedbackRecord r;
  r.id = randomId();
  r.saying_id = saying;
  r.vote = v;
  r.model = "claude-haiku-4-5";
  r.provider = "anthropic";
  r.execution_time = 12.5;
  r.is_cached = true;
  r.client_key = client;
  r.created_at_ms = at;
  return r;
}

// One call of `in` + `out` tokens for `cost` dollars that ended at `at_ms`, in one attempt.
inline llm::LedgerRecord ledgerRecord(std::int64_t at_ms, std::string model, std::string provider,
                                      llm::Purpose purpose, std::string outcome, std::int64_t in,
                                      std::int64_t out, double cost) {
  llm::LedgerRecord r;
  r.model = std::move(model);
  r.provider = std::move(provider);
  r.purpose = purpose;
  r.outcome = std::move(outcome);
  r.attempts = 1;
  r.tokens = Usage{in, out};
  r.cost_usd = cost;
  r.latency_ms = 10;
  r.ended_at_ms = at_ms;
  return r;
}

// The rollup row of (minute, model, purpose); null when there is none.
inline const LedgerRow* findLedgerRow(const std::vector<LedgerRow>& rows, std::int64_t minute,
                                      const std::string& model, const std::string& purpose) {
  auto it = std::ranges::find_if(rows, [&](const LedgerRow& r) {
    return r.minute_ms == minute && r.model == model && r.purpose == purpose;
  });
  return it == rows.end() ? nullptr : &*it;
}

inline obs::RequestSample requestSample(std::string_view source, std::string_view model,
                                        double ms) {
  obs::RequestSample s;
  s.source = source;
  s.model = model;
  s.total_ms = ms;
  return s;
}

}  // namespace cs::testing
