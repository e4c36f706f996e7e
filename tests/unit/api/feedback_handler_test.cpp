#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/feedback_handler.hpp"
#include "support/deferred.hpp"
#include "support/in_process_app.hpp"
#include "support/requests.hpp"

namespace cs {
namespace {

class FeedbackApiTest : public testing::InProcessApp {};

TEST_F(FeedbackApiTest, FirstVoteIs201AndBumpsTheCounterOnce) {
  auto first = vote(saying, "up", "client-0001", R"(,"execution_time":250.5,"is_cached":false)");
  ASSERT_EQ(first.status, 201) << first.body;
  auto j = json(first);
  EXPECT_TRUE(j["counted"].get<bool>());
  EXPECT_EQ(j["id"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["model"], "corpus");
  EXPECT_EQ(j["provider"], "corpus");

  auto again = vote(saying, "down", "client-0001");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(json(again)["counted"].get<bool>());
  EXPECT_EQ(json(again)["id"], j["id"]) << "points at the vote that counts";

  EXPECT_EQ(vote(saying, "down", "client-0002").status, 201) << "another client counts";
  auto s = app->store().getSaying(saying).value().value();
  EXPECT_EQ(s.upvotes, 1);
  EXPECT_EQ(s.downvotes, 1);
  auto records = app->store().listFeedback({}).value();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].execution_time, 250.5);
  EXPECT_EQ(records[0].is_cached, false);
  EXPECT_EQ(records[0].client_key, "id:client-0001");
}

TEST_F(FeedbackApiTest, ClientIsHeaderThenCookieThenAddressAndAgent) {
  auto post = [&](std::vector<std::pair<std::string, std::string>> h) {
    h.emplace_back("Content-Type", "application/json");
    return call("POST", "/api/feedback", R"({"saying_id":")" + saying + R"(","vote":"up"})", h)
        .status;
  };
  EXPECT_EQ(post({{"User-Agent", "a"}}), 201);
  EXPECT_EQ(post({{"User-Agent", "a"}}), 200) << "same address and agent";
  EXPECT_EQ(post({{"User-Agent", "b"}}), 201) << "another agent";
  EXPECT_EQ(post({{"Cookie", "x=1; cs_client=cookie-abc-123"}}), 201);
  EXPECT_EQ(post({{"X-Client-Id", "cookie-abc-123"}}), 200)
      << "header and cookie name the same client";
  EXPECT_EQ(post({{"X-Client-Id", "bad id!"}, {"User-Agent", "a"}}), 200)
      << "invalid id falls back to address";
  const auto records = app->store().listFeedback({}).value();  // not a temporary in the for
  for (const auto& r : records)
    EXPECT_EQ(r.client_key.find("10.0.0.7"), std::string::npos) << "no raw address stored";
}

TEST_F(FeedbackApiTest, BadInputGetsClearErrors) {
  const std::string ok = R"({"saying_id":")" + saying + R"(","vote":"up"})";
  expectError(call("POST", "/api/feedback", ok, {{"Content-Type", "text/plain"}}), 415,
              "unsupported_media_type", "Content-Type");
  expectError(call("POST", "/api/feedback", ok, {}), 415, "unsupported_media_type", "Content-Type");
  expectError(call("POST", "/api/feedback", "{nope"), 400, "bad_request", "body");
  expectError(call("POST", "/api/feedback", "[1,2]"), 400, "bad_request", "body");
  expectError(call("POST", "/api/feedback", R"({"vote":"up"})"), 400, "bad_request", "saying_id");
  expectError(call("POST", "/api/feedback", R"({"saying_id":7,"vote":"up"})"), 400, "bad_request",
              "saying_id");
  expectError(call("POST", "/api/feedback", R"({"saying_id":"x"})"), 400, "bad_request", "vote");
  expectError(call("POST", "/api/feedback", R"({"saying_id":"x","vote":"sideways"})"), 400,
              "bad_request", "vote");
  expectError(call("POST", "/api/feedback", R"({"saying_id":"x","vote":true})"), 400, "bad_request",
              "vote");
  expectError(vote(saying, "up", "client-0001", R"(,"execution_time":"fast")"), 400, "bad_request",
              "execution_time");
  expectError(vote(saying, "up", "client-0001", R"(,"original_llm_time":-1)"), 400, "bad_request",
              "original_llm_time");
  expectError(vote(saying, "up", "client-0001", R"(,"is_cached":"yes")"), 400, "bad_request",
              "is_cached");
  expectError(vote("no-such-saying", "up"), 404, "not_found", "saying_id");
  expectError(call("GET", "/api/feedback"), 405, "method_not_allowed", "");
  EXPECT_TRUE(app->store().listFeedback({}).value().empty());
  EXPECT_EQ(app->handler().bodyLimit("POST", "/api/feedback"), 4096u);
}

TEST_F(FeedbackApiTest, OwnVotesShowInStatsAtOnceUnderTheRightModel) {
  auto before = call("GET", "/api/stats");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(json(before)["totals"]["total"], 0);
  const auto computed_at = json(before)["computed_at"];
  clock.advance(std::chrono::seconds(60));
  EXPECT_EQ(json(call("GET", "/api/stats"))["computed_at"], computed_at) << "cached for 2 minutes";

  ASSERT_EQ(call("GET", "/api/sayings").status, 200);
  ASSERT_EQ(call("GET", "/api/sayings").status, 200);
  ASSERT_EQ(vote(saying, "up", "client-0001").status, 201);
  ASSERT_EQ(vote(saying, "up", "client-0002").status, 201);
  ASSERT_EQ(vote(other, "down", "client-0001").status, 201);
  clock.advance(std::chrono::seconds(1));
  // This instance's votes are part of the cache key: they show in the next /api/stats.
  auto after = json(call("GET", "/api/stats"));
  EXPECT_NE(after["computed_at"], computed_at);
  EXPECT_EQ(after["totals"]["positive"], 2);
  EXPECT_EQ(after["totals"]["negative"], 1);
  ASSERT_EQ(after["models"].size(), 1u);
  const auto& corpus = after["models"][0];
  EXPECT_EQ(corpus["model"], "corpus");
  EXPECT_EQ(corpus["provider"], "corpus");
  EXPECT_DOUBLE_EQ(corpus["success_rate"].get<double>(), 66.67);
  EXPECT_EQ(corpus["score"], 1);
  EXPECT_EQ(corpus["invocations"], 2) << "the two /api/sayings requests, not yet flushed";
  EXPECT_FALSE(after["services"].empty());
  EXPECT_FALSE(after["series"]["buckets"].empty());
  // A different filter combination is its own cache entry.
  auto filtered = json(call("GET", "/api/stats?provider=openai"));
  EXPECT_EQ(filtered["totals"]["total"], 0);
  EXPECT_EQ(filtered["filters"]["provider"], "openai");
}

}  // namespace
}  // namespace cs

