#include "api/saying_json.hpp"

#include <cmath>

#include "core/json_text.hpp"
#include "core/money.hpp"

namespace cs::api {

namespace {
double roundMs(double ms) {
  return std::round(ms * 1000.0) / 1000.0;
}
// {"input":N,"output":M}: a Usage as nlohmann writes {{"input", N}, {"output", M}}.
void appendUsage(std::string& out, const Usage& usage) {
  out += "{\"input\":";
  appendJsonNumber(out, usage.input_tokens);
  out += ",\"output\":";
  appendJsonNumber(out, usage.output_tokens);
  out += '}';
}
}  // namespace

std::string sayingBody(const ServedSaying& served, double execution_ms) {
  // The hot path: written straight into one string (no JSON tree, one allocation for a
  // typical saying); byte for byte what nlohmann would dump for the same document
  // (tests/unit/json_text_test.cpp checks it against an oracle built as a tree).
  const Saying& s = *served.saying;
  std::string out;
  out.reserve(400 + s.text.size() + s.id.size() + s.model.size() + s.provider.size());
  out += "{\"id\":";
  appendJsonString(out, s.id);
  out += ",\"text\":";
  appendJsonString(out, s.text);
  out += ",\"services\":[";
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    if (i) out.push_back(',');
    appendJsonString(out, s.services[i]);
  }
  out += "],\"model\":";
  appendJsonString(out, s.model);
  out += ",\"provider\":";
  appendJsonString(out, s.provider);
  out += ",\"source\":";
  appendJsonString(out, sourceName(served.source));
  out += ",\"cached\":";
  appendJsonBool(out, served.source == Source::kCache);
  out += ",\"request_number\":";
  appendJsonNumber(out, served.request_number);
  out += ",\"execution_ms\":";
  appendJsonNumber(out, roundMs(execution_ms));
  out += ",\"llm_ms\":";
  if (s.llm_ms)
    appendJsonNumber(out, roundMs(*s.llm_ms));
  else
    out += "null";
  out += ",\"tokens\":";
  appendUsage(out, s.tokens);
  out += ",\"cost_usd\":";
  appendJsonNumber(out, roundUsd(s.cost_usd));
  out += ",\"saying_cost_usd\":";
  appendJsonNumber(out, roundUsd(s.cost_usd));
  out += ",\"request_tokens\":";
  appendUsage(out, served.request_tokens);
  out += ",\"request_cost_usd\":";
  appendJsonNumber(out, roundUsd(served.request_cost_usd));
  out += ",\"upvotes\":";
  appendJsonNumber(out, s.upvotes);
  out += ",\"downvotes\":";
  appendJsonNumber(out, s.downvotes);
  if (!served.requested_model.empty()) {
    out += ",\"requested_model\":";
    appendJsonString(out, served.requested_model);
    out += ",\"fallback_reason\":";
    appendJsonString(out, served.fallback_reason);
  }
  out.push_back('}');
  return out;
}

nlohmann::ordered_json fallbackJson(std::uint64_t request_number, double execution_ms) {
  nlohmann::ordered_json j;
  j["error"] = "unavailable";
  j["message"] = "Our cloud of sayings is briefly overcast. Please try again in a moment.";
  j["text"] = "The cloud is like the weather: usually sunny, occasionally a little overcast.";
  j["source"] = "fallback";
  j["cached"] = false;
  j["request_number"] = request_number;
  j["execution_ms"] = roundMs(execution_ms);
  return j;
}

}  // namespace cs::api
