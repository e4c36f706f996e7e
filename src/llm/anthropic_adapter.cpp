#include "llm/anthropic_adapter.hpp"

#include "llm/error_classify.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;

std::string errorMessage(const json& body) {
  // {"type":"error","error":{"type":"rate_limit_error","message":"..."}}
  if (!body.contains("error") || !body["error"].is_object()) return {};
  const auto& e = body["error"];
  std::string type = e.value("type", "");
  std::string message =
      e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
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
  if (!j.contains("content") || !j["content"].is_array()) return bad("no content array");
  Completion c;
  c.id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
  for (const auto& block : j["content"])
    if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
        block["text"].is_string())
      c.text += block["text"].get<std::string>();
  if (j.contains("usage") && j["usage"].is_object()) {
    const auto& u = j["usage"];
    if (u.contains("input_tokens") && u["input_tokens"].is_number_integer())
      c.usage.input_tokens = u["input_tokens"];
    if (u.contains("output_tokens") && u["output_tokens"].is_number_integer())
      c.usage.output_tokens = u["output_tokens"];
  }
  const std::string stop = j.contains("stop_reason") && j["stop_reason"].is_string()
                               ? j["stop_reason"].get<std::string>()
                               : "";
  c.finish_reason = (stop == "end_turn" || stop == "stop_sequence") ? "stop"
                    : stop == "max_tokens"                          ? "length"
                                                                    : "other";
  if (c.finish_reason == "length") return bad("answer cut off at max_tokens");
  if (stop == "refusal") return bad("the model refused");
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) return bad("answer has no text");
  return c;
}

}  // namespace cs::llm
