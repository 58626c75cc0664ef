#!/usr/bin/env bash
# Benchmarks of check, ingest and build on synthetic returns; the figures go to
# BENCHMARKS.md by hand, with the machine they were measured on.
# Needs hyperfine and GNU time (apt-get install hyperfine time).
#   scripts/bench.sh [UNITS] [PROJECTS]     (default 200 100)
set -euo pipefail
cd "$(dirname "$0")/.."
units=${1:-200}
projects=${2:-100}
cargo build --release --quiet --package tongbao --package xtask
T=$PWD/target/release/tongbao
G=$PWD/target/release/xtask
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$G" gen-samples --synthetic-units "$units" --projects "$projects" --period 2025-06 --out "$dir"
cd "$dir"
echo "== check"
hyperfine -w 1 -r 5 "$T check --period 2025-06 returns/2025-06"
/usr/bin/time -f "peak RSS %M KB, %e s" "$T" check --period 2025-06 returns/2025-06 >/dev/null
echo "== ingest (fresh archive each run)"
hyperfine -w 1 -r 5 --prepare 'rm -f tongbao.db tongbao.db-wal tongbao.db-shm' "$T ingest --period 2025-06 returns/2025-06"
rm -f tongbao.db tongbao.db-wal tongbao.db-shm
/usr/bin/time -f "peak RSS %M KB, %e s" "$T" ingest --period 2025-06 returns/2025-06 >/dev/null
echo "== build"
hyperfine -w 1 -r 10 "$T build --period 2025-06"
/usr/bin/time -f "peak RSS %M KB, %e s" "$T" build --period 2025-06 >/dev/null
