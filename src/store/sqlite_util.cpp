#include "store/sqlite_util.hpp"

namespace cs::sqlite {

Statement::Statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK)
    stmt_ = nullptr;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int idx, std::string_view v) {
  sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int idx, std::int64_t v) {
  sqlite3_bind_int64(stmt_, idx, v);
  return *this;
}
Statement& Statement::bind(int idx, double v) {
  sqlite3_bind_double(stmt_, idx, v);
  return *this;
}
Statement& Statement::bind(int idx, const std::optional<double>& v) {
  return v ? bind(idx, *v) : bindNull(idx);
}
Statement& Statement::bindNull(int idx) {
  sqlite3_bind_null(stmt_, idx);
  return *this;
}
int Statement::step() {
  return sqlite3_step(stmt_);
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}
std::int64_t Statement::int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
double Statement::real(int col) const {
  return sqlite3_column_double(stmt_, col);
}
bool Statement::isNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::optional<double> Statement::optReal(int col) const {
  if (isNull(col)) return std::nullopt;
  return real(col);
}

bool transient(int rc) {
  const int primary = rc & 0xFF;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
         primary == SQLITE_READONLY || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN;
}

Error toError(sqlite3* db, int rc, std::string_view what) {
  return Error{transient(rc) ? ErrorCode::kStoreUnavailable : ErrorCode::kStoreError,
               std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc))};
}

Result<void> exec(sqlite3* db, std::string_view sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    // A COMMIT on a full disk fails with SQLITE_FULL: transient, like a lock held elsewhere.
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return fail(transient(rc) ? ErrorCode::kStoreUnavailable : ErrorCode::kStoreError, msg);
  }
  return {};
}

Transaction::Transaction(sqlite3* db) : db_(db) {
  begin_rc_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  ok_ = begin_rc_ == SQLITE_OK;
}

Transaction::~Transaction() {
  if (ok_ && !committed_) (void)exec(db_, "ROLLBACK");
}

Result<void> Transaction::commit() {
  auto r = exec(db_, "COMMIT");
  committed_ = r.has_value();
  return r;
}

}  // namespace cs::sqlite
