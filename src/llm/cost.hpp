#pragma once
#include <vector>

#include "core/saying.hpp"
#include "llm/types.hpp"

namespace cs::llm {

// USD for one call: tokens x per-token prices (doubles: a 60-token Haiku call is 1.5e-4, far
// from rounding to zero).
double callCost(const ModelInfo& model, const Usage& usage);

// One call's usage and cost split over the n sayings it produced: tokens divided evenly (the
// remainder goes to the first sayings, so shares add up exactly), cost in proportion.
std::vector<GeneratedSaying> splitCall(const ModelInfo& model, const Usage& usage,
                                       std::vector<std::string> texts);

}  // namespace cs::llm
