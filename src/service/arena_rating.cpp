#include "service/arena_rating.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <tuple>

namespace cs::arena {

namespace {
// Natural-log strength -> Elo points.
constexpr double kEloPerNat = kEloScale / std::numbers::ln10;

std::vector<double> toElo(const std::vector<double>& log_strength) {
  double mean = 0.0;
  for (double v : log_strength) mean += v;
  if (!log_strength.empty()) mean /= static_cast<double>(log_strength.size());
  std::vector<double> out;
  out.reserve(log_strength.size());
  for (double v : log_strength) out.push_back(kEloMean + kEloPerNat * (v - mean));
  return out;
}

// The value at quantile q of sorted values, interpolated between neighbours.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Solves A x = b in place (Gaussian elimination, partial pivoting); false when singular.
bool solve(std::vector<std::vector<double>>& a, std::vector<double>& b) {
  const std::size_t n = b.size();
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < n; ++r)
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    if (std::abs(a[pivot][col]) < 1e-300) return false;
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (std::size_t r = col + 1; r < n; ++r) {
      const double f = a[r][col] / a[col][col];
      if (f == 0.0) continue;
      for (std::size_t c = col; c < n; ++c) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t c = i + 1; c < n; ++c) s -= a[i][c] * b[c];
    b[i] = s / a[i][i];
  }
  return true;
}

// The likelihood does not change when every strength moves together: hold the first parameter
// (its row and column become the identity, its step 0) so the Newton system is well-posed. A
// tiny ridge would do the same on paper, but multiplies the rounding in the gradient sums by
// its inverse and the iteration never settles.
void pinFirst(std::vector<std::vector<double>>& info, std::vector<double>& grad) {
  for (std::size_t k = 0; k < grad.size(); ++k) info[0][k] = info[k][0] = 0.0;
  info[0][0] = 1.0;
  grad[0] = 0.0;
}

void addOutcome(WinMatrix& w, std::uint32_t a, std::uint32_t b, Outcome o, double count) {
  switch (o) {
    case Outcome::kAWins:
      w[a][b] += count;
      break;
    case Outcome::kBWins:
      w[b][a] += count;
      break;
    case Outcome::kTie:
      w[a][b] += 0.5 * count;
      w[b][a] += 0.5 * count;
      break;
  }
}
}  // namespace

WinMatrix winMatrix(std::size_t models, const std::vector<RatedVote>& votes) {
  WinMatrix w(models, std::vector<double>(models, 0.0));
  for (const auto& v : votes)
    if (v.a < models && v.b < models && v.a != v.b) addOutcome(w, v.a, v.b, v.outcome, 1.0);
  return w;
}

