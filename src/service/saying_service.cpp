#include "service/saying_service.hpp"

#include "llm/model_catalog.hpp"
#include "obs/logger.hpp"
#include "service/model_error.hpp"

namespace cs {

const char* sourceName(Source source) {
  switch (source) {
    case Source::kStore:
      return "store";
    case Source::kCache:
      return "cache";
    case Source::kLlm:
      return "llm";
    case Source::kFallback:
      return "fallback";
  }
  return "store";
}

SayingService::SayingService(SayingPicker& picker, Options options)
    : picker_(picker), options_(options) {}

SayingService::SayingService(SayingPicker& picker, cache::SayingCache& cache, llm::Gateway& gateway,
                             Options options)
    : picker_(picker), cache_(&cache), gateway_(&gateway), options_(options) {}

namespace {
void logCacheHit(const cache::SayingCache::Hit& hit, std::uint64_t request_number) {
  // The original's line: message "Cache hit", extra_fields {source, cache_size, request_number}
  // -- but "source" and "cache_hit" live on the access line only: Logs Insights counts each
  // line carrying them as one request (docs/observability.md), so this one says "served_from".
  obs::log().info("Cache hit", {{"served_from", "cache"},
                                {"model", hit.saying->model},
                                {"cache_size", hit.cache_size},
                                {"request_number", request_number}});
}
}  // namespace

bool SayingService::nextMayTouchStore() const {
  if (!cache_ || !cache_->started()) return true;
  // The next request's number is requests_ + 1.
  if (requests_.load(std::memory_order_relaxed) < options_.cold_start_store_requests) return true;
  return cache_->totalSize() == 0;
}

Result<ServedSaying> SayingService::next(std::uint64_t& request_number) {
  request_number = requests_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (!cache_) return fromStore(request_number);
  if (!cache_->started()) cache_->start();  // the first request starts building
  if (request_number <= options_.cold_start_store_requests) return fromStore(request_number);
  if (auto hit = cache_->take()) {
    logCacheHit(*hit, request_number);
    return ServedSaying{std::move(hit->saying), Source::kCache, request_number};
  }
  // Miss: take() has already asked the builder to refill; answer from the store now.
  return fromStore(request_number);
}

std::optional<ServedSaying> SayingService::nextFromMemory(std::uint64_t& request_number) {
  // The cold-start requests and the first one (which starts the builder, priming its dedup
  // index from the store) go the normal way.
  if (cache_ && !cache_->started()) return std::nullopt;
  if (requests_.load(std::memory_order_relaxed) < options_.cold_start_store_requests)
    return std::nullopt;
  if (cache_)
    if (auto hit = cache_->take()) {
      request_number = requests_.fetch_add(1, std::memory_order_relaxed) + 1;
      logCacheHit(*hit, request_number);
      return ServedSaying{std::move(hit->saying), Source::kCache, request_number};
    }
  std::string avoid;
  {
    MutexLock lock(last_mutex_);
    avoid = last_store_id_;
  }
  auto picked = picker_.pickCached(avoid);
  if (!picked) return std::nullopt;
  {
    MutexLock lock(last_mutex_);
    last_store_id_ = picked->id;
  }
  request_number = requests_.fetch_add(1, std::memory_order_relaxed) + 1;
  return ServedSaying{std::move(picked), Source::kStore, request_number};
}

Result<void> SayingService::checkModel(const std::string& model_id) {
  const auto models = gateway_ ? gateway_->models() : std::vector<llm::ModelStatus>{};
  const auto found = llm::findCallableModel(models, model_id);
  if (!found) {
    if (cache_ && found.error().code == ErrorCode::kModelDisabled)
      cache_->setEnabled(model_id, false);
    return std::unexpected(found.error());
  }
  if (cache_) cache_->setEnabled(model_id, true);
  return {};
}

Result<ServedSaying> SayingService::nextForModel(const std::string& model_id,
                                                 std::uint64_t& request_number) {
  request_number = requests_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (auto ok = checkModel(model_id); !ok) return std::unexpected(ok.error());
  // [cache] enabled = false: this instance never generates on request (a configuration, not
  // a failure), so a stored saying answers, marked as not being the model's.
  if (!cache_ || !cache_->knows(model_id))
    return fallbackFor(model_id, "generation_disabled", request_number);
  // An explicit model request is served by that model even during the cold start: the
  // client asked for it, and a corpus saying would not answer the question. An empty pool
  // starts no builder refill here: generateFor makes the call for this request (model_request)
  // rather than racing the builder to decide whose call it is.
  if (auto hit = cache_->take(model_id, /*refill_when_empty=*/false)) {
    logCacheHit(*hit, request_number);
    return ServedSaying{std::move(hit->saying), Source::kCache, request_number};
  }
  return generateFor(model_id, request_number);
}

namespace {

// The client-facing error for a generation that did not produce a saying. Messages are
// sentences about the model, never a provider's raw text (it may name internal addresses).
Error modelError(const std::string& model_id, const cache::FlightResult* result) {
  const std::string who = "model '" + model_id + "'";
  if (!result)
    return {ErrorCode::kModelTimeout, who + " did not answer before this request's deadline"};
  if (result->budget_refused)
    return {ErrorCode::kBudgetExhausted,
            "the LLM spend budget for people's requests is used up for now, so " + who +
                " was not called; try again later"};
  return clientError(model_id, *result->error);
}

const char* failureType(const cache::FlightResult* result) {
  if (!result) return "timeout";
  if (result->budget_refused) return "budget_exhausted";
  return result->error ? llm::kindName(result->error->kind) : "duplicates";
}

}  // namespace

Result<ServedSaying> SayingService::generateFor(const std::string& model_id,
                                                std::uint64_t request_number) {
  const auto deadline = std::chrono::steady_clock::now() + options_.model_deadline;
  // Empty pool: one synchronous generation, shared with any refill already in flight. A refill
  // the builder started may have been refused by the builder's budget share; the request then
  // asks once more as itself, against people's share (the builder cannot starve it).
  for (int round = 0; round < 2; ++round) {
    auto flight = cache_->refillNow(model_id, llm::Purpose::kModelRequest);
    if (!flight) return fail(ErrorCode::kShuttingDown, "the server is shutting down");
    // Started after this request's flight exists: on a cold start the builder then joins the
    // request's call (model_request) instead of the request joining the builder's.
    if (!cache_->started()) cache_->start();
    const auto* result = flight->wait(deadline);
    if (result && result->budget_refused && result->purpose == llm::Purpose::kCacheFill &&
        round == 0)
      continue;
    if (result && !result->error) {
      // The request made the call when it was made for people and it is the first to claim it.
      const bool made = result->purpose != llm::Purpose::kCacheFill && flight->claimCall();
      auto served = [&](cache::SayingPtr saying) {
        ServedSaying out{std::move(saying), Source::kLlm, request_number};
        if (made) {
          out.request_tokens = result->usage;
          out.request_cost_usd = result->cost_usd;
        }
        return out;
      };
      if (auto hit = cache_->take(model_id, /*refill_when_empty=*/false))
        return served(std::move(hit->saying));
      // Concurrent waiters emptied the pool: share the batch this call produced.
      if (auto shared = flight->nextShared()) return served(std::move(shared));
      // The model answered with sayings we already had (or others took them all).
      auto fallback = fallbackFor(model_id, "duplicates", request_number);
      if (fallback && made) {
        fallback->request_tokens = result->usage;
        fallback->request_cost_usd = result->cost_usd;
      }
      return fallback;
    }
    auto error = modelError(model_id, result);
    obs::log().warn(
        "Synchronous generation failed",
        {{"model", model_id},
         {"error_type", failureType(result)},
         {"error_message", result && result->error ? result->error->message : error.message},
         {"answered", errorName(error.code)},
         {"request_number", request_number}});
    return std::unexpected(std::move(error));
  }
  return fail(ErrorCode::kInternal, "unreachable");  // the loop always returns
}

Result<ServedSaying> SayingService::fallbackFor(const std::string& model_id, std::string reason,
                                                std::uint64_t request_number) {
  auto served = fromStore(request_number);
  if (!served) return served;
  served->requested_model = model_id;
  served->fallback_reason = std::move(reason);
  return served;
}

Result<ServedSaying> SayingService::fromStore(std::uint64_t request_number) {
  std::string avoid;
  {
    MutexLock lock(last_mutex_);
    avoid = last_store_id_;
  }
  auto picked = picker_.pickRandom(avoid);
  if (!picked) return fail(ErrorCode::kUnavailable, picked.error().message);
  {
    MutexLock lock(last_mutex_);
    last_store_id_ = picked->id;
  }
  return ServedSaying{std::make_shared<const Saying>(std::move(*picked)), Source::kStore,
                      request_number};
}

}  // namespace cs
