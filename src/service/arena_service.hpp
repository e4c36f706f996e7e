#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "cache/budget_guard.hpp"
#include "cache/ingest.hpp"
#include "cache/saying_cache.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/mutex.hpp"
#include "core/ttl_cache.hpp"
#include "llm/gateway.hpp"
#include "service/arena_leaderboard.hpp"
#include "store/store.hpp"

namespace cs {

// The blind arena (docs/api.md, "Arena"): battles between two models' sayings, votes, and the
// leaderboard fitted on every stored vote.
//
// A battle's state lives in the store, so any instance takes its vote. Its sayings are only
// what models generated, never the shipped corpus, and never a saying that names its own
// model or provider (skipped and counted). Per chosen model, without a topic: a recent stored
// saying (fresh enough), else one from the model's pool in the cache, else a call to the
// model (ledger purpose `arena`, people's share of the budget). With a topic, a call.
class ArenaService {
 public:
  struct Options {
    std::chrono::milliseconds battle_ttl{3'600'000};      // how long a battle takes votes
    std::chrono::milliseconds fresh_for{7 * 86'400'000};  // stored sayings newer than this
    std::size_t recent_sayings = 1000;                    // stored sayings looked at
    std::chrono::milliseconds recent_ttl{30'000};         // how long that look is reused
    std::chrono::milliseconds call_deadline{20'000};      // a generation for a battle
    int sayings_per_call = 3;                             // the rest feed later battles
    std::chrono::milliseconds leaderboard_ttl{10'000};
    arena::LeaderboardOptions leaderboard;
    std::uint64_t seed = 0;  // 0: from std::random_device (tests fix it)
  };
  // Checks and normalises a topic (compare's rules): nullopt = no topic.
  using TopicCheck =
      std::function<Result<std::optional<std::string>>(const std::optional<std::string>&)>;

  // `pools` may be null (no cache).
  ArenaService(Store& store, llm::Gateway& gateway, cache::Ingestor& ingestor,
               cache::BudgetGuard& budget, cache::SayingCache* pools, const Clock& clock,
               Options options, TopicCheck topic_check);

  Result<std::optional<std::string>> validateTopic(const std::optional<std::string>& topic) const {
    return topic_check_(topic);
  }
  // Errors: "no_models" (fewer than two models have a saying to show), store errors.
  Result<ArenaBattle> createBattle(const std::optional<std::string>& topic);

  struct VoteResult {
    ArenaVoteOutcome outcome;
    ArenaBattle battle;  // for the reveal
  };
  // Errors: "not_found" (no such battle, or expired), store errors.
  Result<VoteResult> vote(const std::string& battle_id, const std::string& client_key,
                          ArenaWinner winner);

  // Cached for leaderboard_ttl, keyed on version(): this instance's own votes count at once.
  Result<arena::LeaderboardPtr> leaderboard();
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // Distinct sayings skipped because they named their own model or provider.
  std::uint64_t selfNamingSkipped() const { return self_naming_.load(); }
  std::uint64_t generationCalls() const { return calls_.load(); }

 private:
  struct Candidate {
    std::string model;
    std::string provider;
    std::vector<Saying> stored;  // fresh, honest stored sayings
    bool can_generate = false;   // enabled in the gateway
    bool pooled = false;         // the cache holds some of its sayings now
  };
  std::vector<Candidate> candidates(bool with_topic);
  Result<std::vector<Saying>> recentStored();
  std::pair<std::size_t, std::size_t> pickPair(const std::vector<Candidate>& c);
  std::optional<Saying> sayingFor(const Candidate& c, const std::optional<std::string>& topic);
  std::optional<Saying> generate(const std::string& model, const std::optional<std::string>& topic);
  bool honest(const Saying& s);
  std::string displayName(const std::string& model) const;

  Store& store_;
  llm::Gateway& gateway_;
  cache::Ingestor& ingestor_;
  cache::BudgetGuard& budget_;
  cache::SayingCache* pools_;
  const Clock& clock_;
  Options options_;
  TopicCheck topic_check_;

  Mutex rng_mutex_;
  std::mt19937_64 rng_ CS_GUARDED_BY(rng_mutex_);
  Mutex recent_mutex_;
  std::vector<Saying> recent_ CS_GUARDED_BY(recent_mutex_);
  std::optional<std::chrono::steady_clock::time_point> recent_at_ CS_GUARDED_BY(recent_mutex_);
  std::atomic<std::uint64_t> version_{0};
  Mutex skipped_mutex_;
  // ids already counted in self_naming_ (bounded)
  std::unordered_set<std::string> skipped_ CS_GUARDED_BY(skipped_mutex_);
  std::atomic<std::uint64_t> self_naming_{0};
  std::atomic<std::uint64_t> calls_{0};
  TtlCache<std::uint64_t, arena::LeaderboardPtr> board_cache_;
  Mutex compute_mutex_;  // guards no field: one leaderboard computation at a time
};

}  // namespace cs
