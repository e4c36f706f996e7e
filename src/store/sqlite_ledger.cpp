// SqliteStore's ledger rollups (table ledger_stats, migration v3), apart from sqlite_store.cpp.
#include <sqlite3.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_transaction.hpp"
#include "store/sqlite_util.hpp"

namespace cs {

using sqlite::Statement;

Result<void> SqliteStore::addLedgerStats(const std::vector<LedgerRow>& rows) {
  if (rows.empty()) return {};
  BoundedMutexLock lock(mutex_);
  // One transaction per batch: one fsync for the whole batch instead of one per row.
  sqlite::ImmediateTransaction tx(db_);
  if (!tx.ok()) return fail(ErrorCode::kStoreUnavailable, "addLedgerStats: database is busy");
  Statement st(
      db_,
      "INSERT INTO ledger_stats (minute_ms, model, provider, purpose, calls, failed_calls, "
      "attempts, input_tokens, output_tokens, cost_usd, latency_ms) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(minute_ms, model, provider, purpose) DO UPDATE SET "
      "calls = calls + excluded.calls, failed_calls = failed_calls + excluded.failed_calls, "
      "attempts = attempts + excluded.attempts, "
      "input_tokens = input_tokens + excluded.input_tokens, "
      "output_tokens = output_tokens + excluded.output_tokens, "
      "cost_usd = cost_usd + excluded.cost_usd, latency_ms = latency_ms + excluded.latency_ms");
  if (!st.ok())
    return std::unexpected(sqlite::toError(db_, sqlite3_errcode(db_), "addLedgerStats"));
  for (const auto& r : rows) {
    st.reset();
    st.bind(1, r.minute_ms).bind(2, r.model).bind(3, r.provider).bind(4, r.purpose);
    st.bind(5, r.calls).bind(6, r.failed_calls).bind(7, r.attempts).bind(8, r.input_tokens);
    st.bind(9, r.output_tokens).bind(10, r.cost_usd).bind(11, r.latency_ms);
    if (int rc = st.step(); rc != SQLITE_DONE)
      return std::unexpected(sqlite::toError(db_, rc, "addLedgerStats"));
  }
  return tx.commit();
}

Result<std::vector<LedgerRow>> SqliteStore::listLedgerStats(const TimeRange& range) {
  BoundedMutexLock lock(mutex_);
  Statement st(db_,
               "SELECT minute_ms, model, provider, purpose, calls, failed_calls, attempts, "
               "input_tokens, output_tokens, cost_usd, latency_ms FROM ledger_stats "
               "WHERE minute_ms >= ? AND minute_ms < ?");
  if (!st.ok())
    return std::unexpected(sqlite::toError(db_, sqlite3_errcode(db_), "listLedgerStats"));
  st.bind(1, range.from_ms).bind(2, range.to_ms);
  std::vector<LedgerRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    LedgerRow r;
    r.minute_ms = st.int64(0);
    r.model = st.text(1);
    r.provider = st.text(2);
    r.purpose = st.text(3);
    r.calls = st.int64(4);
    r.failed_calls = st.int64(5);
    r.attempts = st.int64(6);
    r.input_tokens = st.int64(7);
    r.output_tokens = st.int64(8);
    r.cost_usd = st.real(9);
    r.latency_ms = st.real(10);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(db_, rc, "listLedgerStats"));
  return out;
}

}  // namespace cs