Fit fitBradleyTerry(const WinMatrix& wins, const FitOptions& options,
                    const std::vector<double>& start) {
  const std::size_t n = wins.size();
  Fit fit;
  if (n == 0) {
    fit.converged = true;
    return fit;
  }
  // Newton's method on the log-likelihood of the pair counts (concave; quadratic convergence,
  // so a bootstrap of hundreds of refits stays cheap): theta = log-strength, games n_ij and
  // wins s_ij with the virtual ties included. The first model's theta is held (pinFirst), the
  // ratings centred afterwards; steps are capped so a start far off cannot overshoot.
  constexpr double kMaxStep = 4.0;
  std::vector<double> theta(n, 0.0);
  if (start.size() == n)
    for (std::size_t i = 0; i < n; ++i) theta[i] = (start[i] - kEloMean) / kEloPerNat;
  for (fit.iterations = 1; fit.iterations <= options.max_iterations; ++fit.iterations) {
    std::vector<double> grad(n, 0.0);
    std::vector<std::vector<double>> info(n, std::vector<double>(n, 0.0));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) {
        const double games = wins[i][j] + wins[j][i] + options.prior_ties;
        if (games <= 0) continue;
        const double won = wins[i][j] + 0.5 * options.prior_ties;
        const double mu = 1.0 / (1.0 + std::exp(theta[j] - theta[i]));
        const double r = won - games * mu;
        const double w = games * mu * (1.0 - mu);
        grad[i] += r;
        grad[j] -= r;
        info[i][i] += w;
        info[j][j] += w;
        info[i][j] -= w;
        info[j][i] -= w;
      }
    pinFirst(info, grad);
    std::vector<double> step = grad;
    if (!solve(info, step)) break;
    double largest = 0.0;
    for (double v : step) largest = std::max(largest, std::abs(v));
    const double scale = largest > kMaxStep ? kMaxStep / largest : 1.0;
    for (std::size_t i = 0; i < n; ++i) theta[i] += scale * step[i];
    if (largest < options.tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.iterations = std::min(fit.iterations, options.max_iterations);
  fit.rating = toElo(theta);
  return fit;
}

std::vector<Interval> bootstrapIntervals(std::size_t models, const std::vector<RatedVote>& votes,
                                         int resamples, std::mt19937_64& rng,
                                         const FitOptions& options,
                                         const std::vector<double>& start) {
  // The distinct cells and their counts: a resample draws as many votes as there are. The fit
  // ignores sides, so a vote is filed under (lower index, higher index, outcome for the lower):
  // half the cells, half the binomial draws.
  std::map<std::tuple<std::uint32_t, std::uint32_t, Outcome>, std::int64_t> cell_counts;
  for (const auto& v : votes) {
    if (v.a >= models || v.b >= models || v.a == v.b) continue;
    if (v.a < v.b) {
      ++cell_counts[{v.a, v.b, v.outcome}];
    } else {
      const Outcome flipped = v.outcome == Outcome::kAWins   ? Outcome::kBWins
                              : v.outcome == Outcome::kBWins ? Outcome::kAWins
                                                             : Outcome::kTie;
      ++cell_counts[{v.b, v.a, flipped}];
    }
  }
  std::vector<std::tuple<std::uint32_t, std::uint32_t, Outcome>> cells;
  std::vector<std::int64_t> counts;
  std::int64_t total = 0;
  for (const auto& [cell, count] : cell_counts) {
    cells.push_back(cell);
    counts.push_back(count);
    total += count;
  }
  std::vector<std::vector<double>> samples(models);
  for (int r = 0; r < resamples; ++r) {
    // Multinomial(total, counts / total) as a chain of binomials.
    WinMatrix w(models, std::vector<double>(models, 0.0));
    std::int64_t left = total;
    std::int64_t mass = total;
    for (std::size_t k = 0; k < cells.size() && left > 0; ++k) {
      std::int64_t drawn = left;
      if (k + 1 < cells.size() && mass > counts[k]) {
        std::binomial_distribution<std::int64_t> pick(
            left, static_cast<double>(counts[k]) / static_cast<double>(mass));
        drawn = pick(rng);
      }
      mass -= counts[k];
      left -= drawn;
      const auto& [a, b, o] = cells[k];
      if (drawn > 0) addOutcome(w, a, b, o, static_cast<double>(drawn));
    }
    const Fit f = fitBradleyTerry(w, options, start);
    for (std::size_t i = 0; i < models; ++i) samples[i].push_back(f.rating[i]);
  }
  std::vector<Interval> out(models);
  for (std::size_t i = 0; i < models; ++i) {
    std::sort(samples[i].begin(), samples[i].end());
    out[i] = Interval{quantile(samples[i], 0.025), quantile(samples[i], 0.975)};
  }
  return out;
}

std::vector<int> ranksFromIntervals(const std::vector<Interval>& intervals) {
  std::vector<int> ranks(intervals.size(), 1);
  for (std::size_t i = 0; i < intervals.size(); ++i)
    for (std::size_t j = 0; j < intervals.size(); ++j)
      if (j != i && intervals[j].low > intervals[i].high) ++ranks[i];
  return ranks;
}

PositionBias positionBias(const std::vector<RatedVote>& votes) {
  PositionBias bias;
  for (const auto& v : votes) {
    if (v.outcome == Outcome::kTie) continue;
    ++bias.decisive;
    if (v.outcome == Outcome::kAWins) ++bias.a_wins;
  }
  if (bias.decisive > 0)
    bias.a_share = static_cast<double>(bias.a_wins) / static_cast<double>(bias.decisive);
  return bias;
}

LengthControlledFit fitLengthControlled(std::size_t models, const std::vector<RatedVote>& votes,
                                        const FitOptions& options) {
  LengthControlledFit out;
  if (models == 0) {
    out.converged = true;
    return out;
  }
  // theta = (beta_0 .. beta_{n-1}, gamma), natural-log scale. beta_0 is held (pinFirst; the
  // ratings are centred afterwards) and a weak ridge on gamma keeps it finite when length alone
  // separates the votes; it is negligible against real data.
  constexpr double kGammaRidge = 1e-2;
  constexpr double kMaxStep = 4.0;
  const std::size_t g = models;  // gamma's index
  std::vector<double> theta(models + 1, 0.0);
  struct Obs {
    std::uint32_t a, b;
    double y, d, weight;
  };
  std::vector<Obs> obs;
  obs.reserve(votes.size() + models * models / 2);
  for (const auto& v : votes) {
    if (v.a >= models || v.b >= models || v.a == v.b) continue;
    const double y = v.outcome == Outcome::kAWins ? 1.0 : v.outcome == Outcome::kBWins ? 0.0 : 0.5;
    obs.push_back({v.a, v.b, y, v.length_diff, 1.0});
  }
  if (options.prior_ties > 0)
    for (std::uint32_t i = 0; i < models; ++i)
      for (std::uint32_t j = i + 1; j < models; ++j)
        obs.push_back({i, j, 0.5, 0.0, options.prior_ties});
  for (out.iterations = 1; out.iterations <= options.max_iterations; ++out.iterations) {
    std::vector<double> grad(models + 1, 0.0);
    std::vector<std::vector<double>> info(models + 1, std::vector<double>(models + 1, 0.0));
    for (const auto& o : obs) {
      const double eta = theta[o.a] - theta[o.b] + theta[g] * o.d;
      const double mu = 1.0 / (1.0 + std::exp(-eta));
      const double r = o.weight * (o.y - mu);
      const double w = o.weight * mu * (1.0 - mu);
      grad[o.a] += r;
      grad[o.b] -= r;
      grad[g] += r * o.d;
      // info += w * x x^T with x = e_a - e_b + d e_g.
      const std::uint32_t idx[3] = {o.a, o.b, static_cast<std::uint32_t>(g)};
      const double x[3] = {1.0, -1.0, o.d};
      for (int p = 0; p < 3; ++p)
        for (int q = 0; q < 3; ++q) info[idx[p]][idx[q]] += w * x[p] * x[q];
    }
    pinFirst(info, grad);
    grad[g] -= kGammaRidge * theta[g];
    info[g][g] += kGammaRidge;
    std::vector<double> step = grad;
    if (!solve(info, step)) break;
    double largest = 0.0;
    for (double s : step) largest = std::max(largest, std::abs(s));
    const double scale = largest > kMaxStep ? kMaxStep / largest : 1.0;
    for (std::size_t i = 0; i <= models; ++i) theta[i] += scale * step[i];
    if (largest < options.tolerance) {
      out.converged = true;
      break;
    }
  }
  out.iterations = std::min(out.iterations, options.max_iterations);
  out.rating = toElo(std::vector<double>(theta.begin(), theta.begin() + static_cast<long>(models)));
  out.length_coefficient = kEloPerNat * theta[g];
  return out;
}

}  // namespace cs::arena
