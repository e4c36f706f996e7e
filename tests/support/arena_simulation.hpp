#pragma once
// Simulated arena votes from known strengths, shared by the rating tests and tools/arena_timing.
#include <cmath>
#include <random>
#include <vector>

#include "service/arena_rating.hpp"

namespace cs::testing {

// `count` votes between uniformly chosen distinct models (random sides), each decided by the
// Bradley–Terry probability of the true Elo ratings; a share `tie_rate` of them are ties.
inline std::vector<arena::RatedVote> simulateVotes(const std::vector<double>& true_elo,
                                                   std::size_t count, std::mt19937_64& rng,
                                                   double tie_rate = 0.0) {
  std::vector<arena::RatedVote> votes;
  votes.reserve(count);
  const auto n = static_cast<std::uint32_t>(true_elo.size());
  std::uniform_int_distribution<std::uint32_t> model(0, n - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  while (votes.size() < count) {
    const std::uint32_t a = model(rng);
    const std::uint32_t b = model(rng);
    if (a == b) continue;
    arena::RatedVote v{a, b, arena::Outcome::kTie, 0.0};
    if (unit(rng) >= tie_rate) {
      const double p_a = 1.0 / (1.0 + std::pow(10.0, (true_elo[b] - true_elo[a]) / 400.0));
      v.outcome = unit(rng) < p_a ? arena::Outcome::kAWins : arena::Outcome::kBWins;
    }
    votes.push_back(v);
  }
  return votes;
}

// When the 95 % intervals of models adjacent in `true_elo` (descending) stop overlapping, checked
// every `step` votes as they accumulate (a live arena's do): `any` = the first adjacent pair,
// `all` = every adjacent pair; 0 when not by `limit` votes.
struct Separation {
  std::size_t any = 0;
  std::size_t all = 0;
};
inline Separation votesToSeparate(const std::vector<double>& true_elo, std::size_t step,
                                  std::size_t limit, std::mt19937_64& rng, int resamples = 200) {
  Separation out;
  std::vector<arena::RatedVote> votes;
  while (votes.size() < limit && out.all == 0) {
    auto more = simulateVotes(true_elo, step, rng);
    votes.insert(votes.end(), more.begin(), more.end());
    const auto fit = arena::fitBradleyTerry(arena::winMatrix(true_elo.size(), votes));
    const auto ci =
        arena::bootstrapIntervals(true_elo.size(), votes, resamples, rng, {}, fit.rating);
    std::size_t apart = 0;
    for (std::size_t i = 0; i + 1 < ci.size(); ++i)
      if (ci[i + 1].high < ci[i].low) ++apart;
    if (apart > 0 && out.any == 0) out.any = votes.size();
    if (apart + 1 == ci.size()) out.all = votes.size();
  }
  return out;
}

}  // namespace cs::testing
