#include "llm/openai_adapter.hpp"

#include "core/json_scan.hpp"
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
  return post(call.api_key, body.dump());
}

net::HttpRequest OpenAiAdapter::post(const std::string& api_key, std::string body) const {
  net::HttpRequest req;
  req.method = "POST";
  req.url = settings_.base_url + "/chat/completions";
  req.headers = {{"content-type", "application/json"},
                 {"accept", "application/json"},
                 {"authorization", "Bearer " + api_key}};
  req.body = std::move(body);
  return req;
}

std::optional<net::HttpRequest> OpenAiAdapter::buildForward(const ModelInfo& /*model*/,
                                                            const std::string& api_key,
                                                            std::string body) const {
  return post(api_key, std::move(body));
}

std::expected<Usage, LlmError> OpenAiAdapter::parseForward(
    const net::HttpResponse& response) const {
  // Errors keep the DOM path: their message is read from the error document.
  if (auto error = failedCall("openai", response, errorMessage)) return std::unexpected(*error);
  if (auto error = notJsonType("openai", response)) return std::unexpected(*error);
  // The client reads the answer itself; we only need to know it is one, and what it cost: one
  // scan of the whole body, then a DOM of the small `usage` value alone.
  const auto body = jsonf::scan(response.body);
  if (!body || body->kind != jsonf::Kind::kObject)
    return std::unexpected(malformedJson("openai", response));
  auto bad = [&](std::string message) {
    return std::unexpected(LlmError{LlmError::Kind::kBadResponse, "openai: " + std::move(message),
                                    static_cast<int>(response.status), std::nullopt});
  };
  const auto* choices = body->find("choices").member;
  if (!choices || choices->kind != jsonf::Kind::kArray) return bad("no choices");
  const auto usage_member = body->find("usage");
  // Two usage objects: we cannot know which one the client will believe, so neither is billed.
  if (usage_member.duplicated) return bad("usage given more than once");
  std::optional<jsonf::Json> usage_doc;
  if (usage_member.member) usage_doc = jsonf::parse(body->raw(usage_member.member->value));
  auto usage =
      readUsageValue(usage_doc ? &*usage_doc : nullptr, "prompt_tokens", "completion_tokens");
  if (!usage) return bad(usage.error());
  return *usage;
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
  auto usage = readUsage(j, "prompt_tokens", "completion_tokens");
  if (!usage) return bad(usage.error());
  c.usage = *usage;
  // Rejected after the usage was read: the tokens were spent, so the error carries them.
  auto spent = [&](std::string message) {
    auto e = bad(std::move(message));
    e.error().usage = c.usage;
    return e;
  };
  if (jsonf::stringView(*choice, "/message/refusal")) return spent("the model refused");
  const std::string finish(jsonf::stringView(*choice, "/finish_reason").value_or(""));
  c.finish_reason = finish == "stop" ? "stop" : finish == "length" ? "length" : "other";
  if (c.finish_reason == "length") return spent("answer cut off at the token limit");
  if (finish == "content_filter") return spent("answer withheld by the content filter");
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) return spent("answer has no text");
  return c;
}

}  // namespace cs::llm
