#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

// One side of a blind arena battle: the saying shown and what the reveal tells after the vote.
// latency_ms and cost_usd are the saying's own figures (Saying::llm_ms, Saying::cost_usd).
struct ArenaSide {
  std::string saying_id;
  std::string text;
  std::vector<std::string> services;
  std::string model;
  std::string provider;
  std::optional<double> latency_ms;
  double cost_usd = 0.0;
};

// A battle as stored: kept in the store (not in memory) so any instance can take its vote.
struct ArenaBattle {
  std::string id;
  std::optional<std::string> topic;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;  // votes at or after this are refused (404)
  ArenaSide a;                     // the left card, as shown
  ArenaSide b;
};

enum class ArenaWinner { kA, kB, kTie, kBothBad };
inline const char* arenaWinnerName(ArenaWinner w) {
  switch (w) {
    case ArenaWinner::kA:
      return "a";
    case ArenaWinner::kB:
      return "b";
    case ArenaWinner::kTie:
      return "tie";
    case ArenaWinner::kBothBad:
      return "both_bad";
  }
  return "tie";
}
inline std::optional<ArenaWinner> arenaWinnerFromName(std::string_view s) {
  if (s == "a") return ArenaWinner::kA;
  if (s == "b") return ArenaWinner::kB;
  if (s == "tie") return ArenaWinner::kTie;
  if (s == "both_bad") return ArenaWinner::kBothBad;
  return std::nullopt;
}

// One arena vote, with what the leaderboard needs from its battle copied in, so the leaderboard
// reads one table and never a battle (battles may expire and be deleted).
struct ArenaVote {
  std::string id;  // the record's own id: a retried write recognises itself by it
  std::string battle_id;
  std::string client_key;  // one counted vote per (battle_id, client_key)
  ArenaWinner winner = ArenaWinner::kTie;
  std::int64_t created_at_ms = 0;
  std::string model_a, provider_a, model_b, provider_b;
  std::int64_t length_a = 0, length_b = 0;  // characters of each saying (style control)
  std::optional<double> latency_a_ms, latency_b_ms;
  double cost_a_usd = 0.0, cost_b_usd = 0.0;
  // false when a side's saying names its own model or provider: stored, never rated.
  bool honest = true;
};

struct ArenaVoteOutcome {
  bool counted = false;                    // false: this client had voted on this battle
  ArenaWinner winner = ArenaWinner::kTie;  // the vote that stands (the first)
};

}  // namespace cs
