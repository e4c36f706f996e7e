#include <gtest/gtest.h>

#include <limits>

#include "store/dynamo/attribute_value.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {
namespace {

TEST(DynamoAttributeValue, EncodesEveryType) {
  EXPECT_EQ(attrS("hi"), Json::parse(R"({"S":"hi"})"));
  EXPECT_EQ(attrN(std::int64_t{-42}), Json::parse(R"({"N":"-42"})"));
  EXPECT_EQ(attrN(0.000375), Json::parse(R"({"N":"0.000375"})"));
  EXPECT_EQ(attrN(812.5), Json::parse(R"({"N":"812.5"})"));
  EXPECT_EQ(attrN(std::numeric_limits<double>::quiet_NaN()), Json::parse(R"({"NULL":true})"));
  EXPECT_EQ(attrSS({"a", "b"}), Json::parse(R"({"SS":["a","b"]})"));
  EXPECT_EQ(attrBool(false), Json::parse(R"({"BOOL":false})"));
  EXPECT_EQ(attrNull(), Json::parse(R"({"NULL":true})"));
  const Json plain =
      Json::parse(R"({"s":"x","n":7,"f":1.25,"b":true,"z":null,"l":[1,"two"],"m":{"k":false}})");
  const Json typed =
      Json::parse(R"({"M":{"s":{"S":"x"},"n":{"N":"7"},"f":{"N":"1.25"},"b":{"BOOL":true},
      "z":{"NULL":true},"l":{"L":[{"N":"1"},{"S":"two"}]},"m":{"M":{"k":{"BOOL":false}}}}})");
  EXPECT_EQ(toAttributeValue(plain), typed);
}

TEST(DynamoAttributeValue, DecodesEveryTypeBackToPlain) {
  const Json typed =
      Json::parse(R"({"M":{"s":{"S":"x"},"n":{"N":"7"},"f":{"N":"1.25"},"b":{"BOOL":true},
      "z":{"NULL":true},"ss":{"SS":["a","b"]},"l":{"L":[{"N":"-1"},{"S":"two"}]},"m":{"M":{"k":{"BOOL":false}}}}})");
  auto plain = fromAttributeValue(typed);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(
      *plain,
      Json::parse(
          R"({"s":"x","n":7,"f":1.25,"b":true,"z":null,"ss":["a","b"],"l":[-1,"two"],"m":{"k":false}})"));
  EXPECT_TRUE((*plain)["n"].is_number_integer());
  EXPECT_TRUE((*plain)["f"].is_number_float());
  // Round trip the other way.
  EXPECT_EQ(fromAttributeValue(toAttributeValue(*plain)).value(), *plain);
}

TEST(DynamoAttributeValue, RejectsMalformedValues) {
  for (const char* bad :
       {R"({"N":"12abc"})", R"({"N":12})", R"({"N":""})", R"({"S":1})", R"({"BOOL":"yes"})",
        R"({"SS":[1]})", R"({"M":[]})", R"({"L":{}})", R"({"B":"AAEC"})", R"({})",
        R"({"S":"a","N":"1"})", R"("plain")", R"({"M":{"x":{"N":"nan"}}})"}) {
    auto r = fromAttributeValue(Json::parse(bad));
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().name(), "store_error");
    }
  }
  EXPECT_FALSE(parseInt64(" 1"));
  EXPECT_FALSE(parseDouble("1e999"));
  EXPECT_EQ(parseInt64("-9223372036854775808").value(), std::numeric_limits<std::int64_t>::min());
  // Bigger than 64 bits still reads, as a double.
  EXPECT_TRUE(fromAttributeValue(Json::parse(R"({"N":"123456789012345678901234567890"})"))
                  .value()
                  .is_number_float());
}

TEST(DynamoAttributeValue, TypeNameStaysValidThroughTheDecode) {
  // Regression (fuzz_dynamo_json): the type key was bound through a temporary proxy that died
  // at the end of its line; ASan reported stack-use-after-scope on every decode.
  const auto value = Json::parse(R"({"XYZZY":1})");
  auto r = fromAttributeValue(value);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("\"XYZZY\""), std::string::npos) << r.error().message;
  const auto spaced = Json::parse(R"({"N":" 12"})");
  EXPECT_FALSE(fromAttributeValue(spaced));
}

TEST(DynamoAttributeValue, NumbersRoundTripExactly) {
  for (double d : {0.1, 1.0 / 3.0, 1e-9, 123456.789, -0.0025, 1e21}) {
    auto text = attrN(d)["N"].get<std::string>();
    EXPECT_EQ(parseDouble(text).value(), d) << text;
  }
}

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
