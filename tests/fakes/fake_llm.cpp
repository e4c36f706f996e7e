#include "fakes/fake_llm.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "fakes/loopback_server.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

// Services the fake writes about; canonical names from config/services.json.
const std::vector<std::string> kServices = {
    "Amazon S3",         "AWS Lambda",        "Amazon DynamoDB", "Amazon EC2",
    "Amazon CloudFront", "Amazon CloudWatch", "AWS IAM",         "Amazon SQS",
    "Amazon SNS",        "Amazon RDS",        "Amazon Aurora",   "Amazon Redshift",
    "Amazon Athena",     "AWS Fargate",       "Amazon Route 53", "AWS Step Functions",
    "Amazon Kinesis",    "Amazon ECS",        "Amazon EKS",      "AWS CloudFormation"};

const std::vector<std::string> kAnalogies = {
    "is like a bottomless closet: room for everything, but finding last year's sweater takes a "
    "query",
    "is like a vending machine that bills you per snack and never asks where you parked",
    "is like a very polite butler who only works when the doorbell rings",
    "is like a post office that never loses a letter but sometimes delivers it twice",
    "is like a gym membership: easy to start, surprisingly hard to cancel",
    "is like a smoke detector for your servers: quiet until the toast burns",
    "is like a bouncer with a clipboard who checks every name twice",
    "is like a conveyor belt sushi bar where the plates never stop coming",
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The services a prompt asks to leave out: every line containing "avoid" names them.
std::vector<std::string> avoided(const std::string& prompt) {
  std::vector<std::string> out;
  const auto text = lower(prompt);
  std::size_t pos = 0;
  while ((pos = text.find("avoid", pos)) != std::string::npos) {
    auto start = text.rfind('\n', pos);
    auto end = text.find('\n', pos);
    auto line = text.substr(start == std::string::npos ? 0 : start,
                            end == std::string::npos ? std::string::npos : end - start);
    for (const auto& s : kServices) {
      auto short_name = lower(s.substr(s.find(' ') + 1));  // "s3", "lambda", ...
      if (line.find(lower(s)) != std::string::npos || line.find(short_name) != std::string::npos)
        out.push_back(s);
    }
    pos += 5;
  }
  return out;
}

std::string promptOf(const json& body, bool anthropic) {
  std::string text;
  if (anthropic && body.contains("system") && body["system"].is_string())
    text += body["system"].get<std::string>() + "\n";
  if (body.contains("messages") && body["messages"].is_array())
    for (const auto& m : body["messages"])
      if (m.contains("content") && m["content"].is_string())
        text += m["content"].get<std::string>() + "\n";
  return text;
}

std::int64_t tokensOf(const std::string& s) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(s.size() / 4));
}

