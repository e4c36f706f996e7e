#!/usr/bin/env bash
# run_fuzz.sh FUZZER CORPUS_DIR SECONDS: fuzzes for SECONDS starting from CORPUS_DIR (read
# only; new inputs go to a temporary folder). A crash leaves crash-* in the working directory
# and fails the run; copy it into CORPUS_DIR so it replays as a regression test forever.
set -euo pipefail
fuzzer=${1:?fuzzer binary} corpus=${2:?corpus dir} seconds=${3:-20}
work=$(mktemp -d)
# Symbolized stacks in reports: clang-19's runtime looks for llvm-symbolizer on PATH.
if [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]]; then
  for s in llvm-symbolizer-19 llvm-symbolizer llvm-symbolizer-14; do
    if command -v "$s" >/dev/null; then export ASAN_SYMBOLIZER_PATH=$(command -v "$s"); break; fi
  done
fi
trap 'rm -rf "$work"' EXIT
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -print_funcs=0 \
  "$work" "$corpus" 2>&1 | grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)' || exit "${PIPESTATUS[0]}"
