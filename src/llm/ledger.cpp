#include "llm/ledger.hpp"

namespace cs::llm {

const char* purposeName(Purpose purpose) {
  switch (purpose) {
    case Purpose::kCacheFill:
      return "cache_fill";
    case Purpose::kModelRequest:
      return "model_request";
    case Purpose::kCompare:
      return "compare";
    case Purpose::kArena:
      return "arena";
    case Purpose::kPassthrough:
      return "passthrough";
  }
  return "cache_fill";
}

std::optional<Purpose> purposeFromName(std::string_view name) {
  for (Purpose p : kAllPurposes)
    if (name == purposeName(p)) return p;
  return std::nullopt;
}

void Ledger::subscribe(LedgerSink& sink) {
  MutexLock lock(mutex_);
  sinks_.push_back(&sink);
}

void Ledger::record(const LedgerRecord& record) const {
  std::vector<LedgerSink*> sinks;
  {
    MutexLock lock(mutex_);
    sinks = sinks_;
  }
  for (LedgerSink* sink : sinks) sink->record(record);
}

}  // namespace cs::llm
