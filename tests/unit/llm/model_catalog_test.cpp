// The model catalog (config/models.toml): what ships and what a bad catalog is told.
#include <gtest/gtest.h>

#include "llm/model_catalog.hpp"

namespace cs::llm {
namespace {

TEST(ModelCatalog, EmbeddedDefaultsCarryTheOriginalPrices) {
  auto catalog = loadModelCatalog("");
  ASSERT_TRUE(catalog) << catalog.error().message;
  ASSERT_EQ(catalog->size(), 4u);
  std::map<std::string, double> per_1k;
  for (const auto& m : *catalog) per_1k[m.id] = m.cost_per_1k_tokens();
  EXPECT_DOUBLE_EQ(per_1k["claude-haiku-4-5"], 0.0025);
  EXPECT_DOUBLE_EQ(per_1k["claude-sonnet-4-5"], 0.015);
  EXPECT_DOUBLE_EQ(per_1k["gpt-4.1"], 0.005);
  EXPECT_DOUBLE_EQ(per_1k["gpt-4.1-mini"], 0.001);
}

TEST(ModelCatalog, SeparatePricesAndErrors) {
  auto ok = parseModelCatalog(
      "[[models]]\nid='x'\nprovider='openai'\ninput_cost_per_token=1e-6\noutput_cost_per_token=4e-"
      "6\n",
      "t");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_DOUBLE_EQ((*ok)[0].output_cost_per_token, 4e-6);
  EXPECT_EQ((*ok)[0].upstream_model, "x");
  EXPECT_FALSE(parseModelCatalog("[[models]]\nid='x'\nprovider='openai'\n", "t"));  // no price
  EXPECT_FALSE(
      parseModelCatalog("[[models]]\nid='x'\nprovider='o'\ncost_per_1k_tokens=1\ncolour=1\n", "t"));
  auto dup = parseModelCatalog(
      "[[models]]\nid='x'\nprovider='o'\ncost_per_1k_tokens=1\n[[models]]\nid='x'\nprovider='o'"
      "\ncost_per_1k_tokens=1\n",
      "t");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("duplicate"), std::string::npos);
}

}  // namespace
}  // namespace cs::llm
