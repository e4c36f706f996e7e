#include "llm/cost.hpp"

#include <algorithm>
#include <cmath>

#include "llm/error_classify.hpp"

namespace cs::llm {
namespace {
// The adapters refuse counts outside 0..kMaxTokens; clamping here as well keeps spend
// non-negative and finite whatever produced the Usage (a future adapter, a test double).
std::int64_t bounded(std::int64_t tokens) {
  return std::clamp<std::int64_t>(tokens, 0, kMaxTokens);
}
double price(double per_token) {
  return std::isfinite(per_token) && per_token > 0 ? per_token : 0.0;
}
}  // namespace

double callCost(const ModelInfo& model, const Usage& usage) {
  return static_cast<double>(bounded(usage.input_tokens)) * price(model.input_cost_per_token) +
         static_cast<double>(bounded(usage.output_tokens)) * price(model.output_cost_per_token);
}

std::vector<GeneratedSaying> splitCall(const ModelInfo& model, const Usage& usage,
                                       std::vector<std::string> texts) {
  std::vector<GeneratedSaying> out;
  const auto n = static_cast<std::int64_t>(texts.size());
  if (n == 0) return out;
  const std::int64_t input = bounded(usage.input_tokens), output = bounded(usage.output_tokens);
  for (std::int64_t i = 0; i < n; ++i) {
    GeneratedSaying s;
    s.text = std::move(texts[static_cast<std::size_t>(i)]);
    s.tokens.input_tokens = input / n + (i < input % n ? 1 : 0);
    s.tokens.output_tokens = output / n + (i < output % n ? 1 : 0);
    s.cost_usd = callCost(model, s.tokens);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace cs::llm
