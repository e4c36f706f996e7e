#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs::http {

// Case-insensitive header list; small, so a vector beats a map.
class Headers {
 public:
  std::optional<std::string_view> get(std::string_view name) const;
  void set(std::string name, std::string value);  // replaces
  void add(std::string name, std::string value);  // appends
  const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

bool iequals(std::string_view a, std::string_view b);

// A request as handlers see it: no sockets, no Beast types, so handlers test as plain calls.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path plus query
  std::string path;    // percent-decoded path, no query
  std::string query_string;
  Headers headers;
  std::string body;
  std::string remote_address;
  std::string request_id;
  // Set by the pipeline when its before-stages (request id, CORS, rate limit) have admitted
  // the request, so an inline attempt that hands over to a worker does not run them twice.
  bool admitted = false;
  std::chrono::steady_clock::time_point received_at{};  // when the pipeline first saw it

  // Percent-decoded query parameters (first value wins for repeated names).
  const std::map<std::string, std::string>& query() const;
  std::optional<std::string> queryParam(const std::string& name) const;

  // Sets target, path (percent-decoded, no query) and query_string from a request target
  // ("/api/sayings?model=x"): the one way every front door (the Beast server, the Lambda
  // runtime, tests) turns a target into a Request.
  void setTarget(std::string request_target);

  static Request make(std::string method, std::string target, std::string body = {});

 private:
  mutable std::optional<std::map<std::string, std::string>> query_;
};

// Where a streamed response's chunks go. write() returns false once the client is gone, so
// producers can stop early. Thread-safe: producers may call from any thread.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual bool write(std::string chunk) = 0;
  virtual void close() = 0;
};
using StreamSinkPtr = std::shared_ptr<StreamSink>;

// What a handler reports about the work behind a response, for metrics and the access log
// (TotalExecutionTime, APILatency, TokensUsed, Cost, CacheHit with source/model dimensions).
// Handlers fill it; the metrics middleware reads it; neither knows the other.
struct Observation {
  std::string source;                    // store | cache | llm | fallback
  std::string model;                     // model id, "corpus" for shipped sayings, or "" when none
  std::optional<double> api_latency_ms;  // upstream LLM call time, when there was one
  std::int64_t tokens = 0;
  double cost_usd = 0.0;
  bool cache_hit = false;
};

struct Response;
// Completes a deferred response. Call it once, from any thread.
using ResponseCallback = std::function<void(Response)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  // Set for streamed bodies (Server-Sent Events): the server sends the headers, then calls
  // this once with a sink; the response ends when the sink is closed.
  std::function<void(StreamSinkPtr)> stream;
  // Set for answers that come later (a compare waits for its models): the server calls this
  // once with a completion and awaits it without holding a thread; the Response given to the
  // completion is then sent as if the handler had returned it (it may stream; it may not defer
  // again). A completion dropped uncalled answers 500. Nothing else of this Response is used.
  std::function<void(ResponseCallback)> deferred;
  std::optional<Observation> observation;
  // Set by jsonError: the error code and message, for the access log's error_type/error_message.
  std::string error_code;
  std::string error_message;
};

std::string percentDecode(std::string_view in, bool plus_is_space);

}  // namespace cs::http