std::string fromBase64(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const auto at = kAlphabet.find(c);
    if (at == std::string::npos) continue;  // '=' padding, line breaks
    bits = (bits << 6) | static_cast<std::uint32_t>(at);
    if ((count += 6) >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

// {"status": 200, "content_type": "...", "body": "..." | "body_base64": "..."}, or null to
// go back to scripted answers.
void applyRaw(FakeLlm::Script& s, const json& raw) {
  if (raw.is_null()) {
    s.raw = false;
    return;
  }
  if (!raw.is_object()) throw std::invalid_argument("raw must be an object or null");
  s.raw = true;
  s.raw_status = raw.value("status", 200);
  s.raw_content_type = raw.value("content_type", "application/json");
  s.raw_body = raw.contains("body_base64") ? fromBase64(raw["body_base64"].get<std::string>())
                                           : raw.value("body", "");
}

void applyScript(FakeLlm::Script& s, const json& doc) {
  if (doc.contains("raw")) applyRaw(s, doc["raw"]);
  if (doc.contains("latency_ms")) s.latency_ms = doc["latency_ms"];
  if (doc.contains("statuses")) {
    s.statuses.clear();
    for (const auto& v : doc["statuses"]) s.statuses.push_back(v.get<int>());
  }
  if (doc.contains("status")) s.status = doc["status"];
  if (doc.contains("retry_after"))
    s.retry_after = doc["retry_after"].is_string() ? doc["retry_after"].get<std::string>()
                                                   : doc["retry_after"].dump();
  if (doc.contains("mode")) s.mode = doc["mode"];
  if (doc.contains("mode_count")) s.mode_count = doc["mode_count"];
  if (doc.contains("stall_ms")) s.stall_ms = doc["stall_ms"];
  if (doc.contains("format")) s.format = doc["format"];
}

http::Response jsonResponse(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

template <typename Plan>
http::Response rawResponse(const Plan& p) {
  http::Response r;
  r.status = p.raw_status;
  r.content_type = p.raw_content_type;
  r.body = p.raw_body;
  return r;
}

}  // namespace

FakeLlm::FakeLlm() = default;
FakeLlm::~FakeLlm() {
  releaseStalls();
}

std::string FakeLlm::control(const json& doc) {
  if (!doc.is_object()) return "control body must be a JSON object";
  std::lock_guard lock(mutex_);
  try {
    if (doc.value("reset", false)) {
      global_ = Script{};
      per_model_.clear();
      required_keys_.clear();
      custom_sayings_.clear();
      requests_ = 0;
      by_model_.clear();
      usage_by_model_.clear();
      recent_.clear();
    }
    applyScript(global_, doc);
    if (doc.contains("models"))
      for (const auto& [model, script] : doc["models"].items())
        applyScript(per_model_[model], script);
    if (doc.contains("api_keys"))
      for (const auto& [provider, key] : doc["api_keys"].items()) required_keys_[provider] = key;
    if (doc.contains("sayings")) custom_sayings_ = doc["sayings"].get<std::vector<std::string>>();
    if (doc.contains("ssm_parameters"))
      for (const auto& [name, value] : doc["ssm_parameters"].items())
        ssm_.setParameter(name, value);
  } catch (const std::exception& e) {  // the fake's own control API, not product code
    may_wait_ = scriptsWait();
    return std::string("bad control document: ") + e.what();
  }
  may_wait_ = scriptsWait();
  return "";
}

bool FakeLlm::scriptsWait() const {
  auto waits = [](const Script& s) { return s.latency_ms > 0 || s.mode == "stall"; };
  if (waits(global_)) return true;
  for (const auto& [model, script] : per_model_)
    if (waits(script)) return true;
  return false;
}

json FakeLlm::stats() const {
  std::lock_guard lock(mutex_);
  json recent = json::array();
  for (const auto& r : recent_) recent.push_back(r);
  json usage = json::object();
  for (const auto& [model, u] : usage_by_model_)
    usage[model] = {{"answers", u.answers},
                    {"input_tokens", u.input_tokens},
                    {"output_tokens", u.output_tokens}};
  return json{{"requests", requests_},
              {"by_model", by_model_},
              {"usage_by_model", std::move(usage)},
              {"recent", recent},
              {"ssm_requests", ssm_.calls()}};
}

void FakeLlm::releaseStalls() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  wake_.notify_all();
}

void FakeLlm::wait(int ms) {
  if (ms <= 0) return;
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return released_; });
}

FakeLlm::Plan FakeLlm::plan(const std::string& model) {
  std::lock_guard lock(mutex_);
  auto it = per_model_.find(model);
  Script& s = it != per_model_.end() ? it->second : global_;
  Plan p;
  p.latency_ms = s.latency_ms;
  p.retry_after = s.retry_after;
  p.stall_ms = s.stall_ms;
  p.format = s.format;
  p.status = s.status;
  if (!s.statuses.empty()) {
    p.status = s.statuses.front();
    s.statuses.pop_front();
  }
  p.raw = s.raw;
  p.raw_status = s.raw_status;
  p.raw_content_type = s.raw_content_type;
  p.raw_body = s.raw_body;
  p.mode = s.mode;
  if (s.mode != "normal" && s.mode_count > 0 && --s.mode_count == 0) s.mode = "normal";
  return p;
}

void FakeLlm::reportUsage(const std::string& model, const std::string& mode, std::int64_t in,
                          std::int64_t out) {
  if (mode == "malformed_json" || mode == "truncated" || mode == "wrong_content_type") return;
  std::lock_guard lock(mutex_);
  auto& u = usage_by_model_[model];
  ++u.answers;
  u.input_tokens += in;
  u.output_tokens += out;
}

std::uint64_t FakeLlm::record(const http::Request& req, const std::string& model) {
  std::lock_guard lock(mutex_);
  ++requests_;
  ++by_model_[model];
  recent_.push_back(json{{"path", req.path}, {"model", model}, {"body", req.body}});
  if (recent_.size() > 50) recent_.pop_front();
  return requests_;
}

