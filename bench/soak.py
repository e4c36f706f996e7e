"""bench/soak: mixed traffic with random upstream faults (docs/performance.md, "Soak").

Starts the fake upstream and the service on loopback free ports, sends GET /api/sayings,
POST /api/compare, POST /api/feedback and GET /api/stats from several threads for --seconds,
while another thread switches the fake's fault mode every --fault-every seconds. Reports
statuses per route, transport errors, p50/p99 latency and the server's RSS before and after.
Exit status 1 when anything unintended happened: a status other than 2xx, 429 or 503, a
transport error, or the server dying. Run it through bench/soak (which builds release first).
"""
import argparse
import collections
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadlib as L  # noqa: E402
from gate import Gate  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1", "gpt-4.1-mini"]
INTENDED = {429, 503}  # rate limited; store/upstream unavailable (with a JSON body)
CLIENTS = [f"10.9.{i // 250}.{i % 250 + 1}" for i in range(256)]  # via X-Forwarded-For

# Upstream faults; each is a POST /_control document. "reset" first so faults do not stack.
FAULTS = [
    {"mode": "normal"},
    {"mode": "stall", "stall_ms": 6000},
    {"mode": "malformed_json"},
    {"mode": "truncated"},
    {"mode": "wrong_content_type"},
    {"mode": "empty"},
    {"mode": "cutoff"},
    {"latency_ms": 800},
    {"statuses": [429] * 20, "retry_after": "1"},
    {"statuses": [529] * 20},
    {"statuses": [500] * 20},
    {"statuses": [503] * 20},
    {"statuses": [401] * 5},
    {"refuse": True},  # the OpenAI upstream's port closed: connects refused (see gate.py)
]

CONFIG = """[server]
io_threads = 2
[store]
url = "sqlite:{db}"
[log]
level = "info"
[cache]
retry_backoff_ms = 1000
call_timeout_ms = 5000
[budget]
max_calls_per_minute = 0
max_usd_per_day = 0
[compare]
deadline_ms = 5000
[llm]
call_timeout_ms = 3000
deadline_ms = 5000
backoff_cap_ms = 1000
breaker_cooldown_ms = 5000
[stats]
cache_ttl_ms = 2000
flush_interval_ms = 2000
[rate_limit]
trusted_proxies = ["127.0.0.1"]
"""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.defaultdict(collections.Counter)  # route -> status -> n
        self.latency = collections.defaultdict(list)  # route -> seconds
        self.transport = collections.Counter()  # route + error -> n
        self.saying_ids = collections.deque(maxlen=200)

    def add(self, route, status, seconds):
        with self.lock:
            self.statuses[route][status] += 1
            self.latency[route].append(seconds)

    def error(self, route, what):
        with self.lock:
            self.transport[f"{route}: {what}"] += 1


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))]


