#include "fakes/fake_gateway.hpp"

#include <algorithm>
#include <random>

#include "core/thread_boundary.hpp"

namespace cs::testing {

const std::vector<std::string>& FakeGateway::services() {
  static const std::vector<std::string> kServices = {
      "Amazon S3",         "AWS Lambda",        "Amazon DynamoDB", "Amazon EC2",
      "Amazon CloudFront", "Amazon CloudWatch", "AWS IAM",         "Amazon SQS",
      "Amazon SNS",        "Amazon RDS",        "Amazon Aurora",   "Amazon Redshift",
      "Amazon Athena",     "AWS Glue",          "Amazon Kinesis",  "Amazon EventBridge"};
  return kServices;
}

void FakeGateway::addModel(const std::string& id, bool enabled, std::string provider) {
  std::lock_guard lock(mutex_);
  Model m;
  m.status.info.id = id;
  m.status.info.provider = std::move(provider);
  m.status.info.display_name = id;
  m.status.enabled = enabled;
  m.status.disabled_reason = enabled ? "" : "no API key";
  m.status.health = "ok";
  models_[id] = std::move(m);
  order_.push_back(id);
}

void FakeGateway::setLatency(const std::string& id, std::chrono::milliseconds latency) {
  std::lock_guard lock(mutex_);
  models_.at(id).latency = latency;
}

void FakeGateway::failNext(const std::string& id, llm::LlmError error, int times) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < times; ++i) models_.at(id).failures.push_back(error);
}

void FakeGateway::failAlways(const std::string& id, std::optional<llm::LlmError> error) {
  std::lock_guard lock(mutex_);
  models_.at(id).fail_always = std::move(error);
}

void FakeGateway::setTexts(const std::string& id, TextFn fn) {
  std::lock_guard lock(mutex_);
  models_.at(id).texts = std::move(fn);
}

void FakeGateway::hold() {
  std::lock_guard lock(mutex_);
  held_ = true;
}

void FakeGateway::waitForCalls(int n) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return total_calls_ >= n; });
}

int FakeGateway::calls(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = models_.find(id);
  return it == models_.end() ? 0 : it->second.calls;
}

int FakeGateway::totalCalls() const {
  std::lock_guard lock(mutex_);
  return total_calls_;
}

std::vector<llm::GenerationRequest> FakeGateway::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<llm::ModelStatus> FakeGateway::models() const {
  std::lock_guard lock(mutex_);
  std::vector<llm::ModelStatus> out;
  for (const auto& id : order_) out.push_back(models_.at(id).status);
  return out;
}

std::vector<std::string> FakeGateway::defaultTexts(const llm::GenerationRequest& request) {
  static const std::vector<std::string> kWords = {
      "attic",  "banjo",    "candle", "dragon",  "engine", "falcon", "garden",  "harbor",
      "igloo",  "jigsaw",   "kettle", "lantern", "marble", "nebula", "orchard", "parrot",
      "quartz", "rocket",   "saddle", "tundra",  "umpire", "violin", "walrus",  "xylophone",
      "yogurt", "zeppelin", "anchor", "bakery",  "cactus", "dolphin"};
  std::vector<std::string> out;
  for (int i = 0; i < request.count; ++i) {
    std::string service = services().front();
    if (honour_hint_) {
      for (const auto& s : services())
        if (std::find(request.avoid_services.begin(), request.avoid_services.end(), s) ==
                request.avoid_services.end() &&
            std::none_of(out.begin(), out.end(),
                         [&](const std::string& t) { return t.starts_with(s + " "); })) {
          service = s;
          break;
        }
    }
    // Distinct random words keep every text far from the others (no accidental near-duplicates).
    std::mt19937 rng(static_cast<unsigned>(++text_counter_ * 7919));
    std::string text = service + " is like";
    for (int w = 0; w < 6; ++w) text += " " + kWords[rng() % kWords.size()];
    text += " number " + std::to_string(text_counter_);
    if (request.topic) text += " about " + *request.topic;
    out.push_back(std::move(text));
  }
  return out;
}

FakeGateway::~FakeGateway() {
  // A call still held at the gate is answered, so no caller waits for ever.
  std::vector<Held> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_calls_);
  }
  for (auto& h : held)
    complete(h.done, std::unexpected(cache::localError(llm::LlmError::Kind::kShuttingDown,
                                                       "the fake gateway is going away")));
  executor_.stop();
}

