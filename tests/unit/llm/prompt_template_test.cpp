// The prompt templates per provider.
#include <gtest/gtest.h>

#include "llm/prompt_template.hpp"

namespace cs::llm {
namespace {

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
