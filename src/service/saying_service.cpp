#include "service/saying_service.hpp"

namespace cs {

const char* sourceName(Source source) {
  switch (source) {
    case Source::kStore: return "store";
    case Source::kCache: return "cache";
    case Source::kLlm: return "llm";
    case Source::kFallback: return "fallback";
  }
  return "store";
}

SayingService::SayingService(SayingPicker& picker, Options options)
    : picker_(picker), options_(options) {}

Result<ServedSaying> SayingService::next(std::uint64_t& request_number) {
  request_number = requests_.fetch_add(1, std::memory_order_relaxed) + 1;
  return fromStore(request_number);
}

Result<ServedSaying> SayingService::fromStore(std::uint64_t request_number) {
  std::string avoid;
  {
    std::lock_guard lock(last_mutex_);
    avoid = last_store_id_;
  }
  auto picked = picker_.pickRandom(avoid);
  if (!picked) return fail("unavailable", picked.error().message);
  {
    std::lock_guard lock(last_mutex_);
    last_store_id_ = picked->id;
  }
  return ServedSaying{std::move(*picked), Source::kStore, request_number};
}

}  // namespace cs
