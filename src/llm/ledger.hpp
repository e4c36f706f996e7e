#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mutex.hpp"
#include "core/saying.hpp"

namespace cs::llm {

// Why an upstream call was made. Every caller of Gateway::generate says which.
enum class Purpose { kCacheFill, kModelRequest, kCompare, kArena, kPassthrough };
inline constexpr Purpose kAllPurposes[] = {Purpose::kCacheFill, Purpose::kModelRequest,
                                           Purpose::kCompare, Purpose::kArena,
                                           Purpose::kPassthrough};
// cache_fill | model_request | compare | arena | passthrough
const char* purposeName(Purpose purpose);
std::optional<Purpose> purposeFromName(std::string_view name);

// One upstream call as it ended: written once by the gateway, the only place calls happen.
// Retries are attempts of one call. Tokens are what the provider reported, summed over the
// attempts that reported usage (a failed call with reported usage is still costed).
struct LedgerRecord {
  std::string model;     // catalog id
  std::string provider;  // registry name
  Purpose purpose = Purpose::kCacheFill;
  std::string outcome;  // "ok" or the error's kindName ("rate_limited", "timeout", ...)
  int attempts = 0;     // upstream requests sent (0: refused before any, e.g. circuit open)
  Usage tokens;
  double cost_usd = 0.0;  // tokens x the catalog's prices
  double latency_ms = 0.0;
  std::int64_t ended_at_ms = 0;  // wall clock, Unix epoch ms
  bool ok() const { return outcome == "ok"; }
};

// A consumer of ledger records (metrics, rollups, EMF). record() runs on the calling thread of
// the gateway call, so it must be quick and must not throw.
class LedgerSink {
 public:
  virtual ~LedgerSink() = default;
  virtual void record(const LedgerRecord& record) = 0;
};

// The gateway's fan-out to the registered sinks. Sinks are registered at start-up, before the
// first call, and must outlive every call (the app owns them longer than the gateway's users).
class Ledger {
 public:
  void subscribe(LedgerSink& sink);
  void record(const LedgerRecord& record) const;

 private:
  mutable Mutex mutex_;
  std::vector<LedgerSink*> sinks_ CS_GUARDED_BY(mutex_);
};

}  // namespace cs::llm
