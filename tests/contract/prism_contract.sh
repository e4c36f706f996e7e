#!/usr/bin/env bash
# Contract test: the requests our adapters build are accepted by a Prism mock of the provider's
# published spec (tests/contract/specs/), and Prism does reject a request the spec forbids (so
# this test can fail). Usage: prism_contract.sh CLOUD_SAYINGS_BINARY anthropic|openai
set -euo pipefail
bin=${1:?binary}; provider=${2:?provider}
here="$(cd "$(dirname "$0")" && pwd)"
node_dir="$here/../node"
if [[ ! -x $node_dir/node_modules/.bin/prism ]]; then
  flock "$node_dir/package.json" bash -c \
    "[[ -x '$node_dir/node_modules/.bin/prism' ]] || (cd '$node_dir' && npm ci --no-audit --no-fund --loglevel=error)"
fi
case $provider in
  anthropic) spec="$here/specs/anthropic-messages.yaml"; models=(claude-haiku-4-5 claude-sonnet-4-5) ;;
  openai) spec="$here/specs/openai-chat.yaml"; models=(gpt-4.1 gpt-4.1-mini) ;;
  *) echo "unknown provider $provider"; exit 2 ;;
esac
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log=$(mktemp); out=$(mktemp)
"$node_dir/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$port" --errors "$spec" >"$log" 2>&1 &
prism_pid=$!
trap 'kill $prism_pid 2>/dev/null || true; wait $prism_pid 2>/dev/null || true; rm -f "$log" "$out"' EXIT
for _ in $(seq 1 240); do
  grep -q "Prism is listening" "$log" && break
  kill -0 $prism_pid 2>/dev/null || { cat "$log"; echo "prism exited"; exit 1; }
  sleep 0.25
done
grep -q "Prism is listening" "$log" || { cat "$log"; echo "prism did not start"; exit 1; }
base="http://127.0.0.1:$port"

status=0
for model in "${models[@]}"; do
  ANTHROPIC_API_KEY=sk-ant-test-FAKE-contract OPENAI_API_KEY=sk-test-FAKE-contract \
    ANTHROPIC_BASE_URL="$base" OPENAI_BASE_URL="$base/v1" \
    "$bin" generate --model "$model" --avoid "Amazon S3,AWS Lambda" --topic databases >"$out" 2>&1 || true
  if grep -qE "error: (bad_request|auth)" "$out"; then
    echo "FAIL $model: the mock rejected our request:"; cat "$out"; status=1
  else
    echo "ok   $model"
  fi
done
if grep -q "did not pass the validation rules" "$log"; then
  echo "FAIL: Prism reported violations:"; grep -A3 "did not pass" "$log"; status=1
fi
[[ $(grep -c "passed the validation rules" "$log") -ge ${#models[@]} ]] || { echo "FAIL: Prism validated fewer requests than sent"; status=1; }

# The validator is live: a request the spec forbids must be refused.
if [[ $provider == anthropic ]]; then
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/messages" -H 'content-type: application/json' \
    -H 'x-api-key: sk-ant-test-FAKE' -H 'anthropic-version: 2023-06-01' \
    -d '{"model":"claude-haiku-4-5","messages":[{"role":"user","content":"hi"}],"bogus":1}')
else
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/chat/completions" -H 'content-type: application/json' \
    -H 'authorization: Bearer sk-test-FAKE' -d '{"model":"gpt-4.1"}')
fi
if [[ $code != 400 && $code != 422 ]]; then echo "FAIL: a forbidden request got $code, expected 400/422"; status=1; else echo "ok   forbidden request refused ($code)"; fi
exit $status
