#include "store/sqlite_store.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "store/sqlite_migrations.hpp"
#include "store/sqlite_util.hpp"

namespace cs {

using sqlite::Statement;
using sqlite::Transaction;

namespace {
constexpr std::string_view kSayingColumns =
    "id, text, services, model, provider, input_tokens, output_tokens, cost_usd, llm_ms, "
    "created_at, upvotes, downvotes";

Saying readSaying(const Statement& st) {
  Saying s;
  s.id = st.text(0);
  s.text = st.text(1);
  auto services = nlohmann::json::parse(st.text(2), nullptr, false);
  if (services.is_array())
    for (const auto& v : services)
      if (v.is_string()) s.services.push_back(v.get<std::string>());
  s.model = st.text(3);
  s.provider = st.text(4);
  s.tokens.input_tokens = st.int64(5);
  s.tokens.output_tokens = st.int64(6);
  s.cost_usd = st.real(7);
  s.llm_ms = st.optReal(8);
  s.created_at_ms = st.int64(9);
  s.upvotes = st.int64(10);
  s.downvotes = st.int64(11);
  return s;
}

FeedbackRecord readFeedback(const Statement& st) {
  FeedbackRecord r;
  r.id = st.text(0);
  r.saying_id = st.text(1);
  r.vote = st.text(2) == "down" ? Vote::kDown : Vote::kUp;
  r.model = st.text(3);
  r.provider = st.text(4);
  r.execution_time = st.optReal(5);
  r.original_llm_time = st.optReal(6);
  if (!st.isNull(7)) r.is_cached = st.int64(7) != 0;
  r.client_key = st.text(8);
  r.created_at_ms = st.int64(9);
  return r;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, SqliteOptions options) : options_(options) {
  // "file:...?mode=ro" (an SQLite URI) opens the store read-only, e.g. a replica copy; it names
  // no plain directory to create.
  if (path != ":memory:" && !path.starts_with("file:")) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  const int rc = sqlite3_open_v2(
      path.c_str(), &db_,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open SQLite store " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, static_cast<int>(options_.busy_timeout.count()));
  // WAL lets readers in other processes (a second instance, the sqlite3 shell) run while we
  // write; synchronous=FULL makes an acknowledged vote survive a crash or power loss.
  for (auto pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto r = sqlite::exec(db_, pragma);
        !r && std::string_view(pragma).find("WAL") == std::string_view::npos)
      throw std::runtime_error("SQLite store " + path + ": " + r.error().message);
  }
  migrate();
  writable_ = sqlite3_db_readonly(db_, "main") == 0;
  // The reading connection (WAL: it never waits for a writer). An in-memory database is
  // private to its connection, so there the writer reads too.
  if (path != ":memory:" && path.find("mode=memory") == std::string::npos) {
    if (sqlite3_open_v2(path.c_str(), &read_db_own_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                        nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(read_db_own_, static_cast<int>(options_.busy_timeout.count()));
      read_db_ = read_db_own_;
      read_mutex_ = &read_mutex_own_;
    } else {
      sqlite3_close(read_db_own_);
      read_db_own_ = nullptr;
    }
  }
  if (!read_db_) read_db_ = db_;
}

SqliteStore::~SqliteStore() {
  sqlite3_close(read_db_own_);
  sqlite3_close(db_);
}

SqliteStore::Lock SqliteStore::lockWriter() {
  return Lock(mutex_, options_.busy_timeout);
}

SqliteStore::Lock SqliteStore::lockReader() {
  return Lock(*read_mutex_, options_.busy_timeout);
}

Error SqliteStore::writeFailed(int rc, std::string_view what) {
  const int primary = rc & 0xFF;
  if (writable_ && primary != SQLITE_BUSY && primary != SQLITE_LOCKED) writes_failing_ = true;
  return sqlite::toError(db_, rc, what);
}

Result<void> SqliteStore::commitWrite(Transaction& tx, std::string_view what) {
  if (auto c = tx.commit(); !c) {
    const int rc = sqlite3_errcode(db_);
    auto e = writeFailed(rc == SQLITE_OK ? SQLITE_IOERR : rc, what);
    return fail(c.error().code, e.message);
  }
  writes_failing_ = false;
  return {};
}

Result<std::int64_t> SqliteStore::setMaxPageCount(std::int64_t pages) {
  auto lock = lockWriter();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "setMaxPageCount: store busy");
  Statement st(db_, "PRAGMA max_page_count = " + std::to_string(pages));
  if (st.step() != SQLITE_ROW)
    return std::unexpected(sqlite::toError(db_, sqlite3_errcode(db_), "max_page_count"));
  return st.int64(0);
}

Result<void> SqliteStore::probeWrite() {
  // Allocates a few pages (a 16 KB key) and commits, then frees them again: what a vote needs
  // from the disk, without leaving a trace (the row is deleted in the same transaction).
  Transaction tx(db_);
  if (!tx.ok()) return std::unexpected(writeFailed(tx.beginCode(), "write probe"));
  for (auto sql : {"INSERT INTO request_stats (minute_ms, model, source) "
                   "VALUES (-1, hex(zeroblob(8192)), 'write-probe')",
                   "DELETE FROM request_stats WHERE minute_ms = -1 AND source = 'write-probe'"}) {
    Statement st(db_, sql);
    if (!st.ok()) return std::unexpected(writeFailed(sqlite3_errcode(db_), "write probe"));
    if (int rc = st.step(); rc != SQLITE_DONE)
      return std::unexpected(writeFailed(rc, "write probe"));
  }
  return commitWrite(tx, "write probe");
}

int SqliteStore::schemaVersion() {
  BoundedMutexLock lock(mutex_);  // start-up and tests: no bound needed
  Statement st(db_, "PRAGMA user_version");
  return st.step() == SQLITE_ROW ? static_cast<int>(st.int64(0)) : -1;
}

void SqliteStore::migrate() {
  int version = 0;
  {
    Statement st(db_, "PRAGMA user_version");
    if (st.step() == SQLITE_ROW) version = static_cast<int>(st.int64(0));
  }
  const auto all = sqlite::migrations();
  for (int v = version; v < static_cast<int>(all.size()); ++v) {
    Transaction tx(db_);
    if (!tx.ok()) throw std::runtime_error("SQLite migration: cannot begin transaction");
    if (auto r = sqlite::exec(db_, all[static_cast<std::size_t>(v)]); !r)
      throw std::runtime_error("SQLite migration " + std::to_string(v + 1) + ": " +
                               r.error().message);
    if (auto r = sqlite::exec(db_, "PRAGMA user_version=" + std::to_string(v + 1)); !r)
      throw std::runtime_error("SQLite migration version: " + r.error().message);
    if (auto r = tx.commit(); !r)
      throw std::runtime_error("SQLite migration commit: " + r.error().message);
  }
}

Result<void> SqliteStore::ping() {
  {
    auto lock = lockReader();
    if (!lock) return fail(ErrorCode::kStoreUnavailable, "ping: store busy");
    Statement st(read_db_, "SELECT count(*) FROM main_humor WHERE rowid = 1");
    if (!st.ok())
      return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "ping"));
    const int rc = st.step();
    if (rc != SQLITE_ROW) return std::unexpected(sqlite::toError(read_db_, rc, "ping"));
  }
  if (!writes_failing_) return {};
  // The last write failed (disk full, say): ready again only once a write goes through.
  auto lock = lockWriter();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "ping: store busy");
  return probeWrite();
}

