#include "service/stats_service.hpp"

#include <unordered_set>

#include "core/memory.hpp"
#include "service/stats_filter.hpp"

namespace cs {

namespace {
constexpr std::size_t kMaxCachedSayings = 500'000;
constexpr std::size_t kIdsPerFetch = 500;
}  // namespace

StatsService::StatsService(Store& store, const RequestStatsRecorder* recorder, const Clock& clock,
                           Options options, ProviderResolver provider_of)
    : store_(store),
      recorder_(recorder),
      clock_(clock),
      services_window_(options.services_window),
      provider_of_(std::move(provider_of)),
      cache_(clock, options.cache_ttl, 1000) {}

Result<StatsResultPtr> StatsService::stats(const std::map<std::string, std::string>& query) {
  const std::int64_t now = clock_.wallMs();
  auto filter = parseStatsFilter(query, now);
  if (!filter) return std::unexpected(filter.error());
  std::string key = statsCacheKey(query);
  if (ledger_) key += "#ledger=" + std::to_string(ledger_->version());
  if (feedback_) key += "#votes=" + std::to_string(feedback_->version());
  if (auto hit = cache_.get(key)) return *hit;
  MutexLock one_at_a_time(compute_mutex_);
  if (auto hit = cache_.get(key)) return *hit;
  auto computed = compute(*filter);
  // compute() held a window of votes and their sayings; give that peak back.
  returnFreeMemoryToTheSystem();
  if (computed) cache_.put(key, *computed);
  return computed;
}

Result<void> StatsService::loadServices(const std::vector<VoteSample>& records) {
  std::vector<std::string> missing;
  {
    MutexLock lock(services_mutex_);
    std::unordered_set<std::string_view> asked;
    for (const auto& r : records)
      if (!services_by_saying_.contains(r.saying_id) && asked.insert(r.saying_id).second)
        missing.push_back(r.saying_id);
    if (services_by_saying_.size() + missing.size() > kMaxCachedSayings)
      services_by_saying_.clear();
  }
  for (std::size_t i = 0; i < missing.size(); i += kIdsPerFetch) {
    std::vector<std::string> ids(
        missing.begin() + static_cast<std::ptrdiff_t>(i),
        missing.begin() + static_cast<std::ptrdiff_t>(std::min(i + kIdsPerFetch, missing.size())));
    auto sayings = store_.getSayings(ids);
    if (!sayings) return std::unexpected(sayings.error());
    MutexLock lock(services_mutex_);
    for (auto& s : *sayings) {
      provider_by_model_.try_emplace(s.model, s.provider);
      services_by_saying_.insert_or_assign(s.id, std::move(s.services));
    }
    // Ids whose saying is gone: remember "no services" so they are not fetched again.
    for (const auto& id : ids) services_by_saying_.try_emplace(id);
  }
  return {};
}

Result<StatsResultPtr> StatsService::compute(const StatsFilter& filter) {
  const std::int64_t now = clock_.wallMs();
  const TimeRange range{minuteStartMs(filter.from_ms), filter.to_ms};
  // Store first, then this instance's pending rows: a flush in between can only make the
  // newest minute briefly short, never count a row twice.
  auto rollups = store_.listRequestStats(range);
  if (!rollups) return std::unexpected(rollups.error());
  if (recorder_)
    for (auto& row : recorder_->pending()) rollups->push_back(std::move(row));
  Result<std::vector<LedgerRow>> ledger = std::vector<LedgerRow>{};
  if (ledger_) ledger = ledger_->list(range);
  if (!ledger) return std::unexpected(ledger.error());

  VoteQuery votes{range, 60'000, filter.model, filter.provider};
  std::optional<std::int64_t> first_vote;
  if (!filter.from_given) {
    auto first = store_.firstVoteMinute(votes);
    if (!first) return std::unexpected(first.error());
    first_vote = *first;
  }
  // One more than the window tells whether the window holds every vote of the range.
  auto recent = store_.recentVotes(votes, services_window_ + 1);
  if (!recent) return std::unexpected(recent.error());
  auto result = std::make_shared<StatsResult>();
  result->services_window.limited = recent->size() > services_window_;
  if (result->services_window.limited) recent->resize(services_window_);
  result->services_window.votes = static_cast<std::int64_t>(recent->size());
  if (auto loaded = loadServices(*recent); !loaded) return std::unexpected(loaded.error());

  result->filter = filter;
  result->computed_at_ms = now;
  // The services map is only read during aggregate; loadServices of a concurrent request
  // waits, which is cheap next to a stats computation that happens once per TTL.
  MutexLock lock(services_mutex_);
  StatsInput input;
  input.rollups = *rollups;
  input.ledger = *ledger;
  input.first_vote_minute_ms = first_vote;
  input.service_votes = *recent;
  input.services_by_saying = &services_by_saying_;
  input.now_ms = now;
  // Called only by aggregate() below, under services_mutex_ (the analysis checks the body
  // against that, not the std::function's call).
  input.provider_of = [this](std::string_view model) CS_REQUIRES(services_mutex_) -> std::string {
    if (provider_of_)
      if (auto p = provider_of_(model); !p.empty()) return p;
    auto it = provider_by_model_.find(std::string(model));
    return it == provider_by_model_.end() ? std::string() : it->second;
  };
  // The store sums the vote rollups per series bucket, so the bucket must be known first:
  // it depends on where the data starts (votes, request stats, ledger) when `from` is open.
  const StatsWindow window = statsWindow(input, filter);
  if (window.bucket_ms > 0) {
    votes.bucket_ms = window.bucket_ms;
    auto rows = store_.listVoteStats(votes);
    if (!rows) return std::unexpected(rows.error());
    input.vote_rows = *rows;
    result->stats = aggregate(input, filter);
  } else {
    result->stats = aggregate(input, filter);
  }
  return StatsResultPtr(std::move(result));
}

}  // namespace cs
