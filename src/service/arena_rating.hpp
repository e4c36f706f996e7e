#pragma once
// The arena's ratings: pure functions, no I/O, no clock (the bootstrap's RNG is passed in).
//
// Bradley–Terry: P(i beats j) = p_i / (p_i + p_j). Fitted by maximum likelihood with Newton's
// method on per-pair win counts (converged to 1e-10 in log-strength), so the cost grows with the
// number of models, not of votes. A tie counts half a win each way; "both_bad" says nothing about
// which side is better and is EXCLUDED from the fit (it is still counted in battles and both_bad).
// Ratings are on the Elo scale: 400 * log10(p_i) shifted so their mean is 1000.
//
// With few votes the plain MLE does not exist (a model that never lost has p = infinity), so
// every pair gets `prior_ties` virtual ties (half a win each way): a weak pull towards equal
// strength that keeps every rating finite and vanishes against real votes (0 = the plain MLE).
#include <cstdint>
#include <random>
#include <vector>

namespace cs::arena {

inline constexpr double kEloScale = 400.0;  // rating = 400 / ln(10) * ln(p) = 400 * log10(p)
inline constexpr double kEloMean = 1000.0;

enum class Outcome : std::uint8_t { kAWins, kBWins, kTie };

// One rated vote: model indices of the two sides (a shown left), the outcome, and
// length_diff = (len_a - len_b) / (len_a + len_b) in [-1, 1] for the style-controlled fit.
struct RatedVote {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  Outcome outcome = Outcome::kTie;
  double length_diff = 0.0;
};

struct FitOptions {
  double prior_ties = 1.0;   // virtual ties per pair of models (0 = plain MLE)
  double tolerance = 1e-10;  // stop when no log-strength moves more than this
  int max_iterations = 200;
};

// wins[i][j] = wins of i over j (ties already added as 0.5 each way). Square, n x n.
using WinMatrix = std::vector<std::vector<double>>;
WinMatrix winMatrix(std::size_t models, const std::vector<RatedVote>& votes);

struct Fit {
  std::vector<double> rating;  // Elo scale, mean kEloMean
  int iterations = 0;
  bool converged = false;
};
// `start`: Elo ratings to begin from (a warm start for bootstrap resamples), or empty.
Fit fitBradleyTerry(const WinMatrix& wins, const FitOptions& options = {},
                    const std::vector<double>& start = {});

// The bootstrap: `resamples` multinomial resamples of the votes (each vote drawn with
// replacement, done as a multinomial over the distinct (a, b, outcome) cells, which is the
// same distribution at a cost independent of the vote count), each refitted; the 2.5 and 97.5
// percentiles of each model's ratings.
struct Interval {
  double low = 0.0;
  double high = 0.0;
};
std::vector<Interval> bootstrapIntervals(std::size_t models, const std::vector<RatedVote>& votes,
                                         int resamples, std::mt19937_64& rng,
                                         const FitOptions& options = {},
                                         const std::vector<double>& start = {});

// rank_i = 1 + the number of models whose low end is above i's high end.
std::vector<int> ranksFromIntervals(const std::vector<Interval>& intervals);

// The share of "a" wins among decisive (a or b) votes: 0.5 when the side does not matter.
struct PositionBias {
  std::int64_t decisive = 0;
  std::int64_t a_wins = 0;
  double a_share = 0.5;  // 0.5 when there is no decisive vote
};
PositionBias positionBias(const std::vector<RatedVote>& votes);

// Bradley–Terry with a length covariate (LMArena's style control): logit P(a wins) =
// (beta_a - beta_b) + gamma * length_diff, fitted by Newton's method on the votes (ties as half
// a win each way, the same virtual ties as fitBradleyTerry at length_diff 0). The ratings are
// the betas on the Elo scale, mean kEloMean; gamma is reported on the Elo scale too (the rating
// points a saying gains from being all length against none).
struct LengthControlledFit {
  std::vector<double> rating;
  double length_coefficient = 0.0;
  int iterations = 0;
  bool converged = false;
};
LengthControlledFit fitLengthControlled(std::size_t models, const std::vector<RatedVote>& votes,
                                        const FitOptions& options = {});

}  // namespace cs::arena
