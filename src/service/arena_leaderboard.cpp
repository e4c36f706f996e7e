#include "service/arena_leaderboard.hpp"

#include <algorithm>
#include <random>

namespace cs::arena {

double lengthDiff(std::int64_t len_a, std::int64_t len_b) {
  const std::int64_t sum = len_a + len_b;
  return sum > 0 ? static_cast<double>(len_a - len_b) / static_cast<double>(sum) : 0.0;
}

namespace {
struct Sums {
  double latency_ms = 0.0;
  std::int64_t latency_samples = 0;
  double cost_usd = 0.0;
  std::int64_t sayings = 0;
  void add(const std::optional<double>& latency, double cost) {
    if (latency) {
      latency_ms += *latency;
      ++latency_samples;
    }
    cost_usd += cost;
    ++sayings;
  }
};
}  // namespace

Leaderboard buildLeaderboard(const std::vector<ArenaVote>& votes, std::int64_t now_ms,
                             const LeaderboardOptions& options) {
  Leaderboard board;
  board.computed_at_ms = now_ms;
  board.resamples = options.resamples;
  // Model indices in name order, so the same votes always give the same fit.
  std::map<std::string, std::uint32_t> index;
  for (const auto& v : votes)
    if (v.honest) {
      index.try_emplace(v.model_a, 0);
      index.try_emplace(v.model_b, 0);
    }
  std::uint32_t next = 0;
  for (auto& [name, i] : index) i = next++;
  const std::size_t n = index.size();
  std::vector<LeaderboardRow> rows(n);
  std::vector<Sums> sums(n);
  for (const auto& [name, i] : index) rows[i].model = name;

  std::vector<RatedVote> rated;
  rated.reserve(votes.size());
  for (const auto& v : votes) {
    if (!v.honest) {
      ++board.dropped;
      continue;
    }
    if (v.model_a == v.model_b) {  // a battle needs two models; never written, never rated
      ++board.dropped;
      continue;
    }
    ++board.votes;
    const std::uint32_t a = index[v.model_a];
    const std::uint32_t b = index[v.model_b];
    rows[a].provider = v.provider_a;
    rows[b].provider = v.provider_b;
    ++rows[a].battles;
    ++rows[b].battles;
    sums[a].add(v.latency_a_ms, v.cost_a_usd);
    sums[b].add(v.latency_b_ms, v.cost_b_usd);
    ++board.pair_votes[std::minmax(v.model_a, v.model_b)];
    RatedVote r{a, b, Outcome::kTie, lengthDiff(v.length_a, v.length_b)};
    switch (v.winner) {
      case ArenaWinner::kA:
        ++rows[a].wins;
        ++rows[b].losses;
        r.outcome = Outcome::kAWins;
        break;
      case ArenaWinner::kB:
        ++rows[b].wins;
        ++rows[a].losses;
        r.outcome = Outcome::kBWins;
        break;
      case ArenaWinner::kTie:
        ++rows[a].ties;
        ++rows[b].ties;
        break;
      case ArenaWinner::kBothBad:  // excluded from the fit (arena_rating.hpp says why)
        ++rows[a].both_bad;
        ++rows[b].both_bad;
        continue;
    }
    rated.push_back(r);
  }
  board.position_bias = positionBias(rated);

  const Fit fit = fitBradleyTerry(winMatrix(n, rated), options.fit);
  std::mt19937_64 rng(options.seed);
  const auto intervals =
      bootstrapIntervals(n, rated, options.resamples, rng, options.fit, fit.rating);
  const auto styled = fitLengthControlled(n, rated, options.fit);
  board.length_coefficient = styled.length_coefficient;
  for (std::size_t i = 0; i < n; ++i) {
    auto& row = rows[i];
    row.rating = fit.rating[i];
    // The point estimate inside its interval even when a resample lands all on one side.
    row.ci_low = std::min(intervals[i].low, row.rating);
    row.ci_high = std::max(intervals[i].high, row.rating);
    if (sums[i].latency_samples > 0)
      row.avg_latency_ms = sums[i].latency_ms / static_cast<double>(sums[i].latency_samples);
    if (sums[i].sayings > 0)
      row.cost_per_saying_usd = sums[i].cost_usd / static_cast<double>(sums[i].sayings);
    row.length_controlled_rating = styled.rating[i];
    row.length_controlled_place = 1;
    for (std::size_t j = 0; j < n; ++j)
      if (styled.rating[j] > styled.rating[i]) ++row.length_controlled_place;
  }
  // Ranks from the intervals as shown (the clamp can only widen them).
  std::vector<Interval> shown;
  shown.reserve(rows.size());
  for (const auto& row : rows) shown.push_back({row.ci_low, row.ci_high});
  const auto shown_ranks = ranksFromIntervals(shown);
  for (std::size_t i = 0; i < n; ++i) rows[i].rank = shown_ranks[i];
  std::sort(rows.begin(), rows.end(), [](const LeaderboardRow& x, const LeaderboardRow& y) {
    return x.rating != y.rating ? x.rating > y.rating : x.model < y.model;
  });
  board.models = std::move(rows);
  return board;
}

}  // namespace cs::arena
