#include "service/compare_service.hpp"

#include <algorithm>
#include <cctype>

#include "core/thread_boundary.hpp"
#include "obs/logger.hpp"

namespace cs {

CompareRun::CompareRun(std::vector<std::string> models) : models_(std::move(models)) {}

void CompareRun::subscribe(OnResult on_result, OnDone on_done) {
  std::lock_guard lock(mutex_);
  for (const auto& outcome : finished_) on_result(outcome);
  if (finished_.size() == models_.size()) {
    on_done();
    return;
  }
  on_result_ = std::move(on_result);
  on_done_ = std::move(on_done);
}

bool CompareRun::finishedLocked(const std::string& model) const {
  return std::any_of(finished_.begin(), finished_.end(),
                     [&](const CompareOutcome& o) { return o.model == model; });
}

void CompareRun::finishUnfinished(const llm::LlmError& error) {
  for (const auto& model : models_) {
    CompareOutcome out;
    out.model = model;
    out.error = error;
    complete(std::move(out));  // a no-op for models that already answered
  }
}

void CompareRun::complete(CompareOutcome outcome) {
  {
    std::lock_guard lock(mutex_);
    if (finished_.size() == models_.size() || finishedLocked(outcome.model)) return;
    finished_.push_back(std::move(outcome));
    if (on_result_) on_result_(finished_.back());
    if (finished_.size() == models_.size() && on_done_) {
      on_done_();
      on_result_ = nullptr;  // releases the subscriber (and its stream) now
      on_done_ = nullptr;
    }
  }
  changed_.notify_all();
}

std::vector<CompareOutcome> CompareRun::waitAll(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] { return finished_.size() == models_.size(); });
  std::vector<CompareOutcome> out = finished_;
  for (const auto& model : models_) {
    const bool answered =
        std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.model == model; });
    if (answered) continue;
    CompareOutcome late;
    late.model = model;
    late.error = cache::localError(llm::LlmError::Kind::kTimeout, "no answer within the deadline");
    out.push_back(std::move(late));
  }
  return out;
}

CompareService::CompareService(llm::Gateway& gateway, cache::Ingestor& ingestor,
                               cache::BudgetGuard& budget, Options options)
    : gateway_(gateway),
      ingestor_(ingestor),
      budget_(budget),
      options_(options),
      calls_(options.max_concurrent_calls, ThreadKind::kCompare) {}

Result<std::vector<std::string>> CompareService::resolveModels(
    const std::vector<std::string>& requested) const {
  const auto models = gateway_.models();
  std::vector<std::string> enabled;
  for (const auto& m : models)
    if (m.enabled) enabled.push_back(m.info.id);
  std::string valid;
  for (const auto& id : enabled) valid += (valid.empty() ? "" : ", ") + id;
  if (valid.empty()) valid = "none (no model has an API key)";
  if (requested.empty()) {
    if (enabled.empty()) return fail(ErrorCode::kNoModels, "no model can be called: none has an API key");
    return enabled;
  }
  std::vector<std::string> out;
  for (const auto& id : requested) {
    if (std::find(out.begin(), out.end(), id) != out.end()) continue;  // asked twice: call once
    auto it =
        std::find_if(models.begin(), models.end(), [&](const auto& m) { return m.info.id == id; });
    if (it == models.end())
      return fail(ErrorCode::kUnknownModel, "unknown model '" + id + "'; valid models: " + valid);
    if (!it->enabled)
      return fail(ErrorCode::kModelDisabled, "model '" + id + "' is disabled (" + it->disabled_reason +
                                        "); valid models: " + valid);
    out.push_back(id);
  }
  return out;
}

Result<std::optional<std::string>> CompareService::validateTopic(
    const std::optional<std::string>& topic) const {
  if (!topic) return std::optional<std::string>{};
  std::string t = *topic;
  const auto first = t.find_first_not_of(" \t");
  if (first == std::string::npos) return std::optional<std::string>{};  // blank = no topic
  t = t.substr(first, t.find_last_not_of(" \t") - first + 1);
  if (t.size() > options_.topic_max_length)
    return fail(ErrorCode::kInvalidTopic, "topic must be at most " +
                                     std::to_string(options_.topic_max_length) + " characters");
  // Service names and plain words only: the topic goes into a prompt.
  for (unsigned char c : t)
    if (!(std::isalnum(c) || c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '&' ||
          c == '+' || c == '(' || c == ')' || c == '\'' || c == ','))
      return fail(ErrorCode::kInvalidTopic,
                  "topic may contain letters, digits, spaces and - _ . / & + ( ) ' , only");
  return std::optional<std::string>{std::move(t)};
}

