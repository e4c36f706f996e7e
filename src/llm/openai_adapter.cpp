#include "llm/openai_adapter.hpp"

#include "llm/error_classify.hpp"

namespace cs::llm {
namespace {

using json = nlohmann::json;

// Upstream documents are read through jsonf only (tests/check_untrusted_json.sh).
std::string errorMessage(const json& body) {
  // {"error":{"message":"...","type":"...","param":null,"code":"..."}}
  std::string out(jsonf::stringView(body, "/error/type").value_or(""));
  if (auto code = jsonf::stringView(body, "/error/code"))
    out += (out.empty() ? "" : "/") + std::string(*code);
  if (auto message = jsonf::stringView(body, "/error/message"))
    out += (out.empty() ? "" : ": ") + std::string(*message);
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
  const json* choice = jsonf::array(j, "/choices") ? jsonf::object(j, "/choices/0") : nullptr;
  if (!choice) return bad("no choices");
  Completion c;
  c.id = jsonf::string(j, "/id").value_or("");
  c.text = jsonf::string(*choice, "/message/content").value_or("");
  if (jsonf::stringView(*choice, "/message/refusal")) return bad("the model refused");
  auto usage = readUsage(j, "prompt_tokens", "completion_tokens");
  if (!usage) return bad(usage.error());
  c.usage = *usage;
  const std::string finish(jsonf::stringView(*choice, "/finish_reason").value_or(""));
  c.finish_reason = finish == "stop" ? "stop" : finish == "length" ? "length" : "other";
  if (c.finish_reason == "length") return bad("answer cut off at the token limit");
  if (finish == "content_filter") return bad("answer withheld by the content filter");
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) return bad("answer has no text");
  return c;
}

}  // namespace cs::llm
