#!/usr/bin/env bash
# R3: 200 concurrent sessions of mixed reads and writes for 10 minutes on loopback; prints the
# statuses (server errors must be 0) and the server's memory over time.
# Usage: scripts/soak.sh [sessions] [seconds]   (defaults 200 and 600)
# Set SOAK_DATABASE_URL for PostgreSQL (an empty database); AMITY_BIN to use a built binary.
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${1:-200}; seconds=${2:-600}
port=${SOAK_PORT:-18096}
dir=$(mktemp -d /tmp/amity-soak.XXXXXX)
flags=(--data-dir "$dir")
[ -n "${SOAK_DATABASE_URL:-}" ] && flags+=(--database-url "$SOAK_DATABASE_URL")
if [ -z "${AMITY_BIN:-}" ]; then cargo build --release -q -p amity; fi
bin=${AMITY_BIN:-${CARGO_TARGET_DIR:-target}/release/amity}
AMITY_LOG=warn "$bin" serve --demo "${flags[@]}" --addr 127.0.0.1:$port & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
python3 scripts/soak.py "http://127.0.0.1:$port" "$pid" "$sessions" "$seconds"
