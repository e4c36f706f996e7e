#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/test_support.hpp"

namespace cs::testing {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server.start({"--store", "sqlite:" + dir.file("cs.db")})) << server.logs();
  }
  TempDir dir;
  ServerProcess server;
};

TEST_F(ServerTest, ServesSayingsFromTheSeededStore) {
  std::string previous;
  for (int i = 1; i <= 5; ++i) {
    auto r = httpRequest("GET", server.url("/api/sayings"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["source"], "store");
    EXPECT_EQ(j["request_number"], i);
    EXPECT_FALSE(j["text"].get<std::string>().empty());
    EXPECT_NE(j["id"], previous);
    for (auto key : {"id", "text", "services", "model", "provider", "cached", "execution_ms",
                     "llm_ms", "tokens", "cost_usd"})
      EXPECT_TRUE(j.contains(key)) << key;
    previous = j["id"];
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(r.headers["x-request-id"].size(), 32u);
  }
}

TEST_F(ServerTest, HealthAndReadiness) {
  EXPECT_EQ(httpRequest("GET", server.url("/healthz")).status, 200);
  auto ready = httpRequest("GET", server.url("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ready.body)["store"], "sqlite");
}

TEST_F(ServerTest, ErrorsAreJsonWithTheRightStatus) {
  auto missing = httpRequest("GET", server.url("/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"], "not_found");
  auto wrong = httpRequest("DELETE", server.url("/api/sayings"));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["error"], "method_not_allowed");
  EXPECT_NE(wrong.headers["allow"].find("GET"), std::string::npos);
  auto big = httpRequest("POST", server.url("/api/sayings"), std::string(2 * 1024 * 1024, 'x'),
                         {"Content-Type: application/json"});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(nlohmann::json::parse(big.body)["error"], "payload_too_large");
  auto huge_header =
      httpRequest("GET", server.url("/healthz"), {}, {"X-Big: " + std::string(64 * 1024, 'a')});
  EXPECT_EQ(huge_header.status, 431);
}

TEST_F(ServerTest, KeepAliveAndConcurrentClients) {
  // libcurl reuses one connection per thread; many threads hit the server at once.
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t)
    clients.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (httpRequest("GET", server.url("/api/sayings")).status == 200) ++ok;
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 200);
}

TEST_F(ServerTest, LogsAreJsonLinesInTheOriginalShape) {
  httpRequest("GET", server.url("/api/sayings"), {}, {"X-Request-Id: trace-123"});
  ASSERT_EQ(server.stop(SIGTERM), 0);
  bool saw_access = false;
  for (const auto& line : server.logLines()) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ASSERT_TRUE(j.contains("timestamp") && j.contains("level") && j.contains("message") &&
                j.contains("extra_fields"))
        << line;
    EXPECT_EQ(j["timestamp"].get<std::string>().back(), 'Z');
    if (j["message"] == "Request" && j["extra_fields"]["path"] == "/api/sayings") {
      saw_access = true;
      EXPECT_EQ(j["extra_fields"]["status"], 200);
      EXPECT_EQ(j["extra_fields"]["request_id"], "trace-123");
      EXPECT_TRUE(j["extra_fields"].contains("execution_ms"));
    }
  }
  EXPECT_TRUE(saw_access);
}

// Release builds link mimalloc (CMake CS_MIMALLOC); sanitizer builds must keep glibc's malloc,
// which the sanitizer replaces. The server proves which one its own malloc() came from.
TEST_F(ServerTest, StartupLineNamesTheAllocatorInUse) {
  ASSERT_EQ(server.stop(SIGTERM), 0);
  std::string allocator;
  for (const auto& line : server.logLines()) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j["message"] == "Server listening")
      allocator = j["extra_fields"].value("allocator", "");
  }
  EXPECT_TRUE(allocator.starts_with(CS_EXPECTED_ALLOCATOR)) << allocator;
}

TEST_F(ServerTest, SigtermFinishesInFlightAndExitsZero) {
  std::thread client([&] {
    for (int i = 0; i < 50; ++i) httpRequest("GET", server.url("/api/sayings"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(server.stop(SIGTERM), 0);
  client.join();
}

TEST(ServerCli, VersionHelpAndBadFlags) {
  auto version = runBinary({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find("cloud-sayings"), std::string::npos);
  EXPECT_EQ(runBinary({"--help"}).exit_code, 0);
  auto bad = runBinary({"serve", "--port", "notaport"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--port"), std::string::npos);
  EXPECT_EQ(runBinary({"serve", "--bogus"}).exit_code, 2);
}

TEST(ServerCli, BadConfigValueNamesTheSetting) {
  TempDir dir;
  { std::ofstream(dir.file("bad.toml")) << "[server]\nport = 99999\n"; }
  auto r = runBinary({"serve", "--config", dir.file("bad.toml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("server.port"), std::string::npos) << r.output;
  auto store = runBinary({"serve", "--store", "mysql://x"});
  EXPECT_EQ(store.exit_code, 2);
  EXPECT_NE(store.output.find("store.url"), std::string::npos) << store.output;
}

TEST(ServerCli, SeedIsIdempotent) {
  TempDir dir;
  const std::string store = "sqlite:" + dir.file("seed.db");
  auto first = runBinary({"seed", "--store", store});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto second = runBinary({"seed", "--store", store});
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_NE(second.output.find("seeded 0 new sayings"), std::string::npos) << second.output;
}

TEST(ServerEmptyStore, AnswersFallback503) {
  TempDir dir;
  { std::ofstream(dir.file("c.toml")) << "[store]\nseed_on_start = false\n"; }
  ServerProcess server;
  ASSERT_TRUE(
      server.start({"--config", dir.file("c.toml"), "--store", "sqlite:" + dir.file("e.db")}));
  auto r = httpRequest("GET", server.url("/api/sayings"));
  EXPECT_EQ(r.status, 503);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["source"], "fallback");
  EXPECT_EQ(j["error"], "unavailable");
  EXPECT_FALSE(j["message"].get<std::string>().empty());
}

}  // namespace
}  // namespace cs::testing
