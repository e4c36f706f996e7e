#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "app/app.hpp"
#include "fakes/fake_clock.hpp"

namespace cs::testing {

// The whole program in-process (SQLite in memory, a FakeClock), driven through the Pipeline:
// the fixture of the API tests that need no upstream (feedback, stats, metrics). `call` sends a
// request as a client at 10.0.0.7 would; `vote` posts /api/feedback as client `client`.
class InProcessApp : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Config config;
    config.store.url = "sqlite::memory:";
    config.log.access_log = false;
    config.stats.cache_ttl_ms = 120'000;
    app = std::make_unique<app::App>(config, clock);
    auto ids = app->store().listSayingIds().value();
    ASSERT_GE(ids.size(), 2u);
    saying = ids[0];
    other = ids[1];
  }
  http::Response call(std::string method, std::string target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {
                          {"Content-Type", "application/json"}}) {
    auto req = http::Request::make(std::move(method), std::move(target), std::move(body));
    req.remote_address = "10.0.0.7";
    for (auto& [k, v] : headers) req.headers.set(k, v);
    return app->handler().handle(req);
  }
  http::Response vote(const std::string& id, const std::string& v,
                      const std::string& client = "client-0001", const std::string& extra = "") {
    return call("POST", "/api/feedback",
                R"({"saying_id":")" + id + R"(","vote":")" + v + "\"" + extra + "}",
                {{"Content-Type", "application/json; charset=utf-8"}, {"X-Client-Id", client}});
  }
  static nlohmann::json json(const http::Response& r) { return nlohmann::json::parse(r.body); }
  static void expectError(const http::Response& r, int status, const std::string& code,
                          const std::string& field) {
    EXPECT_EQ(r.status, status) << r.body;
    auto j = json(r);
    EXPECT_EQ(j["error"], code);
    EXPECT_EQ(j.size(), 2u);
    if (!field.empty()) {
      EXPECT_TRUE(j["message"].get<std::string>().starts_with(field)) << j["message"];
    }
  }

  FakeClock clock;
  std::unique_ptr<app::App> app;
  std::string saying, other;
};

}  // namespace cs::testing
