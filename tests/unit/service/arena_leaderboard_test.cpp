// The leaderboard built from stored arena votes (src/service/arena_leaderboard.*).
#include <gtest/gtest.h>

#include "service/arena_leaderboard.hpp"

namespace cs::arena {
namespace {

ArenaVote vote(std::string a, std::string b, ArenaWinner w, std::int64_t len_a = 50,
               std::int64_t len_b = 50) {
  ArenaVote v;
  v.id = "v" + std::to_string(reinterpret_cast<std::uintptr_t>(&v) % 1000);
  v.battle_id = "battle";
  v.client_key = "id:client";
  v.winner = w;
  v.model_a = std::move(a);
  v.provider_a = "p-" + v.model_a;
  v.model_b = std::move(b);
  v.provider_b = "p-" + v.model_b;
  v.length_a = len_a;
  v.length_b = len_b;
  v.latency_a_ms = 100.0;
  v.latency_b_ms = 300.0;
  v.cost_a_usd = 0.001;
  v.cost_b_usd = 0.003;
  return v;
}

const LeaderboardRow& row(const Leaderboard& b, const std::string& model) {
  for (const auto& r : b.models)
    if (r.model == model) return r;
  ADD_FAILURE() << "no row for " << model;
  return b.models.front();
}

TEST(ArenaLeaderboard, CountsEveryCountedVoteAndRatesOnlyTheDecisiveAndTies) {
  std::vector<ArenaVote> votes;
  for (int i = 0; i < 6; ++i) votes.push_back(vote("alpha", "beta", ArenaWinner::kA));
  for (int i = 0; i < 2; ++i) votes.push_back(vote("beta", "alpha", ArenaWinner::kA));
  votes.push_back(vote("alpha", "gamma", ArenaWinner::kTie));
  votes.push_back(vote("gamma", "beta", ArenaWinner::kBothBad));
  auto dishonest = vote("alpha", "gamma", ArenaWinner::kB);
  dishonest.honest = false;
  votes.push_back(dishonest);

  const auto board = buildLeaderboard(votes, 1'700'000'000'000);
  EXPECT_EQ(board.votes, 10);
  EXPECT_EQ(board.dropped, 1);
  EXPECT_EQ(board.computed_at_ms, 1'700'000'000'000);
  EXPECT_EQ(board.resamples, 200);
  ASSERT_EQ(board.models.size(), 3u);
  const auto& alpha = row(board, "alpha");
  EXPECT_EQ(alpha.provider, "p-alpha");
  EXPECT_EQ(alpha.battles, 9);
  EXPECT_EQ(alpha.wins, 6);
  EXPECT_EQ(alpha.losses, 2);
  EXPECT_EQ(alpha.ties, 1);
  EXPECT_EQ(alpha.both_bad, 0);
  const auto& gamma = row(board, "gamma");
  EXPECT_EQ(gamma.battles, 2);
  EXPECT_EQ(gamma.ties, 1);
  EXPECT_EQ(gamma.both_bad, 1);
  // Sides shown: alpha was a in 7 counted votes (100 ms, $0.001) and b in 2 (300 ms, $0.003).
  ASSERT_TRUE(alpha.avg_latency_ms);
  EXPECT_NEAR(*alpha.avg_latency_ms, (7 * 100.0 + 2 * 300.0) / 9, 1e-9);
  EXPECT_NEAR(alpha.cost_per_saying_usd, (7 * 0.001 + 2 * 0.003) / 9, 1e-12);
  EXPECT_EQ((board.pair_votes.at({"alpha", "beta"})), 8);
  EXPECT_EQ((board.pair_votes.at({"beta", "gamma"})), 1);
  // Position bias over the rated decisive votes (both_bad and dropped left out): 8 of 8 on a.
  EXPECT_EQ(board.position_bias.decisive, 8);
  EXPECT_EQ(board.position_bias.a_wins, 8);

  // The ratings are the plain fit of exactly the rated votes (both_bad and dropped left out):
  // indices in name order alpha, beta, gamma.
  std::vector<RatedVote> rated;
  for (int i = 0; i < 6; ++i) rated.push_back({0, 1, Outcome::kAWins, 0});
  for (int i = 0; i < 2; ++i) rated.push_back({1, 0, Outcome::kAWins, 0});
  rated.push_back({0, 2, Outcome::kTie, 0});
  const Fit fit = fitBradleyTerry(winMatrix(3, rated));
  EXPECT_NEAR(alpha.rating, fit.rating[0], 1e-9);
  EXPECT_NEAR(row(board, "beta").rating, fit.rating[1], 1e-9);
  EXPECT_NEAR(gamma.rating, fit.rating[2], 1e-9);
  EXPECT_EQ(board.models.front().model, "alpha") << "ordered by rating";
  for (const auto& r : board.models) {
    EXPECT_LE(r.ci_low, r.rating);
    EXPECT_GE(r.ci_high, r.rating);
  }
}

TEST(ArenaLeaderboard, RanksFollowTheIntervalsAndTheLengthRankingIsItsOwn) {
  std::vector<ArenaVote> votes;
  // strong >> weak; long and short equal on merit but the long one's wins are all long.
  for (int i = 0; i < 150; ++i) votes.push_back(vote("strong", "weak", ArenaWinner::kA));
  for (int i = 0; i < 10; ++i) votes.push_back(vote("weak", "strong", ArenaWinner::kA));
  for (int i = 0; i < 60; ++i) votes.push_back(vote("long", "short", ArenaWinner::kA, 300, 60));
  for (int i = 0; i < 40; ++i) votes.push_back(vote("short", "long", ArenaWinner::kA, 60, 300));
  const auto board = buildLeaderboard(votes, 0);
  EXPECT_EQ(row(board, "strong").rank, 1);
  EXPECT_GT(row(board, "weak").rank, 1) << "strong's interval is above weak's";
  EXPECT_EQ(row(board, "strong").length_controlled_place, 1);
  // Whatever the covariate makes of long vs short, the places are a permutation of 1..4.
  std::vector<int> places;
  for (const auto& r : board.models) places.push_back(r.length_controlled_place);
  std::sort(places.begin(), places.end());
  EXPECT_EQ(places, (std::vector<int>{1, 2, 3, 4}));
}

TEST(ArenaLeaderboard, NoVotesIsAnEmptyBoard) {
  const auto board = buildLeaderboard({}, 5);
  EXPECT_EQ(board.votes, 0);
  EXPECT_TRUE(board.models.empty());
  EXPECT_DOUBLE_EQ(board.position_bias.a_share, 0.5);
}

TEST(ArenaLeaderboard, LengthDiffIsNormalised) {
  EXPECT_DOUBLE_EQ(lengthDiff(300, 100), 0.5);
  EXPECT_DOUBLE_EQ(lengthDiff(100, 300), -0.5);
  EXPECT_DOUBLE_EQ(lengthDiff(0, 0), 0.0);
}

}  // namespace
}  // namespace cs::arena
