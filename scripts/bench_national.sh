#!/usr/bin/env bash
# The national annual summary on a national-scale dataset: `amity gen` writes about RECORDS
# delegations and events over PROVINCES provinces and ASSOCIATIONS associations for YEARS
# years; the server's summary (both readings, with year-over-year) is timed against DuckDB
# computing the same figures from the raw records, and the server's resident memory is read.
# Usage: scripts/bench_national.sh [records] [provinces] [associations] [years]
# Set BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/amity_bench to measure PostgreSQL
# (the database must exist and be empty). Needs the duckdb Python package.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-10000000}; provinces=${2:-34}; associations=${3:-16}; years=${4:-10}
port=${BENCH_PORT:-18092}
dir=${BENCH_DIR:-$(mktemp -d /tmp/amity-national.XXXXXX)}
db_flags=(--data-dir "$dir")
[ -n "${BENCH_DATABASE_URL:-}" ] && db_flags+=(--database-url "$BENCH_DATABASE_URL")

cargo build --release -q -p amity
bin=${CARGO_TARGET_DIR:-target}/release/amity
export AMITY_LOG=warn

if [ -z "${BENCH_REUSE:-}" ]; then
  "$bin" serve --demo "${db_flags[@]}" --addr 127.0.0.1:$port & pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
  kill "$pid"; wait "$pid" || true
  /usr/bin/time -f "gen: %e s, %M KB max RSS" "$bin" gen "${db_flags[@]}" --provinces "$provinces" --years "$years" \
    --associations "$associations" --per-unit-year 0 --no-activities --records "$records"
fi

"$bin" serve "${db_flags[@]}" --addr 127.0.0.1:$port & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
BENCH_PID=$pid python3 scripts/bench_national.py "http://127.0.0.1:$port" "${BENCH_DATABASE_URL:-$dir/amity.db}"
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status); peak: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
[ -z "${BENCH_DATABASE_URL:-}" ] && echo "database file: $(du -h "$dir/amity.db" | cut -f1) in $dir"
