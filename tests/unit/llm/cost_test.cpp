// The cost split per saying and the cost arithmetic on absurd token counts and prices.
#include <gtest/gtest.h>

#include <limits>

#include "llm/cost.hpp"

namespace cs::llm {
namespace {

TEST(Cost, SplitAddsUpAndNeverRoundsToZero) {
  ModelInfo haiku;
  haiku.input_cost_per_token = haiku.output_cost_per_token = 0.0025 / 1000;
  EXPECT_DOUBLE_EQ(callCost(haiku, {30, 30}), 60 * 0.0025 / 1000);
  EXPECT_GT(callCost(haiku, {30, 30}), 0.0);
  auto parts = splitCall(haiku, {100, 50}, {"a", "b", "c"});
  ASSERT_EQ(parts.size(), 3u);
  std::int64_t in = 0, out = 0;
  double cost = 0;
  for (const auto& p : parts) {
    in += p.tokens.input_tokens;
    out += p.tokens.output_tokens;
    cost += p.cost_usd;
  }
  EXPECT_EQ(in, 100);
  EXPECT_EQ(out, 50);
  EXPECT_NEAR(cost, callCost(haiku, {100, 50}), 1e-15);
  EXPECT_EQ(parts[0].tokens.input_tokens, 34);
  EXPECT_TRUE(splitCall(haiku, {1, 1}, {}).empty());
}

}  // namespace
}  // namespace cs::llm

namespace cs {
namespace {

// The cost arithmetic on absurd token counts and prices.

TEST(CostBounds, SpendIsNeverNegativeNanOrWrapped) {
  llm::ModelInfo m;
  m.input_cost_per_token = 5e-6;
  m.output_cost_per_token = 2.5e-5;
  for (std::int64_t tokens : {std::int64_t{-1'000'000'000}, INT64_MIN, INT64_MAX}) {
    Usage u;
    u.input_tokens = tokens;
    u.output_tokens = tokens;
    const double cost = llm::callCost(m, u);
    EXPECT_GE(cost, 0.0);
    EXPECT_LE(cost, 1e9 * 3e-5 + 1);
    for (const auto& s : llm::splitCall(m, u, {"a", "b", "c"})) {
      EXPECT_GE(s.tokens.input_tokens, 0);
      EXPECT_GE(s.cost_usd, 0.0);
    }
  }
  m.input_cost_per_token = std::numeric_limits<double>::quiet_NaN();
  m.output_cost_per_token = -1;
  Usage u;
  u.input_tokens = 10;
  u.output_tokens = 10;
  EXPECT_EQ(llm::callCost(m, u), 0.0);
}

}  // namespace
}  // namespace cs
