#pragma once
#include <mutex>
#include <string>

#include "store/store.hpp"

struct sqlite3;

namespace cs {

// SQLite backend: one file (or ":memory:"), WAL journal, versioned migrations. A single
// connection behind a mutex: reads on the hot path are served from in-memory caches above
// this layer, so the store is not the bottleneck and one connection keeps writes simple.
class SqliteStore final : public Store {
 public:
  // Opens (creating the file and its directory if needed) and migrates. Throws
  // std::runtime_error at start-up if the file cannot be opened or migrated.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::string_view backendName() const override { return "sqlite"; }
  Result<void> ping() override;
  Result<bool> putSaying(const Saying& saying) override;
  Result<std::optional<Saying>> getSaying(const std::string& id) override;
  Result<std::vector<Saying>> getSayings(const std::vector<std::string>& ids) override;
  Result<std::vector<std::string>> listSayingIds() override;
  Result<std::vector<Saying>> recentSayings(std::size_t limit) override;
  Result<VoteOutcome> recordVote(const FeedbackRecord& record) override;
  Result<std::vector<FeedbackRecord>> listFeedback(const TimeRange& range) override;
  Result<void> addRequestStats(const std::vector<RequestStatsRow>& rows) override;
  Result<std::vector<RequestStatsRow>> listRequestStats(const TimeRange& range) override;
  // In *_ledger.cpp.
  Result<void> addLedgerStats(const std::vector<LedgerRow>& rows) override;
  Result<std::vector<LedgerRow>> listLedgerStats(const TimeRange& range) override;

  int schemaVersion();

 private:
  void migrate();
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace cs
