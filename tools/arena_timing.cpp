// The arena's figures (docs/performance.md, "Arena"):
//   arena_timing [votes] [models] [sqlite path]
// 1. A cold leaderboard over `votes` simulated votes between `models` models in a real SQLite
//    file: milliseconds for listArenaVotes and for buildLeaderboard (fit, 200-resample
//    bootstrap, length-controlled fit), median of 5.
// 2. How many votes it takes for the 95 % intervals of models 100 Elo apart to separate: 20
//    simulations of 4 models at 1150/1050/950/850, votes checked every 50 (median, min, max).
// Not a test: a measuring tool (no timed assertions anywhere in tests/).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "core/ids.hpp"
#include "service/arena_leaderboard.hpp"
#include "store/sqlite_store.hpp"
#include "support/arena_simulation.hpp"
#include "timing.hpp"

namespace {

using cs::tools::timeMs;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  using namespace cs;
  const std::size_t votes_n = argc > 1 ? std::stoul(argv[1]) : 10'000;
  const std::size_t models_n = argc > 2 ? std::stoul(argv[2]) : 8;
  const std::string path = argc > 3 ? argv[3] : "/tmp/arena_timing.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");

  std::vector<double> truth;
  for (std::size_t i = 0; i < models_n; ++i)
    truth.push_back(1000.0 + 50.0 * static_cast<double>(i));
  std::mt19937_64 rng(1);
  const auto simulated = testing::simulateVotes(truth, votes_n, rng, 0.1);
  {
    SqliteStore store(path);
    std::uniform_int_distribution<int> length(40, 400);
    for (std::size_t i = 0; i < simulated.size(); ++i) {
      const auto& s = simulated[i];
      ArenaVote v;
      v.id = randomId();
      v.battle_id = randomId();
      v.client_key = "id:c" + std::to_string(i % 500);
      v.winner = s.outcome == arena::Outcome::kAWins   ? ArenaWinner::kA
                 : s.outcome == arena::Outcome::kBWins ? ArenaWinner::kB
                                                       : ArenaWinner::kTie;
      v.model_a = "model-" + std::to_string(s.a);
      v.model_b = "model-" + std::to_string(s.b);
      v.provider_a = v.provider_b = "p";
      v.length_a = length(rng);
      v.length_b = length(rng);
      v.latency_a_ms = 800.0;
      v.latency_b_ms = 900.0;
      if (!store.recordArenaVote(v)) return 1;
    }
  }
  SqliteStore store(path);
  std::vector<double> list_ms, build_ms, build_cpu_ms;
  for (int r = 0; r < 5; ++r) {
    std::vector<ArenaVote> votes;
    list_ms.push_back(timeMs([&] { votes = store.listArenaVotes().value(); }).wall_ms);
    arena::Leaderboard board;
    const auto t = timeMs([&] { board = arena::buildLeaderboard(votes, 0); });
    build_ms.push_back(t.wall_ms);
    build_cpu_ms.push_back(t.cpu_ms);
    if (board.votes != static_cast<std::int64_t>(votes_n)) return 2;
  }
  {
    const auto votes = store.listArenaVotes().value();
    arena::LeaderboardOptions none;
    none.resamples = 0;
    std::vector<double> fit_only;
    for (int r = 0; r < 5; ++r)
      fit_only.push_back(timeMs([&] { (void)arena::buildLeaderboard(votes, 0, none); }).cpu_ms);
    std::printf("buildLeaderboard without the bootstrap: cpu %.2f ms\n", median(fit_only));
    std::vector<arena::RatedVote> rated;
    std::map<std::string, std::uint32_t> index;
    for (const auto& v : votes) {
      const auto a =
          index.try_emplace(v.model_a, static_cast<std::uint32_t>(index.size())).first->second;
      const auto b =
          index.try_emplace(v.model_b, static_cast<std::uint32_t>(index.size())).first->second;
      const auto o = v.winner == ArenaWinner::kA   ? arena::Outcome::kAWins
                     : v.winner == ArenaWinner::kB ? arena::Outcome::kBWins
                                                   : arena::Outcome::kTie;
      rated.push_back({a, b, o, arena::lengthDiff(v.length_a, v.length_b)});
    }
    arena::LengthControlledFit styled;
    const auto t = timeMs([&] { styled = arena::fitLengthControlled(index.size(), rated); });
    std::printf("fitLengthControlled: cpu %.2f ms, %d iterations, converged %d\n", t.cpu_ms,
                styled.iterations, styled.converged ? 1 : 0);
  }
  std::printf(
      "leaderboard: %zu votes, %zu models: listArenaVotes %.2f ms, buildLeaderboard %.2f ms "
      "(cpu %.2f ms), median of 5\n",
      votes_n, models_n, median(list_ms), median(build_ms), median(build_cpu_ms));

  // Separation. First passage: votes accumulate and are checked every 50, as one watching a live
  // arena would (many looks, so it comes early). Fixed count: at N votes, in how many of 20
  // simulations every adjacent pair's intervals are apart; the median is the first N where
  // at least half are.
  const std::vector<double> spaced{1150, 1050, 950, 850};
  std::vector<double> any, all;
  std::mt19937_64 sim(2026);
  for (int s = 0; s < 20; ++s) {
    const auto sep = testing::votesToSeparate(spaced, 50, 40'000, sim);
    any.push_back(static_cast<double>(sep.any));
    all.push_back(static_cast<double>(sep.all));
  }
  std::sort(any.begin(), any.end());
  std::sort(all.begin(), all.end());
  std::printf(
      "separation, 4 models 100 Elo apart (1150/1050/950/850), 95 %% intervals, 200 "
      "resamples, 20 simulations\n"
      "  first passage, checked every 50 votes: one adjacent pair apart at median %.0f "
      "votes (min %.0f, max %.0f); every adjacent pair at median %.0f (min %.0f, max %.0f)\n",
      median(any), any.front(), any.back(), median(all), all.front(), all.back());
  std::printf(
      "  fixed vote count: simulations (of 20) where every adjacent pair is apart / "
      "pairs apart (of 60)\n");
  for (std::size_t n : {250u, 500u, 750u, 1000u, 1500u, 2000u, 3000u, 4000u}) {
    int every = 0, pairs = 0;
    for (int s = 0; s < 20; ++s) {
      const auto votes = testing::simulateVotes(spaced, n, sim);
      const auto fit = arena::fitBradleyTerry(arena::winMatrix(4, votes));
      const auto ci = arena::bootstrapIntervals(4, votes, 200, sim, {}, fit.rating);
      int apart = 0;
      for (std::size_t i = 0; i + 1 < 4; ++i) apart += ci[i + 1].high < ci[i].low;
      pairs += apart;
      every += apart == 3;
    }
    std::printf("    %5zu votes: %2d / 20, %2d / 60\n", n, every, pairs);
  }
  return 0;
}
