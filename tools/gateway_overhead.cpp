// gateway_overhead: the LLM gateway's own cost per call. Runs the fake LLM in-process and
// compares, at 1 and 32 concurrent callers, (a) a bare libcurl round trip per call (one easy
// handle per thread, keep-alive; the fake's own response time as a client sees it) with (b) a
// full GatewayImpl::generate() (key lookup, breaker, prompt, JSON build, transport thread hop,
// JSON parse, batch parse, cost split, one log line). Overhead = (b) - (a).
//   gateway_overhead [--calls N] [--latency-ms MS] [--model ID]
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_keys.hpp"
#include "fakes/fake_llm.hpp"
#include "llm/gateway_impl.hpp"
#include "llm/model_catalog.hpp"
#include "llm/registry.hpp"
#include "net/curl_transport.hpp"
#include "obs/logger.hpp"

namespace {

using Clock = std::chrono::steady_clock;

size_t sink(char*, size_t size, size_t count, void*) {
  return size * count;
}

struct Stats {
  double mean = 0, p50 = 0, p99 = 0;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  Stats s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  s.p50 = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  return s;
}

// Runs `fn` calls/threads times on each of `threads` threads; returns per-call microseconds.
template <typename Fn>
std::vector<double> run(int threads, int calls, Fn fn) {
  std::vector<std::vector<double>> per(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      auto state = fn.init();
      for (int i = 0; i < calls / threads; ++i) {
        const auto t0 = Clock::now();
        fn.call(state);
        per[static_cast<size_t>(t)].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      fn.done(state);
    });
  for (auto& th : pool) th.join();
  std::vector<double> all;
  for (auto& p : per) all.insert(all.end(), p.begin(), p.end());
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  int calls = 2000, latency_ms = 0;
  std::string model_id = "claude-haiku-4-5";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--calls")) calls = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--latency-ms")) latency_ms = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--model")) model_id = argv[i + 1];
  }
  cs::obs::Logger logger(cs::obs::Level::kInfo, [](std::string_view) {});  // formatted, not written
  cs::obs::setGlobalLogger(&logger);
  cs::testing::FakeLlmServer fake;
  fake.fake().control(nlohmann::json{{"latency_ms", latency_ms}});

  cs::net::CurlTransport transport;
  cs::testing::FakeKeys keys{
      {{"anthropic", "sk-test-FAKE-bench"}, {"openai", "sk-test-FAKE-bench"}}};
  cs::ThreadExecutor executor(2);
  cs::llm::GatewayOptions options;
  options.providers["anthropic"] = {fake.url(), "2023-06-01", ""};
  options.providers["openai"] = {fake.url("/v1"), "", "max_completion_tokens"};
  auto catalog = cs::llm::loadModelCatalog("").value();
  cs::llm::ModelInfo info;
  for (const auto& m : catalog)
    if (m.id == model_id) info = m;
  cs::llm::GatewayImpl gateway(catalog, options, transport, keys, cs::SystemClock::instance(),
                               executor);

  // The exact request the gateway sends, for the bare-curl baseline.
  auto adapter = cs::llm::builtinProviders().make(info.provider, options.providers[info.provider]);
  const auto wire =
      adapter->buildRequest({info, {"system", "Write exactly 3 sayings."}, "sk-test-FAKE-bench"});

  struct Bare {
    const cs::net::HttpRequest& wire;
    struct State {
      CURL* easy;
      curl_slist* headers;
    };
    State init() {
      State s{curl_easy_init(), nullptr};
      for (const auto& [k, v] : wire.headers)
        s.headers = curl_slist_append(s.headers, (k + ": " + v).c_str());
      curl_easy_setopt(s.easy, CURLOPT_URL, wire.url.c_str());
      curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, s.headers);
      curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, wire.body.c_str());
      curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, sink);
      curl_easy_setopt(s.easy, CURLOPT_NOSIGNAL, 1L);
      return s;
    }
    void call(State& s) { curl_easy_perform(s.easy); }
    void done(State& s) {
      curl_slist_free_all(s.headers);
      curl_easy_cleanup(s.easy);
    }
  };
  struct ViaGateway {
    cs::llm::GatewayImpl& gateway;
    const std::string& model;
    std::atomic<int>* failures;
    int init() { return 0; }
    void call(int&) {
      cs::llm::GenerationRequest r;
      r.model_id = model;
      if (!gateway.generate(r)) ++*failures;
    }
    void done(int&) {}
  };

  std::printf("model %s, fake latency %d ms, %d calls per run\n", model_id.c_str(), latency_ms,
              calls);
  std::printf("%-12s %-10s %10s %10s %10s\n", "concurrency", "path", "mean_us", "p50_us", "p99_us");
  for (int threads : {1, 32}) {
    (void)run(threads, threads * 20, Bare{wire});  // warm connections
    std::atomic<int> failures{0};
    (void)run(threads, threads * 20, ViaGateway{gateway, model_id, &failures});
    const auto bare = stats(run(threads, calls, Bare{wire}));
    const auto gw = stats(run(threads, calls, ViaGateway{gateway, model_id, &failures}));
    std::printf("%-12d %-10s %10.1f %10.1f %10.1f\n", threads, "bare-curl", bare.mean, bare.p50,
                bare.p99);
    std::printf("%-12d %-10s %10.1f %10.1f %10.1f\n", threads, "gateway", gw.mean, gw.p50, gw.p99);
    std::printf("%-12d %-10s %10.1f %10.1f\n", threads, "overhead", gw.mean - bare.mean,
                gw.p50 - bare.p50);
  }
  logger.flush();
  cs::obs::setGlobalLogger(nullptr);
  return 0;
}