std::string FakeLlm::sayingsText(const std::string& prompt, const std::string& format) {
  auto skip = avoided(prompt);
  std::vector<std::string> lines;
  {
    std::lock_guard lock(mutex_);
    if (!custom_sayings_.empty()) {
      lines = custom_sayings_;
    } else {
      for (std::size_t tries = 0; lines.size() < 3 && tries < kServices.size() * 2; ++tries) {
        const auto n = counter_++;
        const auto& service = kServices[n % kServices.size()];
        if (std::find(skip.begin(), skip.end(), service) != skip.end()) continue;
        lines.push_back(service + " " + kAnalogies[(n / kServices.size() + n) % kAnalogies.size()] +
                        ".");
      }
    }
  }
  std::string out;
  if (format == "json") return json(lines).dump();
  if (format == "prose" || format == "fenced")
    out += "Here are three sayings about cloud services:\n\n";
  if (format == "fenced") out += "```\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (format == "bullets")
      out += "- \"" + lines[i] + "\"\n";
    else
      out += std::to_string(i + 1) + ". " + lines[i] + "\n";
  }
  if (format == "fenced") out += "```\n";
  if (format == "prose" || format == "fenced") out += "\nI hope these bring a smile!";
  return out;
}

http::Response FakeLlm::anthropic(const http::Request& req) {
  auto body = json::parse(req.body, nullptr, false);
  const std::string model = body.is_object() ? body.value("model", "") : "";
  const auto n = record(req, model);
  auto error = [](int status, const std::string& type, const std::string& message) {
    return jsonResponse(status,
                        {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}});
  };
  if (body.is_discarded() || model.empty() || !body.contains("max_tokens") ||
      !body.contains("messages"))
    return error(400, "invalid_request_error", "model, max_tokens and messages are required");
  if (!req.headers.get("anthropic-version"))
    return error(400, "invalid_request_error", "anthropic-version header is required");
  {
    auto key = std::string(req.headers.get("x-api-key").value_or(""));
    std::lock_guard lock(mutex_);
    auto it = required_keys_.find("anthropic");
    if (key.empty() || (it != required_keys_.end() && it->second != key))
      return error(401, "authentication_error", "invalid x-api-key");
  }
  const Plan p = plan(model);
  wait(p.latency_ms);
  if (p.raw) return rawResponse(p);
  if (p.status != 200) {
    static const std::map<int, std::string> types = {
        {400, "invalid_request_error"}, {401, "authentication_error"}, {403, "permission_error"},
        {404, "not_found_error"},       {429, "rate_limit_error"},     {529, "overloaded_error"}};
    auto it = types.find(p.status);
    auto r = error(p.status, it != types.end() ? it->second : "api_error", "scripted failure");
    if (!p.retry_after.empty()) r.headers.set("retry-after", p.retry_after);
    return r;
  }
  if (p.mode == "stall") wait(p.stall_ms);
  const auto prompt = promptOf(body, true);
  std::string text = p.mode == "empty" ? "" : sayingsText(prompt, p.format);
  if (p.mode == "cutoff") text = text.substr(0, text.size() / 3);
  json out = {{"id", "msg_fake" + std::to_string(n)},
              {"type", "message"},
              {"role", "assistant"},
              {"model", model},
              {"content", json::array({{{"type", "text"}, {"text", text}}})},
              {"stop_reason", p.mode == "cutoff" ? "max_tokens" : "end_turn"},
              {"stop_sequence", nullptr},
              {"usage", {{"input_tokens", tokensOf(prompt)}, {"output_tokens", tokensOf(text)}}}};
  reportUsage(model, p.mode, tokensOf(prompt), tokensOf(text));
  auto r = jsonResponse(200, out);
  r.headers.set("request-id", "req_fake" + std::to_string(n));
  if (p.mode == "malformed_json")
    r.body = R"({"id": "msg_x", "content": [{"type": "text", "text": "1. S3 is)";
  if (p.mode == "truncated") r.body = r.body.substr(0, r.body.size() / 2);
  if (p.mode == "wrong_content_type") {
    r.content_type = "text/html";
    r.body = "<html><body>502 Bad Gateway</body></html>";
  }
  return r;
}