void FakeGateway::complete(const llm::GenerationCallback& done, llm::GenerationOutcome outcome) {
  --concurrent_;
  done(std::move(outcome));
}

void FakeGateway::generateAsync(llm::GenerationRequest request, llm::GenerationCallback done) {
  const int now_running = ++concurrent_;
  int seen = max_concurrent_.load();
  while (now_running > seen && !max_concurrent_.compare_exchange_weak(seen, now_running)) {
  }
  Held call{std::move(request), 0, std::move(done)};
  {
    std::lock_guard lock(mutex_);
    ++total_calls_;
    requests_.push_back(call.request);
    auto it = models_.find(call.request.model_id);
    if (it == models_.end()) {
      changed_.notify_all();
      executor_.post([this, done = std::move(call.done)] {
        complete(done, std::unexpected(
                           cache::localError(llm::LlmError::Kind::kDisabled, "unknown model")));
      });
      return;
    }
    call.call_number = ++it->second.calls;
    changed_.notify_all();
    if (held_) {
      held_calls_.push_back(std::move(call));
      return;
    }
  }
  proceed(std::move(call));
}

void FakeGateway::forwardAsync(llm::ForwardRequest request, llm::ForwardCallback done) {
  executor_.post([id = std::move(request.model_id), done = std::move(done)] {
    done(std::unexpected(cache::localError(llm::LlmError::Kind::kBadRequest,
                                           "model " + id + " does not take chat completions")));
  });
}

void FakeGateway::release() {
  std::vector<Held> held;
  {
    std::lock_guard lock(mutex_);
    held_ = false;
    held.swap(held_calls_);
  }
  changed_.notify_all();
  for (auto& h : held) proceed(std::move(h));
}

void FakeGateway::proceed(Held call) {
  std::chrono::milliseconds latency{0};
  std::optional<llm::LlmError> failure;
  TextFn texts;
  std::string provider;
  double cost = 0.0;
  {
    std::lock_guard lock(mutex_);
    Model& m = models_.at(call.request.model_id);
    if (!m.status.enabled) {
      executor_.post([this, done = std::move(call.done)] {
        complete(done,
                 std::unexpected(cache::localError(llm::LlmError::Kind::kDisabled, "no API key")));
      });
      return;
    }
    latency = m.latency;
    if (m.fail_always) {
      failure = m.fail_always;
    } else if (!m.failures.empty()) {
      failure = m.failures.front();
      m.failures.pop_front();
    }
    texts = m.texts;
    provider = m.status.info.provider;
    cost = cost_per_call_;
  }
  const auto started = std::chrono::steady_clock::now();
  if (started + latency > call.request.deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(call.request.deadline - started, std::chrono::steady_clock::duration::zero()));
    executor_.postAfter(left, [this, done = std::move(call.done)] {
      complete(done, std::unexpected(
                         cache::localError(llm::LlmError::Kind::kTimeout, "deadline passed")));
    });
    return;
  }
  auto shared = std::make_shared<Held>(std::move(call));
  executor_.postAfter(latency, [this, shared, failure, texts, provider, started, cost] {
    if (failure) return complete(shared->done, std::unexpected(*failure));
    const auto& request = shared->request;
    llm::GenerationResult result;
    result.model_id = request.model_id;
    result.provider = provider;
    std::vector<std::string> lines;
    if (texts) {
      // A text function that throws plays a gateway bug (a parser blowing up): answered as the
      // real gateway answers a surprise in one of its steps, counted the same way.
      try {
        lines = texts(request, shared->call_number);
      } catch (const std::exception& e) {
        noteSurprise(ThreadKind::kExecutor, e.what(), request.model_id);
        return complete(shared->done, std::unexpected(cache::localError(
                                          llm::LlmError::Kind::kInternal,
                                          "internal error in the gateway; see the server log")));
      }
    } else {
      std::lock_guard lock(mutex_);
      lines = defaultTexts(request);
    }
    const auto n = static_cast<std::int64_t>(std::max<std::size_t>(1, lines.size()));
    result.usage = {40 * n, 30 * n};
    result.cost_usd = cost;
    for (auto& line : lines)
      result.sayings.push_back({std::move(line), {40, 30}, cost / static_cast<double>(n)});
    result.llm_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    result.finish_reason = "stop";
    complete(shared->done, std::move(result));
  });
}

}  // namespace cs::testing
