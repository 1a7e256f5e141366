#!/usr/bin/env bash
# A long download and the server's memory: generates about RECORDS delegations and events
# (half of each), then downloads every delegation as CSV and as XLSX, printing the rows, the
# time and the server's resident memory before and at its peak (VmHWM).
# Usage: scripts/bench_export.sh [records]   (default 200000: about 100,000 delegations)
# Set BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/amity_export to measure PostgreSQL (the
# database must exist and be empty); AMITY_BIN to use a binary already built.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-200000}
port=${BENCH_PORT:-18094}
dir=$(mktemp -d /tmp/amity-export.XXXXXX)
db_flags=(--data-dir "$dir")
[ -n "${BENCH_DATABASE_URL:-}" ] && db_flags+=(--database-url "$BENCH_DATABASE_URL")
export AMITY_LOG=warn

if [ -z "${AMITY_BIN:-}" ]; then cargo build --release -q -p amity; fi
bin=${AMITY_BIN:-${CARGO_TARGET_DIR:-target}/release/amity}

"$bin" serve --demo "${db_flags[@]}" --addr 127.0.0.1:$port & pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
kill "$pid"; wait "$pid" || true
"$bin" gen "${db_flags[@]}" --provinces 34 --years 10 --per-unit-year 0 --no-activities --records "$records" >/dev/null

"$bin" serve "${db_flags[@]}" --addr 127.0.0.1:$port & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
base=http://127.0.0.1:$port/api/v1
token=$(curl -sf -X POST "$base/auth/token" -H 'content-type: application/json' \
  -d '{"email":"vufo@demo.amity","password":"amity-demo"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
total=$(curl -sf "$base/delegations?per_page=1" -H "Authorization: Bearer $token" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
backend=SQLite; [ -n "${BENCH_DATABASE_URL:-}" ] && backend=PostgreSQL
echo "delegations: $total; backend: $backend"
echo "RSS before: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
for kind in csv xlsx; do
  out="$dir/export.$kind"
  secs=$( { /usr/bin/time -f %e curl -sf -o "$out" -w '%{http_code}' \
    "$base/delegations/export.$kind" -H "Authorization: Bearer $token" >/dev/null; } 2>&1 )
  rows=$([ "$kind" = csv ] && python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8-sig'))) - 1)" "$out" || echo "-")
  echo "$kind: $(du -h "$out" | cut -f1), rows $rows, ${secs} s; RSS now $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
done
