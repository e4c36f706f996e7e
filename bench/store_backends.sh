#!/usr/bin/env bash
# GET /api/sayings throughput on SQLite vs DynamoDB (dynalite), and DynamoDB calls per 1,000
# requests. Loopback only, bounded: each run lasts DURATION seconds.
# Usage: bench/store_backends.sh [BINARY] [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/cloud-sayings}
duration=${2:-10}
conns=${3:-16}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

node tests/node/dynalite-server.js >"$work/dynalite.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q DYNALITE_PORT "$work/dynalite.log" && break; sleep 0.1; done
port=$(sed -n 's/DYNALITE_PORT=//p' "$work/dynalite.log")
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=AKIDFAKEEXAMPLE \
  AWS_SECRET_ACCESS_KEY=FAKE-bench-secret AWS_REGION=us-east-1
printf '[log]\naccess_log = false\n' >"$work/bench.toml"
"$bin" store init --store dynamodb >/dev/null
"$bin" seed --store dynamodb >/dev/null  # so the serve run counts serving calls only
warm=1500  # > 219 * ln(219): every corpus saying has been picked (and cached) once

run() {  # $1 = name, $2 = store url
  local log=$work/$1.log
  "$bin" serve --config "$work/bench.toml" --store "$2" --port 0 >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 200); do grep -q '"Server listening"' "$log" && break; sleep 0.05; done
  local sport
  sport=$(grep '"Server listening"' "$log" | sed -E 's/.*"port":([0-9]+).*/\1/')
  local url=http://127.0.0.1:$sport/api/sayings
  for _ in $(seq $warm); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done >"$work/warm.cfg"
  curl -s -K "$work/warm.cfg"  # warm: ids listed, items cached (one connection)
  local out
  out=$(wrk -t2 -c"$conns" -d"${duration}s" "$url")
  kill -TERM "$pid"
  wait "$pid" || true
  local rps reqs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  reqs=$((reqs + warm))
  echo "$1: $rps req/s (wrk -t2 -c$conns -d${duration}s, $reqs requests incl. warm-up)"
  if [[ $1 == dynamodb ]]; then
    local calls
    calls=$(grep '"DynamoDB requests made"' "$log" | sed -E 's/.*"total":([0-9]+).*/\1/')
    echo "dynamodb: $calls DynamoDB calls in total ($(grep '"DynamoDB requests made"' "$log" |
      sed -E 's/.*"by_operation":(\{[^}]*\}).*/\1/')), $(awk -v c="$calls" -v r="$reqs" \
      'BEGIN {printf "%.2f", c * 1000 / r}') per 1,000 requests"
  fi
}
run sqlite "sqlite:$work/bench.db"
run dynamodb dynamodb
