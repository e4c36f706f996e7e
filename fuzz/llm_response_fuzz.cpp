// LLM response parsing for both providers: an upstream answer (transport error, status,
// content type, Retry-After headers, body) through the adapter's parseResponse, as the
// gateway calls it. Finds: crashes, UB (e.g. in Retry-After arithmetic), an API key echoed
// by the provider reaching our error message, and "successes" that break the contract.
//
// Input: 4 control bytes (provider and transport error, status, content type, which Retry-After
// headers), then the chosen text fields one per line, then the body.
#include <cmath>

#include "core/redact.hpp"
#include "fuzz_support.hpp"
#include "llm/anthropic_adapter.hpp"
#include "llm/batch_parser.hpp"
#include "llm/cost.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"

namespace {
// Providers echo (parts of) the key in error messages; it must never reach ours.
constexpr std::string_view kFakeKey = "sk-test-FAKE-fuzz0123456789abcdef";
const char* const kContentTypes[] = {
    "application/json",        "application/json; charset=utf-8", "text/html", "text/plain", "",
    "application/problem+json"};
const long kStatuses[] = {200, 201, 204, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504, 529};

// "KEY" in fuzzer text stands for the key, so the fuzzer can place it anywhere cheaply.
std::string withKey(std::string text) {
  for (auto at = text.find("KEY"); at != std::string::npos; at = text.find("KEY", at))
    text.replace(at, 3, kFakeKey);
  return text;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cs::fuzz::check;
  static const cs::llm::OpenAiAdapter openai({});
  static const cs::llm::AnthropicAdapter anthropic({});
  // As the secret chain does for every key it resolves (redact masks any piece of it).
  static const bool registered = (cs::registerSecret(kFakeKey), true);
  (void)registered;
  cs::fuzz::Input in(cs::fuzz::asText(data, size));
  const auto who = in.byte(), status = in.byte(), type = in.byte(), retry = in.byte();
  const cs::llm::ProviderAdapter& adapter =
      who & 1 ? static_cast<const cs::llm::ProviderAdapter&>(anthropic) : openai;
  cs::net::HttpResponse r;
  r.status = status < 14 ? kStatuses[status] : status * 4 - 60;  // else -4..960
  r.headers["content-type"] = type % 7 < 6 ? kContentTypes[type % 7] : in.line();
  if (retry & 1) r.headers["retry-after"] = in.line();
  if (retry & 2) r.headers["retry-after-ms"] = in.line();
  if (who & 2) {
    r.error = who & 4 ? cs::net::TransportError::kTimeout : cs::net::TransportError::kOther;
    r.error_message = withKey(in.line());
  }
  r.body = withKey(in.rest());

  // What GatewayImpl::attempt runs on an answer: the adapter, then the batch parser and the
  // cost split. Nothing is caught: an exception here would be a crash in the server too.
  const auto result = adapter.parseResponse(r);
  if (result) {
    check(r.ok() && r.status >= 200 && r.status < 300, "a success needs a 2xx answer");
    check(result->text.find_first_not_of(" \t\r\n") != std::string::npos, "a success has text");
    check(result->finish_reason != "length", "a cut-off answer is not a success");
    const auto& u = result->usage;
    check(u.input_tokens >= 0 && u.input_tokens <= cs::llm::kMaxTokens && u.output_tokens >= 0 &&
              u.output_tokens <= cs::llm::kMaxTokens,
          "token counts in 0..1e9");
    cs::llm::ModelInfo model;
    model.input_cost_per_token = 3e-6;
    model.output_cost_per_token = 1.5e-5;
    const double cost = cs::llm::callCost(model, u);
    check(std::isfinite(cost) && cost >= 0, "cost is finite and not negative");
    for (const auto& s : cs::llm::splitCall(model, u, cs::llm::parseSayings(result->text)))
      check(s.cost_usd >= 0 && s.tokens.input_tokens >= 0, "shares are not negative");
  } else {
    const auto& e = result.error();
    check(!e.message.empty(), "an error has a message");
    for (std::size_t i = 0; i + 8 <= kFakeKey.size(); ++i)
      check(e.message.find(kFakeKey.substr(i, 8)) == std::string::npos,
            "no piece of an API key in error messages");
    check(!e.retry_after || e.retry_after->count() >= 0, "Retry-After is not negative");
  }
  return 0;
}
