// The arena's store contract, on each backend (SQLite, DynamoDB as dynalite, and dynalite
// through a transport that drops the answer to every other write after it was applied): a
// battle reads back as written, one vote per (battle, client) with the first standing, a
// retried vote recognised as itself, concurrent votes of one client counted once, and the
// listing returning every vote as written.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "core/ids.hpp"
#include "support/store_backends.hpp"

namespace cs {
namespace {

ArenaBattle battle(const std::string& id) {
  ArenaBattle b;
  b.id = id;
  b.topic = "Amazon S3";
  b.created_at_ms = 1'700'000'000'000;
  b.expires_at_ms = b.created_at_ms + 3'600'000;
  b.a = ArenaSide{"s-a",
                  "S3 is a closet \"with\" a ünïcode door",
                  {"Amazon S3", "IAM"},
                  "claude-haiku-4-5",
                  "anthropic",
                  812.5,
                  0.000123};
  b.b = ArenaSide{"s-b", "Lambda is a cook", {}, "gpt-4.1-mini", "openai", std::nullopt, 0.0};
  return b;
}

ArenaVote arenaVote(const ArenaBattle& b, const std::string& client, ArenaWinner w) {
  ArenaVote v;
  v.id = randomId();
  v.battle_id = b.id;
  v.client_key = client;
  v.winner = w;
  v.created_at_ms = b.created_at_ms + 5'000;
  v.model_a = b.a.model;
  v.provider_a = b.a.provider;
  v.model_b = b.b.model;
  v.provider_b = b.b.provider;
  v.length_a = 36;
  v.length_b = 16;
  v.latency_a_ms = b.a.latency_ms;
  v.latency_b_ms = b.b.latency_ms;
  v.cost_a_usd = b.a.cost_usd;
  v.cost_b_usd = b.b.cost_usd;
  return v;
}

void expectSide(const ArenaSide& got, const ArenaSide& want) {
  EXPECT_EQ(got.saying_id, want.saying_id);
  EXPECT_EQ(got.text, want.text);
  EXPECT_EQ(got.services, want.services);
  EXPECT_EQ(got.model, want.model);
  EXPECT_EQ(got.provider, want.provider);
  EXPECT_EQ(got.latency_ms, want.latency_ms);
  EXPECT_DOUBLE_EQ(got.cost_usd, want.cost_usd);
}

class ArenaStoreContract : public testing::StoreBackendTest {};

TEST_P(ArenaStoreContract, ABattleReadsBackAsWritten) {
  const auto b = battle(randomId());
  ASSERT_TRUE(store().putBattle(b));
  ASSERT_TRUE(store().putBattle(b)) << "writing one battle twice is a retry, not an error";
  auto got = store().getBattle(b.id);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  const ArenaBattle& r = **got;
  EXPECT_EQ(r.id, b.id);
  EXPECT_EQ(r.topic, b.topic);
  EXPECT_EQ(r.created_at_ms, b.created_at_ms);
  EXPECT_EQ(r.expires_at_ms, b.expires_at_ms);
  expectSide(r.a, b.a);
  expectSide(r.b, b.b);

  auto untitled = battle(randomId());
  untitled.topic.reset();
  ASSERT_TRUE(store().putBattle(untitled));
  EXPECT_FALSE((*store().getBattle(untitled.id))->topic.has_value());
  auto missing = store().getBattle("no-such-battle");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  expectAnswersDropped();
}

TEST_P(ArenaStoreContract, OneVotePerClientPerBattleAndTheFirstStands) {
  const auto b = battle(randomId());
  ASSERT_TRUE(store().putBattle(b));
  const auto alice = arenaVote(b, "id:alice", ArenaWinner::kA);
  auto first = store().recordArenaVote(alice);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->counted);
  EXPECT_EQ(first->winner, ArenaWinner::kA);
  auto again = store().recordArenaVote(arenaVote(b, "id:alice", ArenaWinner::kBothBad));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->counted);
  EXPECT_EQ(again->winner, ArenaWinner::kA) << "the first vote stands";
  auto bob = store().recordArenaVote(arenaVote(b, "id:bob", ArenaWinner::kTie));
  ASSERT_TRUE(bob);
  EXPECT_TRUE(bob->counted) << "another client's vote on the same battle counts";
  // The same record written again (a retry after a lost answer) is recognised as itself.
  const auto carol = arenaVote(b, "id:carol", ArenaWinner::kB);
  ASSERT_TRUE(store().recordArenaVote(carol));
  auto retried = store().recordArenaVote(carol);
  ASSERT_TRUE(retried);
  EXPECT_TRUE(retried->counted);

