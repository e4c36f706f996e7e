"""bench/load: the load suite of docs/performance.md. Run it through bench/load (which installs
the tools and builds release first). Every figure is measured in this one run, with the
baseline alternated against us, because the machine is shared and noisy: compare ratios.
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadlib as L  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")


class Suite:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.join(ROOT, args.build, "cloud-sayings")
        self.tmp = tempfile.mkdtemp(prefix="cs-bench-")
        os.chmod(self.tmp, 0o755)  # nginx workers may run as another user
        self.duration = 2 if args.quick else args.duration
        self.rounds = 1 if args.quick else args.rounds
        self.out = []  # report lines

    def path(self, name):
        return os.path.join(self.tmp, name)

    def say(self, text=""):
        print(text, flush=True)
        self.out.append(text)

    # --- our server ---------------------------------------------------------------------------
    def config(self, name, io_threads=0, access_log=True, store=None, extra=""):
        store = store or "sqlite:" + self.path(name + ".db")
        text = (f'[server]\nio_threads = {io_threads}\n[store]\nurl = "{store}"\n'
                f'[log]\naccess_log = {"true" if access_log else "false"}\n'
                # wrk is one client: the per-client limiter would answer 429 after the burst.
                f'[rate_limit]\nenabled = false\n{extra}')
        cfg = self.path(name + ".toml")
        with open(cfg, "w") as f:
            f.write(text)
        return cfg

    def start_ours(self, name, **config):
        port = L.free_port()
        cfg = self.config(name, **config)
        proc = L.start([self.binary, "serve", "--config", cfg, "--host", "127.0.0.1", "--port", str(port)],
                       self.path(name + ".log"))
        L.wait_ready(port, proc=proc)
        return proc, port

    # --- nginx: a static JSON file of our response's size -------------------------------------
    def start_nginx(self, name, workers, access_log, body):
        port = L.free_port()
        root = self.path(name)
        os.makedirs(os.path.join(root, "html/api"), exist_ok=True)
        os.chmod(root, 0o755)
        with open(os.path.join(root, "html/api/sayings"), "wb") as f:
            f.write(body)
        os.chmod(os.path.join(root, "html"), 0o755)
        os.chmod(os.path.join(root, "html/api"), 0o755)
        os.chmod(os.path.join(root, "html/api/sayings"), 0o644)
        log = f"access_log {root}/access.log;" if access_log else "access_log off;"
        conf = f"""daemon off;
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  {log}
  sendfile on; tcp_nodelay on; keepalive_requests 10000; keepalive_timeout 30s;
  open_file_cache max=16; server_tokens off;
  client_body_temp_path {root}/t1; proxy_temp_path {root}/t2; fastcgi_temp_path {root}/t3;
  uwsgi_temp_path {root}/t4; scgi_temp_path {root}/t5;
  server {{
    listen 127.0.0.1:{port};
    root {root}/html;
    location / {{ default_type application/json; add_header Cache-Control no-store; }}
  }}
}}
"""
        with open(os.path.join(root, "nginx.conf"), "w") as f:
            f.write(conf)
        proc = L.start(["nginx", "-p", root, "-c", os.path.join(root, "nginx.conf"), "-e", root + "/error.log"],
                       self.path(name + ".log"))
        L.wait_ready(port, "/api/sayings", proc=proc)
        return proc, port

    # --- 1. hot path --------------------------------------------------------------------------
    def measured_wrk(self, proc, port, connections=64):
        """One wrk run against proc, with its CPU seconds and peak thread count."""
        with L.Usage(proc.pid) as usage:
            run = L.wrk(f"http://127.0.0.1:{port}/api/sayings", connections, self.duration)
        run["cpu_per_1k"] = usage.cpu_s / max(run["requests"], 1) * 1000.0
        run["threads"] = usage.max_threads
        return run

    def hot(self):
        cores = L.server_cores()
        self.say("## 1. Hot path: GET /api/sayings vs nginx (static file of the same size)")
        self.say(f"Each server pinned with every thread to core(s) {cores} (taskset on the process); "
                 f"wrk -t1 -c64 -d{self.duration}s --latency pinned to core {L.wrk_core()}; "
                 f"{self.rounds} rounds alternated; medians. Ours: io_threads = 0 (= its allowed cores); "
                 f"nginx: worker_processes = {L.server_core_count()}; access logs to a file on both or off on both.")
        rows = []
        for access in (True, False):
            tag = "log" if access else "nolog"
            ours, oport = self.start_ours("hot-" + tag, io_threads=0, access_log=access)
            if not L.affinity_ok(ours.pid):
                raise RuntimeError("our server is not pinned to the server cores")
            L.wrk(f"http://127.0.0.1:{oport}/api/sayings", 64, 2 if not self.args.quick else 1)
            status, body = L.get(oport, "/api/sayings")
            if status != 200:
                raise RuntimeError(f"/api/sayings answered {status}")
            nginx, nport = self.start_nginx("nginx-" + tag, L.server_core_count(), access, body)
            L.wrk(f"http://127.0.0.1:{nport}/api/sayings", 64, 1)
            idle = {"ours": L.thread_count(ours.pid), "nginx": L.thread_count(nginx.pid)}
            results = {"ours": [], "nginx": []}
            for r in range(self.rounds):
                order = [("nginx", nginx, nport), ("ours", ours, oport)]
                if r % 2:
                    order.reverse()
                for who, proc, port in order:
                    results[who].append(self.measured_wrk(proc, port))
            L.stop(ours)
            L.stop(nginx)
            o, n = self.summary(results["ours"]), self.summary(results["nginx"])
            label = f"access log {'on' if access else 'off'}"
            rows.append([label, f"{o['rps']:.0f}", f"{n['rps']:.0f}", f"{o['rps'] / n['rps']:.2f}",
                         f"{o['p50']:.3f} / {n['p50']:.3f}", f"{o['p99']:.3f} / {n['p99']:.3f}",
                         f"{o['p99'] / n['p99']:.2f}", f"{o['cpu_per_1k']:.3f} / {n['cpu_per_1k']:.3f}",
                         f"{idle['ours']}→{o['threads']} / {idle['nginx']}→{n['threads']}",
                         f"{o['errors']} / {n['errors']}", len(body)])
        self.say(L.table(["config", "ours req/s", "nginx req/s", "ratio (≥0.8)", "p50 ms ours/nginx",
                          "p99 ms ours/nginx", "p99 ratio (≤2)", "CPU s per 1k req ours/nginx",
                          "threads idle→load ours/nginx", "errors ours/nginx", "body bytes"], rows))
        self.say()

    @staticmethod
    def summary(runs):
        out = {"rps": L.median([r["rps"] for r in runs]), "p50": L.median([r["p50"] for r in runs]),
               "p99": L.median([r["p99"] for r in runs]), "errors": sum(r["errors"] for r in runs)}
        if runs and "cpu_per_1k" in runs[0]:
            out["cpu_per_1k"] = L.median([r["cpu_per_1k"] for r in runs])
            out["threads"] = max(r["threads"] for r in runs)
        return out

    # --- 2. gateway path ----------------------------------------------------------------------
    MODEL = "gpt-4.1-mini"
    KEY = "sk-test-FAKE-bench-0000"

    def start_fake(self, cores):
        # One log per fake: the port is read from the log's first "listening" line.
        return L.start_fake_llm(os.path.join(ROOT, self.args.build, "tests", "fake_llm"),
                                self.path(f"fake_llm-{cores.replace(',', '_')}.log"), cores=cores)

    def start_portkey(self, fake_port):
        port = L.free_port()
        entry = os.path.join(BENCH, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js")
        proc = L.start(["node", entry, f"--port={port}"], self.path("portkey.log"), cwd=BENCH)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                L.get(port, "/", timeout=1.0)
                return proc, port
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("the Portkey gateway exited; see portkey.log")
                time.sleep(0.1)
        raise RuntimeError("the Portkey gateway did not come up")

    def gateway_runs(self, url, headers, proc, script=None, body=None):
        """req/s at 32 connections and p50 at 1 connection, medians over the rounds, with the
        gateway's (proc's) CPU seconds per 1,000 requests and peak threads at 32 connections."""
        many, one, cpu, threads = [], [], [], 0
        for _ in range(self.rounds):
            with L.Usage(proc.pid) as usage:
                run = L.wrk(url, 32, self.duration, headers, script=script, body=body)
            many.append(run)
            cpu.append(usage.cpu_s / max(run["requests"], 1) * 1000.0)
            threads = max(threads, usage.max_threads)
            one.append(L.wrk(url, 1, self.duration, headers, script=script, body=body))
        return {"rps": L.median([r["rps"] for r in many]), "p50": L.median([r["p50"] for r in one]),
                "errors": sum(r["errors"] for r in many + one), "cpu_per_1k": L.median(cpu),
                "threads": f"{L.thread_count(proc.pid)} idle, {threads} at 32 conns"}

    # Where the fake upstream runs. With wrk: a zero-latency upstream costs the gateway under
    # test nothing, and each gateway has one whole core (the throughput layout). With the
    # gateway: its hop to the fake stays on one core, so "added p50" is the gateway's own time
    # and not an extra cross-core wake-up (the latency layout; the fake's CPU then shares the
    # gateway's core, which caps the cheaper gateway's req/s far more than the dearer one's).
    FAKE_LAYOUTS = (("fake with wrk", "wrk"), ("fake with the gateway", "server"))

    def gateway(self):
        self.say("## 2. Gateway path: one model through a gateway to the fake upstream (no added latency)")
        fake_bin = os.path.join(ROOT, self.args.build, "tests", "fake_llm")
        if not os.path.exists(fake_bin):
            self.say("not measured: build/release/tests/fake_llm is missing")
            self.say()
            return
        for title, where in self.FAKE_LAYOUTS:
            if where not in self.args.fake_layouts.split(","):
                continue
            self.gateway_layout(title, L.wrk_core() if where == "wrk" else L.server_cores())

    def gateway_layout(self, title, fake_cores):
        fake, fport = self.start_fake(fake_cores)
        post = os.path.join(BENCH, "wrk", "post.lua")
        chat = json.dumps({"model": self.MODEL, "max_tokens": 300,
                           "messages": [{"role": "user", "content": "Three sayings about Amazon S3."}]})
        auth = f"Authorization: Bearer {self.KEY}"
        rows = {}
        rows["direct to the fake"] = self.gateway_runs(f"http://127.0.0.1:{fport}/v1/chat/completions", [auth],
                                                      fake, script=post, body=chat)
        portkey, pport = self.start_portkey(fport)
        rows["Portkey gateway"] = self.gateway_runs(
            f"http://127.0.0.1:{pport}/v1/chat/completions",
            [auth, "x-portkey-provider: openai", f"x-portkey-custom-host: http://127.0.0.1:{fport}/v1"],
            portkey, script=post, body=chat)
        L.stop(portkey)
        pass_row = self.gateway_passthrough(fport, post, chat)
        if pass_row:
            rows["ours (" + pass_row.pop("route") + ")"] = pass_row
        ours_row = self.gateway_ours(fport)
        if ours_row:
            rows["ours (" + ours_row.pop("route") + ")"] = ours_row
        L.stop(fake)
        direct = rows["direct to the fake"]
        portkey_rps = rows["Portkey gateway"]["rps"]
        table = []
        for name, r in rows.items():
            added = "" if r is direct else f"{r['p50'] - direct['p50']:.3f}"
            table.append([name, f"{r['rps']:.0f}", f"{r['p50']:.3f}", added,
                          "" if r is direct else f"{r['rps'] / portkey_rps:.1f}",
                          f"{r['cpu_per_1k']:.3f}", r["threads"], r["errors"]])
        self.say(f"### {title}: each gateway pinned with every thread to core(s) {L.server_cores()}, wrk to core "
                 f"{L.wrk_core()}, the fake upstream to core(s) {fake_cores} (it answers on its I/O threads "
                 f"when no script makes it wait)")
        self.say(L.table(["path", "req/s at 32 conns", "p50 ms at 1 conn", "added p50 ms (ours ≤0.1)",
                          "× Portkey req/s (ours ≥20)", "gateway CPU s per 1k req", "threads", "errors"], table))
        if not ours_row:
            self.say("ours: not measured, no single-model gateway route on main yet (GET /api/compare?models=M)")
        self.say()

    def gateway_ours(self, fake_port):
        env = dict(os.environ, OPENAI_BASE_URL=f"http://127.0.0.1:{fake_port}/v1", OPENAI_API_KEY=self.KEY)
        port = L.free_port()
        # No budget cap: past it, compare answers fast with a "budget exhausted" error per model,
        # which would measure the guard instead of the gateway.
        cfg = self.config("gw", io_threads=0, access_log=True,
                          extra="[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n")
        proc = L.start([self.binary, "serve", "--config", cfg, "--host", "127.0.0.1", "--port", str(port)],
                       self.path("gw.log"), env=env)
        try:
            L.wait_ready(port, proc=proc)
            route = f"/api/compare?models={self.MODEL}"
            status, body = L.get(port, route, timeout=10)
            if status != 200 or not all(r.get("ok") for r in json.loads(body).get("results", [])):
                self.say(f"ours: the first compare did not succeed ({status}): {body[:200]!r}")
                return None
            calls_before = self.fake_calls(fake_port)
            row = self.gateway_runs(f"http://127.0.0.1:{port}{route}", [], proc)
            with L.Usage(proc.pid) as usage:  # the thread count must not grow with load
                L.wrk(f"http://127.0.0.1:{port}{route}", 64, min(self.duration, 5))
            row["threads"] += f", {usage.max_threads} at 64 concurrent compares"
            row["route"] = "GET " + route
            # Every compare must have been one upstream call (no cache, no budget refusals).
            self.say(f"ours: {self.fake_calls(fake_port) - calls_before:,} upstream calls during the runs")
            return row
        finally:
            L.stop(proc)

    PASS_TOKEN = "bench-FAKE-passthrough-token-0001"

    def gateway_passthrough(self, fake_port, script, chat):
        """The proxy hop alone, like for like with Portkey: POST /v1/chat/completions forwarded
        through our gateway (key, breaker, retries, budget, ledger) to the fake, nothing stored."""
        env = dict(os.environ, OPENAI_BASE_URL=f"http://127.0.0.1:{fake_port}/v1", OPENAI_API_KEY=self.KEY,
                   CS_PASSTHROUGH_TOKEN=self.PASS_TOKEN)
        port = L.free_port()
        cfg = self.config("pass", io_threads=0, access_log=True,
                          extra="[budget]\nmax_calls_per_minute = 0\nmax_usd_per_day = 0\n"
                                "[cache]\nenabled = false\n[passthrough]\nenabled = true\n")
        proc = L.start([self.binary, "serve", "--config", cfg, "--host", "127.0.0.1", "--port", str(port)],
                       self.path("pass.log"), env=env)
        url = f"http://127.0.0.1:{port}/v1/chat/completions"
        auth = f"Authorization: Bearer {self.PASS_TOKEN}"
        try:
            L.wait_ready(port, proc=proc)
            calls_before = self.fake_calls(fake_port)
            row = self.gateway_runs(url, [auth], proc, script=script, body=chat)
            self.say(f"ours (passthrough): {self.fake_calls(fake_port) - calls_before:,} upstream calls during the runs")
            row["route"] = "POST /v1/chat/completions"
            return row
        finally:
            L.stop(proc)

    @staticmethod
    def fake_calls(fake_port):
        _, body = L.get(fake_port, "/_control", timeout=10)
        return json.loads(body)["requests"]

    # --- 3. cold start ------------------------------------------------------------------------
    def make_store(self, count):
        corpus = self.path("corpus10k.json")
        services = ["Amazon S3", "AWS Lambda", "Amazon DynamoDB", "Amazon SQS", "Amazon EC2"]
        with open(corpus, "w") as f:
            json.dump([{"text": f"Saying {i}: {services[i % 5]} is like a cloud with {i} silver linings, "
                                "each billed by the millisecond.", "services": [services[i % 5]]}
                       for i in range(count)], f)
        db = self.path("cold.db")
        cfg = self.config("seed", store="sqlite:" + db)
        subprocess.run([self.binary, "seed", "--config", cfg, "--file", corpus], check=True,
                       stdout=subprocess.DEVNULL)
        return db

    def cold(self):
        runs = 5 if self.args.quick else 20
        self.say(f"## 3. Cold start: exec → first 200 on /api/sayings, 10,000-saying SQLite store, {runs} runs")
        db = self.make_store(10_000)
        cfg = self.config("cold", store="sqlite:" + db)
        times = []
        for _ in range(runs):
            port = L.free_port()
            cmd = [self.binary, "serve", "--config", cfg, "--host", "127.0.0.1", "--port", str(port)]
            log = open(self.path("cold.log"), "ab")
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            log.close()
            L._children.append(proc)
            while True:
                try:
                    status, _ = L.get(port, "/api/sayings", timeout=2.0)
                    if status == 200:
                        break
                    raise RuntimeError(f"cold start answered {status}")
                except (ConnectionRefusedError, ConnectionResetError):
                    if proc.poll() is not None:
                        raise RuntimeError("server exited during cold start")
                    time.sleep(0.0005)
            times.append((time.perf_counter() - t0) * 1000.0)
            L.stop(proc)
        times.sort()
        self.say(L.table(["median ms (≤25)", "min ms", "max ms"],
                         [[f"{L.median(times):.1f}", f"{times[0]:.1f}", f"{times[-1]:.1f}"]]))
        self.say()

    # --- 4. memory ----------------------------------------------------------------------------
    def memory(self):
        total = 200_000 if self.args.quick else 1_000_000
        self.say("## 4. Memory: RSS of one instance (io_threads=0, access log on) under hot-path load")
        proc, port = self.start_ours("mem")
        time.sleep(0.5)
        idle = L.rss_kb(proc.pid)
        script = os.path.join(BENCH, "wrk", "count.lua")
        url = f"http://127.0.0.1:{port}/api/sayings"
        first = L.wrk(url, 64, 300, script=script, env={"CS_WRK_LIMIT": str(100_000), "CS_WRK_DONE": self.path("done")})
        time.sleep(0.5)
        after_100k = L.rss_kb(proc.pid)
        rest = L.wrk(url, 64, 600, script=script, env={"CS_WRK_LIMIT": str(total - first["requests"]), "CS_WRK_DONE": self.path("done")})
        time.sleep(0.5)
        after_total = L.rss_kb(proc.pid)
        done = first["requests"] + rest["requests"]
        L.stop(proc)
        growth = (after_total - after_100k) / after_100k * 100.0
        self.say(L.table(["idle RSS MB (≤20)", f"after {first['requests']:,} MB",
                          f"after {done:,} MB", "growth % (≤5)", "errors"],
                         [[f"{idle / 1024:.1f}", f"{after_100k / 1024:.1f}", f"{after_total / 1024:.1f}",
                           f"{growth:+.1f}", first["errors"] + rest["errors"]]]))
        self.say()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--only", default="hot,gateway,cold,memory")
    ap.add_argument("--fake-layouts", default="wrk,server",
                    help="gateway section: where the fake upstream runs (wrk: with wrk; server: with the gateway)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = ap.parse_args()
    suite = Suite(args)
    atexit.register(L.stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        load = os.getloadavg()
        suite.say(f"# bench/load {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {os.cpu_count()} cores, "
                  f"load average {load[0]:.1f} at start, commit "
                  + subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                   text=True).stdout.strip())
        suite.say()
        for section in args.only.split(","):
            getattr(suite, section.strip())()
    finally:
        L.stop_all()
        report = os.path.join(ROOT, args.build, "bench-load.md")
        with open(report, "w") as f:
            f.write("\n".join(suite.out) + "\n")
        print(f"(table saved to {os.path.relpath(report, ROOT)}; logs in {suite.tmp})" if args.keep
              else f"(table saved to {os.path.relpath(report, ROOT)})")
        if not args.keep:
            shutil.rmtree(suite.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
