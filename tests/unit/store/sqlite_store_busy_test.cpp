// Another process holds the SQLite write lock: votes wait a bounded time (the busy timeout,
// for the connection's mutex and for SQLite's lock each) and then answer store_unavailable;
// reads use their own connection and answer meanwhile; once the lock is released votes count.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

Saying saying(const std::string& id) {
  Saying s;
  s.id = id;
  s.text = "Amazon S3 is a closet";
  s.model = "corpus";
  s.provider = "corpus";
  s.created_at_ms = 1;
  return s;
}

FeedbackRecord voteBy(const std::string& client) {
  FeedbackRecord r;
  r.id = randomId();
  r.saying_id = "s1";
  r.client_key = client;
  r.model = "corpus";
  r.provider = "corpus";
  r.created_at_ms = 10;
  return r;
}

// The other process's lock, as the sqlite3 shell would take it.
struct ExternalLock {
  explicit ExternalLock(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  void release() {
    if (!db) return;
    EXPECT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    db = nullptr;
  }
  ~ExternalLock() { release(); }
  sqlite3* db = nullptr;
};

TEST(SqliteBusy, VotesGiveUpWithStoreUnavailableAfterABoundedWait) {
  testing::TempDir dir;
  SqliteStore store(dir.file("busy.db"), SqliteOptions{std::chrono::milliseconds(200)});
  ASSERT_TRUE(store.putSaying(saying("s1")));
  ExternalLock lock(dir.file("busy.db"));
  // Six votes at once: each gives up (on the mutex or on SQLite's lock), none hangs.
  std::vector<std::thread> voters;
  std::atomic<int> unavailable{0};
  for (int t = 0; t < 6; ++t)
    voters.emplace_back([&, t] {
      auto r = store.recordVote(voteBy("client-" + std::to_string(t)));
      if (!r && r.error().code == ErrorCode::kStoreUnavailable) ++unavailable;
    });
  for (auto& v : voters) v.join();
  EXPECT_EQ(unavailable.load(), 6);
  EXPECT_TRUE(store.ping());  // a lock held elsewhere is contention, not a broken store
  EXPECT_EQ(store.getSaying("s1").value()->upvotes, 0);

  lock.release();
  auto after = store.recordVote(voteBy("client-0"));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_TRUE(after->counted);
  EXPECT_EQ(store.getSaying("s1").value()->upvotes, 1);
}

TEST(SqliteBusy, ReadsAnswerWhileAVoteWaitsForTheLock) {
  testing::TempDir dir;
  SqliteStore store(dir.file("busy.db"), SqliteOptions{std::chrono::milliseconds(20'000)});
  ASSERT_TRUE(store.putSaying(saying("s1")));
  ExternalLock lock(dir.file("busy.db"));
  std::atomic<bool> started{false}, done{false};
  std::thread voter([&] {
    started = true;
    auto r = store.recordVote(voteBy("patient-client"));
    EXPECT_TRUE(r && r->counted) << (r ? "" : r.error().message);
    done = true;
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let it reach the lock
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store.getSaying("s1").value().has_value());
    ASSERT_TRUE(store.listSayingIds());
  }
  EXPECT_TRUE(store.ping());
  EXPECT_FALSE(done.load());  // the reads did not wait behind the vote
  lock.release();
  voter.join();
  EXPECT_EQ(store.getSaying("s1").value()->upvotes, 1);
}

}  // namespace
}  // namespace cs
