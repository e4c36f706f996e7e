// SqliteStore's vote rollups (tables vote_stats and vote_stats_hourly, migration v4), apart
// from sqlite_store.cpp: written in recordVote's transaction, read by /api/stats.
#include <sqlite3.h>

#include <tuple>

#include "core/clock.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace cs {

using sqlite::Statement;

namespace {
constexpr std::int64_t kHourMs = 3'600'000;

// kFilters' ?6 = model, ?7 = provider (NULL = any).
void bindFilters(Statement& st, const VoteQuery& q) {
  for (auto [idx, value] : {std::pair{6, &q.model}, std::pair{7, &q.provider}}) {
    if (*value)
      st.bind(idx, **value);
    else
      st.bindNull(idx);
  }
}

constexpr std::string_view kFilters =
    " AND (?6 IS NULL OR model = ?6) AND (?7 IS NULL OR provider = ?7)";
}  // namespace

Result<void> SqliteStore::addVoteRollups(const FeedbackRecord& record) {
  const VoteRow row = voteRowOf(record);
  for (auto [table, key, start] :
       {std::tuple{"vote_stats", "minute_ms", row.minute_ms},
        std::tuple{"vote_stats_hourly", "hour_ms", periodStartMs(row.minute_ms, kHourMs)}}) {
    Statement st(db_, std::string("INSERT INTO ") + table + " (" + key +
                          ", model, provider, positive, negative, response_time_sum_ms, "
                          "response_time_samples) VALUES (?,?,?,?,?,?,?) ON CONFLICT(" +
                          key +
                          ", model, provider) DO UPDATE SET positive = positive + "
                          "excluded.positive, negative = negative + excluded.negative, "
                          "response_time_sum_ms = response_time_sum_ms + "
                          "excluded.response_time_sum_ms, response_time_samples = "
                          "response_time_samples + excluded.response_time_samples");
    if (!st.ok()) return std::unexpected(writeFailed(sqlite3_errcode(db_), "recordVote rollup"));
    st.bind(1, start).bind(2, row.model).bind(3, row.provider).bind(4, row.positive);
    st.bind(5, row.negative).bind(6, row.response_time_sum_ms).bind(7, row.response_time_samples);
    if (int rc = st.step(); rc != SQLITE_DONE)
      return std::unexpected(writeFailed(rc, "recordVote rollup"));
  }
  return {};
}

Result<std::vector<VoteRow>> SqliteStore::listVoteStats(const VoteQuery& q) {
  if (q.bucket_ms <= 0 || q.bucket_ms % 60'000 != 0)
    return fail(ErrorCode::kStoreError, "listVoteStats: bucket_ms must be whole minutes");
  // Whole hours inside the range come from the hourly table when the bucket is whole hours;
  // the minutes before the first and after the last whole hour from the minute table.
  std::int64_t h1 = q.range.to_ms;
  std::int64_t h2 = q.range.to_ms;
  if (q.bucket_ms % kHourMs == 0) {
    const std::int64_t first_hour = periodStartMs(q.range.from_ms + kHourMs - 1, kHourMs);
    const std::int64_t last_hour = periodStartMs(q.range.to_ms, kHourMs);
    if (first_hour < last_hour) {
      h1 = first_hour;
      h2 = last_hour;
    }
  }
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "listVoteStats: store busy");
  const std::string minutes =
      "SELECT minute_ms - minute_ms % ?1 AS b, model, provider, positive, negative, "
      "response_time_sum_ms, response_time_samples FROM vote_stats ";
  Statement st(
      read_db_,
      "SELECT b, model, provider, sum(positive), sum(negative), total(response_time_sum_ms), "
      "sum(response_time_samples) FROM (" +
          minutes + "WHERE minute_ms >= ?2 AND minute_ms < ?3" + std::string(kFilters) +
          " UNION ALL " + minutes + "WHERE minute_ms >= ?4 AND minute_ms < ?5" +
          std::string(kFilters) +
          " UNION ALL SELECT hour_ms - hour_ms % ?1, model, provider, positive, "
          "negative, response_time_sum_ms, response_time_samples FROM "
          "vote_stats_hourly WHERE hour_ms >= ?3 AND hour_ms < ?4" +
          std::string(kFilters) + ") GROUP BY b, model, provider");
  if (!st.ok())
    return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "listVoteStats"));
  st.bind(1, q.bucket_ms).bind(2, q.range.from_ms).bind(3, h1).bind(4, h2).bind(5, q.range.to_ms);
  bindFilters(st, q);
  std::vector<VoteRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    VoteRow r;
    r.minute_ms = st.int64(0);
    r.model = st.text(1);
    r.provider = st.text(2);
    r.positive = st.int64(3);
    r.negative = st.int64(4);
    r.response_time_sum_ms = st.real(5);
    r.response_time_samples = st.int64(6);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "listVoteStats"));
  return out;
}

Result<std::optional<std::int64_t>> SqliteStore::firstVoteMinute(const VoteQuery& q) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "firstVoteMinute: store busy");
  // In key order, so the first match ends the walk.
  Statement st(read_db_,
               "SELECT minute_ms FROM vote_stats WHERE minute_ms >= ?1 AND minute_ms < ?2" +
                   std::string(kFilters) + " ORDER BY minute_ms LIMIT 1");
  if (!st.ok())
    return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "firstVoteMinute"));
  st.bind(1, q.range.from_ms).bind(2, q.range.to_ms);
  bindFilters(st, q);
  const int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<std::int64_t>(st.int64(0));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "firstVoteMinute"));
  return std::optional<std::int64_t>();
}

Result<std::vector<VoteSample>> SqliteStore::recentVotes(const VoteQuery& q, std::size_t limit) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "recentVotes: store busy");
  // Walks the created_at index backwards: time grows with `limit`, not with the table.
  Statement st(read_db_,
               "SELECT saying_id, vote FROM saying_feedback WHERE created_at >= ?1 AND "
               "created_at < ?2" +
                   std::string(kFilters) + " ORDER BY created_at DESC LIMIT ?3");
  if (!st.ok())
    return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "recentVotes"));
  st.bind(1, q.range.from_ms).bind(2, q.range.to_ms).bind(3, static_cast<std::int64_t>(limit));
  bindFilters(st, q);
  std::vector<VoteSample> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back(VoteSample{st.text(0), st.text(1) == "down" ? Vote::kDown : Vote::kUp});
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "recentVotes"));
  return out;
}

}  // namespace cs
