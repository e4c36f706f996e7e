// The arena's rating functions (src/service/arena_rating.*) against cases solved by hand, the
// MM fixed point written out (what any maximum of the likelihood satisfies), and simulated votes
// from known strengths.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "service/arena_rating.hpp"
#include "support/arena_simulation.hpp"

namespace cs::arena {
namespace {

using testing::simulateVotes;

FitOptions plainMle() {
  FitOptions o;
  o.prior_ties = 0.0;
  return o;
}

std::vector<RatedVote> repeat(std::uint32_t a, std::uint32_t b, Outcome o, int times,
                              double length_diff = 0.0) {
  return std::vector<RatedVote>(static_cast<std::size_t>(times), RatedVote{a, b, o, length_diff});
}

std::vector<RatedVote> concat(std::initializer_list<std::vector<RatedVote>> parts) {
  std::vector<RatedVote> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Hand-solved: strengths p = (4, 2, 1) make every observed win count equal its expectation
// (A beat B 4 of 6 = 4/(4+2); B beat C 2 of 3; A beat C 4 of 5), so they solve the likelihood
// equations W_i = sum_j n_ij p_i / (p_i + p_j) exactly. Elo: 400 log10(p) shifted to mean 1000:
// log10(4, 2, 1) = (0.60206, 0.30103, 0) with mean 0.30103 -> 1000 + 400 (x - 0.30103).
TEST(ArenaRating, ThreeModelsMatchTheHandSolvedMle) {
  const auto votes = concat({repeat(0, 1, Outcome::kAWins, 4), repeat(1, 0, Outcome::kAWins, 2),
                             repeat(1, 2, Outcome::kAWins, 2), repeat(2, 1, Outcome::kAWins, 1),
                             repeat(2, 0, Outcome::kBWins, 4), repeat(2, 0, Outcome::kAWins, 1)});
  const Fit fit = fitBradleyTerry(winMatrix(3, votes), plainMle());
  ASSERT_TRUE(fit.converged);
  ASSERT_EQ(fit.rating.size(), 3u);
  const double step = 400.0 * std::log10(2.0);  // 120.412
  EXPECT_NEAR(fit.rating[0], 1000.0 + step, 1e-6);
  EXPECT_NEAR(fit.rating[1], 1000.0, 1e-6);
  EXPECT_NEAR(fit.rating[2], 1000.0 - step, 1e-6);
}

// A tie is half a win each way: 1 win and 2 ties = 2 wins to 1, so p_A / p_B = 2.
TEST(ArenaRating, TiesCountHalfAWinEachWay) {
  const auto votes = concat({repeat(0, 1, Outcome::kAWins, 1), repeat(0, 1, Outcome::kTie, 2)});
  const Fit fit = fitBradleyTerry(winMatrix(2, votes), plainMle());
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.rating[0] - fit.rating[1], 400.0 * std::log10(2.0), 1e-6);
  EXPECT_NEAR(fit.rating[0] + fit.rating[1], 2000.0, 1e-9) << "mean 1000";
}

// Three straight wins have no finite MLE; one virtual tie per pair makes it 3.5 : 0.5.
TEST(ArenaRating, TheVirtualTieKeepsAnUndefeatedModelFinite) {
  const auto votes = repeat(0, 1, Outcome::kAWins, 3);
  const Fit fit = fitBradleyTerry(winMatrix(2, votes));
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.rating[0] - fit.rating[1], 400.0 * std::log10(7.0), 1e-6);
}

// The MM fixed point (Hunter 2004), written out: at the fit, each model's wins (virtual ties
// included) equal its expected wins against every other model: p_i = W_i / sum_j n_ij/(p_i+p_j).
TEST(ArenaRating, TheFitSatisfiesTheMmFixedPoint) {
  std::mt19937_64 rng(7);
  const auto votes = simulateVotes({1200, 1100, 1000, 900, 800}, 700, rng, 0.15);
  const std::size_t n = 5;
  const FitOptions options;  // prior_ties = 1
  const Fit fit = fitBradleyTerry(winMatrix(n, votes), options);
  ASSERT_TRUE(fit.converged);
  const auto w = winMatrix(n, votes);
  std::vector<double> p;
  for (double r : fit.rating) p.push_back(std::pow(10.0, (r - 1000.0) / 400.0));
  for (std::size_t i = 0; i < n; ++i) {
    double won = 0, expected = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      won += w[i][j] + 0.5 * options.prior_ties;
      expected += (w[i][j] + w[j][i] + options.prior_ties) * p[i] / (p[i] + p[j]);
    }
    EXPECT_NEAR(won, expected, 1e-6) << "model " << i;
  }
  EXPECT_NEAR(std::accumulate(fit.rating.begin(), fit.rating.end(), 0.0) / n, 1000.0, 1e-9);
}

