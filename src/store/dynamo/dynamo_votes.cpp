// DynamoStore's vote rollups, apart from dynamo_store.cpp. Like the ledger's, they live in the
// request-stats table (no new table to provision, and one Scan shape for every rollup):
//   stats_key = "votes#" + minute_ms + "#" + model + "#" + provider
// with the minute in `vote_minute_ms` (neither `minute_ms` nor `ledger_minute_ms`, so the other
// listings' filters never see them). recordVote ADDs a vote's counters together with its record
// id into `vote_marks`, on the condition that the set does not hold the id yet: a retry whose
// earlier attempt was applied (its answer lost) fails the condition and is recognised as ours,
// so the rollup counts each vote once; the id is deleted again once the vote is marked counted.
#include <algorithm>
#include <queue>
#include <unordered_map>

#include "core/clock.hpp"
#include "store/dynamo/dynamo_store.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {

namespace {
Json voteStatsKey(const VoteRow& row) {
  return {{"stats_key",
           attrS("votes#" + std::to_string(row.minute_ms) + "#" + row.model + "#" + row.provider)}};
}

Result<VoteRow> voteStatsFromItem(const Json& item) {
  ItemReader r(item, "vote rollup item");
  VoteRow row;
  row.minute_ms = r.int64("vote_minute_ms");
  row.model = r.string("model");
  row.provider = r.string("provider");
  row.positive = r.int64Or("positive", 0);
  row.negative = r.int64Or("negative", 0);
  row.response_time_sum_ms = r.doubleOr("response_time_sum_ms", 0.0);
  row.response_time_samples = r.int64Or("response_time_samples", 0);
  if (auto st = r.status(); !st) return std::unexpected(st.error());
  return row;
}

bool voteMatches(const VoteQuery& q, const std::string& model, const std::string& provider) {
  return (!q.model || *q.model == model) && (!q.provider || *q.provider == provider);
}

}  // namespace

Result<void> DynamoStore::addVoteRollup(const FeedbackRecord& vote) {
  const VoteRow row = voteRowOf(vote);
  UpdateItemRequest req;
  req.table = options_.tables.stats;
  req.key = voteStatsKey(row);
  req.update.text =
      "SET #vote_minute_ms = :vote_minute_ms, #model = :model, #provider = :provider "
      "ADD #positive :positive, #negative :negative, #response_time_sum_ms :rt_sum, "
      "#response_time_samples :rt_samples, #vote_marks :mark";
  req.update.names =
      attributeNames({"vote_minute_ms", "model", "provider", "positive", "negative",
                      "response_time_sum_ms", "response_time_samples", "vote_marks"});
  req.update.values = {{":vote_minute_ms", attrN(row.minute_ms)},
                       {":model", attrS(row.model)},
                       {":provider", attrS(row.provider)},
                       {":positive", attrN(row.positive)},
                       {":negative", attrN(row.negative)},
                       {":rt_sum", attrN(row.response_time_sum_ms)},
                       {":rt_samples", attrN(row.response_time_samples)},
                       {":mark", attrSS({vote.id})},
                       {":mark_id", attrS(vote.id)}};
  // ADD needs a number: a non-finite double (encoded as NULL) would be rejected, so count it 0.
  for (auto& [name, value] : req.update.values.items())
    if (value.contains("NULL")) value = attrN(std::int64_t{0});
  req.condition = "NOT contains(#vote_marks, :mark_id)";
  auto r = client_->call(Op::kUpdateItem, updateItemRequest(req));
  if (r || r.error().kind == ErrorKind::kConditionFailed) return {};  // added, now or before
  if (!r.error().ambiguous()) return storeError(r, "UpdateItem (vote rollup)");
  // Every attempt's answer was lost: the mark says whether one of them was applied.
  auto marked = voteMarked(options_.tables.stats, req.key, vote.id);
  if (marked && *marked) return {};
  return storeError(r, "UpdateItem (vote rollup)");
}

void DynamoStore::pruneVoteRollupMark(const FeedbackRecord& vote) {
  UpdateItemRequest prune;
  prune.table = options_.tables.stats;
  prune.key = voteStatsKey(voteRowOf(vote));
  prune.update = Expression{
      "DELETE #vote_marks :mark", attributeNames({"vote_marks"}), {{":mark", attrSS({vote.id})}}};
  // A stale mark only costs a few bytes: the vote is marked counted and never added again.
  (void)client_->call(Op::kUpdateItem, updateItemRequest(prune));
}

