#!/usr/bin/env bash
# Sets up, builds the release binary and runs the service on http://127.0.0.1:8080 with the
# embedded SQLite store (var/cloud-sayings.db). Extra arguments go to `cloud-sayings serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/cloud-sayings serve --config config/cloud-sayings.toml "$@"
