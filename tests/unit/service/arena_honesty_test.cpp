// The arena's self-naming filter (src/service/arena_honesty.*).
#include <gtest/gtest.h>

#include "service/arena_honesty.hpp"

namespace cs::arena {
namespace {

TEST(ArenaHonesty, FindsTheModelItsFamilyItsProviderAndItsBrands) {
  const auto gpt = selfNames("gpt-4.1-mini", "openai", "GPT-4.1 mini");
  EXPECT_TRUE(namesItself("As GPT-4.1-mini, I say S3 is a bucket", gpt));
  EXPECT_TRUE(namesItself("gpt would say Lambda is a cook", gpt));
  EXPECT_TRUE(namesItself("Even ChatGPT knows EC2 is a rental car", gpt));
  EXPECT_TRUE(namesItself("OpenAI's take: SQS is a post box", gpt));
  EXPECT_FALSE(namesItself("Egypt's pyramids are like Glacier", gpt)) << "whole words only";
  EXPECT_FALSE(namesItself("Claude thinks S3 is a bucket", gpt)) << "another model's name";
  const auto claude = selfNames("claude-haiku-4-5", "anthropic", "Claude Haiku 4.5");
  EXPECT_TRUE(namesItself("I, claude, find DynamoDB a filing cabinet", claude));
  EXPECT_TRUE(namesItself("Anthropic built me; IAM is a bouncer", claude));
  EXPECT_TRUE(namesItself("A claude haiku 4.5 on CloudFront", claude));
  EXPECT_FALSE(namesItself("Lambda is like a short-order cook", claude));
}

}  // namespace
}  // namespace cs::arena
