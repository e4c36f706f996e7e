#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cs {

// Token usage as a provider reports it, normalised across providers.
struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t total() const { return input_tokens + output_tokens; }
};

// One saying as stored in `main_humor`.
struct Saying {
  std::string id;
  std::string text;
  std::vector<std::string> services;  // canonical cloud-service names it mentions
  std::string model;                  // model id, or "corpus" for shipped sayings
  std::string provider;               // provider name, or "corpus"
  Usage tokens;
  double cost_usd = 0.0;
  std::optional<double> llm_ms;    // generation time, when it came from an LLM
  std::int64_t created_at_ms = 0;  // Unix epoch milliseconds
  std::int64_t upvotes = 0;
  std::int64_t downvotes = 0;
};

}  // namespace cs
