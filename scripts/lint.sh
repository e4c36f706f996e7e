#!/usr/bin/env bash
# The style checks CI runs (scripts/test.sh's lint stage; docs/testing.md "Checks"):
#   format: clang-format-14 --dry-run -Werror on every C++ file of src/ tests/ fuzz/ bench/ tools/
#   tidy:   clang-tidy-19 with the root .clang-tidy on every src/ .cpp (headers through them),
#           two at a time, from the compile commands of a configure-only clang-19 tree
#           (build/lint: nothing is compiled, so it costs seconds, not a build).
# Usage: scripts/lint.sh [format|tidy|fix]...  (default: format tidy; `fix` reformats in place)
# Prints each finding and exits non-zero when there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format-14}  # the version the code is formatted with
CLANG_TIDY=${CLANG_TIDY:-clang-tidy-19}
RUN_CLANG_TIDY=${RUN_CLANG_TIDY:-run-clang-tidy-19}
JOBS=${CS_LINT_JOBS:-2}
stages=("$@")
((${#stages[@]})) || stages=(format tidy)

cxx_files() {
  git ls-files -- 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp' \
    'bench/*.cpp' 'bench/*.hpp' 'tools/*.cpp' 'tools/*.hpp'
}

failed=()
for stage in "${stages[@]}"; do
  start=$(date +%s)
  case $stage in
    fix)
      cxx_files | xargs -r "$CLANG_FORMAT" -i
      ;;
    format)
      echo "=== [lint] format ($CLANG_FORMAT)"
      if ! cxx_files | xargs -r "$CLANG_FORMAT" --dry-run -Werror; then
        echo "format: the files above differ from $CLANG_FORMAT's output;" \
          "fix with: scripts/lint.sh fix"
        failed+=(format)
      fi
      ;;
    tidy)
      echo "=== [lint] tidy ($CLANG_TIDY, -j$JOBS)"
      mkdir -p build
      # A unity tree (batches of 8 sources, as the sanitizer presets build): each batch parses
      # Boost, Asio and nlohmann once instead of eight times, which is most of clang-tidy's cost.
      # The batched .cpp files count as included files, so HeaderFilterRegex keeps them in.
      # CS_LINT_UNITY=OFF checks one file at a time (slower; exact file in each message).
      cmake -S . -B build/lint -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=Debug \
        -DCS_BUILD_TESTS=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        -DCMAKE_UNITY_BUILD="${CS_LINT_UNITY:-ON}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 \
        >build/lint-configure.log 2>&1 || { cat build/lint-configure.log; exit 1; }
      log=build/lint/tidy.log
      # The entries to check (regexes for run-clang-tidy): src/ files compiled alone, and the
      # unity batches made of src/ files (whichever targets they belong to).
      mapfile -t tidy_files < <(python3 - <<'PY'
import json, os, re
root = os.getcwd()
for entry in json.load(open("build/lint/compile_commands.json")):
    f = entry["file"]
    if f.startswith(root + "/src/"):
        print(re.escape(f) + "$")
    elif "/Unity/" in f and (root + "/src/") in open(f).read():
        print(re.escape(f) + "$")
PY
      )
      # Only src/ (tests, fuzz and bench are not held to it). A unity batch includes .cpp files
      # on purpose: bugprone-suspicious-include is off for those runs.
      if "$RUN_CLANG_TIDY" -clang-tidy-binary "$(command -v "$CLANG_TIDY")" -p build/lint \
        -j "$JOBS" -quiet -checks=-bugprone-suspicious-include \
        "${tidy_files[@]}" >"$log" 2>&1; then
        :
      else
        grep -E "(warning|error):" "$log" | sort -u || cat "$log"
        echo "tidy: $(grep -E '(warning|error):' "$log" | sort -u | wc -l) finding(s);" \
          "full output in $log"
        failed+=(tidy)
      fi
      ;;
    *) echo "lint: unknown stage '$stage' (format, tidy, fix)"; exit 2 ;;
  esac
  echo "=== [lint] $stage: $(($(date +%s) - start))s"
done
if ((${#failed[@]})); then echo "lint FAILED: ${failed[*]}"; exit 1; fi
echo "lint passed"
