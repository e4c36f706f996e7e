#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace cs::sqlite {

// RAII prepared statement with typed binders/readers; indices are 1-based for bind, 0 for columns.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& bind(int idx, std::string_view v);
  Statement& bind(int idx, std::int64_t v);
  Statement& bind(int idx, double v);
  Statement& bind(int idx, const std::optional<double>& v);
  Statement& bindNull(int idx);
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step();
  // Ready to run again with new bindings.
  void reset();
  std::string text(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  bool isNull(int col) const;
  std::optional<double> optReal(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Rolls back unless committed, so every early return leaves the database unchanged.
class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  bool ok() const { return ok_; }
  int beginCode() const { return begin_rc_; }  // why BEGIN failed (SQLITE_BUSY, ...)
  Result<void> commit();

 private:
  sqlite3* db_;
  bool ok_ = false;
  bool committed_ = false;
  int begin_rc_ = SQLITE_OK;
};

// True for the codes that mean "try again later" (busy, locked, I/O, full, read-only).
bool transient(int rc);

// Maps a SQLite result code to our error codes: busy/locked/IO are transient.
Error toError(sqlite3* db, int rc, std::string_view what);
Result<void> exec(sqlite3* db, std::string_view sql);

}  // namespace cs::sqlite