void CompareService::shutdown() {
  std::vector<CompareRunPtr> live;
  {
    std::lock_guard lock(runs_mutex_);
    shutting_down_ = true;
    for (auto& weak : runs_)
      if (auto run = weak.lock()) live.push_back(std::move(run));
    runs_.clear();
  }
  const auto error =
      cache::localError(llm::LlmError::Kind::kShuttingDown, "the server is shutting down");
  for (auto& run : live) run->finishUnfinished(error);
  if (!live.empty()) obs::log().info("Comparisons ended for shutdown", {{"comparisons", live.size()}});
}

void CompareService::runCall(CompareRun& run, const std::string& model,
                             const llm::GenerationRequest& request) {
  // Counted and logged once by runGuarded (cloudsayings_thread_exceptions_total{thread="compare"}).
  if (runGuarded(ThreadKind::kCompare, model, [&] { run.complete(callOne(model, request)); })) return;
  CompareOutcome failed;
  failed.model = model;
  failed.error = cache::localError(llm::LlmError::Kind::kInternal,
                                   "the call failed inside the server; see the server log");
  run.complete(std::move(failed));
}

CompareRunPtr CompareService::start(const std::vector<std::string>& models,
                                    const std::optional<std::string>& topic) {
  auto run = std::make_shared<CompareRun>(models);
  {
    std::lock_guard lock(runs_mutex_);
    if (shutting_down_) {
      run->finishUnfinished(
          cache::localError(llm::LlmError::Kind::kShuttingDown, "the server is shutting down"));
      return run;
    }
    std::erase_if(runs_, [](const auto& weak) { return weak.expired(); });
    runs_.push_back(run);
  }
  const auto deadline = deadlineFromNow();
  for (const auto& model : models) {
    llm::GenerationRequest request;
    request.model_id = model;
    request.count = options_.sayings_per_model;
    request.topic = topic;
    request.deadline = deadline;
    request.purpose = llm::Purpose::kCompare;
    const bool spawned =
        calls_.spawn([this, run, model, request] { runCall(*run, model, request); });
    if (!spawned) {
      CompareOutcome busy;
      busy.model = model;
      busy.error = cache::localError(llm::LlmError::Kind::kOverloaded,
                                     "too many comparisons at once; try again shortly");
      run->complete(std::move(busy));
    }
  }
  return run;
}

CompareOutcome CompareService::callOne(const std::string& model,
                                       const llm::GenerationRequest& request) {
  CompareOutcome out;
  out.model = model;
  std::string why;
  if (!budget_.tryAcquire(llm::Purpose::kCompare, &why)) {
    out.error =
        cache::localError(llm::LlmError::Kind::kRateLimited, "LLM budget exhausted (" + why + ")");
    return out;
  }
  const auto started = std::chrono::steady_clock::now();
  auto result = gateway_.generate(request);
  out.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!result) {
    out.attempts = result.error().attempts;  // the real number, 0 when none was sent
    out.error = std::move(result.error());
    obs::log().warn("Compare call failed", {{"model", model},
                                            {"error_type", llm::kindName(out.error->kind)},
                                            {"error_message", out.error->message},
                                            {"execution_time", out.latency_ms}});
    return out;
  }
  budget_.recordCost(llm::Purpose::kCompare, result->cost_usd);
  out.provider = result->provider;
  out.llm_ms = result->llm_ms;
  out.tokens = result->usage;
  out.cost_usd = result->cost_usd;
  out.attempts = result->attempts;
  auto ingested = ingestor_.ingest(*result);
  for (auto& s : ingested.accepted) out.sayings.push_back({std::move(s), {}});
  for (auto& d : ingested.duplicates) {
    d.saying.id = d.duplicate_of;  // the stored original receives the votes
    out.sayings.push_back({std::move(d.saying), d.duplicate_of});
  }
  return out;
}

}  // namespace cs