namespace {
ScanRequest voteStatsScan(const std::string& table, const TimeRange& range) {
  ScanRequest req;
  req.table = table;
  req.filter = Expression{"#vote_minute_ms >= :from AND #vote_minute_ms < :to",
                          attributeNames({"vote_minute_ms"}),
                          {{":from", attrN(range.from_ms)}, {":to", attrN(range.to_ms)}}};
  return req;
}
}  // namespace

Result<std::vector<VoteRow>> DynamoStore::listVoteStats(const VoteQuery& q) {
  if (q.bucket_ms <= 0 || q.bucket_ms % 60'000 != 0)
    return fail(ErrorCode::kStoreError, "listVoteStats: bucket_ms must be whole minutes");
  // Summed per bucket as the items arrive: memory is one row per (bucket, model, provider).
  std::unordered_map<std::string, VoteRow> sums;
  auto r = scanAll(
      voteStatsScan(options_.tables.stats, q.range),
      [&](const Json& item) -> Result<void> {
        auto row = voteStatsFromItem(item);
        if (!row) return std::unexpected(row.error());
        if (!voteMatches(q, row->model, row->provider)) return {};
        row->minute_ms = periodStartMs(row->minute_ms, q.bucket_ms);
        const std::string key =
            std::to_string(row->minute_ms) + '\x1f' + row->model + '\x1f' + row->provider;
        auto [it, fresh] = sums.try_emplace(key, *row);
        if (!fresh) it->second.add(*row);
        return {};
      },
      "vote stats");
  if (!r) return std::unexpected(r.error());
  std::vector<VoteRow> out;
  out.reserve(sums.size());
  for (auto& [key, row] : sums) out.push_back(std::move(row));
  return out;
}

Result<std::optional<std::int64_t>> DynamoStore::firstVoteMinute(const VoteQuery& q) {
  std::optional<std::int64_t> first;
  auto r = scanAll(
      voteStatsScan(options_.tables.stats, q.range),
      [&](const Json& item) -> Result<void> {
        auto row = voteStatsFromItem(item);
        if (!row) return std::unexpected(row.error());
        if (voteMatches(q, row->model, row->provider) && (row->positive + row->negative) > 0)
          first = std::min(first.value_or(row->minute_ms), row->minute_ms);
        return {};
      },
      "vote stats");
  if (!r) return std::unexpected(r.error());
  return first;
}

Result<std::vector<VoteSample>> DynamoStore::recentVotes(const VoteQuery& q, std::size_t limit) {
  // A Scan has no order: keep the newest `limit` in a min-heap while the pages stream by, so
  // memory is the window's, not the table's.
  using Entry = std::pair<std::pair<std::int64_t, std::string>, VoteSample>;  // (at, id), vote
  auto newer = [](const Entry& a, const Entry& b) { return a.first > b.first; };
  std::priority_queue<Entry, std::vector<Entry>, decltype(newer)> heap(newer);
  ScanRequest req;
  req.table = options_.tables.feedback;
  req.projection = namesOnly("#id, #saying_id, #vote, #model, #provider, #created_at",
                             {"id", "saying_id", "vote", "model", "provider", "created_at"});
  req.filter = Expression{"#created_at >= :from AND #created_at < :to",
                          attributeNames({"created_at"}),
                          {{":from", attrN(q.range.from_ms)}, {":to", attrN(q.range.to_ms)}}};
  auto r = scanAll(
      req,
      [&](const Json& item) -> Result<void> {
        ItemReader reader(item, "saying_feedback item");
        const std::string id = reader.string("id");
        const std::string saying_id = reader.string("saying_id");
        const Vote vote = reader.string("vote") == "down" ? Vote::kDown : Vote::kUp;
        const std::string model = reader.stringOr("model", "");
        const std::string provider = reader.stringOr("provider", "");
        const std::int64_t at = reader.int64("created_at");
        if (auto st = reader.status(); !st) return std::unexpected(st.error());
        if (limit == 0 || !voteMatches(q, model, provider)) return {};
        Entry e{{at, id}, VoteSample{saying_id, vote}};
        if (heap.size() < limit) {
          heap.push(std::move(e));
        } else if (newer(e, heap.top())) {
          heap.pop();
          heap.push(std::move(e));
        }
        return {};
      },
      "recent votes");
  if (!r) return std::unexpected(r.error());
  std::vector<VoteSample> out(heap.size());
  for (std::size_t i = heap.size(); i > 0; --i) {
    out[i - 1] = heap.top().second;
    heap.pop();
  }
  return out;
}

}  // namespace cs::dynamo
