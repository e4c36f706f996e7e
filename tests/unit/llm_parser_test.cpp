// Batch parsing of real model output, cost split, prompts and the model catalog.
#include <gtest/gtest.h>

#include "llm/batch_parser.hpp"
#include "llm/cost.hpp"
#include "llm/model_catalog.hpp"
#include "llm/prompt_template.hpp"

namespace cs::llm {
namespace {

const std::string kA = "Amazon S3 is like a bottomless closet that never fills up.";
const std::string kB = "AWS Lambda is like a taxi: you only pay for the ride.";
const std::string kC = "Amazon SQS is like a deli ticket machine for your messages.";

TEST(BatchParser, NumberedList) {
  EXPECT_EQ(parseSayings("1. " + kA + "\n2. " + kB + "\n3. " + kC), (std::vector{kA, kB, kC}));
  EXPECT_EQ(parseSayings("1) " + kA + "\n2) " + kB), (std::vector{kA, kB}));
}

TEST(BatchParser, BulletsQuotesBoldAndProse) {
  const std::string text = "Here are three sayings about cloud services:\n\n- \"" + kA +
                           "\"\n* **" + kB + "**\n\xE2\x80\xA2 \xE2\x80\x9C" + kC +
                           "\xE2\x80\x9D\n\nI hope these bring a smile!";
  EXPECT_EQ(parseSayings(text), (std::vector{kA, kB, kC}));
}

TEST(BatchParser, CodeFenceAndJsonArray) {
  EXPECT_EQ(parseSayings("```\n1. " + kA + "\n2. " + kB + "\n```"), (std::vector{kA, kB}));
  EXPECT_EQ(parseSayings("```json\n[\"" + kA + "\", \"" + kB + "\"]\n```"), (std::vector{kA, kB}));
  EXPECT_EQ(parseSayings(R"({"sayings":[{"text":")" + kC + "\"}]}"), (std::vector{kC}));
}

TEST(BatchParser, PlainLinesWithoutMarkers) {
  EXPECT_EQ(parseSayings("Sure! Here you go:\n" + kA + "\n" + kB + "\nEnjoy these!"),
            (std::vector{kA, kB}));
}

TEST(BatchParser, ContinuationLinesJoinTheirItem) {
  EXPECT_EQ(
      parseSayings("1. Amazon S3 is like a bottomless closet\nthat never fills up.\n2. " + kB),
      (std::vector{kA, kB}));
}

TEST(BatchParser, RejectsJunk) {
  EXPECT_TRUE(parseSayings("").empty());
  EXPECT_TRUE(parseSayings("   \n\n  ").empty());
  EXPECT_TRUE(parseSayings("1. Too short\n2. ***\n3. 12345 67890 11111 22222 33333").empty());
  EXPECT_TRUE(parseSayings("1. " + std::string(500, 'x') + " y z w v").empty());
  EXPECT_TRUE(parseSayings("Here are three sayings about the cloud:").empty());
  EXPECT_EQ(parseSayings("1. " + kA + "\n2. " + kA + "\n3. " + kB),
            (std::vector{kA, kB}));  // duplicates
  EXPECT_EQ(parseSayings("1. " + kA + "\n2. " + kB + "\n3. " + kC + "\n4. " + kA + " again",
                         {.max_count = 2}),
            (std::vector{kA, kB}));
}

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

TEST(PromptTemplate, RendersAvoidAndTopicOrDropsThem) {
  PromptSet set;
  for (const char* id : {"anthropic", "openai"}) {
    auto t = set.get(id);
    ASSERT_TRUE(t) << t.error().message;
    auto plain = (*t)->render(3, {}, std::nullopt);
    EXPECT_NE(plain.user.find("exactly 3"), std::string::npos) << plain.user;
    EXPECT_EQ(plain.user.find('{'), std::string::npos) << plain.user;
    EXPECT_EQ(plain.user.find("Avoid"), std::string::npos);
    auto steered = (*t)->render(3, {"Amazon S3", "AWS Lambda"}, std::string("databases"));
    EXPECT_NE(steered.user.find("Avoid these services"), std::string::npos);
    EXPECT_NE(steered.user.find("Amazon S3, AWS Lambda"), std::string::npos);
    EXPECT_NE(steered.user.find("databases"), std::string::npos);
    EXPECT_FALSE(steered.system.empty());
  }
  EXPECT_FALSE(set.get("missing"));
}

}  // namespace
}  // namespace cs::llm
