#include "service/request_stats.hpp"

#include "core/thread_boundary.hpp"
#include "obs/logger.hpp"

namespace cs {

RequestStatsRecorder::RequestStatsRecorder(Store& store, const Clock& clock, Options options)
    : store_(store), clock_(clock), options_(options) {
  if (options_.background) worker_ = std::thread([this] { run(); });
}

RequestStatsRecorder::~RequestStatsRecorder() {
  {
    std::lock_guard lock(wake_mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  (void)flush();
}

void RequestStatsRecorder::record(const obs::RequestSample& s) {
  const std::int64_t now = clock_.wallMs();
  const std::int64_t minute = minuteStartMs(now);
  const std::string_view model = s.model.empty() ? std::string_view("none") : s.model;
  const std::string_view source = s.source.empty() ? std::string_view("none") : s.source;
  std::string key = std::to_string(minute);
  key += '\x1f';
  key += model;
  key += '\x1f';
  key += source;
  std::lock_guard lock(mutex_);
  auto [it, inserted] = rows_.try_emplace(std::move(key));
  RequestStatsRow& row = it->second;
  if (inserted) {
    row.minute_ms = minute;
    row.model = model;
    row.source = source;
  }
  ++row.invocations;
  if (s.status >= 500) ++row.errors;
  if (s.cache_hit) ++row.cache_hits;
  row.tokens += s.tokens;
  row.cost_usd += s.cost_usd;
  row.total_ms += s.total_ms;
  if (s.api_ms) {
    ++row.api_calls;
    row.api_ms += *s.api_ms;
  }
}

Result<std::size_t> RequestStatsRecorder::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::unordered_map<std::string, RequestStatsRow> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(rows_);
  }
  if (batch.empty()) return 0;
  std::vector<RequestStatsRow> rows;
  rows.reserve(batch.size());
  for (auto& [key, row] : batch) rows.push_back(std::move(row));
  auto written = store_.addRequestStats(rows);
  if (!written) {
    std::int64_t lost = 0;
    for (const auto& r : rows) lost += r.invocations;
    {
      std::lock_guard lock(mutex_);
      dropped_rows_ += rows.size();
    }
    obs::log().error("Request statistics flush failed", {{"error_type", written.error().name()},
                                                         {"error_message", written.error().message},
                                                         {"rows", rows.size()},
                                                         {"invocations_lost", lost}});
    return std::unexpected(written.error());
  }
  return rows.size();
}

std::vector<RequestStatsRow> RequestStatsRecorder::pending() const {
  std::lock_guard lock(mutex_);
  std::vector<RequestStatsRow> out;
  out.reserve(rows_.size());
  for (const auto& [key, row] : rows_) out.push_back(row);
  return out;
}

std::uint64_t RequestStatsRecorder::droppedRows() const {
  std::lock_guard lock(mutex_);
  return dropped_rows_;
}

void RequestStatsRecorder::run() {
  std::unique_lock lock(wake_mutex_);
  while (!stop_) {
    wake_.wait_for(lock, options_.flush_interval, [&] { return stop_; });
    if (stop_) break;
    lock.unlock();
    (void)runGuarded(ThreadKind::kStatsFlusher, {}, [&] { (void)flush(); });
    lock.lock();
  }
}

}  // namespace cs
