#include "service/compare_service.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>

#include "core/thread_boundary.hpp"
#include "llm/model_catalog.hpp"
#include "obs/logger.hpp"

namespace cs {

CompareRun::CompareRun(std::vector<std::string> models) : models_(std::move(models)) {}

void CompareRun::subscribe(OnResult on_result, OnDone on_done) {
  MutexLock lock(mutex_);
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
  OnAll on_all;
  std::vector<CompareOutcome> all;
  {
    MutexLock lock(mutex_);
    if (finished_.size() == models_.size() || finishedLocked(outcome.model)) return;
    finished_.push_back(std::move(outcome));
    if (on_result_) on_result_(finished_.back());
    if (finished_.size() == models_.size()) {
      if (on_done_) on_done_();
      on_result_ = nullptr;  // releases the subscriber (and its stream) now
      on_done_ = nullptr;
      if (on_all_) {
        on_all = std::move(on_all_);
        all = finished_;
      }
    }
  }
  if (on_all) on_all(std::move(all));
}

void CompareRun::whenDone(OnAll on_all) {
  std::vector<CompareOutcome> all;
  {
    MutexLock lock(mutex_);
    if (finished_.size() != models_.size()) {
      on_all_ = std::move(on_all);
      return;
    }
    all = finished_;
  }
  on_all(std::move(all));
}

CompareService::CompareService(llm::Gateway& gateway, cache::Ingestor& ingestor,
                               cache::BudgetGuard& budget, Executor& executor, Options options)
    : gateway_(gateway),
      ingestor_(ingestor),
      budget_(budget),
      executor_(executor),
      options_(options) {}

CompareService::~CompareService() {
  jobs_.waitZero();
  calls_.waitZero();  // a stalled upstream ends at its call's deadline
}

Result<std::vector<std::string>> CompareService::resolveModels(
    const std::vector<std::string>& requested) const {
  const auto models = gateway_.models();
  std::vector<std::string> enabled;
  for (const auto& m : models)
    if (m.enabled) enabled.push_back(m.info.id);
  if (requested.empty()) {
    if (enabled.empty())
      return fail(ErrorCode::kNoModels, "no model can be called: none has an API key");
    return enabled;
  }
  std::vector<std::string> out;
  for (const auto& id : requested) {
    if (std::find(out.begin(), out.end(), id) != out.end()) continue;  // asked twice: call once
    if (auto found = llm::findCallableModel(models, id); !found)
      return std::unexpected(found.error());
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
    return fail(
        ErrorCode::kInvalidTopic,
        "topic must be at most " + std::to_string(options_.topic_max_length) + " characters");
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
    MutexLock lock(runs_mutex_);
    shutting_down_ = true;
    for (auto& weak : runs_)
      if (auto run = weak.lock()) live.push_back(std::move(run));
    runs_.clear();
  }
  const auto error =
      cache::localError(llm::LlmError::Kind::kShuttingDown, "the server is shutting down");
  for (auto& run : live) run->finishUnfinished(error);
  if (!live.empty())
    obs::log().info("Comparisons ended for shutdown", {{"comparisons", live.size()}});
}

namespace {
CompareOutcome failedOutcome(const std::string& model, llm::LlmError::Kind kind, std::string why) {
  CompareOutcome out;
  out.model = model;
  out.error = cache::localError(kind, std::move(why));
  return out;
}
}  // namespace

void CompareService::startAsync(std::vector<std::string> requested,
                                std::optional<std::string> topic, OnStarted ready) {
  jobs_.enter();
  executor_.post(
      [this, requested = std::move(requested), topic = std::move(topic), ready = std::move(ready)] {
        struct Leave {
          PendingCalls& p;
          ~Leave() { p.leave(); }
        } leave{jobs_};
        Result<Started> started = fail(ErrorCode::kInternal, "the comparison could not be started");
        // A surprise here must still answer the waiting client (with the 500 above).
        (void)runGuarded(ThreadKind::kCompare, {}, [&] {
          auto models = resolveModels(requested);
          if (!models) {
            started = std::unexpected(models.error());
            return;
          }
          auto valid_topic = validateTopic(topic);
          if (!valid_topic) {
            started = std::unexpected(valid_topic.error());
            return;
          }
          auto run = start(*models, *valid_topic);
          started = Started{std::move(*models), std::move(*valid_topic), std::move(run)};
        });
        ready(std::move(started));
      });
}

CompareRunPtr CompareService::start(const std::vector<std::string>& models,
                                    const std::optional<std::string>& topic) {
  auto run = std::make_shared<CompareRun>(models);
  {
    MutexLock lock(runs_mutex_);
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
    if (!calls_.tryEnter(options_.max_concurrent_calls)) {
      run->complete(failedOutcome(model, llm::LlmError::Kind::kOverloaded,
                                  "too many comparisons at once; try again shortly"));
      continue;
    }
    callOne(run, request);
  }
  // The gateway ends its calls at the deadline; this is the backstop that ends the run even
  // if an answer never came (grace: a second). A timer, not a waiting thread.
  const auto grace = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline + std::chrono::seconds(1) - std::chrono::steady_clock::now());
  executor_.postAfter(grace, [weak = std::weak_ptr<CompareRun>(run)] {
    if (auto live = weak.lock())
      live->finishUnfinished(
          cache::localError(llm::LlmError::Kind::kTimeout, "no answer within the deadline"));
  });
  return run;
}

void CompareService::callOne(const CompareRunPtr& run, const llm::GenerationRequest& request) {
  const std::string& model = request.model_id;
  // Exactly one outcome per call reaches the run and frees the call's slot, whether the
  // gateway answers, throws while starting, or the completion itself throws.
  auto settled = std::make_shared<std::atomic<bool>>(false);
  auto settle = [this, run, settled](CompareOutcome outcome) {
    if (settled->exchange(true)) return;
    run->complete(std::move(outcome));
    calls_.leave();
  };
  auto internal = [&model] {
    return failedOutcome(model, llm::LlmError::Kind::kInternal,
                         "the call failed inside the server; see the server log");
  };
  std::string why;
  if (!budget_.tryAcquire(llm::Purpose::kCompare, &why))
    return settle(failedOutcome(model, llm::LlmError::Kind::kRateLimited,
                                "LLM budget exhausted (" + why + ")"));
  const auto started = std::chrono::steady_clock::now();
  // Counted and logged once by runGuarded (cloudsayings_thread_exceptions_total{thread="compare"}).
  const bool sent = runGuarded(ThreadKind::kCompare, model, [&] {
    gateway_.generateAsync(
        request, [this, settle, internal, model, started](llm::GenerationOutcome result) {
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
          CompareOutcome out;
          if (!runGuarded(ThreadKind::kCompare, model,
                          [&] { out = outcomeOf(model, ms, std::move(result)); }))
            out = internal();
          settle(std::move(out));
        });
  });
  if (!sent) settle(internal());
}

CompareOutcome CompareService::outcomeOf(const std::string& model, double latency_ms,
                                         llm::GenerationOutcome result) {
  CompareOutcome out;
  out.model = model;
  out.latency_ms = latency_ms;
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
