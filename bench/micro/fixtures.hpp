#pragma once
#include <string>
#include <vector>

#include "core/saying.hpp"

namespace cs::bench {

// A saying shaped like the ones the service serves (LLM-made: model, tokens, cost, latency).
inline Saying sampleSaying(int n = 0) {
  Saying s;
  s.id = "s-" + std::to_string(100000 + n);
  s.text =
      "Amazon SQS is like a restaurant's order spike: the kitchen never sees the rush, only a "
      "steady line of tickets, and nobody asks where ticket 4,812 went.";
  s.services = {"Amazon SQS"};
  s.model = "gpt-4o-mini";
  s.provider = "openai";
  s.tokens = {61, 43};
  s.cost_usd = 0.0000349;
  s.llm_ms = 812.4567;
  s.created_at_ms = 1'764'300'000'000;
  s.upvotes = 12;
  s.downvotes = 3;
  return s;
}

}  // namespace cs::bench