Result<bool> SqliteStore::putSaying(const Saying& s) {
  auto lock = lockWriter();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "putSaying: store busy");
  Statement st(db_,
               "INSERT INTO main_humor (id, text, services, model, provider, input_tokens, "
               "output_tokens, cost_usd, llm_ms, created_at, upvotes, downvotes) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING");
  if (!st.ok()) return std::unexpected(sqlite::toError(db_, sqlite3_errcode(db_), "putSaying"));
  st.bind(1, s.id).bind(2, s.text).bind(3, nlohmann::json(s.services).dump()).bind(4, s.model);
  st.bind(5, s.provider).bind(6, s.tokens.input_tokens).bind(7, s.tokens.output_tokens);
  st.bind(8, s.cost_usd).bind(9, s.llm_ms).bind(10, s.created_at_ms).bind(11, s.upvotes);
  st.bind(12, s.downvotes);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return std::unexpected(writeFailed(rc, "putSaying"));
  writes_failing_ = false;
  return sqlite3_changes(db_) > 0;
}

Result<std::optional<Saying>> SqliteStore::getSaying(const std::string& id) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "getSaying: store busy");
  Statement st(read_db_, "SELECT " + std::string(kSayingColumns) + " FROM main_humor WHERE id = ?");
  if (!st.ok())
    return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "getSaying"));
  st.bind(1, id);
  const int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<Saying>(readSaying(st));
  if (rc == SQLITE_DONE) return std::optional<Saying>();
  return std::unexpected(sqlite::toError(read_db_, rc, "getSaying"));
}

