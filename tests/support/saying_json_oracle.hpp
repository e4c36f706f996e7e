#pragma once
// The public shape of a served saying (SPEC part 1) built as a nlohmann tree, fields in the
// documented order: the oracle the hand-written hot path (api::sayingBody) is checked against
// byte for byte (tests/unit/json_text_test.cpp), and the "before" of the render micro-benchmark.
// Test-only on purpose: the product writes the body once, without a tree.
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/money.hpp"
#include "service/saying_service.hpp"

namespace cs::testing {

inline nlohmann::ordered_json sayingJsonOracle(const ServedSaying& served, double execution_ms) {
  auto roundMs = [](double ms) { return std::round(ms * 1000.0) / 1000.0; };
  const Saying& s = *served.saying;
  nlohmann::ordered_json j;
  j["id"] = s.id;
  j["text"] = s.text;
  j["services"] = s.services;
  j["model"] = s.model;
  j["provider"] = s.provider;
  j["source"] = sourceName(served.source);
  j["cached"] = served.source == Source::kCache;
  j["request_number"] = served.request_number;
  j["execution_ms"] = roundMs(execution_ms);
  j["llm_ms"] =
      s.llm_ms ? nlohmann::ordered_json(roundMs(*s.llm_ms)) : nlohmann::ordered_json(nullptr);
  j["tokens"] = {{"input", s.tokens.input_tokens}, {"output", s.tokens.output_tokens}};
  j["cost_usd"] = roundUsd(s.cost_usd);
  j["saying_cost_usd"] = roundUsd(s.cost_usd);
  j["request_tokens"] = {{"input", served.request_tokens.input_tokens},
                         {"output", served.request_tokens.output_tokens}};
  j["request_cost_usd"] = roundUsd(served.request_cost_usd);
  j["upvotes"] = s.upvotes;
  j["downvotes"] = s.downvotes;
  if (!served.requested_model.empty()) {
    j["requested_model"] = served.requested_model;
    j["fallback_reason"] = served.fallback_reason;
  }
  return j;
}

}  // namespace cs::testing
