#include "llm/cost.hpp"

namespace cs::llm {

double callCost(const ModelInfo& model, const Usage& usage) {
  return static_cast<double>(usage.input_tokens) * model.input_cost_per_token +
         static_cast<double>(usage.output_tokens) * model.output_cost_per_token;
}

std::vector<GeneratedSaying> splitCall(const ModelInfo& model, const Usage& usage,
                                       std::vector<std::string> texts) {
  std::vector<GeneratedSaying> out;
  const auto n = static_cast<std::int64_t>(texts.size());
  if (n == 0) return out;
  for (std::int64_t i = 0; i < n; ++i) {
    GeneratedSaying s;
    s.text = std::move(texts[static_cast<std::size_t>(i)]);
    s.tokens.input_tokens = usage.input_tokens / n + (i < usage.input_tokens % n ? 1 : 0);
    s.tokens.output_tokens = usage.output_tokens / n + (i < usage.output_tokens % n ? 1 : 0);
    s.cost_usd = callCost(model, s.tokens);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace cs::llm
