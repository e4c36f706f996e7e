// Migration v4 on a database written by the v3 schema with votes in it: opening it backfills
// vote_stats and vote_stats_hourly from saying_feedback with the same per-vote rule recordVote
// applies (voteRowOf), and later votes add to the backfilled rows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>

#include "store/sqlite_migrations.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

// A v3 file as a release before the vote rollups left it.
void writeV3Database(const std::string& path, const std::vector<FeedbackRecord>& votes) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const auto all = sqlite::migrations();
  ASSERT_GE(all.size(), 4u);
  for (std::size_t v = 0; v < 3; ++v) ASSERT_TRUE(sqlite::exec(db, all[v]));
  ASSERT_TRUE(sqlite::exec(db, "PRAGMA user_version=3"));
  ASSERT_TRUE(sqlite::exec(db,
                           "INSERT INTO main_humor (id, text, model, provider, created_at) "
                           "VALUES ('a', 'x', 'm1', 'p1', 0), ('b', 'y', 'm2', 'p2', 0)"));
  {  // the statement is finalized before the close (else sqlite3_close is SQLITE_BUSY and leaks)
    sqlite::Statement ins(db,
                          "INSERT INTO saying_feedback (id, saying_id, vote, model, provider, "
                          "execution_time, original_llm_time, is_cached, client_key, created_at) "
                          "VALUES (?,?,?,?,?,?,?,?,?,?)");
    for (const auto& r : votes) {
      ins.reset();
      ins.bind(1, r.id).bind(2, r.saying_id).bind(3, std::string_view(voteName(r.vote)));
      ins.bind(4, r.model).bind(5, r.provider).bind(6, r.execution_time);
      ins.bind(7, r.original_llm_time);
      if (r.is_cached)
        ins.bind(8, static_cast<std::int64_t>(*r.is_cached));
      else
        ins.bindNull(8);
      ins.bind(9, r.client_key).bind(10, r.created_at_ms);
      ASSERT_EQ(ins.step(), SQLITE_DONE);
    }
  }
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
}

TEST(VoteRollupMigration, BackfillsFromV3VotesWithTheResponseTimeRule) {
  std::vector<FeedbackRecord> votes;
  for (int i = 0; i < 200; ++i) {
    FeedbackRecord r;
    r.id = "v" + std::to_string(i);
    r.saying_id = i % 3 == 0 ? "b" : "a";
    r.model = i % 3 == 0 ? "m2" : "m1";
    r.provider = i % 3 == 0 ? "p2" : "p1";
    r.vote = i % 4 == 0 ? Vote::kDown : Vote::kUp;
    // Every branch of the rule: llm time, cached, fast, slow, none.
    if (i % 5 == 0) r.original_llm_time = 700.0 + i;
    if (i % 5 == 1) r.is_cached = true;
    if (i % 5 == 2) r.execution_time = 50.0;
    if (i % 5 == 3) r.execution_time = 300.0 + i;
    if (i % 5 == 4) r.is_cached = false;
    r.client_key = "c" + std::to_string(i);
    r.created_at_ms = 3'600'000 + i * 37'000;  // minutes and hours spanned
    votes.push_back(r);
  }
  testing::TempDir dir;
  const std::string path = dir.file("v3.db");
  writeV3Database(path, votes);

  SqliteStore store(path);
  EXPECT_EQ(store.schemaVersion(), 5);
  std::map<std::pair<std::int64_t, std::string>, VoteRow> expected;
  for (const auto& r : votes) {
    VoteRow row = voteRowOf(r);
    auto [it, fresh] = expected.try_emplace({row.minute_ms, row.model}, row);
    if (!fresh) it->second.add(row);
  }
  auto rows = store.listVoteStats(VoteQuery{}).value();
  ASSERT_EQ(rows.size(), expected.size());
  for (const auto& row : rows) {
    const auto& want = expected.at({row.minute_ms, row.model});
    EXPECT_EQ(row.provider, want.provider);
    EXPECT_EQ(row.positive, want.positive);
    EXPECT_EQ(row.negative, want.negative);
    EXPECT_EQ(row.response_time_samples, want.response_time_samples);
    EXPECT_DOUBLE_EQ(row.response_time_sum_ms, want.response_time_sum_ms);
  }
  // Hour buckets over whole hours come from the backfilled hourly table: the same sums.
  std::int64_t up = 0, samples = 0;
  for (const auto& r : votes) {
    up += r.vote == Vote::kUp;
    samples += voteRowOf(r).response_time_samples;
  }
  auto hourly = store.listVoteStats(VoteQuery{{0, 10 * 3'600'000}, 3'600'000, {}, {}}).value();
  std::int64_t hourly_up = 0, hourly_samples = 0;
  for (const auto& row : hourly) {
    EXPECT_EQ(row.minute_ms % 3'600'000, 0);
    hourly_up += row.positive;
    hourly_samples += row.response_time_samples;
  }
  EXPECT_EQ(hourly_up, up);
  EXPECT_EQ(hourly_samples, samples);

  // A new vote adds to its backfilled row.
  FeedbackRecord more = votes.front();
  more.id = "new";
  more.client_key = "someone-new";
  ASSERT_TRUE(store.recordVote(more)->counted);
  auto after = store.listVoteStats(VoteQuery{}).value();
  auto it = std::ranges::find_if(after, [&](const VoteRow& r) {
    return r.minute_ms == voteRowOf(more).minute_ms && r.model == more.model;
  });
  ASSERT_NE(it, after.end());
  const auto& before = expected.at({voteRowOf(more).minute_ms, more.model});
  EXPECT_EQ(it->negative, before.negative + 1);  // votes.front() is a down vote
}

}  // namespace
}  // namespace cs
