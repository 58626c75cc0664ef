#!/usr/bin/env bash
# One `ingest` of a month with its receipts, as end_to_end.sh makes it but alone
# (BENCHMARKS.md, issue 13): the archive of DIR/base.db as BIN leaves May (its register
# checkpoint refreshed by BIN, prepared once in WORK and kept as WORK/ready.db), copied
# afresh, then `ingest --period 2025-06` of DIR/returns/2025-06 in WORK. Time it from
# outside (benches/alternate.py); the copy before it is the same for every binary.
# Receipts go to a new folder each run, WORK/receipts-runs/<time>, and none is deleted
# before the run (see end_to_end.sh); remove WORK/receipts-runs when done.
#
#   benches/ingest_month.sh path/to/tongbao DIR WORK
set -euo pipefail
bin=$(realpath "$1")
src=$(realpath "$2")
work=$3
if [ ! -f "$work/ready.db" ]; then
  rm -rf "$work"
  mkdir -p "$work"
  cp "$src/tongbao.toml" "$work/"
  cp "$src/base.db" "$work/tongbao.db"
  ln -s "$src/returns" "$work/returns"
  cd "$work"
  may_returns=(returns/2025-05/*)
  "$bin" ingest --no-receipts --period 2025-05 "returns/2025-05/${may_returns[0]##*/}" >/dev/null 2>&1 || true
  rm -rf backups receipts
  # Everything in the database file, nothing in its log: a copy of the file is the archive.
  python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')" tongbao.db
  mv tongbao.db ready.db
  rm -f tongbao.db-wal tongbao.db-shm
fi
cd "$work"
rm -rf backups tongbao.db-wal tongbao.db-shm
cp ready.db tongbao.db
mkdir -p receipts-runs
"$bin" ingest --period 2025-06 --receipts "receipts-runs/$(date +%s%N)" returns/2025-06 >/dev/null 2>&1