Result<std::vector<Saying>> SqliteStore::getSayings(const std::vector<std::string>& ids) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "getSayings: store busy");
  std::vector<Saying> out;
  Statement st(read_db_, "SELECT " + std::string(kSayingColumns) + " FROM main_humor WHERE id = ?");
  if (!st.ok())
    return std::unexpected(sqlite::toError(read_db_, sqlite3_errcode(read_db_), "getSayings"));
  for (const auto& id : ids) {
    st.reset();
    st.bind(1, id);
    const int rc = st.step();
    if (rc == SQLITE_ROW)
      out.push_back(readSaying(st));
    else if (rc != SQLITE_DONE)
      return std::unexpected(sqlite::toError(read_db_, rc, "getSayings"));
  }
  return out;
}

Result<std::vector<std::string>> SqliteStore::listSayingIds() {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "listSayingIds: store busy");
  Statement st(read_db_, "SELECT id FROM main_humor");
  std::vector<std::string> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.text(0));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "listSayingIds"));
  return out;
}

Result<std::vector<Saying>> SqliteStore::recentSayings(std::size_t limit) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "recentSayings: store busy");
  Statement st(read_db_, "SELECT " + std::string(kSayingColumns) +
                             " FROM main_humor ORDER BY created_at DESC, id LIMIT ?");
  st.bind(1, static_cast<std::int64_t>(limit));
  std::vector<Saying> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readSaying(st));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "recentSayings"));
  return out;
}

Result<VoteOutcome> SqliteStore::recordVote(const FeedbackRecord& r) {
  auto lock = lockWriter();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "recordVote: store busy");
  Transaction tx(db_);
  if (!tx.ok()) return std::unexpected(writeFailed(tx.beginCode(), "recordVote"));
  {
    Statement prior(db_, "SELECT id FROM saying_feedback WHERE saying_id = ? AND client_key = ?");
    prior.bind(1, r.saying_id).bind(2, r.client_key);
    const int rc = prior.step();
    if (rc == SQLITE_ROW) return VoteOutcome{false, prior.text(0)};
    if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(db_, rc, "recordVote"));
  }
  Statement bump(db_, r.vote == Vote::kUp
                          ? "UPDATE main_humor SET upvotes = upvotes + 1 WHERE id = ?"
                          : "UPDATE main_humor SET downvotes = downvotes + 1 WHERE id = ?");
  bump.bind(1, r.saying_id);
  if (int rc = bump.step(); rc != SQLITE_DONE)
    return std::unexpected(writeFailed(rc, "recordVote"));
  if (sqlite3_changes(db_) == 0)
    return fail(ErrorCode::kNotFound, "no saying with id " + r.saying_id);
  Statement ins(
      db_,
      "INSERT INTO saying_feedback (id, saying_id, vote, model, provider, execution_time, "
      "original_llm_time, is_cached, client_key, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, r.id)
      .bind(2, r.saying_id)
      .bind(3, std::string_view(voteName(r.vote)))
      .bind(4, r.model);
  ins.bind(5, r.provider).bind(6, r.execution_time).bind(7, r.original_llm_time);
  if (r.is_cached)
    ins.bind(8, static_cast<std::int64_t>(*r.is_cached ? 1 : 0));
  else
    ins.bindNull(8);
  ins.bind(9, r.client_key).bind(10, r.created_at_ms);
  if (int rc = ins.step(); rc != SQLITE_DONE) return std::unexpected(writeFailed(rc, "recordVote"));
  // Only here, once the vote counts: the duplicate returned above adds nothing.
  if (auto added = addVoteRollups(r); !added) return std::unexpected(added.error());
  if (auto c = commitWrite(tx, "recordVote"); !c) return std::unexpected(c.error());
  return VoteOutcome{true, r.id};
}

