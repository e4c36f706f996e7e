#include "llm/gateway_impl.hpp"

#include <algorithm>
#include <stdexcept>

#include "llm/batch_parser.hpp"
#include "llm/cost.hpp"
#include "llm/error_classify.hpp"
#include "obs/logger.hpp"

namespace cs::llm {
namespace {

using K = LlmError::Kind;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::unexpected<LlmError> failure(K kind, std::string message) {
  return std::unexpected(LlmError{kind, std::move(message), 0, std::nullopt});
}

// Failures that say the provider is unwell; auth and bad-request errors do not.
bool countsAgainstProvider(K kind) {
  return kind != K::kAuth && kind != K::kBadRequest && kind != K::kDisabled &&
         kind != K::kCircuitOpen;
}

// The adapters already refuse counts outside 0..kMaxTokens; checked again where the ledger's
// numbers come from, so no adapter can make spend negative or the token sums wrap.
bool usageInRange(const Usage& u) {
  return u.input_tokens >= 0 && u.input_tokens <= kMaxTokens && u.output_tokens >= 0 &&
         u.output_tokens <= kMaxTokens;
}

void scrub(std::string& message, const std::string& key) {
  if (key.size() < 4) return;
  for (std::size_t pos; (pos = message.find(key)) != std::string::npos;)
    message.replace(pos, key.size(), "[redacted]");
}

}  // namespace

GatewayImpl::GatewayImpl(std::vector<ModelInfo> catalog, GatewayOptions options,
                         net::HttpTransport& transport, SecretProvider& secrets, const Clock& clock,
                         Sleeper& sleeper, const ProviderRegistry& registry)
    : options_(std::move(options)),
      transport_(transport),
      secrets_(secrets),
      clock_(clock),
      sleeper_(sleeper) {
  if (options_.retry.max_attempts < 1) options_.retry.max_attempts = 1;
  PromptSet prompts(options_.prompts_dir);
  for (auto& info : catalog) {
    if (!registry.has(info.provider))
      throw std::invalid_argument("model " + info.id + ": unknown provider \"" + info.provider +
                                  "\"");
    auto& adapter = adapters_[info.provider];
    if (!adapter) {
      auto settings = options_.providers[info.provider];
      adapter = registry.make(info.provider, settings);
    }
    auto prompt = prompts.get(info.prompt);
    if (!prompt) throw std::invalid_argument("model " + info.id + ": " + prompt.error().message);
    auto model = std::make_unique<Model>();
    model->adapter = adapter.get();
    model->prompt = **prompt;
    model->breaker = std::make_unique<CircuitBreaker>(options_.breaker, clock_);
    model->info = std::move(info);
    by_id_[model->info.id] = model.get();
    models_.push_back(std::move(model));
  }
}

double GatewayImpl::random01() {
  if (uniform01_) return uniform01_();
  std::lock_guard lock(rng_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

std::expected<GenerationResult, LlmError> GatewayImpl::generate(const GenerationRequest& request) {
  auto it = by_id_.find(request.model_id);
  if (it == by_id_.end())
    return failure(K::kDisabled, "unknown model \"" + request.model_id + "\"");
  Model& model = *it->second;
  const auto deadline = request.deadline == Deadline::max()
                            ? clock_.now() + options_.default_deadline
                            : request.deadline;
  const auto started = std::chrono::steady_clock::now();
  auto result = attempt(model, request, deadline);
  const double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (result) {
    obs::log().info("LLM call succeeded", {{"model", model.info.id},
                                           {"provider", model.info.provider},
                                           {"source", "llm"},
                                           {"execution_time", result->llm_ms},
                                           {"tokens", result->usage.total()},
                                           {"cost_usd", result->cost_usd},
                                           {"attempts", result->attempts},
                                           {"sayings", result->sayings.size()}});
  } else {
    {
      std::lock_guard lock(model.errors_mutex);
      ++model.errors[kindName(result.error().kind)];
    }
    obs::log().warn("LLM call failed", {{"model", model.info.id},
                                        {"provider", model.info.provider},
                                        {"error_type", kindName(result.error().kind)},
                                        {"error_message", result.error().message},
                                        {"http_status", result.error().http_status},
                                        {"execution_time", wall_ms}});
  }
  return result;
}

std::expected<GenerationResult, LlmError> GatewayImpl::attempt(Model& model,
                                                               const GenerationRequest& request,
                                                               Deadline deadline) {
  const auto& info = model.info;
  auto key = secrets_.get(info.provider);
  if (!key || key->empty())
    return failure(K::kDisabled,
                   "no API key for " + info.provider + (key ? "" : ": " + key.error().message));
  if (!model.breaker->allow()) return failure(K::kCircuitOpen, "circuit open for model " + info.id);
  // Every way out of this function must tell the breaker something: a half-open probe that
  // reports nothing would keep the circuit "open" for good.
  struct Outcome {
    CircuitBreaker& breaker;
    bool reported = false;
    ~Outcome() {
      if (!reported) breaker.onAbandoned();
    }
  } outcome{*model.breaker};

  const int count = std::clamp(request.count, 1, 10);
  const auto prompt = model.prompt.render(count, request.avoid_services, request.topic);
  bool refreshed = false;
  int attempts = 0, counted = 0;
  LlmError last{K::kTimeout, "deadline passed before the first attempt", 0, std::nullopt};
  for (;;) {
    const auto now = clock_.now();
    if (now >= deadline) {
      if (attempts > 0)
        last = LlmError{K::kTimeout,
                        "deadline passed after " + std::to_string(attempts) +
                            " attempt(s); last: " + last.message,
                        last.http_status, std::nullopt};
      break;
    }
    ++attempts;
    ++counted;
    auto http = model.adapter->buildRequest(ProviderCall{info, prompt, *key});
    const auto remaining = std::max(milliseconds(1), duration_cast<milliseconds>(deadline - now));
    http.total_timeout = std::min(options_.call_timeout, remaining);
    http.connect_timeout = std::min(options_.connect_timeout, http.total_timeout);
    const auto t0 = std::chrono::steady_clock::now();
    const auto response = transport_.sendBlocking(std::move(http));
    const double call_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    auto completion = model.adapter->parseResponse(response);
    if (completion && !usageInRange(completion->usage))
      completion = std::unexpected(LlmError{K::kBadResponse,
                                            info.provider + ": usage token counts out of range",
                                            static_cast<int>(response.status), std::nullopt});
    if (completion) {
      auto texts = parseSayings(completion->text,
                                ParseOptions{.max_count = static_cast<std::size_t>(count)});
      if (!texts.empty()) {
        model.breaker->onSuccess();
        outcome.reported = true;
        GenerationResult r;
        r.model_id = info.id;
        r.provider = info.provider;
        r.usage = completion->usage;
        r.cost_usd = callCost(info, r.usage);
        r.sayings = splitCall(info, r.usage, std::move(texts));
        r.llm_ms = call_ms;
        r.finish_reason = completion->finish_reason;
        r.attempts = attempts;
        return r;
      }
      last = LlmError{K::kBadResponse, info.provider + ": no usable sayings in the answer",
                      static_cast<int>(response.status), std::nullopt};
    } else {
      last = completion.error();
    }
    scrub(last.message, *key);

    if (last.kind == K::kAuth && !refreshed) {
      // A rotated key: drop the cached one, fetch afresh and try once more (not counted).
      refreshed = true;
      --counted;
      secrets_.invalidate(info.provider);
      auto fresh = secrets_.get(info.provider);
      if (!fresh || fresh->empty()) break;
      key = std::move(fresh);
      continue;
    }
    if (countsAgainstProvider(last.kind))
      model.breaker->onFailure();
    else
      model.breaker->onSuccess();  // the provider answered; releases a half-open probe
    outcome.reported = true;
    if (!last.retryable() || counted >= options_.retry.max_attempts) break;
    if (model.breaker->state() != CircuitBreaker::State::kClosed) break;
    const auto wait =
        options_.retry.delay(counted - 1, last.retry_after, [this] { return random01(); });
    if (clock_.now() + wait >= deadline) {
      last.message += " (no time left to retry before the deadline)";
      break;
    }
    sleeper_.sleepFor(wait);
  }
  return std::unexpected(last);
}

std::vector<ModelStatus> GatewayImpl::models() const {
  std::vector<ModelStatus> out;
  for (const auto& m : models_) {
    ModelStatus s;
    s.info = m->info;
    auto key = secrets_.get(m->info.provider);
    s.enabled = key && !key->empty();
    if (!s.enabled)
      s.disabled_reason = "no API key" + (key ? std::string() : ": " + key.error().message);
    s.health = m->breaker->health();
    {
      std::lock_guard lock(m->errors_mutex);
      s.errors = m->errors;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace cs::llm
