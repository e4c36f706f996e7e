// Client bodies with wrong types, wrong shapes and absurd nesting: each is a 400 naming the
// field (or the body), never an exception, and no model is called.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/feedback_handler.hpp"
#include "app/app.hpp"
#include "fakes/fake_gateway.hpp"
#include "support/deferred.hpp"

namespace cs::testing {
namespace {

http::Request post(const std::string& path, std::string body) {
  auto r = http::Request::make("POST", path, std::move(body));
  r.headers.set("Content-Type", "application/json");
  return r;
}

std::string deep(std::size_t n) {
  return std::string(n, '[') + std::string(n, ']');
}

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
      {deep(200'000), "body:"},
      {R"({"saying_id":)" + deep(100'000) + "}", "body:"},
      {"{\"saying_id\":\"\xff\xfe\",\"vote\":\"up\"}", "body:"},
  };
  for (const auto& [body, field] : cases) {
    const auto v = api::parseVoteRequest(post("/api/feedback", body));
    ASSERT_FALSE(v) << body.substr(0, 80);
    EXPECT_EQ(v.error().code, ErrorCode::kBadRequest) << body.substr(0, 80);
    EXPECT_TRUE(v.error().message.starts_with(field)) << v.error().message;
  }
  const auto ok = api::parseVoteRequest(
      post("/api/feedback", R"({"saying_id":"abc","vote":"down","execution_time":null})"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->vote, Vote::kDown);
}

TEST(HostileClientBody, CompareRejectsEveryWrongShapeBeforeAnyCall) {
  auto gateway = std::make_unique<FakeGateway>();
  FakeGateway* fake = gateway.get();
  fake->addModel("a");
  app::Config config;
  config.store.url = "sqlite::memory:";
  config.cache.enabled = false;
  config.rate_limit.enabled = false;
  app::App app(config, SystemClock::instance(), std::move(gateway));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"models":5})", "invalid_models"},
      {R"({"models":{"a":1}})", "invalid_models"},
      {R"({"models":[1,2]})", "invalid_models"},
      {R"({"models":[["a"]]})", "invalid_models"},
      {R"({"models":true})", "invalid_models"},
      {R"({"topic":5})", "invalid_topic"},
      {R"({"topic":["x"]})", "invalid_topic"},
      {R"({"topic":{"t":"x"}})", "invalid_topic"},
      {"[]", "invalid_json"},
      {"null", "invalid_json"},
      {"", "invalid_json"},
      {deep(200'000), "invalid_json"},
      {R"({"models":)" + deep(100'000) + "}", "invalid_json"},
  };
  for (const auto& [body, code] : cases) {
    auto request = post("/api/compare", body);
    const auto r = settle(app.handler().handle(request));
    EXPECT_EQ(r.status, 400) << body.substr(0, 80) << ": " << r.body;
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_EQ(j.value("error", ""), code) << body.substr(0, 80) << ": " << r.body;
  }
  EXPECT_EQ(fake->totalCalls(), 0);
}

}  // namespace
}  // namespace cs::testing
