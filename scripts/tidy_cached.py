#!/usr/bin/env python3
"""clang-tidy over src/ with a result cache (scripts/lint.sh's tidy stage; docs/testing.md).

Each entry of build/lint/compile_commands.json that holds src/ code (a unity batch, or a src/
file compiled alone) is checked unless its key is in the cache. The key is a SHA-256 of what
decides the result: the preprocessed text of the entry (`clang++-19 -E -C` with the entry's own
flags, so every header it includes and every NOLINT comment counts), its compile command, the
.clang-tidy file, clang-tidy's version and the extra arguments. A clean entry stores its key
(an empty file under the cache directory); an entry with a finding is printed and never stored,
so it is checked again on every run until it is fixed.

Usage: tidy_cached.py <build dir> <cache dir> <jobs> <clang-tidy> [extra clang-tidy args...]
Exit status 1 when any entry has a finding.
"""
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time

build_dir, cache_dir, jobs, clang_tidy = sys.argv[1:5]
extra_args = sys.argv[5:]
jobs = int(jobs)
root = os.getcwd()
src = root + "/src/"


def entries():
    for entry in json.load(open(os.path.join(build_dir, "compile_commands.json"))):
        path = entry["file"]
        if path.startswith(src) or ("/Unity/" in path and src in open(path).read()):
            yield entry


def preprocess_command(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-o":
            skip = True
        elif arg != "-c":
            out.append(arg)
    return out + ["-E", "-C", "-o", "-"]


def common_key():
    version = subprocess.run([clang_tidy, "--version"], capture_output=True, text=True,
                             check=True).stdout
    h = hashlib.sha256()
    for part in (version, open(".clang-tidy").read(), "\0".join(extra_args)):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def key_of(entry, common):
    command = preprocess_command(entry)
    text = subprocess.run(command, cwd=entry["directory"], capture_output=True, check=True).stdout
    h = hashlib.sha256(common.encode())
    h.update(("\0".join(command) + "\0").encode())
    h.update(text)
    return h.hexdigest()


def tidy(entry):
    run = subprocess.run([clang_tidy, "-p", build_dir, "--quiet", *extra_args, entry["file"]],
                         capture_output=True, text=True)
    output = run.stdout + run.stderr
    clean = run.returncode == 0 and not re.search(r"(warning|error):", output)
    return clean, output


def short(path):
    return os.path.relpath(path, root)


def main():
    os.makedirs(cache_dir, exist_ok=True)
    todo = list(entries())
    if not todo:
        print("tidy: no src/ entries in the compile commands", file=sys.stderr)
        return 1
    start = time.monotonic()
    common = common_key()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        keys = list(pool.map(lambda e: key_of(e, common), todo))
    unknown = [(e, k) for e, k in zip(todo, keys)
               if not os.path.exists(os.path.join(cache_dir, k))]
    hashed = time.monotonic() - start
    print(f"tidy: {len(todo)} entries, {len(todo) - len(unknown)} unchanged (cached),"
          f" {len(unknown)} to check (hashing took {hashed:.1f}s)")
    findings = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for (entry, key), (clean, output) in zip(
                unknown, pool.map(lambda ek: tidy(ek[0]), unknown)):
            if clean:
                open(os.path.join(cache_dir, key), "w").close()
            else:
                findings.append((entry, output))
    for entry, output in findings:
        print(f"--- {short(entry['file'])}")
        print(output.rstrip())
    if findings:
        lines = {line for _, output in findings for line in output.splitlines()
                 if re.search(r"(warning|error):", line)}
        print(f"tidy: {len(lines)} finding(s) in {len(findings)} entr(y/ies)")
        return 1
    return 0


sys.exit(main())
