#include "store/sqlite_migrations.hpp"

#include <array>

namespace cs::sqlite {

namespace {
constexpr std::string_view kV1 = R"sql(
CREATE TABLE main_humor (
  id            TEXT PRIMARY KEY,
  text          TEXT NOT NULL,
  services      TEXT NOT NULL DEFAULT '[]',  -- JSON array of canonical service names
  model         TEXT NOT NULL,
  provider      TEXT NOT NULL,
  input_tokens  INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd      REAL NOT NULL DEFAULT 0,
  llm_ms        REAL,
  created_at    INTEGER NOT NULL,             -- Unix epoch ms
  upvotes       INTEGER NOT NULL DEFAULT 0,
  downvotes     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX main_humor_created ON main_humor(created_at);
CREATE TABLE saying_feedback (
  id                TEXT PRIMARY KEY,
  saying_id         TEXT NOT NULL,
  vote              TEXT NOT NULL CHECK (vote IN ('up', 'down')),
  model             TEXT NOT NULL,
  provider          TEXT NOT NULL,
  execution_time    REAL,
  original_llm_time REAL,
  is_cached         INTEGER,
  client_key        TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  UNIQUE (saying_id, client_key)
);
CREATE INDEX saying_feedback_created ON saying_feedback(created_at);
)sql";

// v2: per-minute request-statistics rollups (RequestStatsRow), merged with ADD semantics.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE request_stats (
  minute_ms   INTEGER NOT NULL,  -- start of the UTC minute, Unix epoch ms
  model       TEXT NOT NULL,
  source      TEXT NOT NULL,
  invocations INTEGER NOT NULL DEFAULT 0,
  errors      INTEGER NOT NULL DEFAULT 0,
  cache_hits  INTEGER NOT NULL DEFAULT 0,
  tokens      INTEGER NOT NULL DEFAULT 0,
  cost_usd    REAL NOT NULL DEFAULT 0,
  total_ms    REAL NOT NULL DEFAULT 0,
  api_calls   INTEGER NOT NULL DEFAULT 0,
  api_ms      REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (minute_ms, model, source)
) WITHOUT ROWID;
)sql";

// v3: per-minute LLM call ledger rollups (LedgerRow), merged with ADD semantics.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE ledger_stats (
  minute_ms     INTEGER NOT NULL,  -- start of the UTC minute the call ended in
  model         TEXT NOT NULL,
  provider      TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  calls         INTEGER NOT NULL DEFAULT 0,
  failed_calls  INTEGER NOT NULL DEFAULT 0,
  attempts      INTEGER NOT NULL DEFAULT 0,
  input_tokens  INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd      REAL NOT NULL DEFAULT 0,
  latency_ms    REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (minute_ms, model, provider, purpose)
) WITHOUT ROWID;
)sql";

// v4: per-minute and per-hour vote rollups (VoteRow), added to in recordVote's transaction, so
// /api/stats never reads saying_feedback over its range. The hourly table serves buckets of an
// hour or more (a 30-day range reads ~720 rows per model instead of ~43,200). Backfilled from
// the votes already stored, with the response-time rule of responseTimeSample(): one
// INSERT ... SELECT per table, inside the migration's transaction. The covering index serves
// recentVotes (the top-services window) from the index alone: no random reads of the table.
constexpr std::string_view kV4 = R"sql(
CREATE INDEX saying_feedback_window ON saying_feedback(created_at, model, provider, saying_id, vote);
CREATE TABLE vote_stats (
  minute_ms             INTEGER NOT NULL,  -- start of the UTC minute of the vote's created_at
  model                 TEXT NOT NULL,
  provider              TEXT NOT NULL,
  positive              INTEGER NOT NULL DEFAULT 0,
  negative              INTEGER NOT NULL DEFAULT 0,
  response_time_sum_ms  REAL NOT NULL DEFAULT 0,
  response_time_samples INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (minute_ms, model, provider)
) WITHOUT ROWID;
CREATE TABLE vote_stats_hourly (
  hour_ms               INTEGER NOT NULL,  -- start of the UTC hour
  model                 TEXT NOT NULL,
  provider              TEXT NOT NULL,
  positive              INTEGER NOT NULL DEFAULT 0,
  negative              INTEGER NOT NULL DEFAULT 0,
  response_time_sum_ms  REAL NOT NULL DEFAULT 0,
  response_time_samples INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hour_ms, model, provider)
) WITHOUT ROWID;
INSERT INTO vote_stats (minute_ms, model, provider, positive, negative, response_time_sum_ms,
                        response_time_samples)
