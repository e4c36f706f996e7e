#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes/fake_ssm.hpp"
#include "http/router.hpp"

namespace cs::testing {

class LoopbackServer;

// A scriptable fake of the Anthropic Messages and OpenAI Chat Completions APIs (and, through
// FakeSsm, of AWS SSM GetParameter). The control API is documented in fake_llm_main.cpp and
// docs/testing.md. Use FakeLlmServer to run it on loopback in-process, or the `fake_llm`
// program from another process.
class FakeLlm {
 public:
  // What the next answers look like; global, or per model (the request body's "model").
  struct Script {
    int latency_ms = 0;
    std::deque<int> statuses;  // popped one per request; 200 = a normal answer
    int status = 200;          // every answer's status once `statuses` is empty (a lasting fault)
    std::string retry_after;   // Retry-After on error answers, when set
    std::string mode =
        "normal";         // normal|malformed_json|truncated|stall|wrong_content_type|empty|cutoff
    int mode_count = -1;  // requests the mode applies to; -1 = all
    int stall_ms = 60'000;
    std::string format = "numbered";  // numbered|bullets|json|fenced|prose
    // "raw": these exact bytes answer every request (hostile-upstream tests), until cleared.
    bool raw = false;
    int raw_status = 200;
    std::string raw_content_type;
    std::string raw_body;
  };

  FakeLlm();
  ~FakeLlm();
  FakeLlm(const FakeLlm&) = delete;
  FakeLlm& operator=(const FakeLlm&) = delete;

  // Routes: POST /v1/messages, POST /v1/chat/completions, POST /chat/completions,
  // POST|GET /_control, POST / (SSM).
  http::Router router();

  // Applies a control document (same JSON as POST /_control). Returns an error text or "".
  std::string control(const nlohmann::json& doc);
  nlohmann::json stats() const;
  // Wakes stalled handlers so a server can stop promptly.
  void releaseStalls();

  FakeSsm& ssm() { return ssm_; }

 private:
  struct Plan {
    int latency_ms = 0;
    int status = 200;
    std::string retry_after;
    std::string mode;
    int stall_ms = 0;
    std::string format;
    bool raw = false;
    int raw_status = 200;
    std::string raw_content_type;
    std::string raw_body;
  };
  Plan plan(const std::string& model);
  // Whether any script makes an answer wait (latency or a stall); recomputed under mutex_ by
  // control(). Answers that cannot wait run on the server's I/O thread, as a real upstream's
  // front end would answer them: the fake then costs a benchmark's upstream as little as it can.
  bool scriptsWait() const;
  std::atomic<bool> may_wait_{false};
  http::Response anthropic(const http::Request& req);
  http::Response openai(const http::Request& req);
  std::string sayingsText(const std::string& prompt, const std::string& format);
  void wait(int ms);
  std::uint64_t record(const http::Request& req, const std::string& model);  // request number

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool released_ = false;
  Script global_;
  std::map<std::string, Script> per_model_;
  std::map<std::string, std::string> required_keys_;  // provider -> key; empty = any non-empty key
  std::vector<std::string> custom_sayings_;
  std::uint64_t counter_ = 0;
  std::uint64_t requests_ = 0;
  std::map<std::string, std::uint64_t> by_model_;
  // Usage the answers reported, per body "model", counted only for answers whose usage reached
  // the client intact (not malformed/truncated/wrong content type): {answers, input, output}.
  struct Reported {
    std::uint64_t answers = 0;
    std::int64_t input_tokens = 0, output_tokens = 0;
  };
  std::map<std::string, Reported> usage_by_model_;
  void reportUsage(const std::string& model, const std::string& mode, std::int64_t in,
                   std::int64_t out);
  std::deque<nlohmann::json> recent_;  // last requests: path, model, body
  FakeSsm ssm_;
};

// FakeLlm served on 127.0.0.1:0 by our own HTTP server, for in-process tests.
class FakeLlmServer {
 public:
  FakeLlmServer();
  ~FakeLlmServer();
  FakeLlm& fake() { return *fake_; }
  int port() const;
  std::string url(const std::string& path = "") const;  // base URL without trailing slash

 private:
  std::unique_ptr<FakeLlm> fake_;
  std::unique_ptr<LoopbackServer> server_;
};

}  // namespace cs::testing
