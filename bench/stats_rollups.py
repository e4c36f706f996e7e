#!/usr/bin/env python3
"""Cold /api/stats over 1,000,000 stored votes on SQLite (issue 14, item 3): latency of the first
call of each filter, and the server's RSS growth while computing it.

Setup: the real binary seeds a fresh store (current schema); this script bulk-inserts sayings
and 1,000,000 votes into saying_feedback with python's sqlite3 (30 days, 6 models on 4
providers, 20,000 sayings, response times in every branch of the per-vote rule), then drops the
vote rollup tables (and v4's index) and sets user_version back to 3, so the next start runs migration v4 and
its backfill over the whole table: the rollups are produced the way the product produces them.

Each round starts the release binary on 127.0.0.1 port 0 against that file and asks, once
each and in this order: /api/stats, ?model=, ?provider=, ?from=24h (every filter is its own
cache key, so each call computes). Per call: wall time seen by the client, VmRSS before and
after, VmHWM (peak) before and after, from /proc/<pid>/status.

  bench/stats_rollups.py [--build build/release] [--rounds 5] [--votes 1000000]
                         [--baseline /work/main/build/release/cloud-sayings]
--baseline runs the same calls against a binary that scans raw votes (schema v3: it ignores the
rollup tables) for comparison. Prints a table; exits 1 when a target is missed
(cold /api/stats <= 50 ms, RSS growth < 5 MB).
"""
import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import loadlib as L

MODELS = [("claude-haiku-4-5", "anthropic"), ("claude-sonnet-4-5", "anthropic"),
          ("gpt-4o-mini", "openai"), ("gpt-4.1", "openai"), ("llama-3.3-70b", "groq"),
          ("mistral-small", "mistral")]
SERVICES = ["Amazon S3", "AWS Lambda", "Amazon EC2", "Amazon DynamoDB", "Amazon SQS", "Amazon SNS",
            "AWS IAM", "Amazon CloudWatch", "AWS Step Functions", "Amazon RDS", "Amazon ECS",
            "AWS Fargate", "Amazon Route 53", "Amazon CloudFront", "AWS Glue"]
DAY_MS = 86_400_000
TARGET_MS = 50.0
TARGET_RSS_KB = 5 * 1024


def populate(binary, db, votes, sayings):
    env = dict(os.environ, CLOUD_SAYINGS_STORE_URL="sqlite:" + db)
    subprocess.run([binary, "seed"], env=env, check=True, stdout=subprocess.DEVNULL)
    rng = random.Random(14)
    now = int(time.time() * 1000)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    rows = []
    for i in range(sayings):
        model, provider = MODELS[i % len(MODELS)]
        services = json.dumps(rng.sample(SERVICES, rng.randint(1, 3)))
        rows.append((f"bench-{i:06d}", f"bench saying {i}", services, model, provider,
                     now - rng.randrange(30 * DAY_MS)))
    con.executemany("INSERT INTO main_humor (id, text, services, model, provider, created_at) "
                    "VALUES (?,?,?,?,?,?)", rows)

    def vote_rows():
        for i in range(votes):
            s = rng.randrange(sayings)
            model, provider = MODELS[s % len(MODELS)]
            branch = i % 5
            llm = 400.0 + rng.random() * 3000 if branch == 0 else None
            cached = 1 if branch == 1 else (0 if branch == 4 else None)
            exe = (20.0 + rng.random() * 60) if branch == 2 else (150.0 + rng.random() * 4000)
            yield (f"vote-{i:07d}", f"bench-{s:06d}", "up" if rng.random() < 0.7 else "down", model,
                   provider, exe, llm, cached, f"client-{i}", now - rng.randrange(30 * DAY_MS))

    con.executemany("INSERT INTO saying_feedback (id, saying_id, vote, model, provider, "
                    "execution_time, original_llm_time, is_cached, client_key, created_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)", vote_rows())
    # Back to the schema before the vote rollups: the next open runs migration v4's backfill.
    con.execute("DROP TABLE IF EXISTS vote_stats")
    con.execute("DROP TABLE IF EXISTS vote_stats_hourly")
    con.execute("DROP INDEX IF EXISTS saying_feedback_window")
    con.execute("PRAGMA user_version=3")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def start_server(binary, db, log_path):
    env = dict(os.environ, CLOUD_SAYINGS_STORE_URL="sqlite:" + db,
               CLOUD_SAYINGS_RATE_LIMIT_ENABLED="false", CLOUD_SAYINGS_LOG_ACCESS_LOG="false")
    open(log_path, "w").close()
    t0 = time.perf_counter()
    proc = L.start([binary, "serve", "--host", "127.0.0.1", "--port", "0"], log_path, env=env)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        with open(log_path) as f:
            for line in f:
                if "Server listening" in line:
                    port = json.loads(line)["extra_fields"]["port"]
                    L.wait_ready(port, "/healthz", proc=proc)
                    return proc, port, (time.perf_counter() - t0) * 1000.0
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    raise RuntimeError("server did not come up; see " + log_path)


