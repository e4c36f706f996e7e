#include "service/request_stats.hpp"

#include <charconv>

#include "obs/logger.hpp"

namespace cs {

RequestStatsRecorder::RequestStatsRecorder(Store& store, const Clock& clock, Options options)
    : store_(store), clock_(clock), options_(options) {
  if (options_.background)
    flusher_.emplace(options_.flush_interval, ThreadKind::kStatsFlusher, [this] { (void)flush(); });
}

RequestStatsRecorder::~RequestStatsRecorder() {
  flusher_.reset();  // stops and joins the background flusher (a flush under way finishes)
  (void)flush();
}

void RequestStatsRecorder::record(const obs::RequestSample& s) {
  const std::int64_t minute = minuteStartMs(clock_.wallMs());
  const std::string_view model = s.model.empty() ? std::string_view("none") : s.model;
  const std::string_view source = s.source.empty() ? std::string_view("none") : s.source;
  thread_local std::string key;  // reused: building the key allocates nothing after warm-up
  key.clear();
  char digits[24];
  key.append(digits, std::to_chars(digits, digits + sizeof digits, minute).ptr);
  key += '\x1f';
  key += model;
  key += '\x1f';
  key += source;
  shards_.withLocal([&](Rows& rows) {
    auto it = rows.find(key);
    if (it == rows.end()) {
      it = rows.try_emplace(key).first;
      it->second.minute_ms = minute;
      it->second.model = model;
      it->second.source = source;
    }
    RequestStatsRow& row = it->second;
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
  });
}

namespace {
// One row per key over every shard; `take` empties the shards (a flush), else they are copied.
std::vector<RequestStatsRow> mergeShards(
    const PerThread<std::unordered_map<std::string, RequestStatsRow>>& shards, bool take) {
  std::unordered_map<std::string, RequestStatsRow> merged;
  shards.forEach([&](std::unordered_map<std::string, RequestStatsRow>& rows) {
    for (auto& [key, row] : rows) {
      auto it = merged.find(key);
      if (it != merged.end())
        it->second.add(row);
      else
        merged.try_emplace(key, take ? std::move(row) : row);
    }
    if (take) rows.clear();
  });
  std::vector<RequestStatsRow> out;
  out.reserve(merged.size());
  for (auto& [key, row] : merged) out.push_back(std::move(row));
  return out;
}
}  // namespace

Result<std::size_t> RequestStatsRecorder::flush() {
  MutexLock flushing(flush_mutex_);
  std::vector<RequestStatsRow> rows = mergeShards(shards_, true);
  if (rows.empty()) return 0;
  auto written = store_.addRequestStats(rows);
  if (!written) {
    std::int64_t lost = 0;
    for (const auto& r : rows) lost += r.invocations;
    {
      MutexLock lock(mutex_);
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
  return mergeShards(shards_, false);
}

std::uint64_t RequestStatsRecorder::droppedRows() const {
  MutexLock lock(mutex_);
  return dropped_rows_;
}

}  // namespace cs
