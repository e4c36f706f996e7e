#!/usr/bin/env bash
# Runs browser-test files with node's test runner (CTest calls this once per file). The npm
# packages are pinned by tests/node/package-lock.json and installed by scripts/setup.sh; a
# checkout that has not run it yet gets them here (under a lock: CTest runs tests in parallel).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ ! -d $here/node_modules/playwright-core || ! -d $here/node_modules/axe-core ]]; then
  flock "$here/package.json" bash -c \
    "[[ -d '$here/node_modules/playwright-core' && -d '$here/node_modules/axe-core' ]] || (cd '$here' && npm ci --no-audit --no-fund --loglevel=error)"
fi
exec node --test --test-concurrency=1 --test-reporter=spec "$@"
