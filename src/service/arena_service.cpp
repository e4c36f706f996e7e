#include "service/arena_service.hpp"

#include <algorithm>
#include <map>

#include "core/ids.hpp"
#include "obs/logger.hpp"
#include "service/arena_honesty.hpp"

namespace cs {

namespace {
constexpr int kPickAttempts = 4;

// Characters, not bytes: a UTF-8 continuation byte does not start one.
std::int64_t characters(std::string_view text) {
  std::int64_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

ArenaSide sideOf(const Saying& s) {
  return ArenaSide{s.id, s.text, s.services, s.model, s.provider, s.llm_ms, s.cost_usd};
}

bool isCorpus(const Saying& s) {
  return s.model == "corpus" || s.provider == "corpus";
}

// How much two intervals overlap, relative to the narrower (1 = one inside the other).
double overlap(const arena::LeaderboardRow& x, const arena::LeaderboardRow& y) {
  const double inter = std::min(x.ci_high, y.ci_high) - std::max(x.ci_low, y.ci_low);
  const double narrower = std::min(x.ci_high - x.ci_low, y.ci_high - y.ci_low);
  if (inter < 0) return 0.0;
  if (narrower <= 0) return 1.0;
  return std::min(1.0, inter / narrower);
}
}  // namespace

ArenaService::ArenaService(Store& store, llm::Gateway& gateway, cache::Ingestor& ingestor,
                           cache::BudgetGuard& budget, cache::SayingCache* pools,
                           const Clock& clock, Options options, TopicCheck topic_check)
    : store_(store),
      gateway_(gateway),
      ingestor_(ingestor),
      budget_(budget),
      pools_(pools),
      clock_(clock),
      options_(options),
      topic_check_(std::move(topic_check)),
      rng_(options_.seed ? options_.seed : std::random_device{}()),
      board_cache_(clock, options_.leaderboard_ttl, 16) {}

std::string ArenaService::displayName(const std::string& model) const {
  for (const auto& m : gateway_.models())
    if (m.info.id == model) return m.info.display_name;
  return {};
}

bool ArenaService::honest(const Saying& s) {
  if (!arena::namesItself(s.text, arena::selfNames(s.model, s.provider, displayName(s.model))))
    return true;
  {
    MutexLock lock(skipped_mutex_);
    if (skipped_.size() >= 100'000) skipped_.clear();
    if (!skipped_.insert(s.id).second) return false;  // counted and logged once
  }
  self_naming_.fetch_add(1);
  obs::log().info("Arena skipped a saying that names its own model",
                  {{"saying_id", s.id}, {"model", s.model}});
  return false;
}

Result<std::vector<Saying>> ArenaService::recentStored() {
  MutexLock lock(recent_mutex_);
  const auto now = clock_.now();
  if (recent_at_ && now - *recent_at_ < options_.recent_ttl) return recent_;
  auto sayings = store_.recentSayings(options_.recent_sayings);
  if (!sayings) return std::unexpected(sayings.error());
  const std::int64_t oldest = clock_.wallMs() - options_.fresh_for.count();
  recent_.clear();
  for (auto& s : *sayings)
    if (!isCorpus(s) && !s.text.empty() && s.created_at_ms >= oldest && honest(s))
      recent_.push_back(std::move(s));
  recent_at_ = now;
  return recent_;
}

std::vector<ArenaService::Candidate> ArenaService::candidates(bool with_topic) {
  std::map<std::string, Candidate> by_model;
  for (const auto& m : gateway_.models()) {
    if (!m.enabled || m.health == "open") continue;  // an open circuit would fail the call
    auto& c = by_model[m.info.id];
    c.model = m.info.id;
    c.provider = m.info.provider;
    c.can_generate = true;
  }
  if (!with_topic) {
    if (auto recent = recentStored()) {
      for (auto& s : *recent) {
        auto& c = by_model[s.model];
        c.model = s.model;
        c.provider = s.provider;
        c.stored.push_back(std::move(s));
      }
    } else {
      obs::log().warn(
          "Arena could not read recent sayings",
          {{"error_type", recent.error().name()}, {"error_message", recent.error().message}});
    }
    if (pools_)
      for (const auto& p : pools_->stats())
        if (p.size > 0)
          if (auto it = by_model.find(p.model); it != by_model.end()) it->second.pooled = true;
  }
  std::vector<Candidate> out;
  for (auto& [model, c] : by_model)
    if (c.can_generate || (!with_topic && (!c.stored.empty() || c.pooled)))
      out.push_back(std::move(c));
  return out;
}

std::pair<std::size_t, std::size_t> ArenaService::pickPair(const std::vector<Candidate>& c) {
  // The least certain comparisons first: fewest votes, most overlapping intervals. Weighted,
  // not argmax, so every pair keeps being asked.
  auto board = leaderboard();
  std::map<std::string, const arena::LeaderboardRow*> rows;
  if (board)
    for (const auto& row : (*board)->models) rows[row.model] = &row;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::vector<double> weights;
  for (std::size_t i = 0; i < c.size(); ++i)
    for (std::size_t j = i + 1; j < c.size(); ++j) {
      std::int64_t votes = 0;
      double overlapping = 1.0;
      if (board) {
        const auto key = std::minmax(c[i].model, c[j].model);
        if (auto it = (*board)->pair_votes.find({key.first, key.second});
            it != (*board)->pair_votes.end())
          votes = it->second;
        auto x = rows.find(c[i].model);
        auto y = rows.find(c[j].model);
        if (x != rows.end() && y != rows.end()) overlapping = overlap(*x->second, *y->second);
      }
      pairs.emplace_back(i, j);
      weights.push_back(1.0 / (1.0 + static_cast<double>(votes)) + overlapping);
    }
  MutexLock lock(rng_mutex_);
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  auto chosen = pairs[pick(rng_)];
  if (std::bernoulli_distribution(0.5)(rng_)) std::swap(chosen.first, chosen.second);
  return chosen;
}

std::optional<Saying> ArenaService::generate(const std::string& model,
                                             const std::optional<std::string>& topic) {
  std::string why;
  if (!budget_.tryAcquire(llm::Purpose::kArena, &why)) {
    obs::log().warn("Arena call refused by the budget", {{"model", model}, {"reason", why}});
    return std::nullopt;
  }
  llm::GenerationRequest request;
  request.model_id = model;
  request.count = options_.sayings_per_call;
  request.topic = topic;
  // The gateway's deadlines are real steady time (llm::Deadline), never the injected clock.
  request.deadline = std::chrono::steady_clock::now() + options_.call_deadline;
  request.purpose = llm::Purpose::kArena;
  calls_.fetch_add(1);
  auto result = gateway_.generate(request);
  if (!result) {
    // The gateway logged the failure with its error_type ("LLM call failed"): failure and
    // detail here, so Logs Insights counts the call once.
    obs::log().warn("Arena call failed", {{"model", model},
                                          {"failure", llm::kindName(result.error().kind)},
                                          {"detail", result.error().message}});
    return std::nullopt;
  }
  budget_.recordCost(llm::Purpose::kArena, result->cost_usd);
  // Stored by the ingestor: the ones not shown now serve later battles from the store.
  auto ingested = ingestor_.ingest(*result);
  std::optional<Saying> shown;
  std::vector<Saying> spare;
  for (auto& s : ingested.accepted) {
    if (!honest(s)) continue;
    if (!shown)
      shown = std::move(s);
    else if (!topic)
      spare.push_back(std::move(s));
  }
  // The spares are stored: later battles may show them before the next look at the store.
  if (!spare.empty()) {
    MutexLock lock(recent_mutex_);
    if (recent_at_) recent_.insert(recent_.end(), spare.begin(), spare.end());
  }
  return shown;
}

std::optional<Saying> ArenaService::sayingFor(const Candidate& c,
                                              const std::optional<std::string>& topic) {
  if (topic) return generate(c.model, topic);
  if (!c.stored.empty()) {
    MutexLock lock(rng_mutex_);
    return c.stored[std::uniform_int_distribution<std::size_t>(0, c.stored.size() - 1)(rng_)];
  }
  if (c.pooled && pools_)
    if (auto hit = pools_->take(c.model, /*refill_when_empty=*/false))
      if (!isCorpus(*hit->saying) && honest(*hit->saying)) return *hit->saying;
  if (c.can_generate) return generate(c.model, std::nullopt);
  return std::nullopt;
}

Result<ArenaBattle> ArenaService::createBattle(const std::optional<std::string>& topic) {
  auto c = candidates(topic.has_value());
  for (int attempt = 0; attempt < kPickAttempts && c.size() >= 2; ++attempt) {
    const auto [i, j] = pickPair(c);
    auto left = sayingFor(c[i], topic);
    auto right = left ? sayingFor(c[j], topic) : std::nullopt;
    if (!left || !right) {
      // Drop the model that had nothing to show and choose again among the rest.
      c.erase(c.begin() + static_cast<std::ptrdiff_t>(!left ? i : j));
      continue;
    }
    ArenaBattle battle;
    battle.id = randomId();
    battle.topic = topic;
    battle.created_at_ms = clock_.wallMs();
    battle.expires_at_ms = battle.created_at_ms + options_.battle_ttl.count();
    battle.a = sideOf(*left);
    battle.b = sideOf(*right);
    if (auto put = store_.putBattle(battle); !put) return std::unexpected(put.error());
    return battle;
  }
  return fail(ErrorCode::kNoModels,
              topic ? "the arena needs two models that can be called for a topic; try again "
                      "without one or later"
                    : "the arena needs sayings from two models; none are ready yet");
}

Result<ArenaService::VoteResult> ArenaService::vote(const std::string& battle_id,
                                                    const std::string& client_key,
                                                    ArenaWinner winner) {
  auto found = store_.getBattle(battle_id);
  if (!found) return std::unexpected(found.error());
  const std::int64_t now = clock_.wallMs();
  if (!*found || (*found)->expires_at_ms <= now)
    return fail(ErrorCode::kNotFound, "no open battle with id " + battle_id);
  const ArenaBattle& b = **found;
  ArenaVote v;
  v.id = randomId();
  v.battle_id = b.id;
  v.client_key = client_key;
  v.winner = winner;
  v.created_at_ms = now;
  v.model_a = b.a.model;
  v.provider_a = b.a.provider;
  v.model_b = b.b.model;
  v.provider_b = b.b.provider;
  v.length_a = characters(b.a.text);
  v.length_b = characters(b.b.text);
  v.latency_a_ms = b.a.latency_ms;
  v.latency_b_ms = b.b.latency_ms;
  v.cost_a_usd = b.a.cost_usd;
  v.cost_b_usd = b.b.cost_usd;
  // Checked again on the stored texts: a battle written by an instance with other rules (or
  // straight into the store) still cannot put a self-naming saying into the ratings.
  auto names_itself = [&](const ArenaSide& s) {
    return arena::namesItself(s.text, arena::selfNames(s.model, s.provider, displayName(s.model)));
  };
  v.honest = !names_itself(b.a) && !names_itself(b.b) && b.a.model != b.b.model;
  auto outcome = store_.recordArenaVote(v);
  if (!outcome) return std::unexpected(outcome.error());
  if (outcome->counted) version_.fetch_add(1, std::memory_order_acq_rel);
  return VoteResult{*outcome, b};
}

Result<arena::LeaderboardPtr> ArenaService::leaderboard() {
  const std::uint64_t key = version();
  if (auto hit = board_cache_.get(key)) return *hit;
  MutexLock one_at_a_time(compute_mutex_);
  if (auto hit = board_cache_.get(key)) return *hit;
  auto votes = store_.listArenaVotes();
  if (!votes) return std::unexpected(votes.error());
  auto board = std::make_shared<const arena::Leaderboard>(
      arena::buildLeaderboard(*votes, clock_.wallMs(), options_.leaderboard));
  board_cache_.put(key, board);
  return arena::LeaderboardPtr(board);
}

}  // namespace cs
