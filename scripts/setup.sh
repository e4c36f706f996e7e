#!/usr/bin/env bash
# Installs everything the build, the service and the tests need, from Debian packages and npm
# only. Idempotent: a second run installs nothing. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 nlohmann-json3-dev
  libtomlplusplus-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  clang-format curl ca-certificates nodejs chromium wrk nginx-light
  prometheus  # promtool: tests check /metrics with `promtool check metrics`
  clang-19 libclang-rt-19-dev
  clang-tidy-19  # scripts/lint.sh (clang-format above is 14: the version the code follows)
  python3  # bench/soak.py (soak_smoke in the release preset)
  python3-yaml  # tests/deploy/check_template.py reads deploy/aws/template.yaml
  zip unzip  # build/<preset>/cloud-sayings-lambda.zip and the test that unpacks it
  libmimalloc-dev  # only for -DCS_MIMALLOC=ON (CMakeLists.txt: the allocator trade-off)
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get update -q || true
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node packages for tests and pages (pinned by package-lock.json files).
# Node.js 20 with its npm comes with the machine (nodesource package "nodejs"); Debian's
# separate "npm" package conflicts with it, so it is not listed above.
for dir in tests/node web; do
  if [[ -f $dir/package.json ]]; then
    if [[ ! -d $dir/node_modules ]] || [[ $dir/package-lock.json -nt $dir/node_modules ]]; then
      echo "setup: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
