#include "llm/anthropic_adapter.hpp"

#include "llm/error_classify.hpp"

namespace cs::llm {
namespace {

using json = nlohmann::json;

// Upstream documents are read through jsonf only (tests/check_untrusted_json.sh): a number
// where a string belongs is a missing field here, never a type_error on a worker thread.
std::string errorMessage(const json& body) {
  // {"type":"error","error":{"type":"rate_limit_error","message":"..."}}
  const std::string type(jsonf::stringView(body, "/error/type").value_or(""));
  const std::string message(jsonf::stringView(body, "/error/message").value_or(""));
  return type.empty() ? message : type + ": " + message;
}

std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

AnthropicAdapter::AnthropicAdapter(ProviderSettings settings) : settings_(std::move(settings)) {
  if (settings_.base_url.empty()) settings_.base_url = "https://api.anthropic.com";
  if (settings_.api_version.empty()) settings_.api_version = "2023-06-01";
}

net::HttpRequest AnthropicAdapter::buildRequest(const ProviderCall& call) const {
  json body = {{"model", call.model.upstream_model},
               {"max_tokens", call.model.max_tokens},
               {"messages", json::array({{{"role", "user"}, {"content", call.prompt.user}}})},
               {"temperature", std::clamp(call.model.temperature, 0.0, 1.0)}};
  if (!call.prompt.system.empty()) body["system"] = call.prompt.system;
  net::HttpRequest req;
  req.method = "POST";
  req.url = trimSlash(settings_.base_url) + "/v1/messages";
  req.headers = {{"content-type", "application/json"},
                 {"accept", "application/json"},
                 {"anthropic-version", settings_.api_version},
                 {"x-api-key", call.api_key}};
  req.body = body.dump();
  return req;
}

std::expected<Completion, LlmError> AnthropicAdapter::parseResponse(
    const net::HttpResponse& response) const {
  using K = LlmError::Kind;
  auto body = checkedJson("anthropic", response, errorMessage);
  if (!body) return std::unexpected(body.error());
  const int status = static_cast<int>(response.status);
  auto bad = [status](std::string message) {
    return std::unexpected(
        LlmError{K::kBadResponse, "anthropic: " + std::move(message), status, std::nullopt});
  };
  const json& j = *body;
  const json* content = jsonf::array(j, "/content");
  if (!content) return bad("no content array");
  Completion c;
  c.id = jsonf::string(j, "/id").value_or("");
  for (const auto& block : *content)
    if (jsonf::stringView(block, "/type") == "text")
      if (auto text = jsonf::stringView(block, "/text")) c.text += *text;
  auto usage = readUsage(j, "input_tokens", "output_tokens");
  if (!usage) return bad(usage.error());
  c.usage = *usage;
  const std::string stop(jsonf::stringView(j, "/stop_reason").value_or(""));
  c.finish_reason = (stop == "end_turn" || stop == "stop_sequence") ? "stop"
                    : stop == "max_tokens"                          ? "length"
                                                                    : "other";
  if (c.finish_reason == "length") return bad("answer cut off at max_tokens");
  if (stop == "refusal") return bad("the model refused");
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) return bad("answer has no text");
  return c;
}

}  // namespace cs::llm
