#pragma once
// The leaderboard from the stored arena votes: pure (no I/O, no clock; the RNG seed is given).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/arena_rating.hpp"
#include "store/arena_records.hpp"

namespace cs::arena {

struct LeaderboardRow {
  std::string model;
  std::string provider;
  double rating = kEloMean;
  double ci_low = kEloMean;
  double ci_high = kEloMean;
  int rank = 1;
  std::int64_t battles = 0;  // counted votes it took part in (both_bad included)
  std::int64_t wins = 0, losses = 0, ties = 0, both_bad = 0;
  // Means over the sayings it showed in those battles (Saying::llm_ms, Saying::cost_usd);
  // latency is null when none of them had a generation time.
  std::optional<double> avg_latency_ms;
  double cost_per_saying_usd = 0.0;
  // The length-controlled ranking: rating with a saying-length covariate, and the place by it
  // (1 + the number of models with a higher length-controlled rating).
  double length_controlled_rating = kEloMean;
  int length_controlled_place = 1;
};

struct Leaderboard {
  std::int64_t computed_at_ms = 0;
  std::int64_t votes = 0;              // counted votes (honest), both_bad included
  std::int64_t dropped = 0;            // votes not counted: a side's saying named its own model
  std::vector<LeaderboardRow> models;  // by rating, highest first
  PositionBias position_bias;          // over the counted decisive votes
  double length_coefficient = 0.0;     // Elo points for length_diff = 1 (see arena_rating.hpp)
  int resamples = 0;
  // Counted votes per unordered model pair (first < second): what the pair choice needs.
  std::map<std::pair<std::string, std::string>, std::int64_t> pair_votes;
};
using LeaderboardPtr = std::shared_ptr<const Leaderboard>;

struct LeaderboardOptions {
  int resamples = 200;
  std::uint64_t seed = 0x5eed'a7e4a;  // fixed: every instance shows the same intervals
  FitOptions fit;
};

Leaderboard buildLeaderboard(const std::vector<ArenaVote>& votes, std::int64_t now_ms,
                             const LeaderboardOptions& options = {});

// (len_a - len_b) / (len_a + len_b), 0 when both are empty.
double lengthDiff(std::int64_t len_a, std::int64_t len_b);

}  // namespace cs::arena
