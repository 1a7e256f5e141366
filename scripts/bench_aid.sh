#!/usr/bin/env bash
# Benchmark of foreign-NGO aid on generated national-scale data: the aid dashboard's queries,
# one province-year's IATI file, the NGO registry, and the server's resident memory.
# Usage: scripts/bench_aid.sh [ngos] [projects per province and year] [provinces] [years]
# Set BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/amity_aid_bench to measure PostgreSQL
# (the database must exist and be empty).
set -euo pipefail
cd "$(dirname "$0")/.."
ngos=${1:-500}; per=${2:-15}; provinces=${3:-34}; years=${4:-10}
port=${BENCH_PORT:-18092}
dir=$(mktemp -d /tmp/amity-aid-bench.XXXXXX)
db_flags=(--data-dir "$dir")
[ -n "${BENCH_DATABASE_URL:-}" ] && db_flags+=(--database-url "$BENCH_DATABASE_URL")

cargo build --release -q -p amity
bin=${CARGO_TARGET_DIR:-target}/release/amity
export AMITY_LOG=warn

# The demo first (it loads only into an empty database), then the generated nation beside it.
"$bin" serve --demo "${db_flags[@]}" --addr 127.0.0.1:$port & pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
kill "$pid"; wait "$pid" || true
/usr/bin/time -f "gen: %e s, %M KB max RSS" "$bin" gen "${db_flags[@]}" --provinces "$provinces" --years "$years" \
  --per-unit-year 0 --no-activities --ngos "$ngos" --aid-per-unit-year "$per"

"$bin" serve "${db_flags[@]}" --addr 127.0.0.1:$port & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
python3 scripts/bench_aid.py "http://127.0.0.1:$port"
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status); peak: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
[ -z "${BENCH_DATABASE_URL:-}" ] && echo "database file: $(du -h "$dir/amity.db" | cut -f1)"