class Client:
    """One keep-alive connection; reconnects after a transport error."""

    def __init__(self, port, timeout):
        self.port, self.timeout, self.conn = port, timeout, None

    def request(self, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            res = self.conn.getresponse()
            data = res.read()
            if res.getheader("Connection", "").lower() == "close":
                self.close()
            return res.status, data
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


MIX = {"sayings": 45, "model": 10, "compare": 10, "feedback": 25, "stats": 10}  # weights


def pick(rng, stats, mix):
    """(route label, method, path, body, extra headers) of the next request, or None."""
    kind = rng.choices(list(mix), weights=list(mix.values()))[0]
    if kind == "sayings":
        return "GET /api/sayings", "GET", "/api/sayings", None, {}
    if kind == "model":
        return "GET /api/sayings?model", "GET", "/api/sayings?model=" + rng.choice(MODELS), None, {}
    json_type = {"Content-Type": "application/json"}
    if kind == "compare":
        body = json.dumps({"models": rng.sample(MODELS, 2), "topic": "serverless"})
        return "POST /api/compare", "POST", "/api/compare", body, json_type
    if kind == "feedback":
        with stats.lock:
            ids = list(stats.saying_ids)
        if not ids:
            return None
        body = json.dumps({"saying_id": rng.choice(ids), "vote": rng.choice(["up", "down"]),
                           "execution_time": round(rng.uniform(5, 900), 1)})
        return "POST /api/feedback", "POST", "/api/feedback", body, json_type
    path = rng.choice(["/api/stats", "/api/stats?from=1h", "/api/stats?provider=openai"])
    return "GET /api/stats", "GET", path, None, {}


def traffic(port, stats, stop_at, rng, timeout, mix):
    client = Client(port, timeout)
    while time.monotonic() < stop_at:
        ip = rng.choice(CLIENTS)
        headers = {"X-Forwarded-For": ip, "X-Client-Id": "soak-client-" + ip.replace(".", "-")}
        chosen = pick(rng, stats, mix)
        if chosen is None:  # feedback before any saying was served
            chosen = pick(rng, stats, {"sayings": 1})
        route, method, path, body, extra = chosen
        headers.update(extra)
        started = time.monotonic()
        try:
            status, data = client.request(method, path, body, headers)
        except Exception as e:  # timeouts, resets, refused: all count against us
            stats.error(route, type(e).__name__)
            continue
        stats.add(route, status, time.monotonic() - started)
        if route.startswith("GET /api/sayings") and status == 200:
            try:
                stats.saying_ids.append(json.loads(data)["id"])
            except (ValueError, KeyError):
                stats.error(route, "200 without a saying id")
    client.close()


def faults(fake_port, gate, stop_at, rng, every, log):
    while time.monotonic() < stop_at:
        fault = dict(rng.choice(FAULTS))
        if fault.get("refuse"):
            gate.down()
            log.append(fault)
            time.sleep(min(every, max(0.0, stop_at - time.monotonic())))
            continue
        gate.up()
        doc = {"reset": True, **fault}
        if rng.random() < 0.3:  # sometimes one model only: the others must keep working
            doc = {"reset": True, "models": {rng.choice(MODELS): fault}}
        try:
            status, answer = L.get(fake_port, "/_control", method="POST", body=json.dumps(doc),
                                   headers={"Content-Type": "application/json"})
            log.append(doc if status == 200 else {"control_error": f"{status} {answer[:100]!r}"})
        except OSError as e:
            log.append({"control_error": str(e)})
        time.sleep(min(every, max(0.0, stop_at - time.monotonic())))
    gate.up()
    L.get(fake_port, "/_control", method="POST", body=json.dumps({"reset": True}),
          headers={"Content-Type": "application/json"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--fault-every", type=float, default=3.0)
    ap.add_argument("--timeout", type=float, default=15.0, help="client timeout per request (s)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (logs)")
    ap.add_argument("--routes", default=",".join(MIX), help="subset of: " + ",".join(MIX))
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    tmp = tempfile.mkdtemp(prefix="cs-soak-")
    try:
        return run(args, seed, build, tmp)
    finally:
        L.stop_all()
        if args.keep:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, seed, build, tmp):
    fake, fake_port = L.start_fake_llm(os.path.join(build, "tests", "fake_llm"), os.path.join(tmp, "fake.log"))
    gate = Gate(fake_port)  # OpenAI's traffic goes through it, so it can be refused
    cfg = os.path.join(tmp, "soak.toml")
    with open(cfg, "w") as f:
        f.write(CONFIG.format(db=os.path.join(tmp, "soak.db")))
    env = dict(os.environ, ANTHROPIC_BASE_URL=f"http://127.0.0.1:{fake_port}",
               OPENAI_BASE_URL=f"http://127.0.0.1:{gate.port}/v1",
               ANTHROPIC_API_KEY="sk-ant-test-FAKE-soak", OPENAI_API_KEY="sk-test-FAKE-soak")
    port = L.free_port()
    server = L.start([os.path.join(build, "cloud-sayings"), "serve", "--config", cfg,
                      "--host", "127.0.0.1", "--port", str(port)], os.path.join(tmp, "server.log"), env=env)
    L.wait_ready(port, proc=server)
    rss_before = L.rss_kb(server.pid)
    print(f"soak: {args.seconds:.0f} s, {args.threads} threads, fault every {args.fault_every} s, "
          f"seed {seed}; server pid {server.pid}, RSS {rss_before / 1024:.1f} MiB", flush=True)

    stats, fault_log, rss_peak = Stats(), [], rss_before
    stop_at = time.monotonic() + args.seconds
    mix = {k: MIX[k] for k in args.routes.split(",")}
    threads = [threading.Thread(target=traffic, args=(port, stats, stop_at, random.Random(seed + i), args.timeout, mix))
               for i in range(args.threads)]
    threads.append(threading.Thread(target=faults, args=(fake_port, gate, stop_at, random.Random(seed - 1),
                                                         args.fault_every, fault_log)))
    for t in threads:
        t.start()
    started, samples = time.monotonic(), []  # RSS every 10 s: growth that flattens is warm-up
    while any(t.is_alive() for t in threads):
        if server.poll() is None:
            rss = L.rss_kb(server.pid)
            rss_peak = max(rss_peak, rss)
            if time.monotonic() - started >= 10 * (len(samples) + 1):
                samples.append(rss)
        time.sleep(0.5)
    alive = server.poll() is None
    rss_after = L.rss_kb(server.pid) if alive else 0
    if alive:  # anonymous (heap) vs file-backed (SQLite pages, binary) vs shared (WAL index)
        with open(f"/proc/{server.pid}/status") as f:
            parts = [line.split() for line in f if line.startswith(("RssAnon", "RssFile", "RssShmem"))]
        print("after: " + ", ".join(f"{p[0].rstrip(':')} {int(p[1]) / 1024:.1f} MiB" for p in parts))
    healthy = False
    if alive:
        try:
            healthy = L.get(port, "/healthz")[0] == 200
        except OSError:
            pass
    print("RSS every 10 s (MiB): " + " ".join(f"{kb / 1024:.1f}" for kb in samples))
    return report(stats, fault_log, alive, healthy, rss_before, rss_after, rss_peak, args.seconds)


def report(stats, fault_log, alive, healthy, rss_before, rss_after, rss_peak, seconds):
    rows, failures, everything = [], 0, []
    for route in sorted(stats.statuses):
        counts = stats.statuses[route]
        bad = sum(n for s, n in counts.items() if not (200 <= s < 300 or s in INTENDED))
        failures += bad
        lat = stats.latency[route]
        everything += lat
        rows.append([route, sum(counts.values()),
                     " ".join(f"{s}:{n}" for s, n in sorted(counts.items())), bad,
                     f"{percentile(lat, 50) * 1000:.1f}", f"{percentile(lat, 99) * 1000:.1f}"])
    print(L.table(["route", "requests", "statuses", "unintended", "p50 ms", "p99 ms"], rows))
    total = sum(len(v) for v in stats.latency.values())
    transport = sum(stats.transport.values())
    print(f"total {total} requests ({total / seconds:.0f}/s), p99 {percentile(everything, 99) * 1000:.1f} ms; "
          f"unintended statuses {failures}; transport errors {transport}")
    for what, n in sorted(stats.transport.items()):
        print(f"  transport error {what}: {n}")
    refused = sum(1 for d in fault_log if d.get("refuse"))
    print(f"faults switched: {len(fault_log)} ({refused} × OpenAI's port closed); "
          + ", ".join(sorted({json.dumps(d, sort_keys=True)[:60] for d in fault_log})[:4]) + " ...")
    print(f"RSS before {rss_before / 1024:.1f} MiB, after {rss_after / 1024:.1f} MiB, "
          f"peak {rss_peak / 1024:.1f} MiB; server {'alive' if alive else 'DIED'}, "
          f"/healthz {'200' if healthy else 'FAILED'}")
    control_errors = [d["control_error"] for d in fault_log if "control_error" in d]
    for what in control_errors[:3]:
        print(f"  fault not applied: {what}")
    ok = failures == 0 and transport == 0 and not control_errors and alive and healthy and total > 0
    print("soak: PASS" if ok else "soak: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
