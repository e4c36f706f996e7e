#include <gtest/gtest.h>

#include <limits>

#include "store/dynamo/attribute_value.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {
namespace {

Saying fullSaying() {
  Saying s;
  s.id = "abc";
  s.text = "Amazon S3 is like a bottomless closet";
  s.services = {"Amazon S3", "AWS Lambda"};
  s.model = "claude-haiku-4-5";
  s.provider = "anthropic";
  s.tokens = {60, 90};
  s.cost_usd = 0.000375;
  s.llm_ms = 812.5;
  s.created_at_ms = 1'700'000'000'123;
  s.upvotes = 3;
  s.downvotes = 1;
  return s;
}

TEST(DynamoItemCodec, SayingRoundTripsEveryFieldAndKeepsServiceOrder) {
  const Saying s = fullSaying();
  const Json item = sayingItem(s);
  EXPECT_EQ(item["id"], attrS("abc"));
  EXPECT_EQ(item["created_at"], Json::parse(R"({"N":"1700000000123"})"));
  EXPECT_EQ(item["services"], Json::parse(R"({"L":[{"S":"Amazon S3"},{"S":"AWS Lambda"}]})"));
  auto back = sayingFromItem(item);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, s.id);
  EXPECT_EQ(back->text, s.text);
  EXPECT_EQ(back->services, s.services);
  EXPECT_EQ(back->model, s.model);
  EXPECT_EQ(back->provider, s.provider);
  EXPECT_EQ(back->tokens.input_tokens, 60);
  EXPECT_EQ(back->tokens.output_tokens, 90);
  EXPECT_DOUBLE_EQ(back->cost_usd, s.cost_usd);
  EXPECT_DOUBLE_EQ(*back->llm_ms, 812.5);
  EXPECT_EQ(back->created_at_ms, s.created_at_ms);
  EXPECT_EQ(back->upvotes, 3);
  EXPECT_EQ(back->downvotes, 1);
}

TEST(DynamoItemCodec, SayingWithoutOptionalsAndWithAStringSet) {
  Saying s = fullSaying();
  s.services.clear();
  s.llm_ms.reset();
  Json item = sayingItem(s);
  EXPECT_FALSE(item.contains("llm_ms"));
  EXPECT_EQ(item["services"], Json::parse(R"({"L":[]})"));
  auto back = sayingFromItem(item).value();
  EXPECT_TRUE(back.services.empty());
  EXPECT_FALSE(back.llm_ms);
  // Items written by other tools may use a string set, NULL, or omit counters.
  item["services"] = attrSS({"Amazon S3"});
  item["llm_ms"] = attrNull();
  item.erase("upvotes");
  back = sayingFromItem(item).value();
  EXPECT_EQ(back.services, std::vector<std::string>{"Amazon S3"});
  EXPECT_FALSE(back.llm_ms);
  EXPECT_EQ(back.upvotes, 0);
}

TEST(DynamoItemCodec, BadSayingItemsAreCleanErrors) {
  Json no_text = sayingItem(fullSaying());
  no_text.erase("text");
  auto r = sayingFromItem(no_text);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("text"), std::string::npos);
  Json wrong_type = sayingItem(fullSaying());
  wrong_type["upvotes"] = attrS("many");
  EXPECT_FALSE(sayingFromItem(wrong_type));
  EXPECT_FALSE(sayingFromItem(Json::array()));
  EXPECT_FALSE(sayingFromItem(Json::parse(R"({"id":"raw","text":{"S":"x"}})")));
}

TEST(DynamoItemCodec, FeedbackRoundTripsAndKeysByVoter) {
  FeedbackRecord f;
  f.id = "rec-1";
  f.saying_id = "abc";
  f.vote = Vote::kDown;
  f.model = "gpt-4.1";
  f.provider = "openai";
  f.execution_time = 12.5;
  f.is_cached = false;
  f.client_key = "client-9";
  f.created_at_ms = 1234;
  const Json item = feedbackItem(f);
  EXPECT_EQ(item["vote_key"], attrS("abc#client-9"));
  EXPECT_EQ(feedbackKey(f), Json::parse(R"({"vote_key":{"S":"abc#client-9"}})"));
  EXPECT_EQ(item["is_cached"], attrBool(false));
  EXPECT_FALSE(item.contains("original_llm_time"));
  auto back = feedbackFromItem(item).value();
  EXPECT_EQ(back.id, "rec-1");
  EXPECT_EQ(back.vote, Vote::kDown);
  EXPECT_DOUBLE_EQ(*back.execution_time, 12.5);
  EXPECT_FALSE(back.original_llm_time);
  EXPECT_EQ(back.is_cached, false);
  EXPECT_EQ(back.created_at_ms, 1234);
  Json bad_vote = item;
  bad_vote["vote"] = attrS("sideways");
  EXPECT_FALSE(feedbackFromItem(bad_vote));
}

}  // namespace
}  // namespace cs::dynamo