Result<std::vector<FeedbackRecord>> SqliteStore::listFeedback(const TimeRange& range) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "listFeedback: store busy");
  Statement st(read_db_,
               "SELECT id, saying_id, vote, model, provider, execution_time, original_llm_time, "
               "is_cached, client_key, created_at FROM saying_feedback "
               "WHERE created_at >= ? AND created_at < ? ORDER BY created_at");
  st.bind(1, range.from_ms).bind(2, range.to_ms);
  std::vector<FeedbackRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readFeedback(st));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "listFeedback"));
  return out;
}

Result<void> SqliteStore::addRequestStats(const std::vector<RequestStatsRow>& rows) {
  if (rows.empty()) return {};
  auto lock = lockWriter();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "addRequestStats: store busy");
  // One transaction per batch: one fsync for the whole batch instead of one per row.
  Transaction tx(db_);
  if (!tx.ok()) return std::unexpected(writeFailed(tx.beginCode(), "addRequestStats"));
  Statement st(
      db_,
      "INSERT INTO request_stats (minute_ms, model, source, invocations, errors, cache_hits, "
      "tokens, cost_usd, total_ms, api_calls, api_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(minute_ms, model, source) DO UPDATE SET "
      "invocations = invocations + excluded.invocations, errors = errors + excluded.errors, "
      "cache_hits = cache_hits + excluded.cache_hits, tokens = tokens + excluded.tokens, "
      "cost_usd = cost_usd + excluded.cost_usd, total_ms = total_ms + excluded.total_ms, "
      "api_calls = api_calls + excluded.api_calls, api_ms = api_ms + excluded.api_ms");
  if (!st.ok())
    return std::unexpected(sqlite::toError(db_, sqlite3_errcode(db_), "addRequestStats"));
  for (const auto& r : rows) {
    st.reset();
    st.bind(1, r.minute_ms)
        .bind(2, r.model)
        .bind(3, r.source)
        .bind(4, r.invocations)
        .bind(5, r.errors);
    st.bind(6, r.cache_hits).bind(7, r.tokens).bind(8, r.cost_usd).bind(9, r.total_ms);
    st.bind(10, r.api_calls).bind(11, r.api_ms);
    if (int rc = st.step(); rc != SQLITE_DONE)
      return std::unexpected(writeFailed(rc, "addRequestStats"));
  }
  return commitWrite(tx, "addRequestStats");
}

Result<std::vector<RequestStatsRow>> SqliteStore::listRequestStats(const TimeRange& range) {
  auto lock = lockReader();
  if (!lock) return fail(ErrorCode::kStoreUnavailable, "listRequestStats: store busy");
  Statement st(
      read_db_,
      "SELECT minute_ms, model, source, invocations, errors, cache_hits, tokens, cost_usd, "
      "total_ms, api_calls, api_ms FROM request_stats WHERE minute_ms >= ? AND minute_ms < ?");
  if (!st.ok())
    return std::unexpected(
        sqlite::toError(read_db_, sqlite3_errcode(read_db_), "listRequestStats"));
  st.bind(1, range.from_ms).bind(2, range.to_ms);
  std::vector<RequestStatsRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    RequestStatsRow r;
    r.minute_ms = st.int64(0);
    r.model = st.text(1);
    r.source = st.text(2);
    r.invocations = st.int64(3);
    r.errors = st.int64(4);
    r.cache_hits = st.int64(5);
    r.tokens = st.int64(6);
    r.cost_usd = st.real(7);
    r.total_ms = st.real(8);
    r.api_calls = st.int64(9);
    r.api_ms = st.real(10);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return std::unexpected(sqlite::toError(read_db_, rc, "listRequestStats"));
  return out;
}

}  // namespace cs
