#include "llm/openai_adapter.hpp"

#include "llm/error_classify.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;

std::string errorMessage(const json& body) {
  // {"error":{"message":"...","type":"...","param":null,"code":"..."}}
  if (!body.contains("error") || !body["error"].is_object()) return {};
  const auto& e = body["error"];
  std::string out = e.contains("type") && e["type"].is_string() ? e["type"].get<std::string>() : "";
  if (e.contains("code") && e["code"].is_string())
    out += (out.empty() ? "" : "/") + e["code"].get<std::string>();
  if (e.contains("message") && e["message"].is_string())
    out += (out.empty() ? "" : ": ") + e["message"].get<std::string>();
  return out;
}

}  // namespace

OpenAiAdapter::OpenAiAdapter(ProviderSettings settings) : settings_(std::move(settings)) {
  if (settings_.base_url.empty()) settings_.base_url = "https://api.openai.com/v1";
  while (!settings_.base_url.empty() && settings_.base_url.back() == '/')
    settings_.base_url.pop_back();
  if (settings_.token_limit_field.empty()) settings_.token_limit_field = "max_completion_tokens";
}

net::HttpRequest OpenAiAdapter::buildRequest(const ProviderCall& call) const {
  json messages = json::array();
  if (!call.prompt.system.empty())
    messages.push_back({{"role", "system"}, {"content", call.prompt.system}});
  messages.push_back({{"role", "user"}, {"content", call.prompt.user}});
  json body = {{"model", call.model.upstream_model},
               {"messages", std::move(messages)},
               {settings_.token_limit_field, call.model.max_tokens},
               {"temperature", std::clamp(call.model.temperature, 0.0, 2.0)},
               {"n", 1}};
  net::HttpRequest req;
  req.method = "POST";
  req.url = settings_.base_url + "/chat/completions";
  req.headers = {{"content-type", "application/json"},
                 {"accept", "application/json"},
                 {"authorization", "Bearer " + call.api_key}};
  req.body = body.dump();
  return req;
}

std::expected<Completion, LlmError> OpenAiAdapter::parseResponse(
    const net::HttpResponse& response) const {
  using K = LlmError::Kind;
  auto body = checkedJson("openai", response, errorMessage);
  if (!body) return std::unexpected(body.error());
  const int status = static_cast<int>(response.status);
  auto bad = [status](std::string message) {
    return std::unexpected(
        LlmError{K::kBadResponse, "openai: " + std::move(message), status, std::nullopt});
  };
  const json& j = *body;
  if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty() ||
      !j["choices"][0].is_object())
    return bad("no choices");
  const auto& choice = j["choices"][0];
  Completion c;
  c.id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
  if (choice.contains("message") && choice["message"].is_object()) {
    const auto& m = choice["message"];
    if (m.contains("content") && m["content"].is_string()) c.text = m["content"];
    if (m.contains("refusal") && m["refusal"].is_string()) return bad("the model refused");
  }
  if (j.contains("usage") && j["usage"].is_object()) {
    const auto& u = j["usage"];
    if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer())
      c.usage.input_tokens = u["prompt_tokens"];
    if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer())
      c.usage.output_tokens = u["completion_tokens"];
  }
  const std::string finish = choice.contains("finish_reason") && choice["finish_reason"].is_string()
                                 ? choice["finish_reason"].get<std::string>()
                                 : "";
  c.finish_reason = finish == "stop" ? "stop" : finish == "length" ? "length" : "other";
  if (c.finish_reason == "length") return bad("answer cut off at the token limit");
  if (finish == "content_filter") return bad("answer withheld by the content filter");
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) return bad("answer has no text");
  return c;
}

}  // namespace cs::llm
