#include "service/ledger_rollup.hpp"

#include "core/clock.hpp"
#include "obs/logger.hpp"

namespace cs {

LedgerRow ledgerRowOf(const llm::LedgerRecord& r) {
  LedgerRow row;
  row.minute_ms = minuteStartMs(r.ended_at_ms);
  row.model = r.model;
  row.provider = r.provider;
  row.purpose = llm::purposeName(r.purpose);
  row.calls = 1;
  row.failed_calls = r.ok() ? 0 : 1;
  row.attempts = r.attempts;
  row.input_tokens = r.tokens.input_tokens;
  row.output_tokens = r.tokens.output_tokens;
  row.cost_usd = r.cost_usd;
  row.latency_ms = r.latency_ms;
  return row;
}

LedgerRollup::LedgerRollup(Store& store, Options options) : store_(store), options_(options) {
  if (options_.background)
    flusher_.emplace(options_.flush_interval, ThreadKind::kStatsFlusher, [this] { (void)flush(); });
}

LedgerRollup::~LedgerRollup() {
  flusher_.reset();  // stops and joins the background flusher (a flush under way finishes)
  (void)flush();
}

void LedgerRollup::record(const llm::LedgerRecord& record) {
  LedgerRow row = ledgerRowOf(record);
  std::string key = std::to_string(row.minute_ms);
  for (const std::string* part : {&row.model, &row.provider, &row.purpose}) {
    key += '\x1f';
    key += *part;
  }
  {
    MutexLock lock(mutex_);
    auto [it, inserted] = rows_.try_emplace(std::move(key), row);
    if (!inserted) it->second.add(row);
  }
  version_.fetch_add(1, std::memory_order_release);
}

Result<std::size_t> LedgerRollup::flush() {
  MutexLock flushing(flush_mutex_);
  std::unordered_map<std::string, LedgerRow> batch;
  {
    MutexLock lock(mutex_);
    batch.swap(rows_);
  }
  if (batch.empty()) return 0;
  std::vector<LedgerRow> rows;
  rows.reserve(batch.size());
  for (auto& [key, row] : batch) rows.push_back(std::move(row));
  if (auto written = store_.addLedgerStats(rows); !written) {
    std::int64_t lost = 0;
    for (const auto& r : rows) lost += r.calls;
    obs::log().error("Ledger rollup flush failed", {{"error_type", written.error().name()},
                                                    {"error_message", written.error().message},
                                                    {"rows", rows.size()},
                                                    {"calls_lost", lost}});
    return std::unexpected(written.error());
  }
  return rows.size();
}

std::vector<LedgerRow> LedgerRollup::pending() const {
  MutexLock lock(mutex_);
  std::vector<LedgerRow> out;
  out.reserve(rows_.size());
  for (const auto& [key, row] : rows_) out.push_back(row);
  return out;
}

Result<std::vector<LedgerRow>> LedgerRollup::list(const TimeRange& range) {
  MutexLock flushing(flush_mutex_);
  auto rows = store_.listLedgerStats(range);
  if (!rows) return rows;
  for (auto& row : pending())
    if (row.minute_ms >= range.from_ms && row.minute_ms < range.to_ms)
      rows->push_back(std::move(row));
  return rows;
}

}  // namespace cs
