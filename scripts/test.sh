#!/usr/bin/env bash
# Sets up, then builds and runs the whole suite: release (g++), asan (clang-19: ASan+UBSan with
# libFuzzer coverage, so it also fuzzes each target for 20 s) and tsan (g++) builds.
# Before them, the lint stage (scripts/lint.sh). CS_TEST_PRESETS="release" limits the presets
# (e.g. for a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CCACHE_DIR=${CCACHE_DIR:-$PWD/build/.ccache} CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-3G}
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
presets=(${CS_TEST_PRESETS:-release asan tsan})
failed=()
declare -A summary
start=$(date +%s)
# Style checks first (scripts/lint.sh: clang-format, clang-tidy; no build). Tidy keeps its
# result per unity batch under build/lint/tidy-cache: minutes on a clean clone, seconds on an
# unchanged tree.
# A finding fails the run at the end, so the presets still show their results meanwhile.
# CS_TEST_LINT=0 skips it (a quick local run).
lint_status="skipped"
if [[ ${CS_TEST_LINT:-1} != 0 ]]; then
  lint_start=$(date +%s)
  if ./scripts/lint.sh; then lint_status="passed"; else lint_status="FAILED"; failed+=(lint); fi
  lint_status+=" ($(( $(date +%s) - lint_start ))s)"
fi
for preset in "${presets[@]}"; do
  echo "=== [$preset] build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "=== [$preset] test"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  log=build/$preset/ctest.log
  if ctest --preset "$preset" -j2 2>&1 | tee "$log"; then :; else failed+=("$preset"); fi
  summary[$preset]=$(grep -E "tests passed" "$log" | tail -1 || echo "no summary")
done
echo "=== summary ($(( $(date +%s) - start ))s)"
echo "  lint: $lint_status"
for preset in "${presets[@]}"; do echo "  $preset: ${summary[$preset]}"; done
if ((${#failed[@]})); then echo "FAILED: ${failed[*]}"; exit 1; fi
echo "all presets passed"
