#include "llm/gateway_impl.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "core/event_loop.hpp"
#include "core/json_text.hpp"
#include "core/money.hpp"
#include "core/thread_boundary.hpp"
#include "llm/batch_parser.hpp"
#include "llm/cost.hpp"
#include "llm/error_classify.hpp"
#include "obs/logger.hpp"

namespace cs::llm {
namespace {

using ErrorKind = LlmError::Kind;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

// Failures that say the provider is unwell; auth and bad-request errors do not.
bool countsAgainstProvider(ErrorKind kind) {
  return kind != ErrorKind::kAuth && kind != ErrorKind::kBadRequest &&
         kind != ErrorKind::kDisabled && kind != ErrorKind::kCircuitOpen;
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

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// One call's state, shared by the jobs that carry it from step to step (one at a time: each
// step starts the next only when it is done with the state). A call is either a generation
// (sayings from the model's prompt) or a forwarded chat completion (`forward`).
struct GatewayImpl::Call {
  Call(Model& m, GenerationRequest r, Deadline d) : model(m), request(std::move(r)), deadline(d) {}
  Model& model;
  GenerationRequest request;  // a forwarded call uses its model_id, purpose and deadline
  Deadline deadline;
  GenerationCallback done;
  // Forwarded calls: the client's text (its model value replaced at begin), sent on each attempt.
  bool forward = false;
  std::string forward_body;
  jsonf::Span forward_model;  // the client's `model` value in forward_body until begin
  ForwardCallback forward_done;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string key;
  bool key_known = false;  // `key` was peeked at start (no source call needed)
  // begin() runs on the caller's stack (start's inline path): an end there is posted.
  std::atomic<bool> on_caller_stack{false};
  RenderedPrompt prompt;
  int count = 1;
  int attempts = 0;  // requests sent (the ledger's)
  int counted = 0;   // attempts that count against max_attempts (not the 401 refresh)
  bool refreshed = false;
  // The breaker let this call through and has not been told how it went: every way out must
  // tell it something, or a half-open probe would keep the circuit "open" for good.
  bool breaker_owed = false;
  Usage usage;  // what the provider reported over all attempts (the ledger's)
  LlmError last{ErrorKind::kTimeout, "deadline passed before the first attempt", 0, std::nullopt};
  GenerationResult result;  // a generation's success
  ForwardResult forwarded;  // a forwarded call's success
  std::atomic<bool> finished{false};
};

GatewayImpl::GatewayImpl(std::vector<ModelInfo> catalog, GatewayOptions options,
                         net::HttpTransport& transport, SecretProvider& secrets, const Clock& clock,
                         Executor& executor, const ProviderRegistry& registry)
    : options_(std::move(options)),
      transport_(transport),
      secrets_(secrets),
      clock_(clock),
      executor_(executor) {
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

GatewayImpl::~GatewayImpl() {
  // Each running call's next step uses this object: wait for the last one to finish (a stalled
  // upstream ends at the call's deadline, a retry wait at its timer).
  pending_.waitZero();
}

double GatewayImpl::random01() {
  if (uniform01_) return uniform01_();
  MutexLock lock(rng_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void GatewayImpl::generateAsync(GenerationRequest request, GenerationCallback done) {
  pending_.enter();
  auto it = by_id_.find(request.model_id);
  if (it == by_id_.end())
    return refuseUnknown(request.model_id, [done = std::move(done)](LlmError e) mutable {
      done(std::unexpected(std::move(e)));
    });
  const auto deadline = deadlineOf(request.deadline);
  auto call = std::make_shared<Call>(*it->second, std::move(request), deadline);
  call->done = std::move(done);
  start(call);
}

void GatewayImpl::forwardAsync(ForwardRequest request, ForwardCallback done) {
  pending_.enter();
  auto it = by_id_.find(request.model_id);
  if (it == by_id_.end())
    return refuseUnknown(request.model_id, [done = std::move(done)](LlmError e) mutable {
      done(std::unexpected(std::move(e)));
    });
  GenerationRequest as_call;
  as_call.model_id = std::move(request.model_id);
  as_call.purpose = request.purpose;
  const auto deadline = deadlineOf(request.deadline);
  auto call = std::make_shared<Call>(*it->second, std::move(as_call), deadline);
  call->forward = true;
  call->forward_body = std::move(request.body);
  call->forward_model = request.model_value;
  call->forward_done = std::move(done);
  start(call);
}

Deadline GatewayImpl::deadlineOf(Deadline requested) const {
  return requested == Deadline::max() ? clock_.now() + options_.default_deadline : requested;
}

void GatewayImpl::refuseUnknown(const std::string& model_id, std::function<void(LlmError)> done) {
  // Nothing to log or count: no model, no call (as before). Still answered off this stack.
  LlmError error{ErrorKind::kDisabled, "unknown model \"" + model_id + "\"", 0, std::nullopt};
  executor_.post([this, done = std::move(done), error = std::move(error)]() mutable {
    struct Leave {
      PendingCalls& p;
      ~Leave() { p.leave(); }
    } leave{pending_};
    done(std::move(error));
  });
}

void GatewayImpl::start(const CallPtr& call) {
  // On an event loop (an HTTP I/O thread) with the key already known, the call starts right
  // here: the key lookup was the one step that could block, and the transfer then runs on
  // this very loop (net/curl_transport), so a proxied request crosses no thread. An end before
  // the transfer (circuit open, a bad body) still answers off this stack (finish posts it).
  if (EventLoop::current()) {
    auto key = secrets_.peek(call->model.info.provider);
    if (key && *key && !(*key)->empty()) {
      call->key = std::move(**key);
      call->key_known = true;
      call->on_caller_stack = true;
      step(call, [&] { begin(call); });
      call->on_caller_stack = false;
      return;
    }
  }
  // Otherwise the first step (a key lookup may ask SSM) runs on the executor: an I/O thread
  // must not wait, and the callback never runs on the caller's stack.
  executor_.post([this, call] { step(call, [&] { begin(call); }); });
}

template <typename Fn>
void GatewayImpl::step(const CallPtr& call, Fn&& fn) {
  try {
    std::forward<Fn>(fn)();
    return;
  } catch (const std::exception& e) {
    noteSurprise(ThreadKind::kExecutor, e.what(), call->model.info.id);
  } catch (...) {
    noteSurprise(ThreadKind::kExecutor, "an exception that is not a std::exception",
                 call->model.info.id);
  }
  fail(call, LlmError{ErrorKind::kInternal, "internal error in the gateway; see the server log", 0,
                      std::nullopt});
}

void GatewayImpl::fail(const CallPtr& call, LlmError error) {
  call->last = std::move(error);
  finish(call, &call->last);
}

void GatewayImpl::begin(const CallPtr& call) {
  const auto& info = call->model.info;
  if (call->forward && !call->model.adapter->forwardsChatCompletions())
    return fail(call, LlmError{ErrorKind::kBadRequest,
                               "model " + info.id + " (provider " + info.provider +
                                   ") does not take OpenAI-shaped chat completions",
                               0, std::nullopt});
  auto key =
      call->key_known ? Result<std::string>(std::move(call->key)) : secrets_.get(info.provider);
  if (!key || key->empty())
    return fail(
        call, LlmError{ErrorKind::kDisabled,
                       "no API key for " + info.provider + (key ? "" : ": " + key.error().message),
                       0, std::nullopt});
  if (!call->model.breaker->allow())
    return fail(call, LlmError{ErrorKind::kCircuitOpen, "circuit open for model " + info.id, 0,
                               std::nullopt});
  call->breaker_owed = true;
  call->key = std::move(*key);
  if (call->forward) {
    // Prefix + the catalog's name as a JSON string + suffix: every other byte as the client
    // sent it (the handler checked the whole text with jsonf::scan).
    const std::string& client = call->forward_body;
    const auto [model_begin, model_end] = call->forward_model;
    std::string body;
    body.reserve(client.size() + info.upstream_model.size() + 8);
    body.append(client, 0, model_begin);
    appendJsonString(body, info.upstream_model);
    body.append(client, model_end);
    call->forward_body = std::move(body);
  } else {
    call->count = std::clamp(call->request.count, 1, 10);
    call->prompt =
        call->model.prompt.render(call->count, call->request.avoid_services, call->request.topic);
  }
  sendAttempt(call);
}

void GatewayImpl::sendAttempt(const CallPtr& call) {
  const auto now = clock_.now();
  if (now >= call->deadline) {
    auto& last = call->last;
    if (call->attempts > 0)
      last = LlmError{ErrorKind::kTimeout,
                      "deadline passed after " + std::to_string(call->attempts) +
                          " attempt(s); last: " + last.message,
                      last.http_status, std::nullopt};
    return finish(call, &last);
  }
  ++call->attempts;
  ++call->counted;
  const auto* adapter = call->model.adapter;
  auto http = call->forward
                  ? *adapter->buildForward(call->model.info, call->key, call->forward_body)
                  : adapter->buildRequest(ProviderCall{call->model.info, call->prompt, call->key});
  const auto remaining =
      std::max(milliseconds(1), duration_cast<milliseconds>(call->deadline - now));
  http.total_timeout = std::min(options_.call_timeout, remaining);
  http.connect_timeout = std::min(options_.connect_timeout, http.total_timeout);
  const auto t0 = std::chrono::steady_clock::now();
  // The transport answers on its own loop thread (or, stopped, on this one). A generation's
  // answer is parsed on the executor (its caller then writes to the store), so the loop only
  // moves bytes. A forwarded call's small 2xx answer is only checked and handed back: that is
  // done right here, saving two thread hand-offs on the proxy path; anything else (errors lead
  // to key refreshes, which may block on SSM) goes to the executor.
  transport_.send(std::move(http), [this, call, t0](net::HttpResponse response) {
    const double call_ms = msSince(t0);
    if (call->forward && response.ok() && response.status >= 200 && response.status < 300 &&
        response.body.size() <= kInlineAnswerBytes && readAnswer(call, response, call_ms)) {
      return finish(call, nullptr);
    }
    executor_.post([this, call, call_ms, response = std::move(response)] {
      step(call, [&] { onResponse(call, response, call_ms); });
    });
  });
}

bool GatewayImpl::readAnswer(const CallPtr& call, const net::HttpResponse& response,
                             double call_ms) {
  Model& model = call->model;
  const auto& info = model.info;
  const int status = static_cast<int>(response.status);
  auto add = [&](const Usage& reported) {
    // Whatever the provider reported is spent, even when the answer is then unusable.
    if (!usageInRange(reported)) return;
    call->usage.input_tokens += reported.input_tokens;
    call->usage.output_tokens += reported.output_tokens;
  };
  auto succeeded = [&] {
    model.breaker->onSuccess();
    call->breaker_owed = false;
    return true;
  };
  if (call->forward) {
    auto usage = model.adapter->parseForward(response);
    if (usage && !usageInRange(*usage))
      usage = std::unexpected(LlmError{ErrorKind::kBadResponse,
                                       info.provider + ": usage token counts out of range", status,
                                       std::nullopt});
    if (!usage) {
      call->last = usage.error();
      return false;
    }
    add(*usage);
    auto& r = call->forwarded;
    r.model_id = info.id;
    r.provider = info.provider;
    r.body = response.body;
    r.usage = *usage;
    r.cost_usd = callCost(info, r.usage);
    r.llm_ms = call_ms;
    r.attempts = call->attempts;
    return succeeded();
  }
  auto completion = model.adapter->parseResponse(response);
  if (completion && !usageInRange(completion->usage))
    completion = std::unexpected(LlmError{ErrorKind::kBadResponse,
                                          info.provider + ": usage token counts out of range",
                                          status, std::nullopt});
  add(completion ? completion->usage : completion.error().usage);
  if (!completion) {
    call->last = completion.error();
    return false;
  }
  auto texts = parseSayings(completion->text,
                            ParseOptions{.max_count = static_cast<std::size_t>(call->count)});
  if (texts.empty()) {
    call->last =
        LlmError{ErrorKind::kBadResponse, info.provider + ": no usable sayings in the answer",
                 status, std::nullopt};
    return false;
  }
  auto& r = call->result;
  r.model_id = info.id;
  r.provider = info.provider;
  r.usage = completion->usage;
  r.cost_usd = callCost(info, r.usage);
  r.sayings = splitCall(info, r.usage, std::move(texts));
  r.llm_ms = call_ms;
  r.finish_reason = completion->finish_reason;
  r.attempts = call->attempts;
  return succeeded();
}

void GatewayImpl::onResponse(const CallPtr& call, const net::HttpResponse& response,
                             double call_ms) {
  if (readAnswer(call, response, call_ms)) return finish(call, nullptr);
  Model& model = call->model;
  const auto& info = model.info;
  auto& last = call->last;
  scrub(last.message, call->key);

  if (last.kind == ErrorKind::kAuth && !call->refreshed) {
    // A rotated key: drop the cached one, fetch afresh and try once more (not counted).
    call->refreshed = true;
    --call->counted;
    secrets_.invalidate(info.provider);
    auto fresh = secrets_.get(info.provider);
    if (!fresh || fresh->empty()) return finish(call, &last);
    call->key = std::move(*fresh);
    return sendAttempt(call);
  }
  if (countsAgainstProvider(last.kind))
    model.breaker->onFailure();
  else
    model.breaker->onSuccess();  // the provider answered; releases a half-open probe
  call->breaker_owed = false;
  if (!last.retryable() || call->counted >= options_.retry.max_attempts) return finish(call, &last);
  if (model.breaker->state() != CircuitBreaker::State::kClosed) return finish(call, &last);
  const auto wait =
      options_.retry.delay(call->counted - 1, last.retry_after, [this] { return random01(); });
  if (clock_.now() + wait >= call->deadline) {
    last.message += " (no time left to retry before the deadline)";
    return finish(call, &last);
  }
  // A timer, not a sleeping thread.
  executor_.postAfter(wait, [this, call] { step(call, [&] { afterWait(call); }); });
}

void GatewayImpl::afterWait(const CallPtr& call) {
  if (executor_.stopping()) {
    auto& last = call->last;
    last = LlmError{ErrorKind::kShuttingDown,
                    "the server is shutting down; retry abandoned (last: " + last.message + ")",
                    last.http_status, std::nullopt};
    return finish(call, &last);
  }
  // A breaker opened by other calls during the wait says this one to give up as well; the
  // attempt itself (allowed when closed) reports to the breaker as any attempt does.
  sendAttempt(call);
}

void GatewayImpl::finish(const CallPtr& call, const LlmError* error) {
  if (error && error != &call->last) call->last = *error;
  if (call->on_caller_stack) {
    // Ended inside start()'s inline begin: the caller hears off its own stack, as always.
    const bool failed = error != nullptr;
    executor_.post([this, call, failed] {
      call->on_caller_stack = false;
      finish(call, failed ? &call->last : nullptr);
    });
    return;
  }
  if (call->finished.exchange(true)) return;
  struct Leave {
    PendingCalls& p;
    ~Leave() { p.leave(); }
  } leave{pending_};
  Model& model = call->model;
  if (call->breaker_owed) {
    call->breaker_owed = false;
    model.breaker->onAbandoned();
  }
  const double wall_ms = msSince(call->started);
  const auto& request = call->request;
  try {
    writeLedger(*call, error, wall_ms);
    if (!error) {
      const Usage& usage = call->forward ? call->forwarded.usage : call->result.usage;
      const double cost = call->forward ? call->forwarded.cost_usd : call->result.cost_usd;
      // Not "source"/"execution_time": Logs Insights averages those per request over the
      // access lines, and a call line carrying them would be counted as a request.
      // Written by hand (core/json_text: the bytes nlohmann would write, keys in its sorted
      // order): a nlohmann tree and its dump were most of the JSON work left per proxied call.
      if (obs::log().enabled(obs::Level::kInfo)) {
        std::string fields = "{\"attempts\":";
        appendJsonNumber(fields, std::int64_t{call->attempts});
        fields += ",\"cost_usd\":";
        appendJsonNumber(fields, roundUsd(cost));
        fields += ",\"llm_ms\":";
        appendJsonNumber(fields, call->forward ? call->forwarded.llm_ms : call->result.llm_ms);
        fields += ",\"model\":";
        appendJsonString(fields, model.info.id);
        fields += ",\"provider\":";
        appendJsonString(fields, model.info.provider);
        fields += ",\"purpose\":";
        appendJsonString(fields, purposeName(request.purpose));
        if (!call->forward) {
          fields += ",\"sayings\":";
          appendJsonNumber(fields, std::uint64_t{call->result.sayings.size()});
        }
        fields += ",\"tokens\":";
        appendJsonNumber(fields, std::int64_t{usage.total()});
        fields += '}';
        obs::log().logFields(obs::Level::kInfo, "LLM call succeeded", fields);
      }
    } else {
      {
        MutexLock lock(model.errors_mutex);
        ++model.errors[kindName(error->kind)];
      }
      obs::log().warn("LLM call failed", {{"model", model.info.id},
                                          {"provider", model.info.provider},
                                          {"error_type", kindName(error->kind)},
                                          {"error_message", error->message},
                                          {"http_status", error->http_status},
                                          {"purpose", purposeName(request.purpose)},
                                          {"attempts", call->attempts},
                                          {"llm_ms", wall_ms}});
    }
  } catch (const std::exception& e) {
    noteSurprise(ThreadKind::kExecutor, e.what(), model.info.id);  // the caller still hears
  }
  // The caller's completion is its own failure boundary: its surprise is counted, and the
  // gateway's bookkeeping above is already complete.
  auto failed = [&] {
    LlmError e = *error;
    e.attempts = call->attempts;
    return std::unexpected(std::move(e));
  };
  if (call->forward) {
    auto done = std::move(call->forward_done);
    ForwardOutcome outcome = error ? ForwardOutcome(failed()) : std::move(call->forwarded);
    (void)runGuarded(ThreadKind::kExecutor, model.info.id, [&] { done(std::move(outcome)); });
  } else {
    auto done = std::move(call->done);
    GenerationOutcome outcome = error ? GenerationOutcome(failed()) : std::move(call->result);
    (void)runGuarded(ThreadKind::kExecutor, model.info.id, [&] { done(std::move(outcome)); });
  }
}

void GatewayImpl::writeLedger(const Call& call, const LlmError* error, double wall_ms) {
  // Refused before any request was sent (no key, circuit open, deadline already passed): no
  // upstream call, nothing spent. cloudsayings_llm_errors_total still counts those.
  if (call.attempts == 0) return;
  const auto& info = call.model.info;
  LedgerRecord r;
  r.model = info.id;
  r.provider = info.provider;
  r.purpose = call.request.purpose;
  r.outcome = error ? kindName(error->kind) : "ok";
  r.attempts = call.attempts;
  r.tokens = call.usage;
  r.cost_usd = callCost(info, call.usage);
  r.latency_ms = wall_ms;
  r.ended_at_ms = clock_.wallMs();
  ledger_.record(r);
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
      MutexLock lock(m->errors_mutex);
      s.errors = m->errors;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace cs::llm