  auto votes = store().listArenaVotes();
  ASSERT_TRUE(votes) << votes.error().message;
  ASSERT_EQ(votes->size(), 3u);
  std::sort(votes->begin(), votes->end(),
            [](const ArenaVote& x, const ArenaVote& y) { return x.client_key < y.client_key; });
  const ArenaVote& a = (*votes)[0];
  EXPECT_EQ(a.client_key, "id:alice");
  EXPECT_EQ(a.winner, ArenaWinner::kA);
  EXPECT_EQ(a.battle_id, b.id);
  EXPECT_EQ(a.id, alice.id) << "the stored record is the first vote";
  EXPECT_EQ(a.model_a, "claude-haiku-4-5");
  EXPECT_EQ(a.provider_b, "openai");
  EXPECT_EQ(a.length_a, 36);
  EXPECT_EQ(a.length_b, 16);
  EXPECT_EQ(a.latency_a_ms, std::optional<double>(812.5));
  EXPECT_EQ(a.latency_b_ms, std::nullopt);
  EXPECT_DOUBLE_EQ(a.cost_a_usd, 0.000123);
  EXPECT_EQ(a.created_at_ms, b.created_at_ms + 5'000);
  EXPECT_TRUE(a.honest);
  EXPECT_EQ((*votes)[1].winner, ArenaWinner::kTie);
  EXPECT_EQ((*votes)[2].winner, ArenaWinner::kB);
  expectAnswersDropped();
}

TEST_P(ArenaStoreContract, ADishonestVoteIsStoredAsSuch) {
  const auto b = battle(randomId());
  auto v = arenaVote(b, "id:dave", ArenaWinner::kA);
  v.honest = false;
  ASSERT_TRUE(store().recordArenaVote(v));
  auto votes = store().listArenaVotes();
  ASSERT_TRUE(votes);
  ASSERT_EQ(votes->size(), 1u);
  EXPECT_FALSE(votes->front().honest);
}

TEST_P(ArenaStoreContract, ConcurrentVotesOfOneClientCountOnce) {
  const auto b = battle(randomId());
  ASSERT_TRUE(store().putBattle(b));
  std::atomic<int> counted{0}, failed{0};
  std::vector<std::thread> threads;
  const ArenaWinner winners[] = {ArenaWinner::kA, ArenaWinner::kB, ArenaWinner::kTie,
                                 ArenaWinner::kBothBad};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      auto r = store().recordArenaVote(arenaVote(b, "id:eve", winners[t % 4]));
      if (!r)
        ++failed;
      else if (r->counted)
        ++counted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(counted.load(), 1);
  auto votes = store().listArenaVotes();
  ASSERT_TRUE(votes);
  EXPECT_EQ(votes->size(), 1u);
}

TEST_P(ArenaStoreContract, TheListingSpansScanPages) {
  // More votes than a dynalite scan page holds (kContractScanPage), and battles in the same
  // table that the listing must skip.
  std::set<std::string> clients;
  for (int i = 0; i < 3 * testing::kContractScanPage; ++i) {
    const auto b = battle(randomId());
    ASSERT_TRUE(store().putBattle(b));
    const std::string client = "id:c" + std::to_string(i);
    ASSERT_TRUE(store().recordArenaVote(arenaVote(b, client, ArenaWinner::kA)));
    clients.insert(client);
  }
  auto votes = store().listArenaVotes();
  ASSERT_TRUE(votes) << votes.error().message;
  std::set<std::string> listed;
  for (const auto& v : *votes) listed.insert(v.client_key);
  EXPECT_EQ(listed, clients);
  EXPECT_EQ(votes->size(), clients.size());
}

INSTANTIATE_TEST_SUITE_P(Backends, ArenaStoreContract, testing::storeBackends(),
                         testing::backendName);

}  // namespace
}  // namespace cs