def measure(binary, db, queries, rounds, work):
    per_query = {q: [] for q in queries}
    starts = []
    for r in range(rounds):
        proc, port, start_ms = start_server(binary, db, os.path.join(work, f"server-{r}.log"))
        starts.append(start_ms)
        try:
            for q in queries:
                rss0, hwm0 = status_kb(proc.pid, "VmRSS"), status_kb(proc.pid, "VmHWM")
                t0 = time.perf_counter()
                status, body = L.get(port, q, timeout=120)
                ms = (time.perf_counter() - t0) * 1000.0
                rss1, hwm1 = status_kb(proc.pid, "VmRSS"), status_kb(proc.pid, "VmHWM")
                if status != 200:
                    raise RuntimeError(f"{q}: {status} {body[:200]!r}")
                total = json.loads(body)["totals"]["total"]
                per_query[q].append((ms, rss1 - rss0, hwm1 - max(hwm0, rss0), total))
        finally:
            L.stop(proc)
    return per_query, starts


def report(name, per_query, starts):
    print(f"\n{name}: start (exec -> listening, incl. migrations) median "
          f"{statistics.median(starts):.0f} ms, first {starts[0]:.0f} ms")
    rows, ok = [], True
    for q, runs in per_query.items():
        ms = [r[0] for r in runs]
        rss = [r[1] for r in runs]
        hwm = [r[2] for r in runs]
        rows.append((q, f"{runs[0][3]:,}", f"{statistics.median(ms):.1f}", f"{max(ms):.1f}",
                     f"{max(rss) / 1024:.2f}", f"{max(hwm) / 1024:.2f}"))
        ok &= max(ms) <= TARGET_MS and max(rss) < TARGET_RSS_KB
    print(L.table(["query", "votes in totals", "median ms", "max ms", "max RSS growth MB",
                   "max peak growth MB"], rows))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--votes", type=int, default=1_000_000)
    ap.add_argument("--sayings", type=int, default=20_000)
    ap.add_argument("--baseline", help="a binary that scans raw votes, for comparison")
    args = ap.parse_args()
    binary = os.path.abspath(os.path.join(args.build, "cloud-sayings"))
    work = tempfile.mkdtemp(prefix="cs-stats-bench-")
    db = os.path.join(work, "votes.db")
    t0 = time.perf_counter()
    populate(binary, db, args.votes, args.sayings)
    print(f"populated {args.votes:,} votes, {args.sayings:,} sayings in "
          f"{time.perf_counter() - t0:.1f} s ({os.path.getsize(db) / 1024 / 1024:.0f} MiB)")
    queries = ["/api/stats", f"/api/stats?model={MODELS[2][0]}",
               f"/api/stats?provider={MODELS[0][1]}", "/api/stats?from=24h"]
    try:
        per_query, starts = measure(binary, db, queries, args.rounds, work)
        ok = report("rollups (this build)", per_query, starts)
        if args.baseline:
            base, base_starts = measure(os.path.abspath(args.baseline), db, queries,
                                        min(args.rounds, 2), work)
            report("baseline (raw-vote scan)", base, base_starts)
        print(f"\ntargets: cold /api/stats <= {TARGET_MS:.0f} ms, RSS growth < 5 MB: "
              f"{'met' if ok else 'MISSED'}")
        return 0 if ok else 1
    finally:
        L.stop_all()
        for f in os.listdir(work):
            os.remove(os.path.join(work, f))
        os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
