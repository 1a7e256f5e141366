#!/usr/bin/env bash
# Checks the API against its own description (GET /api/v1/openapi.json) with schemathesis:
# every response's status, content type and body must be the ones the description gives.
# Usage: scripts/schemathesis.sh [seconds]   (default 300; `pip install schemathesis`)
# Runs a demo server on a fresh SQLite file in a temporary folder, as the administrator, on
# loopback only; the operations that revoke the caller's own token are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
port=${SCHEMATHESIS_PORT:-18093}
dir=$(mktemp -d /tmp/amity-schemathesis.XXXXXX)
export AMITY_LOG=warn

cargo build -q -p amity
bin=${AMITY_BIN:-${CARGO_TARGET_DIR:-target}/debug/amity}
"$bin" serve --demo --data-dir "$dir" --addr 127.0.0.1:$port & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token" \
  -H 'content-type: application/json' \
  -d "{\"email\":\"admin@demo.amity\",\"password\":\"${AMITY_DEMO_PASSWORD:-amity-demo}\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks status_code_conformance,content_type_conformance,response_schema_conformance,not_a_server_error \
  --exclude-path-regex 'auth/token' \
  --max-time "$seconds" \
  --seed 1 \
  --report junit --report-dir "$dir/report" || status=$?
exit "${status:-0}"
