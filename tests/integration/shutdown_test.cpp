// SIGTERM while comparisons wait on an upstream that never answers: each unfinished model gets
// the error `shutting_down`, the SSE stream ends with its `done` event and the JSON client gets
// a whole answer, all before the drain ends; the process exits 0. (The lead also runs this
// under ASan: the server is destroyed while call threads and stream channels still exist.)
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

class ShutdownDuringCompare : public ::testing::Test {
 protected:
  void SetUp() override {
    json doc = {{"models", json::object()}};
    for (const auto& m : kDefaultModels)
      doc["models"][m] = {{"mode", "stall"}, {"stall_ms", 60'000}};
    ASSERT_EQ(fake_.fake().control(doc), "");
    std::ofstream(dir_.file("cs.toml"))
        << "[log]\naccess_log = false\n[cache]\nenabled = false\n"
        << "[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n"
        // The calls outlive the drain on purpose: only the shutdown can end these answers.
        << "[compare]\ndeadline_ms = 8000\n[server]\ndrain_timeout_ms = 5000\n"
        << "[llm]\ncall_timeout_ms = 8000\nmax_attempts = 1\n";
    ASSERT_TRUE(
        server_.start({"--config", dir_.file("cs.toml"), "--store", "sqlite:" + dir_.file("cs.db")},
                      {{"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-shutdown"},
                       {"OPENAI_API_KEY", "sk-test-FAKE-shutdown"},
                       {"ANTHROPIC_BASE_URL", fake_.url()},
                       {"OPENAI_BASE_URL", fake_.url("/v1")}}))
        << server_.logs();
  }
  void TearDown() override { fake_.fake().releaseStalls(); }

  // Runs `request` on a thread, sends SIGTERM once every model's call is at the fake, and
  // returns the client's answer and the exit code.
  std::pair<HttpResult, int> terminateDuring(const std::function<HttpResult()>& request) {
    HttpResult result;
    std::thread client([&] { result = request(); });
    const bool all_called = waitFor([&] {
      return fake_.fake().stats()["requests"].get<std::size_t>() >= kDefaultModels.size();
    });
    EXPECT_TRUE(all_called) << fake_.fake().stats().dump();
    const int code = server_.stop(SIGTERM);
    client.join();
    return {result, code};
  }

  TempDir dir_;
  FakeLlmServer fake_;
  ServerProcess server_;
};

TEST_F(ShutdownDuringCompare, StreamEndsWithAResultPerModelAndDone) {
  auto [r, code] = terminateDuring([&] {
    return httpRequest("GET", server_.url("/api/compare"), {}, {"Accept: text/event-stream"},
                       30'000);
  });
  EXPECT_EQ(code, 0) << server_.logs();
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.headers["content-type"], "text/event-stream");
  std::set<std::string> models;
  std::size_t at = 0;
  for (;;) {
    at = r.body.find("event: result\ndata: ", at);
    if (at == std::string::npos) break;
    at += 20;
    const auto event = json::parse(r.body.substr(at, r.body.find('\n', at) - at));
    EXPECT_EQ(event["ok"], false) << event;
    EXPECT_EQ(event["error"]["error"], "shutting_down") << event;
    models.insert(event["model"].get<std::string>());
  }
  EXPECT_EQ(models, std::set<std::string>(kDefaultModels.begin(), kDefaultModels.end()));
  const auto done = r.body.rfind("event: done\ndata: ");
  ASSERT_NE(done, std::string::npos) << r.body;
  EXPECT_GT(done, r.body.rfind("event: result")) << "done is the last event";
  EXPECT_TRUE(r.body.ends_with("\n\n")) << r.body;
  EXPECT_NE(server_.logs().find("Comparisons ended for shutdown"), std::string::npos);
}

TEST_F(ShutdownDuringCompare, JsonClientGetsAWholeAnswer) {
  auto [r, code] = terminateDuring([&] {
    return httpRequest("POST", server_.url("/api/compare"), json{{"models", kDefaultModels}}.dump(),
                       {"Content-Type: application/json"}, 30'000);
  });
  EXPECT_EQ(code, 0) << server_.logs();
  ASSERT_EQ(r.status, 200) << r.error;
  const auto j = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.body;
  ASSERT_EQ(j["results"].size(), kDefaultModels.size()) << j;
  for (const auto& result : j["results"]) {
    EXPECT_EQ(result["ok"], false) << result;
    EXPECT_EQ(result["error"]["error"], "shutting_down") << result;
  }
  EXPECT_EQ(r.headers["connection"], "close");
}

}  // namespace
}  // namespace cs::testing
