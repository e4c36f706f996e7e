"""Helpers for bench/load.py: child processes, free ports, HTTP probes, wrk runs and parsing.

Everything runs on 127.0.0.1; every child started here is stopped by stop_all() (also on
Ctrl-C), so a run never leaves a server behind.
"""
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import threading
import time

_children = []


def start(cmd, log_path, env=None, cwd=None, pin=True, cores=None):
    """Starts a server under test. pin: on server_cores() (or `cores`), with every thread and
    child it will have (affinity is inherited), so each competitor gets the same CPU budget."""
    if pin:
        cmd = ["taskset", "-c", cores or server_cores()] + list(cmd)
    log = open(log_path, "ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, cwd=cwd, start_new_session=True)
    log.close()
    _children.append(proc)
    return proc


def stop(proc, timeout=15):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in _children:
        _children.remove(proc)


def stop_all():
    for proc in list(_children):
        stop(proc, timeout=5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, headers=None, method="GET", body=None, timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, res.read()
    finally:
        conn.close()


def wait_ready(port, path="/healthz", timeout=30.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before answering {path}")
        try:
            status, _ = get(port, path, timeout=1.0)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"no 200 from 127.0.0.1:{port}{path} within {timeout}s")


def start_fake_llm(binary, log_path, cores=None):
    """Starts tests/fakes' fake_llm on a free port (pinned to `cores`, else server_cores());
    returns (process, port)."""
    proc = start([binary, "--host", "127.0.0.1", "--port", "0"], log_path, cores=cores)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with open(log_path) as f:
            for line in f:
                if "Fake LLM listening" in line:
                    return proc, json.loads(line)["extra_fields"]["port"]
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("fake_llm did not come up; see " + log_path)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _cores():
    return sorted(os.sched_getaffinity(0))


def wrk_core():
    """The core wrk is pinned to: the last one this process may use."""
    return str(_cores()[-1])


def server_cores():
    """The cores every server under test is pinned to: all but wrk's (one on a 2-core machine)."""
    cores = _cores()
    return ",".join(str(c) for c in (cores[:-1] if len(cores) > 1 else cores))


def server_core_count():
    return len(server_cores().split(","))


def _tree(pid):
    """pid and all its descendants (nginx's workers, a node server's children)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    """User + system CPU seconds of pid's whole process tree, every thread included."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except (OSError, ValueError, IndexError):
            pass
    return total / ticks


def thread_count(pid):
    """Threads of pid's whole process tree."""
    n = 0
    for p in _tree(pid):
        try:
            n += len(os.listdir(f"/proc/{p}/task"))
        except OSError:
            pass
    return n


class Usage:
    """Measures a server process tree over a block: CPU seconds used and the most threads it had
    (sampled every 50 ms), e.g. while wrk runs against it."""

    def __init__(self, pid):
        self.pid = pid
        self.max_threads = 0
        self.cpu_s = 0.0
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.wait(0.05):
            self.max_threads = max(self.max_threads, thread_count(self.pid))

    def __enter__(self):
        self._cpu0 = cpu_seconds(self.pid)
        self.max_threads = thread_count(self.pid)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.cpu_s = cpu_seconds(self.pid) - self._cpu0
        return False


def affinity_ok(pid):
    """True when every thread of pid's tree may run only on server_cores()."""
    want = set(int(c) for c in server_cores().split(","))
    for p in _tree(pid):
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                if set(os.sched_getaffinity(int(tid))) != want:
                    return False
        except OSError:
            pass
    return True


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def wrk(url, connections, duration_s, headers=(), script=None, method=None, body=None, env=None):
    """Runs wrk -t1 pinned to one core; returns rps, p50/p99 (ms), requests and errors."""
    cmd = ["taskset", "-c", wrk_core(), "wrk", "-t1", f"-c{connections}", f"-d{duration_s}s",
           "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    run_env = dict(os.environ, **(env or {}))
    if method:
        run_env["CS_WRK_METHOD"] = method
    if body is not None:
        run_env["CS_WRK_BODY"] = body
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=run_env)
    marker = run_env.get("CS_WRK_DONE")
    if marker:  # a counting script (wrk/count.lua): interrupt wrk once it has its requests
        while proc.poll() is None and not os.path.exists(marker):
            time.sleep(0.05)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        os.unlink(marker) if os.path.exists(marker) else None
    stdout, stderr = proc.communicate(timeout=duration_s + 120)
    text = stdout
    if "Requests/sec" not in text:
        raise RuntimeError(f"wrk failed: {stderr.strip() or text.strip()}")
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
           "requests": int(re.search(r"(\d+) requests in", text).group(1)), "errors": 0}
    for pct, key in (("50%", "p50"), ("99%", "p99")):
        m = re.search(rf"^\s+{re.escape(pct)}\s+(\S+)", text, re.M)
        res[key] = _ms(m.group(1)) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        res["errors"] += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        res["errors"] += sum(int(g) for g in m.groups())
    return res


def median(values):
    return statistics.median(values) if values else float("nan")


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] +
                     [line(r) for r in rows])
