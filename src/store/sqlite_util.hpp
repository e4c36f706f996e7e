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

// Maps a SQLite result code to our error codes: busy/locked/IO are transient.
Error toError(sqlite3* db, int rc, std::string_view what);
Result<void> exec(sqlite3* db, std::string_view sql);

}  // namespace cs::sqlite
