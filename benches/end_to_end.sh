#!/usr/bin/env bash
# One end-to-end run of a month, as a bureau makes it (BENCHMARKS.md, issue 13): a fresh
# copy of DIR/base.db (the archive before the month, its register checkpoint refreshed by
# this binary before the clock starts), `ingest` of DIR/returns/2025-06 with
# its receipts, then `build` of the June bulletin. Prints the wall seconds of the two
# commands together. DIR is a scenario folder of scripts/bench-scenarios.sh.
#
# The receipts go to a folder of their own each round (DIR/receipts-runs/<time>), and
# nothing of an earlier round's receipts is deleted: on a file system without a journal
# (ext4 as on the benchmark machine) creating files walks past every inode deleted in the
# last minutes, which a bureau's month, written beside last month's receipts, does not
# pay. Remove DIR/receipts-runs when done.
#
#   benches/end_to_end.sh path/to/tongbao DIR
set -euo pipefail
bin=$(realpath "$1")
cd "$2"
rm -rf tongbao.db tongbao.db-wal tongbao.db-shm backups out
mkdir -p receipts-runs
receipts=receipts-runs/$(date +%s%N)
cp base.db tongbao.db
# The archive as this binary leaves May, as a bureau's is when June's returns come in: its
# register checkpoint made by this binary (one made by another is passed over and the
# earlier months read again). Ingesting an unchanged May return again refreshes it.
# The first May return (a glob, not `ls | head`: under pipefail, `head` closing the pipe
# early can fail the run with SIGPIPE).
may_returns=(returns/2025-05/*)
may=${may_returns[0]##*/}
"$bin" ingest --no-receipts --period 2025-05 "returns/2025-05/$may" >/dev/null 2>&1 || true
rm -rf backups
start=$(date +%s.%N)
"$bin" ingest --period 2025-06 --receipts "$receipts" returns/2025-06 >/dev/null 2>&1
"$bin" build --period 2025-06 --out out >/dev/null 2>&1
end=$(date +%s.%N)
echo "$end - $start" | bc
# The archive is not left in the folder: a `check` run there afterwards (the peers'
# comparison) would run the history rules against it, 70 ms more of a province's 130.
rm -f tongbao.db tongbao.db-wal tongbao.db-shm
