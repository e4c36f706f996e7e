// fake_llm: a scriptable fake of the Anthropic Messages API, the OpenAI Chat Completions API
// and AWS SSM GetParameter, on one loopback HTTP port. For integration tests and benchmarks.
//
//   fake_llm [--host 127.0.0.1] [--port 0]
//   prints one JSON line: {"message":"Fake LLM listening","extra_fields":{"host":..,"port":N}}
//   and serves until SIGTERM/SIGINT.
//
// Upstream routes (real-shaped bodies: ids, usage, stop_reason / finish_reason):
//   POST /v1/messages                      Anthropic (needs x-api-key and anthropic-version)
//   POST /v1/chat/completions, /chat/completions   OpenAI (needs Authorization: Bearer ...)
//   POST /                                 SSM JSON 1.1 (X-Amz-Target: AmazonSSM.GetParameter;
//                                          needs a well-formed SigV4 Authorization header)
// A normal answer holds 3 numbered sayings, each naming a cloud service. A prompt line that
// contains "avoid" lists services the answer leaves out (e.g. "Avoid: Amazon S3, AWS Lambda").
//
// Control: POST /_control with a JSON object; every key optional, applied in this order:
//   "reset": true                 back to defaults, counters cleared
//   "latency_ms": 200             delay before every answer
//   "statuses": [429, 529, 200]   queue: the next answers get these statuses (error bodies in
//                                 the provider's shape); 200 = a normal answer; then normal
//   "retry_after": "1"            Retry-After header on error answers
//   "mode": "normal" | "malformed_json" | "truncated" (valid JSON cut in half) | "stall"
//           (waits stall_ms, default 60000, before answering) | "wrong_content_type"
//           (text/html) | "empty" (no text) | "cutoff" (stop_reason max_tokens / finish_reason
//           length with a partial answer)
//   "mode_count": 2               the mode applies to the next 2 answers only (-1 = all)
//   "stall_ms": 60000
//   "format": "numbered" | "bullets" | "json" | "fenced" | "prose"   shape of the sayings text
//   "models": {"gpt-4.1": {...same keys...}}   a per-model script (by the body's "model")
//   "api_keys": {"anthropic": "sk-ant-test-FAKE", "openai": "sk-test-FAKE"}  only these keys
//                                 are accepted (401 otherwise); unset = any non-empty key
//   "sayings": ["...", "..."]     answer these texts instead of generated ones
//   "ssm_parameters": {"/cloud-sayings/claude": "sk-ant-test-FAKE"}   SSM parameter values
//   "raw": {"status": 200, "content_type": "application/json", "body": "..."}  answer these
//                                 exact bytes ("body_base64" for invalid UTF-8 or NULs) to every
//                                 request, until "raw": null (also per model under "models")
// GET /_control returns {"requests": N, "by_model": {...}, "recent": [{path, model, body}],
// "ssm_requests": N}.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "fakes/fake_llm.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"fake_llm: scriptable fake LLM + SSM upstream"};
  std::string host = "127.0.0.1";
  int port = 0;
  int workers = 64;
  cli.add_option("--host", host, "address to bind");
  cli.add_option("--port", port, "port (0 = any free port)");
  cli.add_option("--workers", workers, "handler threads (latency is simulated by sleeping)");
  CLI11_PARSE(cli, argc, argv);

  cs::testing::FakeLlm fake;
  auto router = fake.router();
  cs::http::Pipeline pipeline(router, 1024 * 1024);
  pipeline.setAccessLog(false);
  cs::http::ServerOptions options;
  options.host = host;
  options.port = static_cast<std::uint16_t>(port);
  options.worker_threads = static_cast<unsigned>(workers);
  options.io_threads = 2;
  options.drain_timeout = std::chrono::milliseconds(1'000);
  cs::http::Server server(options, pipeline);
  server.listen();
  std::cout << nlohmann::json{{"message", "Fake LLM listening"},
                              {"extra_fields", {{"host", host}, {"port", server.port()}}}}
                   .dump()
            << std::endl;
  server.run(true);
  fake.releaseStalls();
  return 0;
}
