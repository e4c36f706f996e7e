#pragma once
#include <mutex>
#include <vector>

#include "llm/ledger.hpp"

namespace cs::testing {

// The LedgerSink fake: keeps every record the gateway writes, in order.
class RecordingLedger final : public llm::LedgerSink {
 public:
  void record(const llm::LedgerRecord& record) override {
    std::lock_guard lock(mutex_);
    records_.push_back(record);
  }
  std::vector<llm::LedgerRecord> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    records_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<llm::LedgerRecord> records_;
};

}  // namespace cs::testing
