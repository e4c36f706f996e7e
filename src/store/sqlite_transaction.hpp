#pragma once
#include <sqlite3.h>

#include "core/error.hpp"
#include "store/sqlite_util.hpp"

namespace cs::sqlite {

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed, so every early return leaves the
// database unchanged. (sqlite_store.cpp keeps its own copy in an anonymous namespace.)
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(sqlite3* db) : db_(db) {
    ok_ = exec(db_, "BEGIN IMMEDIATE").has_value();
  }
  ~ImmediateTransaction() {
    if (ok_ && !committed_) (void)exec(db_, "ROLLBACK");
  }
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;
  bool ok() const { return ok_; }
  Result<void> commit() {
    auto r = exec(db_, "COMMIT");
    committed_ = r.has_value();
    return r;
  }

 private:
  sqlite3* db_;
  bool ok_ = false;
  bool committed_ = false;
};

}  // namespace cs::sqlite
