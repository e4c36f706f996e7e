// SqliteStore's arena tables (arena_battles, arena_votes; migration v5), apart from
// sqlite_store.cpp.
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "core/json_field.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace cs {

using sqlite::Statement;
using sqlite::Transaction;

namespace {
// Expired battles older than this are deleted when a new one is written: the table stays
// the size of a day's battles (votes keep what the leaderboard needs).
constexpr std::int64_t kKeepExpiredMs = std::int64_t{24} * 3'600'000;

constexpr std::string_view kBattleColumns =
    "id, topic, created_at, expires_at, a_saying_id, a_text, a_services, a_model, a_provider, "
    "a_latency_ms, a_cost_usd, b_saying_id, b_text, b_services, b_model, b_provider, "
    "b_latency_ms, b_cost_usd";

constexpr std::string_view kVoteColumns =
    "id, battle_id, client_key, winner, created_at, model_a, provider_a, model_b, provider_b, "
    "length_a, length_b, latency_a_ms, latency_b_ms, cost_a_usd, cost_b_usd, honest";

std::vector<std::string> servicesFromText(const std::string& text) {
  std::vector<std::string> out;
  const auto doc = jsonf::parse(text);
  if (!doc || !doc->is_array()) return out;
  for (const auto& v : *doc)
    if (auto s = jsonf::string(v)) out.push_back(std::move(*s));
  return out;
}

void bindSide(Statement& st, int first, const ArenaSide& s) {
  st.bind(first, s.saying_id).bind(first + 1, s.text);
  st.bind(first + 2, nlohmann::json(s.services).dump()).bind(first + 3, s.model);
  st.bind(first + 4, s.provider).bind(first + 5, s.latency_ms).bind(first + 6, s.cost_usd);
}

ArenaSide readSide(const Statement& st, int first) {
  ArenaSide s;
  s.saying_id = st.text(first);
  s.text = st.text(first + 1);
  s.services = servicesFromText(st.text(first + 2));
  s.model = st.text(first + 3);
  s.provider = st.text(first + 4);
  s.latency_ms = st.optReal(first + 5);
  s.cost_usd = st.real(first + 6);
  return s;
}

ArenaVote readVote(const Statement& st) {
  ArenaVote v;
  v.id = st.text(0);
  v.battle_id = st.text(1);
  v.client_key = st.text(2);
  v.winner = arenaWinnerFromName(st.text(3)).value_or(ArenaWinner::kTie);
  v.created_at_ms = st.int64(4);
  v.model_a = st.text(5);
  v.provider_a = st.text(6);
  v.model_b = st.text(7);
  v.provider_b = st.text(8);
  v.length_a = st.int64(9);
  v.length_b = st.int64(10);
  v.latency_a_ms = st.optReal(11);
  v.latency_b_ms = st.optReal(12);
  v.cost_a_usd = st.real(13);
  v.cost_b_usd = st.real(14);
  v.honest = st.int64(15) != 0;
  return v;
}
}  // namespace

Result<void> SqliteStore::putBattle(const ArenaBattle& b) {
  auto lock = lockWriter();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "putBattle: store busy");
  Transaction tx(db_);
  if (!tx.ok()) return std::unexpected(writeFailed(tx.beginCode(), "putBattle"));
  Statement ins(db_,
                "INSERT INTO arena_battles (" + std::string(kBattleColumns) +
                    ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING");
  if (!ins.ok()) return std::unexpected(sqlite::toError(db_, sqlite3_errcode(db_), "putBattle"));
  ins.bind(1, b.id);
  if (b.topic)
    ins.bind(2, *b.topic);
  else
    ins.bindNull(2);
  ins.bind(3, b.created_at_ms).bind(4, b.expires_at_ms);
  bindSide(ins, 5, b.a);
  bindSide(ins, 12, b.b);
  if (int rc = ins.step(); rc != SQLITE_DONE) return std::unexpected(writeFailed(rc, "putBattle"));
  Statement prune(db_, "DELETE FROM arena_battles WHERE expires_at < ?");
  prune.bind(1, b.created_at_ms - kKeepExpiredMs);
  if (int rc = prune.step(); rc != SQLITE_DONE)
    return std::unexpected(writeFailed(rc, "putBattle (prune)"));
  return commitWrite(tx, "putBattle");
}

