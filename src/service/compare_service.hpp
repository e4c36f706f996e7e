#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/budget_guard.hpp"
#include "cache/flight.hpp"
#include "cache/ingest.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/executor.hpp"
#include "core/mutex.hpp"
#include "core/pending_calls.hpp"
#include "llm/gateway.hpp"

namespace cs {

// One model's part of a comparison: its sayings or its error, with its own figures.
struct CompareOutcome {
  struct Item {
    Saying saying;             // stored, so it can be voted on (id = the stored saying's id)
    std::string duplicate_of;  // set when it repeats a known saying: votes go to that one
  };
  std::string model;
  std::string provider;
  std::vector<Item> sayings;
  std::optional<llm::LlmError> error;
  double latency_ms = 0.0;  // wall time of this model's call, retries included
  std::optional<double> llm_ms;
  Usage tokens;
  double cost_usd = 0.0;
  int attempts = 0;
};

// The calls of one comparison, all started at once. Results arrive in finishing order; a
// subscriber sees the ones already finished, then each new one as it finishes.
class CompareRun {
 public:
  using OnResult = std::function<void(const CompareOutcome&)>;
  using OnDone = std::function<void()>;
  using OnAll = std::function<void(std::vector<CompareOutcome>)>;
  explicit CompareRun(std::vector<std::string> models);

  // Callbacks run under the run's lock (in order, never concurrently): keep them short.
  void subscribe(OnResult on_result, OnDone on_done);
  // Runs `on_all` once, with every outcome in finishing order, when the last model finished
  // (at once when all have); outside the run's lock, on the thread that finished the run.
  void whenDone(OnAll on_all);
  // The first outcome of a model counts; a late one (after shutdown answered for it) is dropped.
  void complete(CompareOutcome outcome);
  // Completes every model still running with `error` (shutdown: the answer must not wait).
  void finishUnfinished(const llm::LlmError& error);
  const std::vector<std::string>& models() const { return models_; }

 private:
  std::vector<std::string> models_;
  Mutex mutex_;
  bool finishedLocked(const std::string& model) const CS_REQUIRES(mutex_);

  std::vector<CompareOutcome> finished_ CS_GUARDED_BY(mutex_);
  OnResult on_result_;
  OnDone on_done_;
  OnAll on_all_;
};
using CompareRunPtr = std::shared_ptr<CompareRun>;

// GET|POST /api/compare: the identical prompt to each requested model at the same time,
// fresh (no cache). A slow or failing model never holds back the others' results. Each model's
// call is one asynchronous gateway call: no thread per call, none held while a run waits.
class CompareService {
 public:
  struct Options {
    std::chrono::milliseconds deadline{20'000};
    int sayings_per_model = 1;
    std::size_t max_concurrent_calls = 32;  // across all comparisons of this instance
    std::size_t topic_max_length = 60;
  };
  // `executor` runs validation (a key lookup may ask SSM) and the deadline timers.
  CompareService(llm::Gateway& gateway, cache::Ingestor& ingestor, cache::BudgetGuard& budget,
                 Executor& executor, Options options);
  ~CompareService();  // waits for the calls still running (their completions use the service)

  // Validates the request. Errors: "unknown_model" / "model_disabled" / "invalid_topic" (400),
  // "no_models" (503: no model can be called).
  Result<std::vector<std::string>> resolveModels(const std::vector<std::string>& requested) const;
  Result<std::optional<std::string>> validateTopic(const std::optional<std::string>& topic) const;
  // Starts every call now and returns at once. Models that do not answer by the deadline (and
  // a second of grace) are given a timeout outcome, so every run ends.
  CompareRunPtr start(const std::vector<std::string>& models,
                      const std::optional<std::string>& topic);
  struct Started {
    std::vector<std::string> models;
    std::optional<std::string> topic;
    CompareRunPtr run;
  };
  using OnStarted = std::function<void(Result<Started>)>;
  // resolveModels + validateTopic + start, on the executor (never on the caller's thread: an
  // HTTP I/O thread must not wait for SSM); `ready` runs once, with the run or the error.
  void startAsync(std::vector<std::string> requested, std::optional<std::string> topic,
                  OnStarted ready);
  // Real time (not the injected clock): calls and waits are bounded by it.
  std::chrono::steady_clock::time_point deadlineFromNow() const {
    return std::chrono::steady_clock::now() + options_.deadline;
  }
  const Options& options() const { return options_; }
  // Calls still running (a stalled upstream keeps one until its own deadline).
  std::size_t callsInFlight() const { return calls_.count(); }
  // Graceful shutdown: every unfinished model of every running comparison gets the error
  // `shutting_down` now (SSE streams end with `done`, JSON answers complete), and new
  // comparisons answer it for every model. The calls themselves end at their own deadline.
  void shutdown();

 private:
  // One model's call; its outcome goes to `run` exactly once, whatever throws where.
  void callOne(const CompareRunPtr& run, const llm::GenerationRequest& request);
  // The gateway's answer made into the model's outcome (the sayings stored: store I/O, so
  // this runs on the gateway's executor, never on the transport's loop).
  CompareOutcome outcomeOf(const std::string& model, double latency_ms,
                           llm::GenerationOutcome result);

  llm::Gateway& gateway_;
  cache::Ingestor& ingestor_;
  cache::BudgetGuard& budget_;
  Executor& executor_;
  Options options_;
  Mutex runs_mutex_;
  bool shutting_down_ CS_GUARDED_BY(runs_mutex_) = false;
  // running comparisons, for shutdown()
  std::vector<std::weak_ptr<CompareRun>> runs_ CS_GUARDED_BY(runs_mutex_);
  PendingCalls calls_;  // bounded by max_concurrent_calls; waited for by the destructor
  PendingCalls jobs_;   // startAsync jobs queued or running; likewise
};

}  // namespace cs