SELECT created_at - created_at % 60000, model, provider, sum(vote = 'up'), sum(vote = 'down'),
       total(rt), count(rt)
FROM (SELECT created_at, model, provider, vote,
             CASE WHEN original_llm_time IS NOT NULL THEN original_llm_time
                  WHEN coalesce(is_cached, 0) != 0 THEN NULL
                  WHEN execution_time IS NULL OR execution_time < 100.0 THEN NULL
                  ELSE execution_time END AS rt
      FROM saying_feedback)
GROUP BY 1, 2, 3;
INSERT INTO vote_stats_hourly (hour_ms, model, provider, positive, negative,
                               response_time_sum_ms, response_time_samples)
SELECT minute_ms - minute_ms % 3600000, model, provider, sum(positive), sum(negative),
       total(response_time_sum_ms), sum(response_time_samples)
FROM vote_stats GROUP BY 1, 2, 3;
)sql";

// v5: the blind arena. Battles hold both sides as shown and as revealed (any instance takes the
// vote); votes copy what the leaderboard needs from their battle, so it reads one table and
// battles can be pruned once expired. UNIQUE (battle_id, client_key): one vote per client.
constexpr std::string_view kV5 = R"sql(
CREATE TABLE arena_battles (
  id           TEXT PRIMARY KEY,
  topic        TEXT,
  created_at   INTEGER NOT NULL,  -- Unix epoch ms
  expires_at   INTEGER NOT NULL,
  a_saying_id  TEXT NOT NULL,
  a_text       TEXT NOT NULL,
  a_services   TEXT NOT NULL DEFAULT '[]',
  a_model      TEXT NOT NULL,
  a_provider   TEXT NOT NULL,
  a_latency_ms REAL,
  a_cost_usd   REAL NOT NULL DEFAULT 0,
  b_saying_id  TEXT NOT NULL,
  b_text       TEXT NOT NULL,
  b_services   TEXT NOT NULL DEFAULT '[]',
  b_model      TEXT NOT NULL,
  b_provider   TEXT NOT NULL,
  b_latency_ms REAL,
  b_cost_usd   REAL NOT NULL DEFAULT 0
);
CREATE INDEX arena_battles_expires ON arena_battles(expires_at);
CREATE TABLE arena_votes (
  id           TEXT PRIMARY KEY,
  battle_id    TEXT NOT NULL,
  client_key   TEXT NOT NULL,
  winner       TEXT NOT NULL CHECK (winner IN ('a', 'b', 'tie', 'both_bad')),
  created_at   INTEGER NOT NULL,
  model_a      TEXT NOT NULL,
  provider_a   TEXT NOT NULL,
  model_b      TEXT NOT NULL,
  provider_b   TEXT NOT NULL,
  length_a     INTEGER NOT NULL,
  length_b     INTEGER NOT NULL,
  latency_a_ms REAL,
  latency_b_ms REAL,
  cost_a_usd   REAL NOT NULL DEFAULT 0,
  cost_b_usd   REAL NOT NULL DEFAULT 0,
  honest       INTEGER NOT NULL,
  UNIQUE (battle_id, client_key)
);
)sql";

constexpr std::array<std::string_view, 5> kMigrations{kV1, kV2, kV3, kV4, kV5};
}  // namespace

std::span<const std::string_view> migrations() {
  return kMigrations;
}

}  // namespace cs::sqlite
