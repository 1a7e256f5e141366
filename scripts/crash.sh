#!/usr/bin/env bash
# R2: kill -9 during concurrent API writes, restart, and check that every acknowledged write is
# there, `amity check` finds no difference and the database passes its integrity check.
# Usage: scripts/crash.sh [rounds]   (default 50 on SQLite)
# Set CRASH_DATABASE_URL=postgres://postgres@127.0.0.1/amity_crash to run on PostgreSQL (the
# database must exist and be empty); AMITY_BIN to use a binary already built.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50}
dir=$(mktemp -d /tmp/amity-crash.XXXXXX)
trap 'rm -rf "$dir"' EXIT
if [ -z "${AMITY_BIN:-}" ]; then cargo build -q -p amity; fi
bin=${AMITY_BIN:-${CARGO_TARGET_DIR:-target}/debug/amity}
python3 scripts/crash.py "$bin" "$dir" "$rounds" ${CRASH_DATABASE_URL:+"$CRASH_DATABASE_URL"}
