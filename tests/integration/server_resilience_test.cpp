// The server under pressure from outside, on the real binary: a store locked by another
// process, one address hoarding idle connections, a pipelining client past the request cap,
// HEAD on a paid route. What blocks runs off the I/O threads, limits answer 503 clearly, and
// nothing already read is lost.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "fakes/fake_llm.hpp"
#include "store/sqlite_store.hpp"
#include "support/raw_client.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A TCP client whose source address is chosen (any 127/8 address reaches 127.0.0.1), and
// which tells an orderly close from a reset.
class Socket {
 public:
  Socket(int port, const char* source) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<std::uint16_t>(port));
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  bool ok() const { return fd_ >= 0; }
  bool sendAll(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Reads until the peer ends the connection or `limit` passes.
  std::string readToEnd(std::chrono::milliseconds limit) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
      char buf[65536];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) {
        clean_eof_ = true;
        return out;
      }
      if (n < 0) {
        reset_ = errno == ECONNRESET;
        return out;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  bool cleanEof() const { return clean_eof_; }
  bool reset() const { return reset_; }

 private:
  int fd_ = -1;
  bool clean_eof_ = false;
  bool reset_ = false;
};

// Splits a stream of HTTP responses; `rest` is whatever trails the last complete one.
std::vector<std::string> splitResponses(const std::string& all, std::string& rest) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (;;) {
    const auto end = all.find("\r\n\r\n", at);
    if (end == std::string::npos) break;
    const auto cl = all.find("Content-Length: ", at);
    if (cl == std::string::npos || cl > end) break;
    const std::size_t length = std::stoul(all.substr(cl + 16, all.find("\r\n", cl) - cl - 16));
    if (end + 4 + length > all.size()) break;
    out.push_back(all.substr(at, end + 4 + length - at));
    at = end + 4 + length;
  }
  rest = all.substr(at);
  return out;
}

class Resilience : public ::testing::Test {
 protected:
  bool start(const std::string& toml, const std::map<std::string, std::string>& env = {
                                          {"ANTHROPIC_API_KEY", ""}, {"OPENAI_API_KEY", ""}}) {
    std::ofstream(dir_.file("cs.toml")) << toml;
    return server_.start({"--config", dir_.file("cs.toml"), "--store", "sqlite:" + db()}, env);
  }
  std::string db() const { return dir_.file("cs.db"); }
  TempDir dir_;
  ServerProcess server_;
};

