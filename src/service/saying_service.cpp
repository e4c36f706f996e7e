#include "service/saying_service.hpp"

#include "obs/logger.hpp"

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
  // The next request's number is requestsSoFar() + 1.
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

Result<void> SayingService::checkModel(const std::string& model_id) {
  const auto models = gateway_ ? gateway_->models() : std::vector<llm::ModelStatus>{};
  std::string valid;
  const llm::ModelStatus* found = nullptr;
  for (const auto& m : models) {
    if (m.info.id == model_id) found = &m;
    if (m.enabled) valid += (valid.empty() ? "" : ", ") + m.info.id;
  }
  if (valid.empty()) valid = "none (no model has an API key)";
  if (!found)
    return fail(ErrorCode::kUnknownModel, "unknown model '" + model_id + "'; valid models: " + valid);
  if (!found->enabled) {
    if (cache_) cache_->setEnabled(model_id, false);
    return fail(ErrorCode::kModelDisabled, "model '" + model_id + "' is disabled (" +
                                      found->disabled_reason + "); valid models: " + valid);
  }
  if (cache_) cache_->setEnabled(model_id, true);
  return {};
}

Result<ServedSaying> SayingService::nextForModel(const std::string& model_id,
                                                 std::uint64_t& request_number) {
  request_number = requests_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (auto ok = checkModel(model_id); !ok) return std::unexpected(ok.error());
  if (!cache_ || !cache_->knows(model_id)) return fromStore(request_number);
  if (!cache_->started()) cache_->start();
  // An explicit model request is served by that model even during the cold start: the
  // client asked for it, and a corpus saying would not answer the question.
  if (auto hit = cache_->take(model_id)) {
    logCacheHit(*hit, request_number);
    return ServedSaying{std::move(hit->saying), Source::kCache, request_number};
  }
  // Empty pool: one synchronous generation, shared with any refill already in flight.
  if (auto flight = cache_->refillNow(model_id, llm::Purpose::kModelRequest)) {
    const auto* result = flight->wait(std::chrono::steady_clock::now() + options_.model_deadline);
    if (result && !result->error) {
      if (auto hit = cache_->take(model_id, /*refill_when_empty=*/false))
        return ServedSaying{std::move(hit->saying), Source::kLlm, request_number};
      // Concurrent waiters emptied the pool: share the batch this call produced.
      if (auto shared = flight->nextShared())
        return ServedSaying{std::move(shared), Source::kLlm, request_number};
    }
    obs::log().warn("Synchronous generation failed; serving from the store",
                    {{"model", model_id},
                     {"error_type", !result         ? "timeout"
                                    : result->error ? llm::kindName(result->error->kind)
                                                    : "duplicates"},
                     {"error_message", !result         ? "deadline passed"
                                       : result->error ? result->error->message
                                                       : "all generated sayings were duplicates"},
                     {"request_number", request_number}});
  }
  return fromStore(request_number);
}

Result<ServedSaying> SayingService::fromStore(std::uint64_t request_number) {
  std::string avoid;
  {
    std::lock_guard lock(last_mutex_);
    avoid = last_store_id_;
  }
  auto picked = picker_.pickRandom(avoid);
  if (!picked) return fail(ErrorCode::kUnavailable, picked.error().message);
  {
    std::lock_guard lock(last_mutex_);
    last_store_id_ = picked->id;
  }
  return ServedSaying{std::make_shared<const Saying>(std::move(*picked)), Source::kStore,
                      request_number};
}

}  // namespace cs