TEST(ArenaRating, SimulatedVotesRecoverTheOrderOfKnownStrengths) {
  const std::vector<double> truth{1150, 1050, 950, 850};  // mean 1000, 100 apart
  std::mt19937_64 rng(42);
  const auto votes = simulateVotes(truth, 6000, rng);
  const Fit fit = fitBradleyTerry(winMatrix(4, votes));
  ASSERT_TRUE(fit.converged);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(fit.rating[i], truth[i], 25.0) << i;
  for (std::size_t i = 0; i + 1 < 4; ++i) EXPECT_GT(fit.rating[i], fit.rating[i + 1]);
}

// Nominal 95 %: in 50 repetitions each model's interval should miss its true rating about 2.5
// times; more than 7 misses (p < 0.01 under the nominal rate) fails. No ties here: ties at a
// fixed rate, scored half a win each way, pull every true difference towards 0 (the fit is
// then right about the votes but not about the simulation's strengths).
TEST(ArenaRating, BootstrapIntervalsCoverTheTruthInMostRepetitions) {
  const std::vector<double> truth{1100, 1000, 900};
  std::mt19937_64 rng(2024);
  std::vector<int> misses(truth.size(), 0);
  for (int rep = 0; rep < 50; ++rep) {
    const auto votes = simulateVotes(truth, 600, rng);
    const Fit fit = fitBradleyTerry(winMatrix(3, votes));
    const auto ci = bootstrapIntervals(3, votes, 200, rng, {}, fit.rating);
    for (std::size_t i = 0; i < truth.size(); ++i) {
      EXPECT_LT(ci[i].low, ci[i].high);
      if (truth[i] < ci[i].low || truth[i] > ci[i].high) ++misses[i];
    }
  }
  for (std::size_t i = 0; i < truth.size(); ++i) EXPECT_LE(misses[i], 7) << "model " << i;
}

TEST(ArenaRating, IntervalsNarrowWithMoreVotes) {
  const std::vector<double> truth{1050, 950};
  std::mt19937_64 rng(5);
  auto width = [&](std::size_t votes_n) {
    const auto votes = simulateVotes(truth, votes_n, rng);
    const auto ci = bootstrapIntervals(2, votes, 300, rng);
    return ci[0].high - ci[0].low;
  };
  const double few = width(400);
  const double many = width(6400);  // 16x the votes: about a quarter of the width
  EXPECT_LT(many, few * 0.4);
  EXPECT_GT(many, few * 0.15);
}

TEST(ArenaRating, BootstrapIsReproducibleForOneSeed) {
  std::mt19937_64 votes_rng(1);
  const auto votes = simulateVotes({1100, 1000, 900}, 300, votes_rng);
  std::mt19937_64 r1(99), r2(99);
  const auto a = bootstrapIntervals(3, votes, 200, r1);
  const auto b = bootstrapIntervals(3, votes, 200, r2);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(a[i].low, b[i].low);
    EXPECT_DOUBLE_EQ(a[i].high, b[i].high);
  }
}

TEST(ArenaRating, RankIsOnePlusModelsWhoseLowIsAboveThisHigh) {
  const auto ranks =
      ranksFromIntervals({{1100, 1200}, {1050, 1150}, {900, 1000}, {800, 850}, {1120, 1130}});
  EXPECT_EQ(ranks, (std::vector<int>{1, 1, 4, 5, 1}));
}

TEST(ArenaRating, PositionBiasIsTheShareOfAWinsAmongDecisiveVotes) {
  const auto votes = concat({repeat(0, 1, Outcome::kAWins, 3), repeat(1, 0, Outcome::kBWins, 1),
                             repeat(0, 1, Outcome::kTie, 2)});
  const auto bias = positionBias(votes);
  EXPECT_EQ(bias.decisive, 4);
  EXPECT_EQ(bias.a_wins, 3);
  EXPECT_DOUBLE_EQ(bias.a_share, 0.75);
  EXPECT_DOUBLE_EQ(positionBias(repeat(0, 1, Outcome::kTie, 3)).a_share, 0.5);
}

