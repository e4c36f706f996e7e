// Calm under upstream faults: the real binary against the fake LLM (or a silent / closed port),
// one case per fault. For each: /api/sayings keeps answering from cache or store, /api/compare
// reports the faulty model's error next to the others' results, the circuit opens (and closes
// again once the fault clears), logs and /metrics name the error, and no call or connection
// is left behind.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes/fake_llm.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

const std::vector<std::string>& kModels = kDefaultModels;

// A TCP port on 127.0.0.1 that is either listening but never accepts (the kernel completes the
// handshake, nobody ever answers: a stalled connection) or closed (connection refused).
class DeadPort {
 public:
  explicit DeadPort(bool listening) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    auto* raw = reinterpret_cast<sockaddr*>(&addr);
    if (fd_ < 0 || ::bind(fd_, raw, len) != 0 || ::getsockname(fd_, raw, &len) != 0) return;
    port_ = ntohs(addr.sin_port);
    if (listening) {
      ::listen(fd_, 128);
    } else {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~DeadPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  DeadPort(const DeadPort&) = delete;
  DeadPort& operator=(const DeadPort&) = delete;
  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

enum class Where { kFake, kStalledPort, kClosedPort };

struct Fault {
  std::string name;
  json script;             // the fake's per-model script (Where::kFake)
  std::string error_type;  // what /api/compare, the log line and the metric call it
  Where where = Where::kFake;
  std::string model = "gpt-4.1";  // the model that fails alone in the compare step
};

void PrintTo(const Fault& f, std::ostream* os) {
  *os << f.name;
}

class UpstreamFault : public ::testing::TestWithParam<Fault> {
 protected:
  void start() {
    const auto& f = GetParam();
    std::ofstream(dir_.file("cs.toml"))
        << "[server]\nworker_threads = 64\n"
        << "[store]\nurl = \"sqlite:" << dir_.file("cs.db")
        << "\"\nid_list_ttl_ms = 0\nitem_cache_ttl_ms = 0\n"
        << "[log]\naccess_log = false\n"
        << "[cache]\nhigh_water = 3\nretry_backoff_ms = 200\ncall_timeout_ms = 1500\n"
        << "[flow]\nmodel_deadline_ms = 1500\n"
        << "[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n"
        << "[compare]\ndeadline_ms = 2000\n"
        << "[llm]\nconnect_timeout_ms = 500\ncall_timeout_ms = 700\nmax_attempts = 2\n"
        << "backoff_base_ms = 10\nbackoff_cap_ms = 50\nbreaker_failures = 2\n"
        << "breaker_window_ms = 60000\nbreaker_cooldown_ms = 300\n";
    // Port faults hit a whole provider (base URLs are per provider): OpenAI's two models.
    std::string openai = fake_.url("/v1");
    if (f.where == Where::kStalledPort) openai = stalled_.url("/v1");
    if (f.where == Where::kClosedPort) openai = closed_.url("/v1");
    const std::map<std::string, std::string> env = {
        {"ANTHROPIC_API_KEY", "sk-ant-test-FAKE-faults"},
        {"OPENAI_API_KEY", "sk-test-FAKE-faults"},
        {"ANTHROPIC_BASE_URL", fake_.url()},
        {"OPENAI_BASE_URL", openai}};
    ASSERT_TRUE(server_.start({"--config", dir_.file("cs.toml")}, env)) << server_.logs();
  }
  void faultOn(const std::vector<std::string>& models) {
    json doc = {{"models", json::object()}};
    for (const auto& m : models) doc["models"][m] = GetParam().script;
    ASSERT_EQ(fake_.fake().control(doc), "");
  }
  std::vector<std::string> faultyModels() const {
    if (GetParam().where == Where::kFake) return {GetParam().model};
    return {"gpt-4.1", "gpt-4.1-mini"};
  }
  std::string metrics() { return httpRequest("GET", server_.url("/metrics"), {}, {}, 30'000).body; }
  double metric(const std::string& series) { return metricValue(metrics(), series).value_or(-1); }
  json compare() {
    auto r = httpRequest("POST", server_.url("/api/compare"), json{{"models", kModels}}.dump(),
                         {"Content-Type: application/json"}, 30'000);
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }
  // Every answer is a 200 with a saying, from the cache or the store (never a wait on the
  // upstream, never a 5xx).
  void sayingsKeepAnswering(int n, const std::string& query = "") {
    for (int i = 0; i < n; ++i) {
      auto r = httpRequest("GET", server_.url("/api/sayings" + query), {}, {}, 30'000);
      ASSERT_EQ(r.status, 200) << query << " #" << i << ": " << r.body;
      auto j = json::parse(r.body);
      EXPECT_FALSE(j["text"].get<std::string>().empty()) << r.body;
      EXPECT_TRUE(j["source"] == "cache" || j["source"] == "store") << r.body;
    }
  }
  void modelRequestsSayWhy(int n, const std::string& model) {
    for (int i = 0; i < n; ++i) {
      auto r = httpRequest("GET", server_.url("/api/sayings?model=" + model), {}, {}, 30'000);
      ASSERT_EQ(r.status, 503) << model << " #" << i << ": " << r.body;
      auto j = json::parse(r.body);
      EXPECT_EQ(j["model"], model) << r.body;
      const auto error = j["error"].get<std::string>();
      EXPECT_TRUE(error == "upstream_error" || error == "circuit_open" || error == "timeout")
          << r.body;
      const auto message = j["message"].get<std::string>();
      EXPECT_NE(message.find(model), std::string::npos) << r.body;
      EXPECT_EQ(message.find("127.0.0.1"), std::string::npos) << r.body;  // no raw addresses
    }
  }
  bool circuitsAre(const std::vector<std::string>& models, double open) {
    const auto text = metrics();
    for (const auto& m : models)
      if (metricValue(text, "cloudsayings_circuit_open{model=\"" + m + "\"}") != open) return false;
    return true;
  }

  TempDir dir_;
  FakeLlmServer fake_;
  DeadPort stalled_{true};
  DeadPort closed_{false};
  ServerProcess server_;
};

TEST_P(UpstreamFault, ServiceStaysCalmAndSaysWhatHappened) {
  const auto& fault = GetParam();
  const auto faulty = faultyModels();
  if (fault.where == Where::kFake) faultOn(faulty);
  start();

  // 1. Compare with only `faulty` failing: their errors, the others' sayings.
  const auto first = compare();
  ASSERT_EQ(first["results"].size(), kModels.size()) << first.dump();
  for (const auto& r : first["results"]) {
    const bool bad =
        std::find(faulty.begin(), faulty.end(), r["model"].get<std::string>()) != faulty.end();
    if (bad) {
      EXPECT_EQ(r["ok"], false) << r.dump();
      EXPECT_EQ(r["error"]["error"], fault.error_type) << r.dump();
      EXPECT_FALSE(r["error"]["message"].get<std::string>().empty());
    } else {
      EXPECT_EQ(r["ok"], true) << r.dump();
      EXPECT_FALSE(r["sayings"].empty()) << r.dump();
    }
  }

  // 2. The fault everywhere the fake serves: sayings still answer (cold start, cache, store);
  //    ?model= of a model that cannot answer says why instead (503 naming the model).
  if (fault.where == Where::kFake) faultOn(kModels);
  sayingsKeepAnswering(8);
  modelRequestsSayWhy(2, faulty.front());

  // 3. Repeated faults open the circuit (the refills and these compares feed it).
  const auto broken = fault.where == Where::kFake ? kModels : faulty;
  EXPECT_TRUE(waitFor([&] {
    compare();
    return circuitsAre(broken, 1.0);
  })) << metrics();
  auto models = json::parse(httpRequest("GET", server_.url("/api/models")).body)["models"];
  for (const auto& m : models) {
    if (std::find(broken.begin(), broken.end(), m["id"].get<std::string>()) != broken.end()) {
      EXPECT_EQ(m["health"], "open") << m.dump();
    }
  }
  sayingsKeepAnswering(4);

  // 4. The fault clears: after the cool-down a probe succeeds and the circuit closes.
  if (fault.where == Where::kFake) {
    ASSERT_EQ(fake_.fake().control(json{{"reset", true}}), "");
    EXPECT_TRUE(waitFor([&] {
      compare();
      return circuitsAre(kModels, 0.0);
    })) << metrics();
    const json answered = compare();  // named: a range-for over compare()["results"] dangles
    for (const auto& r : answered["results"]) EXPECT_EQ(r["ok"], true) << r.dump();
  }

  // 5. Metrics count the upstream errors by model and type; nothing is left running.
  for (const auto& m : faulty)
    EXPECT_GE(metric("cloudsayings_llm_errors_total{model=\"" + m + "\",error_type=\"" +
                     fault.error_type + "\"}"),
              1.0)
        << metrics();
  EXPECT_TRUE(waitFor([&] {
    const auto text = metrics();
    // The scrape itself is one connection and one request in flight.
    return metricValue(text, "cloudsayings_compare_calls_in_flight") == 0.0 &&
           metricValue(text, "cloudsayings_http_connections") == 1.0 &&
           metricValue(text, "cloudsayings_http_requests_in_flight") == 1.0;
  })) << metrics();

  // 6. The log names the error type and the model, for every faulty model.
  fake_.fake().releaseStalls();  // stalled fake answers end now, so the server stops quickly
  ASSERT_EQ(server_.stop(), 0) << server_.logs();
  for (const auto& m : faulty) {
    bool logged = false;
    for (const auto& line : server_.logLines()) {
      auto j = json::parse(line, nullptr, false);
      if (j.is_discarded() || j["message"] != "LLM call failed") continue;
      const auto& x = j["extra_fields"];
      logged |= x["model"] == m && x["error_type"] == fault.error_type &&
                !x["error_message"].get<std::string>().empty();
    }
    EXPECT_TRUE(logged) << m << " " << fault.error_type;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Faults, UpstreamFault,
    ::testing::Values(
        Fault{"StalledConnection", {}, "timeout", Where::kStalledPort},
        Fault{"Timeout", {{"mode", "stall"}, {"stall_ms", 3000}}, "timeout"},
        Fault{
            "RateLimitedWithRetryAfter", {{"status", 429}, {"retry_after", "30"}}, "rate_limited"},
        Fault{"Overloaded529", {{"status", 529}}, "overloaded", Where::kFake, "claude-haiku-4-5"},
        Fault{"ServerError500", {{"status", 500}}, "server_error"},
        Fault{"MalformedJson", {{"mode", "malformed_json"}}, "bad_response"},
        Fault{"TruncatedBody", {{"mode", "truncated"}}, "bad_response"},
        Fault{"ConnectionRefused", {}, "network", Where::kClosedPort},
        Fault{"WrongContentType", {{"mode", "wrong_content_type"}}, "bad_response"}),
    [](const ::testing::TestParamInfo<Fault>& p) { return p.param.name; });

}  // namespace
}  // namespace cs::testing
