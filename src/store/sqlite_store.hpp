#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/bounded_mutex.hpp"
#include "store/store.hpp"

struct sqlite3;

namespace cs {
namespace sqlite {
class Transaction;
}

struct SqliteOptions {
  // How long one call waits for a lock, this process's (the connection's mutex) and another
  // process's (SQLite's busy timeout) each, before answering store_unavailable.
  std::chrono::milliseconds busy_timeout{2'000};
};

// SQLite backend: one file (or ":memory:"), WAL journal, versioned migrations. One writing
// connection behind a mutex keeps writes simple; reads use a second connection (WAL readers
// never wait for a writer), so a vote stuck behind another process's write lock does not stall
// the sayings. ":memory:" has one connection for both.
//
// Readiness covers writes: after a write failed for a reason other than a lock held elsewhere
// (disk full, I/O error, a file that became read-only), ping() probes a real write (pages
// allocated and committed, then freed) and reports store_unavailable until one succeeds.
class SqliteStore final : public Store {
 public:
  // Opens (creating the file and its directory if needed) and migrates. Throws
  // std::runtime_error at start-up if the file cannot be opened or migrated.
  explicit SqliteStore(const std::string& path, SqliteOptions options = {});
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
  // In sqlite_votes.cpp.
  Result<std::vector<VoteRow>> listVoteStats(const VoteQuery& query) override;
  Result<std::optional<std::int64_t>> firstVoteMinute(const VoteQuery& query) override;
  Result<std::vector<VoteSample>> recentVotes(const VoteQuery& query, std::size_t limit) override;
  // In *_ledger.cpp.
  Result<void> addLedgerStats(const std::vector<LedgerRow>& rows) override;
  Result<std::vector<LedgerRow>> listLedgerStats(const TimeRange& range) override;
  // In *_arena.cpp.
  Result<void> putBattle(const ArenaBattle& battle) override;
  Result<std::optional<ArenaBattle>> getBattle(const std::string& id) override;
  Result<ArenaVoteOutcome> recordArenaVote(const ArenaVote& vote) override;
  Result<std::vector<ArenaVote>> listArenaVotes() override;

  int schemaVersion();
  // PRAGMA max_page_count on the writing connection: caps the file (SQLite clamps it to the
  // current size at least); a write that needs more pages fails with SQLITE_FULL, as on a
  // full disk. Returns the cap in effect.
  Result<std::int64_t> setMaxPageCount(std::int64_t pages);

 private:
  using Lock = std::unique_lock<BoundedMutex>;
  void migrate();
  Lock lockWriter();
  Lock lockReader();
  // The Error for a failed write (rc is SQLite's code); remembers that writes fail unless the
  // cause is only a lock held elsewhere.
  Error writeFailed(int rc, std::string_view what);
  Result<void> commitWrite(sqlite::Transaction& tx, std::string_view what);
  Result<void> probeWrite();
  // Adds the vote to vote_stats and vote_stats_hourly, inside recordVote's transaction.
  Result<void> addVoteRollups(const FeedbackRecord& record);

  SqliteOptions options_;
  // The connections are guarded by the mutexes below, but not with CS_GUARDED_BY: each call
  // takes its lock with a timeout (std::unique_lock's try_lock_for, then `if (!lock)`), which
  // Clang's analysis cannot follow through a returned lock, and read_mutex_ is chosen at run
  // time (its own, or mutex_ for ":memory:"). lockWriter()/lockReader() are the only ways in.
  BoundedMutex mutex_;
  sqlite3* db_ = nullptr;
  BoundedMutex read_mutex_own_;
  sqlite3* read_db_own_ = nullptr;  // null for ":memory:"
  sqlite3* read_db_ = nullptr;      // read_db_own_, or db_
  BoundedMutex* read_mutex_ = &mutex_;
  bool writable_ = true;
  std::atomic<bool> writes_failing_{false};
};

}  // namespace cs
