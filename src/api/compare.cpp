#include "api/compare.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/json_response.hpp"
#include "core/json_field.hpp"
#include "core/money.hpp"
#include "obs/logger.hpp"

namespace cs::api {

namespace {
using Json = nlohmann::ordered_json;

double round3(double ms) {
  return std::round(ms * 1000.0) / 1000.0;
}

Json outcomeJson(const CompareOutcome& o) {
  Json j;
  j["model"] = o.model;
  j["provider"] = o.provider;
  j["ok"] = !o.error.has_value();
  Json sayings = Json::array();
  for (const auto& item : o.sayings) {
    Json s;
    s["id"] = item.saying.id;
    s["text"] = item.saying.text;
    s["services"] = item.saying.services;
    s["tokens"] = {{"input", item.saying.tokens.input_tokens},
                   {"output", item.saying.tokens.output_tokens}};
    s["cost_usd"] = roundUsd(item.saying.cost_usd);
    if (!item.duplicate_of.empty()) s["duplicate_of"] = item.duplicate_of;
    sayings.push_back(std::move(s));
  }
  j["sayings"] = std::move(sayings);
  j["latency_ms"] = round3(o.latency_ms);
  j["llm_ms"] = o.llm_ms ? Json(round3(*o.llm_ms)) : Json(nullptr);
  j["tokens"] = {{"input", o.tokens.input_tokens}, {"output", o.tokens.output_tokens}};
  j["cost_usd"] = roundUsd(o.cost_usd);
  j["attempts"] = o.attempts;
  if (o.error)
    j["error"] = {{"error", llm::kindName(o.error->kind)},
                  {"message", o.error->message},
                  {"retryable", o.error->retryable()}};
  else
    j["error"] = nullptr;
  return j;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    auto item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

struct Parsed {
  std::vector<std::string> models;
  std::optional<std::string> topic;
};

// Reads models and topic from the query (GET) or the JSON body (POST).
std::optional<http::Response> parse(const http::Request& request, Parsed& out) {
  if (request.method != "POST") {
    if (auto m = request.queryParam("models")) out.models = splitList(*m);
    out.topic = request.queryParam("topic");
    return std::nullopt;
  }
  auto type = request.headers.get("Content-Type").value_or("");
  if (type.find("application/json") == std::string_view::npos)
    return http::jsonError(ErrorCode::kUnsupportedMediaType,
                           "POST /api/compare takes application/json");
  // A client body is untrusted JSON: read through jsonf only (tests/check_untrusted_json.sh).
  const auto body = jsonf::parse(request.body);
  if (!body || !body->is_object())
    return http::jsonError(ErrorCode::kInvalidJson, "the body must be a JSON object");
  if (const nlohmann::json* m = jsonf::find(*body, "/models"); m && !m->is_null()) {
    if (auto list = jsonf::stringView(*m)) {
      out.models = splitList(std::string(*list));
    } else if (m->is_array()) {
      for (const auto& id : *m) {
        auto text = jsonf::string(id);
        if (!text) return http::jsonError(ErrorCode::kInvalidModels, "models must be strings");
        out.models.push_back(std::move(*text));
      }
    } else {
      return http::jsonError(ErrorCode::kInvalidModels, "models must be a list of model ids");
    }
  }
  if (const nlohmann::json* t = jsonf::find(*body, "/topic"); t && !t->is_null()) {
    auto topic = jsonf::string(*t);
    if (!topic) return http::jsonError(ErrorCode::kInvalidTopic, "topic must be a string");
    out.topic = std::move(*topic);
  }
  return std::nullopt;
}

std::string sseEvent(std::string_view name, const Json& data) {
  std::string out = "event: ";
  out += name;
  out += "\ndata: ";
  out += data.dump(-1, ' ', false, Json::error_handler_t::replace);
  out += "\n\n";
  return out;
}

http::Response streamed(const CompareRunPtr& run, std::chrono::steady_clock::time_point started) {
  http::Response response;
  response.content_type = "text/event-stream";
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("X-Accel-Buffering", "no");  // proxies must not hold events back
  response.observation = http::Observation{"llm", "", std::nullopt, 0, 0.0, false};
  response.stream = [run, started](const http::StreamSinkPtr& sink) {
    run->subscribe(
        [sink](const CompareOutcome& o) { sink->write(sseEvent("result", outcomeJson(o))); },
        [sink, started, count = run->models().size()] {
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
          sink->write(sseEvent("done", Json{{"count", count}, {"wall_ms", round3(ms)}}));
          sink->close();
        });
  };
  return response;
}

http::Response answered(const CompareService::Started& run,
                        const std::vector<CompareOutcome>& outcomes,
                        std::chrono::steady_clock::time_point started) {
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  Json body;
  body["topic"] = run.topic ? Json(*run.topic) : Json(nullptr);
  body["models"] = run.models;
  Json results = Json::array();
  std::int64_t tokens = 0;
  double cost = 0.0, slowest = 0.0;
  for (const auto& o : outcomes) {
    results.push_back(outcomeJson(o));
    tokens += o.tokens.total();
    cost += o.cost_usd;
    slowest = std::max(slowest, o.latency_ms);
  }
  body["results"] = std::move(results);
  body["wall_ms"] = round3(ms);
  auto response = jsonResponse(200, body);
  response.observation = http::Observation{"llm", "", slowest, tokens, cost, false};
  return response;
}
}  // namespace

http::Response compare(CompareService& service, const http::Request& request) {
  Parsed parsed;
  if (auto bad = parse(request, parsed)) return std::move(*bad);
  const bool sse = request.headers.get("Accept").value_or("").find("text/event-stream") !=
                   std::string_view::npos;
  const auto started = std::chrono::steady_clock::now();
  // Deferred: the models are resolved (a key may come from SSM) and called off this thread,
  // and no thread waits for the answers; the server sends the response when it is complete.
  http::Response pending;
  pending.deferred = [&service, parsed = std::move(parsed), sse,
                      started](http::ResponseCallback done) {
    service.startAsync(parsed.models, parsed.topic,
                       [done = std::move(done), sse, started](Result<CompareService::Started> run) {
                         if (!run) return done(http::jsonError(run.error()));
                         if (sse) return done(streamed(run->run, started));
                         // The callback holds no pointer to the run (no cycle through its own
                         // callback).
                         CompareService::Started head{run->models, run->topic, nullptr};
                         run->run->whenDone([done, started, head = std::move(head)](
                                                const std::vector<CompareOutcome>& outcomes) {
                           done(answered(head, outcomes, started));
                         });
                       });
  };
  return pending;
}

}  // namespace cs::api