TEST_F(Resilience, ALockedStoreDelaysOnlyVotesAndVotesEndIn503) {
  FakeLlmServer fake;
  ASSERT_TRUE(
      start("[log]\naccess_log = false\n[stats]\nflush_interval_ms = 600000\n"
            "[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n",
            {{"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-lock"},
             {"OPENAI_API_KEY", "sk-test-FAKE-lock"},
             {"ANTHROPIC_BASE_URL", fake.url()},
             {"OPENAI_BASE_URL", fake.url("/v1")}}))
      << server_.logs();
  auto first = httpRequest("GET", server_.url("/api/sayings"));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string saying = json::parse(first.body)["id"];
  // Past the cold start, sayings come from the warm cache (the hot path, on the I/O threads).
  ASSERT_TRUE(waitFor([&] {
    auto r = httpRequest("GET", server_.url("/api/sayings"));
    return r.status == 200 && json::parse(r.body)["source"] == "cache";
  }));

  // Another process takes the write lock for 8 s, well past the store's 2 s busy wait.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db().c_str(), &holder), SQLITE_OK);
  sqlite3_busy_timeout(holder, 20'000);  // the cache builder may be storing sayings right now
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto locked_at = std::chrono::steady_clock::now();
  std::atomic<int> order{0};  // completion order of every request below
  std::atomic<bool> released{false};
  struct Vote {
    HttpResult result;
    int done = 0;
    bool before_release = false;
  };
  std::vector<Vote> votes(6);
  std::vector<std::thread> voters;
  for (int i = 0; i < 6; ++i)
    voters.emplace_back([&, i] {
      auto& v = votes[static_cast<std::size_t>(i)];
      v.result = postVote(server_, saying, "up", "locked-voter-" + std::to_string(i));
      v.before_release = !released;
      v.done = order++;
    });
  // Health and sayings on other connections answer while the votes wait on the lock: before
  // any vote has answered, and before the lock goes.
  auto health = httpRequest("GET", server_.url("/healthz"));
  const int health_done = order++;
  auto sayings = httpRequest("GET", server_.url("/api/sayings"));
  const int sayings_done = order++;
  const bool answered_before_release = !released;
  EXPECT_EQ(health.status, 200) << health.body;
  ASSERT_EQ(sayings.status, 200) << sayings.body;
  EXPECT_EQ(json::parse(sayings.body)["source"], "cache");
  EXPECT_TRUE(answered_before_release);
  std::this_thread::sleep_until(locked_at + 8s);
  released = true;
  ASSERT_EQ(sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);
  for (auto& t : voters) t.join();

  // Each vote ends after the bounded busy wait: 503 while the lock is held. (The store runs one
  // write at a time, so votes queued behind others may reach the database after the release
  // and be counted: 201, and then stored.)
  int refused_while_locked = 0;
  std::set<std::string> acknowledged;
  for (const auto& v : votes) {
    EXPECT_GT(v.done, health_done);
    EXPECT_GT(v.done, sayings_done);
    if (v.before_release) {
      ASSERT_EQ(v.result.status, 503) << v.result.body;
      ++refused_while_locked;
    }
    if (v.result.status == 503) {
      EXPECT_EQ(json::parse(v.result.body)["error"], "store_unavailable");
    } else {
      ASSERT_EQ(v.result.status, 201) << v.result.body;
      acknowledged.insert(json::parse(v.result.body)["id"].get<std::string>());
    }
  }
  EXPECT_GE(refused_while_locked, 1);
  for (int i = 0; i < 6; ++i) {
    auto r = postVote(server_, saying, "up", "locked-voter-" + std::to_string(i));
    ASSERT_TRUE(r.status == 201 || r.status == 200) << r.body;  // 200: already counted above
    acknowledged.insert(json::parse(r.body)["id"].get<std::string>());
  }
  ASSERT_EQ(server_.stop(), 0);
  SqliteStore store(db());
  EXPECT_EQ(expectAcknowledgedVotesStored(store, acknowledged).size(), acknowledged.size());
}

TEST_F(Resilience, OneAddressHoardingIdleConnectionsLeavesOthersServed) {
  ASSERT_TRUE(
      start("[log]\naccess_log = false\n[server]\nmax_connections_per_address = 4\n"
            "first_byte_timeout_ms = 3000\n"))
      << server_.logs();
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 6; ++i) idle.push_back(std::make_unique<Socket>(server_.port(), "127.0.0.1"));
  // Accepted in order: four hold their slots silently, the two beyond the cap get 503.
  for (int i = 4; i < 6; ++i) {
    const std::string refused = idle[static_cast<std::size_t>(i)]->readToEnd(10s);
    EXPECT_NE(refused.find("HTTP/1.1 503"), std::string::npos) << i << ": " << refused;
    EXPECT_NE(refused.find("\"unavailable\""), std::string::npos) << refused;
  }
  // Another address is served while 127.0.0.1 sits at its cap.
  Socket other(server_.port(), "127.0.0.2");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other.sendAll("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_NE(other.readToEnd(10s).find("HTTP/1.1 200"), std::string::npos);
  // The hoarders never send a byte: the first-byte timeout closes them, and the address
  // gets its slots back.
  for (int i = 0; i < 4; ++i) {
    const std::string got = idle[static_cast<std::size_t>(i)]->readToEnd(20s);
    EXPECT_EQ(got, "") << i;
    EXPECT_TRUE(idle[static_cast<std::size_t>(i)]->cleanEof()) << i;
  }
  bool served = false;
  for (int attempt = 0; attempt < 200 && !served; ++attempt) {
    served = httpRequest("GET", server_.url("/healthz"), {}, {}, 2000).status == 200;
    if (!served) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(served);
  ASSERT_EQ(server_.stop(), 0);
}

TEST_F(Resilience, TwelveThousandPipelinedRequestsLoseNoAnswer) {
  ASSERT_TRUE(start("[log]\naccess_log = true\n")) << server_.logs();
  constexpr int kSent = 12'000;
  std::string batch;
  for (int i = 0; i < kSent; ++i) batch += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  Socket c(server_.port(), "127.0.0.1");
  ASSERT_TRUE(c.ok());
  // Written while the answers are read, or both sides' buffers fill and neither moves.
  std::thread writer([&] { c.sendAll(batch); });
  const std::string all = c.readToEnd(60s);
  writer.join();
  EXPECT_TRUE(c.cleanEof()) << "the connection must end with FIN, not a reset";
  EXPECT_FALSE(c.reset());
  std::string rest;
  const auto responses = splitResponses(all, rest);
  EXPECT_EQ(rest, "") << "a response was cut mid-stream";
  ASSERT_GE(responses.size(), 10'000u);  // the per-connection cap
  EXPECT_LE(responses.size(), static_cast<std::size_t>(kSent));
  for (std::size_t i = 0; i + 1 < responses.size(); ++i)
    ASSERT_EQ(responses[i].find("Connection: close"), std::string::npos) << i;
  EXPECT_NE(responses.back().find("Connection: close"), std::string::npos);
  for (const auto& r : responses) ASSERT_TRUE(r.starts_with("HTTP/1.1 200")) << r;
  // Every request the server says it answered (its access log) reached the client.
  ASSERT_EQ(server_.stop(), 0);
  std::size_t logged = 0;
  for (const auto& line : server_.logLines())
    if (line.find("\"message\":\"Request\"") != std::string::npos &&
        line.find("\"path\":\"/healthz\"") != std::string::npos)
      ++logged;
  EXPECT_EQ(logged, responses.size());
}

TEST_F(Resilience, HeadOnCompareIs405AndCallsNoModel) {
  FakeLlmServer fake;
  ASSERT_TRUE(start("[log]\naccess_log = false\n[cache]\nenabled = false\n",
                    {{"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-head"},
                     {"OPENAI_API_KEY", "sk-test-FAKE-head"},
                     {"ANTHROPIC_BASE_URL", fake.url()},
                     {"OPENAI_BASE_URL", fake.url("/v1")}}))
      << server_.logs();
  auto head = httpRequest("HEAD", server_.url("/api/compare?models=gpt-4.1"));
  EXPECT_EQ(head.status, 405);
  EXPECT_EQ(head.headers["allow"], "GET, POST");
  auto head_all = httpRequest("HEAD", server_.url("/api/compare"));
  EXPECT_EQ(head_all.status, 405);
  EXPECT_EQ(fake.fake().stats()["requests"], 0);
  // GET still works and does call (so the zero above is not a fake that never counts).
  auto get = httpRequest("GET", server_.url("/api/compare?models=gpt-4.1"), {}, {}, 30'000);
  EXPECT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(fake.fake().stats()["requests"], 1);
  ASSERT_EQ(server_.stop(), 0);
}

}  // namespace
}  // namespace cs::testing
