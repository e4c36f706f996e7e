#!/usr/bin/env python3
"""Lambda-mode start-up next to serve's cold start (issue 19), medians of N starts:
  lambda init   exec -> first GET /2018-06-01/runtime/invocation/next
  lambda first  exec -> the first invocation's response posted (GET /api/sayings, v2 event)
  serve         exec -> first 200 on GET /api/sayings
both on the same SQLite store (the shipped corpus, seeded once), and the same for the packaged
bootstrap (bundled loader and libraries) when the zip exists.
  bench/lambda_cold_start.py [--build build/release] [--runs 20]
"""
import argparse
import http.server
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
import zipfile

EVENT = json.dumps({
    "version": "2.0", "routeKey": "$default", "rawPath": "/api/sayings", "rawQueryString": "",
    "headers": {"accept": "application/json"},
    "requestContext": {"http": {"method": "GET", "path": "/api/sayings", "sourceIp": "203.0.113.9"}},
    "isBase64Encoded": False}).encode()


class RuntimeApi:
    def __init__(self):
        self.first_next = None
        self.response = None
        self.served = False
        self.done = threading.Event()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                now = time.perf_counter()
                if api.first_next is None:
                    api.first_next = now
                if api.served:  # the second /next: the measurement is over
                    api.done.wait(30)
                    self.send_response(500)
                    self.end_headers()
                    return
                api.served = True
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
                self.send_header("Content-Length", str(len(EVENT)))
                self.end_headers()
                self.wfile.write(EVENT)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                api.response = (time.perf_counter(), json.loads(body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                api.done.set()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def address(self):
        return f"127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.done.set()
        self.server.shutdown()
        self.server.server_close()


def lambda_start(argv, env):
    api = RuntimeApi()
    env = dict(env, AWS_LAMBDA_RUNTIME_API=api.address())
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    api.done.wait(30)
    proc.kill()
    proc.wait()
    api.close()
    if api.response is None or api.response[1].get("statusCode") != 200:
        raise RuntimeError(f"no 200 response: {api.response}")
    return (api.first_next - t0) * 1000.0, (api.response[0] - t0) * 1000.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_start(binary, env):
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/sayings", timeout=2) as r:
                if r.status == 200:
                    break
        except (ConnectionRefusedError, ConnectionResetError, urllib.error.URLError):
            if proc.poll() is not None:
                raise RuntimeError("serve exited")
            time.sleep(0.0005)
    elapsed = (time.perf_counter() - t0) * 1000.0
    proc.terminate()
    proc.wait()
    return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    binary = os.path.abspath(os.path.join(args.build, "cloud-sayings"))
    zip_path = os.path.abspath(os.path.join(args.build, "cloud-sayings-lambda.zip"))
    work = tempfile.mkdtemp(prefix="cs-lambda-bench-")
    try:
        db = os.path.join(work, "sayings.db")
        env = {"CLOUD_SAYINGS_STORE_URL": "sqlite:" + db, "CLOUD_SAYINGS_RATE_LIMIT_ENABLED": "false",
               "CLOUD_SAYINGS_LOG_ACCESS_LOG": "false"}
        subprocess.run([binary, "seed"], env=env, check=True, stdout=subprocess.DEVNULL)
        rows = []
        runs = args.runs

        def measure(name, fn):
            a, b = [], []
            for _ in range(runs):
                r = fn()
                if isinstance(r, tuple):
                    a.append(r[0])
                    b.append(r[1])
                else:
                    b.append(r)
            rows.append((name, statistics.median(a) if a else None, statistics.median(b), min(b), max(b)))

        measure("serve (exec -> first 200)", lambda: serve_start(binary, env))
        measure("lambda (binary)", lambda: lambda_start([binary, "lambda"], env))
        if os.path.exists(zip_path):
            task = os.path.join(work, "task")
            with zipfile.ZipFile(zip_path) as z:
                z.extractall(task)
            for f in ("bootstrap", "lib/ld-linux-x86-64.so.2"):
                os.chmod(os.path.join(task, f), 0o755)
            # Only these variables, as under env -i.
            measure("lambda (zip bootstrap)",
                    lambda: lambda_start([os.path.join(task, "bootstrap")], dict(env, LAMBDA_TASK_ROOT=task)))
            print(f"zip: {os.path.getsize(zip_path) / 1024 / 1024:.1f} MiB ({os.path.getsize(zip_path):,} bytes)")
        print(f"medians of {runs} starts, SQLite store with the shipped corpus")
        print("| start | exec -> first /next ms | exec -> first response ms | min | max |")
        print("|---|---|---|---|---|")
        for name, a, b, lo, hi in rows:
            print(f"| {name} | {'' if a is None else f'{a:.1f}'} | {b:.1f} | {lo:.1f} | {hi:.1f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
