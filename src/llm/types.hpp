#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json_field.hpp"
#include "core/json_scan.hpp"
#include "core/saying.hpp"
#include "llm/ledger.hpp"

namespace cs::llm {

// One entry of the model catalog (config/models.toml), prices as litellm names them.
struct ModelInfo {
  std::string id;              // our id, e.g. "claude-haiku-4-5"
  std::string provider;        // registry name: "anthropic" | "openai"
  std::string upstream_model;  // the provider's model name
  std::string display_name;
  double input_cost_per_token = 0.0;   // USD
  double output_cost_per_token = 0.0;  // USD
  std::string prompt;                  // prompt template id (config/prompts/...)
  int max_tokens = 400;                // the call's output token limit (3 sayings fit easily)
  double temperature = 0.9;            // creative task: some variety
  double cost_per_1k_tokens() const {
    return (input_cost_per_token + output_cost_per_token) / 2 * 1000;
  }
};

// A model as the API shows it: catalog entry plus whether it can be called now.
struct ModelStatus {
  ModelInfo info;
  bool enabled = false;
  std::string disabled_reason;     // e.g. "no API key"
  std::string health = "unknown";  // "ok" | "degraded" (retries/errors) | "open" (circuit open)
  std::map<std::string, std::uint64_t> errors;  // failed generate() calls since start, by kindName
};

using Deadline = std::chrono::steady_clock::time_point;

struct GenerationRequest {
  std::string model_id;
  int count = 3;                            // sayings per call (batch of 3)
  std::vector<std::string> avoid_services;  // service tracking: favour others
  std::optional<std::string> topic;         // compare: an optional user topic
  Deadline deadline = Deadline::max();      // overall deadline for this call incl. retries
  Purpose purpose = Purpose::kCacheFill;    // why: the ledger's purpose (every caller sets it)
};

// An OpenAI-shaped chat completion forwarded for a client (POST /v1/chat/completions). The
// gateway replaces the `model` value with the catalog's upstream name and adds the key; every
// other byte of the client's text goes upstream as it came (no DOM, no re-dump). Retries,
// breaker, budget and ledger apply.
struct ForwardRequest {
  std::string model_id;
  std::string body;         // the client's JSON object (checked by jsonf::scan), as sent
  jsonf::Span model_value;  // its top-level `model` string value in `body`, quotes included
  Deadline deadline = Deadline::max();
  Purpose purpose = Purpose::kPassthrough;
};

struct ForwardResult {
  std::string model_id;
  std::string provider;
  std::string body;  // the upstream's 2xx answer, byte for byte
  Usage usage;       // what the answer reported (the ledger's)
  double cost_usd = 0.0;
  double llm_ms = 0.0;
  int attempts = 1;
};

struct GeneratedSaying {
  std::string text;
  Usage tokens;           // this saying's share of the call's usage
  double cost_usd = 0.0;  // this saying's share of the call's cost
};

struct GenerationResult {
  std::string model_id;
  std::string provider;
  std::vector<GeneratedSaying> sayings;
  Usage usage;                // whole call
  double cost_usd = 0.0;      // whole call
  double llm_ms = 0.0;        // wall time of the successful upstream call(s)
  std::string finish_reason;  // normalised: "stop" | "length" | "other"
  int attempts = 1;
};

struct LlmError {
  enum class Kind {
    kAuth,          // 401/403: key missing or wrong (forces a key refresh)
    kRateLimited,   // 429
    kOverloaded,    // 529 (Anthropic) / 503
    kServer,        // other 5xx
    kTimeout,       // connect or total timeout, or the deadline passed
    kNetwork,       // connection refused/reset, DNS
    kBadResponse,   // malformed JSON, truncated body, wrong content type, no sayings
    kBadRequest,    // 400/404/422: our request was rejected (a bug or a bad model name)
    kCircuitOpen,   // breaker open: not called
    kDisabled,      // no API key / unknown model
    kShuttingDown,  // the server is stopping: the call's answer will not be waited for
    kInternal,      // a bug or surprise in our own code (an exception caught at a thread entry)
  };
  Kind kind = Kind::kServer;
  std::string message;  // safe to log and return: never contains a key
  int http_status = 0;
  std::optional<std::chrono::milliseconds> retry_after;
  int attempts = 0;  // upstream requests the failed call sent (set by the gateway)
  Usage usage{};     // tokens a rejected answer reported (cut off, refused, empty): still spent
  bool retryable() const {
    return kind == Kind::kRateLimited || kind == Kind::kOverloaded || kind == Kind::kServer ||
           kind == Kind::kTimeout || kind == Kind::kNetwork;
  }
};
const char* kindName(LlmError::Kind kind);

}  // namespace cs::llm