namespace cs::testing {
namespace {

// Client bodies with wrong types, wrong shapes and absurd nesting: each is a 400 naming the
// field (or the body), never an exception, and no model is called.

TEST(HostileClientBody, FeedbackNamesTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"saying_id":5,"vote":"up"})", "saying_id:"},
      {R"({"saying_id":{"a":1},"vote":"up"})", "saying_id:"},
      {R"({"saying_id":["x"],"vote":"up"})", "saying_id:"},
      {R"({"vote":"up"})", "saying_id:"},
      {R"({"saying_id":"abc","vote":5})", "vote:"},
      {R"({"saying_id":"abc","vote":["up"]})", "vote:"},
      {R"({"saying_id":"abc","vote":"sideways"})", "vote:"},
      {R"({"saying_id":"abc","vote":"up","execution_time":"5"})", "execution_time:"},
      {R"({"saying_id":"abc","vote":"up","execution_time":-1})", "execution_time:"},
      {R"({"saying_id":"abc","vote":"up","execution_time":1e300})", "execution_time:"},
      {R"({"saying_id":"abc","vote":"up","original_llm_time":{"ms":1}})", "original_llm_time:"},
      {R"({"saying_id":"abc","vote":"up","is_cached":"yes"})", "is_cached:"},
      {R"({"saying_id":"abc","vote":"up","is_cached":1})", "is_cached:"},
      {"[1,2]", "body:"},
      {R"("text")", "body:"},
      {"", "body:"},
      {nestedArrays(200'000), "body:"},
      {R"({"saying_id":)" + nestedArrays(100'000) + "}", "body:"},
      {"{\"saying_id\":\"\xff\xfe\",\"vote\":\"up\"}", "body:"},
  };
  for (const auto& [body, field] : cases) {
    const auto v = api::parseVoteRequest(jsonPost("/api/feedback", body));
    ASSERT_FALSE(v) << body.substr(0, 80);
    EXPECT_EQ(v.error().code, ErrorCode::kBadRequest) << body.substr(0, 80);
    EXPECT_TRUE(v.error().message.starts_with(field)) << v.error().message;
  }
  const auto ok = api::parseVoteRequest(
      jsonPost("/api/feedback", R"({"saying_id":"abc","vote":"down","execution_time":null})"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->vote, Vote::kDown);
}

}  // namespace
}  // namespace cs::testing
