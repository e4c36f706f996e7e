#!/usr/bin/env bash
# The style checks CI runs (scripts/test.sh's lint stage; docs/testing.md "Checks"):
#   format: clang-format-14 --dry-run -Werror on every C++ file of src/ tests/ fuzz/ bench/ tools/
#   tidy:   clang-tidy-19 with the root .clang-tidy on every src/ .cpp (headers through them),
#           two at a time, from the compile commands of a configure-only clang-19 tree
#           (build/lint: nothing is compiled). A clean result is cached per batch
#           (scripts/tidy_cached.py), so an unchanged tree is checked again in seconds.
# Usage: scripts/lint.sh [format|tidy|fix]...  (default: format tidy; `fix` reformats in place)
# Prints each finding and exits non-zero when there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format-14}  # the version the code is formatted with
CLANG_TIDY=${CLANG_TIDY:-clang-tidy-19}
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
      # Only src/ (tests, fuzz and bench are not held to it). A unity batch includes .cpp files
      # on purpose: bugprone-suspicious-include is off for those runs. Each entry's result is
      # cached under build/lint/tidy-cache, keyed by a hash of its preprocessed text, its flags,
      # .clang-tidy and the clang-tidy version (scripts/tidy_cached.py): an unchanged batch is
      # not checked again, a finding is never cached. CS_LINT_CACHE=0 checks everything.
      cache=build/lint/tidy-cache
      [[ ${CS_LINT_CACHE:-1} != 0 ]] || cache=$(mktemp -d)
      log=build/lint/tidy.log
      if python3 scripts/tidy_cached.py build/lint "$cache" "$JOBS" "$(command -v "$CLANG_TIDY")" \
        -checks=-bugprone-suspicious-include >"$log" 2>&1; then
        head -1 "$log"
      else
        cat "$log"
        failed+=(tidy)
      fi
      [[ ${CS_LINT_CACHE:-1} != 0 ]] || rm -rf "$cache"
      ;;
    *) echo "lint: unknown stage '$stage' (format, tidy, fix)"; exit 2 ;;
  esac
  echo "=== [lint] $stage: $(($(date +%s) - start))s"
done
if ((${#failed[@]})); then echo "lint FAILED: ${failed[*]}"; exit 1; fi
echo "lint passed"