Result<std::optional<ArenaBattle>> SqliteStore::getBattle(const std::string& id) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "getBattle: store busy");
  Statement st(read_db_,
               "SELECT " + std::string(kBattleColumns) + " FROM arena_battles WHERE id = ?");
  if (!st.ok())
    return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "getBattle"));
  st.bind(1, id);
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<ArenaBattle>();
  if (rc != SQLITE_ROW) return std::unexpected(sqlite::toError(read_db_, rc, "getBattle"));
  ArenaBattle b;
  b.id = st.text(0);
  if (!st.isNull(1)) b.topic = st.text(1);
  b.created_at_ms = st.int64(2);
  b.expires_at_ms = st.int64(3);
  b.a = readSide(st, 4);
  b.b = readSide(st, 11);
  return std::optional<ArenaBattle>(std::move(b));
}

Result<ArenaVoteOutcome> SqliteStore::recordArenaVote(const ArenaVote& v) {
  auto lock = lockWriter();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "recordArenaVote: store busy");
  // One transaction: the UNIQUE (battle_id, client_key) insert and, when it conflicts, the
  // read of the vote that stands.
  Transaction tx(db_);
  if (!tx.ok()) return std::unexpected(writeFailed(tx.beginCode(), "recordArenaVote"));
  Statement ins(db_, "INSERT INTO arena_votes (" + std::string(kVoteColumns) +
                         ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                         "ON CONFLICT(battle_id, client_key) DO NOTHING");
  if (!ins.ok())
    return std::unexpected(sqlite::toError(db_, sqlite3_errcode(db_), "recordArenaVote"));
  ins.bind(1, v.id).bind(2, v.battle_id).bind(3, v.client_key);
  ins.bind(4, std::string_view(arenaWinnerName(v.winner))).bind(5, v.created_at_ms);
  ins.bind(6, v.model_a).bind(7, v.provider_a).bind(8, v.model_b).bind(9, v.provider_b);
  ins.bind(10, v.length_a).bind(11, v.length_b).bind(12, v.latency_a_ms).bind(13, v.latency_b_ms);
  ins.bind(14, v.cost_a_usd).bind(15, v.cost_b_usd);
  ins.bind(16, static_cast<std::int64_t>(v.honest ? 1 : 0));
  if (int rc = ins.step(); rc != SQLITE_DONE)
    return std::unexpected(writeFailed(rc, "recordArenaVote"));
  ArenaVoteOutcome out{true, v.winner};
  if (sqlite3_changes(db_) == 0) {
    Statement prior(db_,
                    "SELECT id, winner FROM arena_votes WHERE battle_id = ? AND client_key = ?");
    prior.bind(1, v.battle_id).bind(2, v.client_key);
    const int rc = prior.step();
    if (rc != SQLITE_ROW) return std::unexpected(sqlite::toError(db_, rc, "recordArenaVote"));
    out.counted = prior.text(0) == v.id;
    out.winner = arenaWinnerFromName(prior.text(1)).value_or(ArenaWinner::kTie);
  }
  if (auto c = commitWrite(tx, "recordArenaVote"); !c) return std::unexpected(c.error());
  return out;
}

Result<std::vector<ArenaVote>> SqliteStore::listArenaVotes() {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "listArenaVotes: store busy");
  Statement st(read_db_, "SELECT " + std::string(kVoteColumns) + " FROM arena_votes");
  if (!st.ok())
    return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "listArenaVotes"));
  std::vector<ArenaVote> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readVote(st));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "listArenaVotes"));
  return out;
}

}  // namespace cs