// Without any length difference the length-controlled fit (per vote) is the plain fit (per
// pair): two codes, one maximum.
TEST(ArenaRating, LengthControlledFitEqualsThePlainFitWhenLengthsAreEqual) {
  std::mt19937_64 rng(11);
  const auto votes = simulateVotes({1100, 1000, 950, 900}, 900, rng, 0.2);
  const Fit plain = fitBradleyTerry(winMatrix(4, votes));
  const auto styled = fitLengthControlled(4, votes);
  ASSERT_TRUE(styled.converged);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(styled.rating[i], plain.rating[i], 1e-3) << i;
  EXPECT_NEAR(styled.length_coefficient, 0.0, 1e-9);
}

// Two equally good models, one writing longer sayings, voters preferring length (logit +1 per
// unit of length_diff): the plain fit puts the verbose model ahead, the length-controlled fit
// sees them equal and finds the preference (1 nat = 400 / ln 10 = 173.7 Elo points).
TEST(ArenaRating, LengthControlRemovesAPreferenceForLongerSayings) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<RatedVote> votes;
  for (int k = 0; k < 8000; ++k) {
    const bool verbose_left = unit(rng) < 0.5;
    // Model 0's sayings are longer by a varying amount.
    const double d0 = 0.1 + 0.8 * unit(rng);
    const double d = verbose_left ? d0 : -d0;
    const double p_a = 1.0 / (1.0 + std::exp(-d));
    const Outcome o = unit(rng) < p_a ? Outcome::kAWins : Outcome::kBWins;
    votes.push_back(verbose_left ? RatedVote{0, 1, o, d} : RatedVote{1, 0, o, d});
  }
  const Fit plain = fitBradleyTerry(winMatrix(2, votes));
  EXPECT_GT(plain.rating[0] - plain.rating[1], 60.0);
  const auto styled = fitLengthControlled(2, votes);
  ASSERT_TRUE(styled.converged);
  EXPECT_NEAR(styled.rating[0] - styled.rating[1], 0.0, 35.0);
  EXPECT_NEAR(styled.length_coefficient, 173.7, 35.0);
}

// Many votes (long sums of rounding) still converge, in few Newton steps: a fit that never
// settles would cost its whole iteration budget on every leaderboard.
TEST(ArenaRating, BothFitsConvergeQuicklyOnTenThousandVotes) {
  std::mt19937_64 rng(8);
  auto votes = simulateVotes({1300, 1200, 1100, 1000, 950, 900, 800, 700}, 10'000, rng, 0.1);
  std::uniform_real_distribution<double> unit(-0.8, 0.8);
  for (auto& v : votes) v.length_diff = unit(rng);
  const Fit plain = fitBradleyTerry(winMatrix(8, votes));
  EXPECT_TRUE(plain.converged);
  EXPECT_LT(plain.iterations, 30);
  const auto styled = fitLengthControlled(8, votes);
  EXPECT_TRUE(styled.converged);
  EXPECT_LT(styled.iterations, 30);
}

TEST(ArenaRating, EmptyAndOneSidedInputsStayFinite) {
  EXPECT_TRUE(fitBradleyTerry({}).rating.empty());
  const Fit lone = fitBradleyTerry(winMatrix(3, repeat(0, 1, Outcome::kAWins, 50)));
  for (double r : lone.rating) EXPECT_TRUE(std::isfinite(r));
  EXPECT_NEAR(lone.rating[2], 1000.0 - (lone.rating[0] + lone.rating[1] - 2000.0), 1e-6)
      << "ratings keep mean 1000";
  std::mt19937_64 rng(1);
  const auto ci = bootstrapIntervals(3, {}, 200, rng);
  for (const auto& i : ci) EXPECT_TRUE(std::isfinite(i.low) && std::isfinite(i.high));
}

// 4 models 100 Elo apart: at a fixed number of votes, how often every adjacent pair's intervals
// are apart grows with the votes (tools/arena_timing measures the curve).
TEST(ArenaRating, IntervalsOf100EloApartSeparateMoreOftenWithMoreVotes) {
  const std::vector<double> truth{1150, 1050, 950, 850};
  std::mt19937_64 rng(77);
  auto separated = [&](std::size_t votes_n) {
    int apart = 0;
    for (int s = 0; s < 10; ++s) {
      const auto votes = simulateVotes(truth, votes_n, rng);
      const auto fit = fitBradleyTerry(winMatrix(4, votes));
      const auto ci = bootstrapIntervals(4, votes, 200, rng, {}, fit.rating);
      bool all = true;
      for (std::size_t i = 0; i + 1 < 4; ++i) all = all && ci[i + 1].high < ci[i].low;
      apart += all;
    }
    return apart;
  };
  EXPECT_LE(separated(100), 2) << "100 votes rarely tell 100 Elo apart";
  EXPECT_GE(separated(4000), 9) << "4000 votes almost always do";
}

}  // namespace
}  // namespace cs::arena
