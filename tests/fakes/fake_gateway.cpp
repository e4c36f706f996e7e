#include "fakes/fake_gateway.hpp"

#include <algorithm>
#include <random>
#include <thread>

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

void FakeGateway::release() {
  {
    std::lock_guard lock(mutex_);
    held_ = false;
  }
  changed_.notify_all();
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

std::expected<llm::GenerationResult, llm::LlmError> FakeGateway::generate(
    const llm::GenerationRequest& request) {
  const int now_running = ++concurrent_;
  int seen = max_concurrent_.load();
  while (now_running > seen && !max_concurrent_.compare_exchange_weak(seen, now_running)) {
  }
  struct Leave {
    std::atomic<int>& c;
    ~Leave() { --c; }
  } leave{concurrent_};

  std::chrono::milliseconds latency{0};
  std::optional<llm::LlmError> failure;
  int call_number = 0;
  TextFn texts;
  std::string provider;
  {
    std::unique_lock lock(mutex_);
    ++total_calls_;
    requests_.push_back(request);
    auto it = models_.find(request.model_id);
    if (it == models_.end())
      return std::unexpected(cache::localError(llm::LlmError::Kind::kDisabled, "unknown model"));
    Model& m = it->second;
    call_number = ++m.calls;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    if (!m.status.enabled)
      return std::unexpected(cache::localError(llm::LlmError::Kind::kDisabled, "no API key"));
    latency = m.latency;
    if (m.fail_always) {
      failure = m.fail_always;
    } else if (!m.failures.empty()) {
      failure = m.failures.front();
      m.failures.pop_front();
    }
    texts = m.texts;
    provider = m.status.info.provider;
  }
  const auto started = std::chrono::steady_clock::now();
  if (started + latency > request.deadline) {
    std::this_thread::sleep_until(request.deadline);
    return std::unexpected(cache::localError(llm::LlmError::Kind::kTimeout, "deadline passed"));
  }
  std::this_thread::sleep_for(latency);
  if (failure) return std::unexpected(*failure);

  llm::GenerationResult result;
  result.model_id = request.model_id;
  result.provider = provider;
  std::vector<std::string> lines;
  if (texts) {
    lines = texts(request, call_number);
  } else {
    std::lock_guard lock(mutex_);
    lines = defaultTexts(request);
  }
  const auto n = static_cast<std::int64_t>(std::max<std::size_t>(1, lines.size()));
  result.usage = {40 * n, 30 * n};
  result.cost_usd = cost_per_call_;
  for (auto& line : lines)
    result.sayings.push_back({std::move(line), {40, 30}, cost_per_call_ / static_cast<double>(n)});
  result.llm_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  result.finish_reason = "stop";
  return result;
}

}  // namespace cs::testing
