// The asynchronous gateway end to end: 64 comparisons in flight at once (SSE and JSON mixed)
// cost the server no thread, and a blocking route still answers while they run. The real
// binary on loopback; the fake LLM holds every answer until the test lets go, so "while they
// run" is an ordering the fake guarantees, not a timing.
#include <gtest/gtest.h>

#include <dirent.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "fakes/fake_llm.hpp"
#include "fakes/loopback_server.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

// The pid of the one process whose command line names `needle` (our config file's path).
pid_t pidWhoseCommandLineHas(const std::string& needle) {
  pid_t found = -1;
  if (DIR* proc = ::opendir("/proc")) {
    while (const dirent* e = ::readdir(proc)) {
      const std::string name = e->d_name;
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream in("/proc/" + name + "/cmdline");
      std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (cmdline.find(needle) != std::string::npos) found = std::stoi(name);
    }
    ::closedir(proc);
  }
  return found;
}

std::size_t threadsOf(pid_t pid) {
  std::size_t n = 0;
  if (DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/task").c_str())) {
    while (const dirent* e = ::readdir(dir))
      if (e->d_name[0] != '.') ++n;
    ::closedir(dir);
  }
  return n;
}

// A compare answered with its one model's sayings: SSE ends with `done`, JSON has the result.
bool answeredWell(const HttpResult& r, bool sse) {
  if (r.status != 200) return false;
  if (sse)
    return r.body.find("event: done") != std::string::npos &&
           r.body.find("\"ok\":true") != std::string::npos;
  const auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("results") && j["results"].size() == 1 &&
         j["results"][0]["ok"] == true;
}

TEST(AsyncThreads, SixtyFourComparesCostNoThreadAndABlockingRouteStillAnswers) {
  TempDir dir;
  FakeLlm fake;
  auto upstream_options = LoopbackServer::defaults();
  upstream_options.worker_threads = 96;  // the fake sleeps per held answer: one each
  LoopbackServer upstream(fake.router(), upstream_options);
  const std::string config = dir.file("async.toml");
  std::ofstream(config) << "[store]\nurl = \"sqlite:" << dir.file("a.db") << "\"\n"
                        << "[log]\naccess_log = false\n[cache]\nenabled = false\n"
                        << "[compare]\nmax_concurrent_calls = 256\n"
                        << "[budget]\nmax_calls_per_minute = 0\n";  // 66 calls in a minute
  const std::map<std::string, std::string> env = {{"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-async"},
                                                  {"OPENAI_API_KEY", "sk-test-FAKE-async"},
                                                  {"ANTHROPIC_BASE_URL", upstream.url()},
                                                  {"OPENAI_BASE_URL", upstream.url("/v1")}};
  ServerProcess server;
  ASSERT_TRUE(server.start({"--config", config}, env)) << server.logs();
  const pid_t pid = pidWhoseCommandLineHas(config);
  ASSERT_GT(pid, 0);

  auto compare = [&](bool sse) {
    std::vector<std::string> headers = {"Content-Type: application/json"};
    if (sse) headers.push_back("Accept: text/event-stream");
    return httpRequest("POST", server.url("/api/compare"), R"({"models":["claude-haiku-4-5"]})",
                       headers, 60'000);
  };
  // Warm: one of each kind answered, so whatever starts on first use has started.
  ASSERT_EQ(compare(false).status, 200);
  ASSERT_EQ(compare(true).status, 200);
  const std::size_t idle = threadsOf(pid);
  ASSERT_GT(idle, 0u);

  ASSERT_EQ(fake.control(json{{"mode", "stall"}, {"stall_ms", 45'000}}), "");
  constexpr int kCompares = 64;
  std::atomic<int> finished{0}, good{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kCompares; ++i)
    clients.emplace_back([&, sse = i % 2 == 0] {
      const auto r = compare(sse);
      ++finished;
      if (answeredWell(r, sse)) ++good;
    });
  // Every comparison's call has reached the fake and is held there.
  const bool all_upstream =
      waitFor([&] { return fake.stats()["requests"].get<int>() >= 2 + kCompares; });
  const std::size_t under_load = threadsOf(pid);
  const auto stats = httpRequest("GET", server.url("/api/stats"), {}, {}, 30'000);
  const int finished_when_stats_answered = finished.load();
  fake.releaseStalls();
  for (auto& t : clients) t.join();
  const std::size_t after = threadsOf(pid);
  std::cout << "server threads: idle " << idle << ", under " << kCompares << " compares in flight "
            << under_load << ", after " << after << "\n";
  RecordProperty("threads_idle", static_cast<int>(idle));
  RecordProperty("threads_under_64_compares", static_cast<int>(under_load));

  ASSERT_TRUE(all_upstream) << fake.stats().dump();
  EXPECT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(finished_when_stats_answered, 0);  // answered while every compare was held
  EXPECT_EQ(good.load(), kCompares) << server.logs().substr(0, 4000);
  EXPECT_EQ(under_load, idle);
  EXPECT_EQ(after, idle);
  server.stop();
}

}  // namespace
}  // namespace cs::testing