http::Response FakeLlm::openai(const http::Request& req) {
  auto body = json::parse(req.body, nullptr, false);
  const std::string model = body.is_object() ? body.value("model", "") : "";
  const auto n = record(req, model);
  auto error = [](int status, const std::string& type, const std::string& message,
                  const json& code) {
    return jsonResponse(
        status,
        {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}});
  };
  if (body.is_discarded() || model.empty() || !body.contains("messages"))
    return error(400, "invalid_request_error", "model and messages are required", nullptr);
  {
    auto auth = std::string(req.headers.get("authorization").value_or(""));
    std::lock_guard lock(mutex_);
    auto it = required_keys_.find("openai");
    if (!auth.starts_with("Bearer ") || auth.size() <= 7 ||
        (it != required_keys_.end() && auth.substr(7) != it->second))
      return error(401, "invalid_request_error", "Incorrect API key provided.", "invalid_api_key");
  }
  const Plan p = plan(model);
  wait(p.latency_ms);
  if (p.raw) return rawResponse(p);
  if (p.status != 200) {
    auto r =
        error(p.status,
              p.status == 429   ? "requests"
              : p.status >= 500 ? "server_error"
                                : "invalid_request_error",
              "scripted failure", p.status == 429 ? json("rate_limit_exceeded") : json(nullptr));
    if (!p.retry_after.empty()) r.headers.set("retry-after", p.retry_after);
    return r;
  }
  if (p.mode == "stall") wait(p.stall_ms);
  const auto prompt = promptOf(body, false);
  std::string text = p.mode == "empty" ? "" : sayingsText(prompt, p.format);
  if (p.mode == "cutoff") text = text.substr(0, text.size() / 3);
  const auto in = tokensOf(prompt), out_tokens = tokensOf(text);
  json out = {
      {"id", "chatcmpl-fake" + std::to_string(n)},
      {"object", "chat.completion"},
      {"created", 1'700'000'000},
      {"model", model},
      {"system_fingerprint", "fp_fake"},
      {"choices",
       json::array({{{"index", 0},
                     {"message", {{"role", "assistant"}, {"content", text}, {"refusal", nullptr}}},
                     {"logprobs", nullptr},
                     {"finish_reason", p.mode == "cutoff" ? "length" : "stop"}}})},
      {"usage",
       {{"prompt_tokens", in},
        {"completion_tokens", out_tokens},
        {"total_tokens", in + out_tokens}}}};
  reportUsage(model, p.mode, in, out_tokens);
  auto r = jsonResponse(200, out);
  r.headers.set("x-request-id", "req_fake" + std::to_string(n));
  if (p.mode == "malformed_json")
    r.body = R"({"id": "chatcmpl-x", "choices": [{"message": {"content": "1. S3)";
  if (p.mode == "truncated") r.body = r.body.substr(0, r.body.size() / 2);
  if (p.mode == "wrong_content_type") {
    r.content_type = "text/html";
    r.body = "<html><body>502 Bad Gateway</body></html>";
  }
  return r;
}

http::Router FakeLlm::router() {
  http::Router router;
  // On the worker pool only while a script makes answers wait (sleeping on an I/O thread would
  // stall every other connection it serves).
  auto waits = http::Blocking::when([this](const http::Request&) { return may_wait_.load(); });
  router.add(
      "POST", "/v1/messages", [this](const http::Request& r) { return anthropic(r); }, waits);
  router.add(
      "POST", "/v1/chat/completions", [this](const http::Request& r) { return openai(r); }, waits);
  router.add(
      "POST", "/chat/completions", [this](const http::Request& r) { return openai(r); }, waits);
  router.add("POST", "/_control", [this](const http::Request& r) {
    auto doc = json::parse(r.body, nullptr, false);
    auto error = doc.is_discarded() ? std::string("control body is not JSON") : control(doc);
    if (!error.empty()) return jsonResponse(400, {{"error", "bad_control"}, {"message", error}});
    return jsonResponse(200, {{"ok", true}});
  });
  router.add("GET", "/_control",
             [this](const http::Request&) { return jsonResponse(200, stats()); });
  router.add("POST", "/", [this](const http::Request& r) { return ssm_.handle(r); });
  return router;
}

FakeLlmServer::FakeLlmServer() : fake_(std::make_unique<FakeLlm>()) {
  auto options = LoopbackServer::defaults();
  options.worker_threads = 64;
  server_ = std::make_unique<LoopbackServer>(fake_->router(), options);
}

FakeLlmServer::~FakeLlmServer() {
  fake_->releaseStalls();
  server_.reset();
}

int FakeLlmServer::port() const {
  return server_->port();
}
std::string FakeLlmServer::url(const std::string& path) const {
  return server_->url(path);
}

}  // namespace cs::testing
