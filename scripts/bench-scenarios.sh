#!/usr/bin/env bash
# Scenario benchmarks of the issue "Scale, speed and hardening": check, ingest and build
# timed separately (hyperfine, mean ± σ) with peak RSS (GNU time), the end-to-end chain,
# and for city and province the openpyxl peer ratio. Figures go to BENCHMARKS.md by hand,
# with the machine and the load printed here.
#
# Needs: a release build (cargo build --release; or TONGBAO=path/to/tongbao), hyperfine,
#        GNU time (apt-get install hyperfine time), python3 with openpyxl, pdfinfo (optional).
# Run:   scripts/bench-scenarios.sh city|province|national [RUNS]
#        BENCH_DATA=/work/bench-data (default) caches each scenario's generated returns and
#        base archive in BENCH_DATA/SCENARIO; delete it afterwards (national is ~1 GB).
#
# A scenario (seed 20250630, synthetic roster from `gen-samples --synthetic-units`):
#   city      41 units ×  80 projects      province 183 × 150      national 2,850 × 200
# holds each unit's returns for 2024-06 (last year, for 同比), 2025-05 (last month, for
# the history rules and the trend) and 2025-06 (the month benchmarked). The base archive
# holds 2024-06 and 2025-05; every timed ingest starts from a fresh copy of it and ingests
# 2025-06, as a bureau would in June; build then makes the June bulletin (PDF, workbook,
# JSON) from the archive with all three months.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scenario=${1:?usage: scripts/bench-scenarios.sh city|province|national [RUNS]}
case $scenario in
city) units=41 projects=80 runs=${2:-10} ;;
province) units=183 projects=150 runs=${2:-5} ;;
national) units=2850 projects=200 runs=${2:-2} ;;
*) echo "unknown scenario $scenario (city|province|national)" >&2; exit 2 ;;
esac
warm=1
[ "$scenario" = national ] && warm=0
T=${TONGBAO:-${CARGO_TARGET_DIR:-$repo/target}/release/tongbao}
[ -x "$T" ] || { echo "no release binary at $T: cargo build --release" >&2; exit 2; }
# The generator (xtask/), needed only to make a scenario's returns the first time.
G=${GEN:-${CARGO_TARGET_DIR:-$repo/target}/release/xtask}
data=${BENCH_DATA:-/work/bench-data}/$scenario
res=$data/results
mkdir -p "$res"

load() { echo "load: $(uptime | sed 's/.*load average/load average/')"; }
peak() { # peak RSS in MB and wall seconds of one run of "$@"
  /usr/bin/time -f "%M %e" -o "$res/time.txt" "$@" >/dev/null 2>&1 || true
  awk '{printf "peak RSS %.1f MB (%s s wall, single run)\n", $1/1024, $2}' "$res/time.txt"
}

if [ ! -d "$data/returns/2024-06" ]; then
  echo "== generating $scenario ($units units × $projects projects) into $data"
  rm -rf "$data/returns" "$data/base.db"
  [ -x "$G" ] || { echo "no generator at $G: cargo build --release --package xtask" >&2; exit 2; }
  "$G" gen-samples --synthetic-units "$units" --projects "$projects" --period 2025-06 --out "$data"
  for p in 2025-05 2024-06; do
    "$G" --config "$data/tongbao.toml" gen-samples --period $p --out "$data/returns/$p"
  done
fi
if [ ! -f "$data/base.db" ]; then
  echo "== base archive: ingest 2024-06 and 2025-05"
  rm -f "$data"/tongbao.db*
  (cd "$data" && for p in 2024-06 2025-05; do "$T" ingest --period $p "returns/$p" >/dev/null; done)
  mv "$data/tongbao.db" "$data/base.db"
fi
cd "$data"
du -sh returns/2025-06 base.db | sed 's/^/size: /'
# The base archive as this binary leaves May, as a bureau's is when June's returns come in:
# its register checkpoint made by this binary (one made by another binary is passed over
# and the earlier months are read again). Ingesting an unchanged May return again
# refreshes it.
rm -f tongbao.db tongbao.db-wal tongbao.db-shm && cp base.db tongbao.db
may_returns=(returns/2025-05/*)
"$T" ingest --no-receipts --period 2025-05 "${may_returns[0]}" >/dev/null
rm -rf backups && mv tongbao.db base-this-binary.db
fresh='rm -f tongbao.db tongbao.db-wal tongbao.db-shm && cp base-this-binary.db tongbao.db'
hf() { hyperfine -N -w "$warm" -r "$runs" --style basic "$@"; }

echo "== $scenario: $units units × $projects projects; $(nproc) cores; $("$T" --version)"
load
echo "== check (read, parse, validate, figures)"
hf --export-json "$res/check.json" "$T check --period 2025-06 returns/2025-06"
peak "$T" check --period 2025-06 returns/2025-06
load
echo "== ingest 2025-06 into a fresh copy of the base archive"
hf --prepare "sh -c '$fresh'" --export-json "$res/ingest.json" "$T ingest --period 2025-06 returns/2025-06"
sh -c "$fresh"
peak "$T" ingest --period 2025-06 returns/2025-06
load
echo "== build (PDF + workbook + JSON)"
rm -rf out
hf --export-json "$res/build.json" "$T build --period 2025-06 --out out"
peak "$T" build --period 2025-06 --out out
TONGBAO_PHASE_TIMES=1 "$T" build --period 2025-06 --out out 2>&1 >/dev/null | grep '^phase' || true
ls -l out | awk 'NR>1 {printf "output: %s %.1f MB\n", $NF, $5/1048576}'
command -v pdfinfo >/dev/null && pdfinfo out/通报-2025-06.pdf | grep -E '^Pages' | sed 's/^/output: PDF /'
load
echo "== end to end: check + ingest + build, from the base archive"
chain="$T check --period 2025-06 returns/2025-06 >/dev/null && $T ingest --period 2025-06 returns/2025-06 >/dev/null && $T build --period 2025-06 --out out >/dev/null"
hyperfine -w "$warm" -r "$runs" --style basic --prepare "sh -c '$fresh'" --export-json "$res/e2e.json" "$chain"
load

if [ "$scenario" != national ] || [ -n "${PEER:-}" ]; then
  # The peer reads and sums; it writes no receipts, so neither does tongbao here. Nor does
  # it compare with last month: tongbao runs without an archive (with one, the history
  # rules add half again to a province's check).
  rm -f tongbao.db tongbao.db-wal tongbao.db-shm
  echo "== peer: tongbao check --no-receipts (read + parse + validate + per-unit figures) vs openpyxl"
  "$T" check --format json --period 2025-06 returns/2025-06 >"$res/tongbao.json"
  python3 "$repo/benches/peer_openpyxl.py" --period 2025-06 returns/2025-06 >"$res/peer.json"
  python3 "$repo/benches/compare_peer.py" "$res/tongbao.json" "$res/peer.json"
  prun=$runs
  [ "$scenario" = national ] && prun=1
  hyperfine -N -w "$warm" -r "$prun" --style basic --export-json "$res/peer-timing.json" \
    -n tongbao "$T check --no-receipts --format json --period 2025-06 returns/2025-06" \
    -n openpyxl "python3 $repo/benches/peer_openpyxl.py --period 2025-06 returns/2025-06"
  load
fi

python3 - "$res" <<'EOF'
import json, os, sys
res = sys.argv[1]
def rows(name):
    p = os.path.join(res, name)
    return json.load(open(p))["results"] if os.path.exists(p) else []
print("\n| step | mean ± σ (s) | min–max (s) | user+sys (s) | runs |\n| --- | --- | --- | --- | --- |")
for step in ["check", "ingest", "build", "e2e", "peer-timing"]:
    for r in rows(step + ".json"):
        label = step if step != "peer-timing" else "peer: " + r["command"].split()[0].split("/")[-1]
        print(f"| {label} | {r['mean']:.3f} ± {r['stddev'] or 0:.3f} | {r['min']:.3f}–{r['max']:.3f} "
              f"| {r['user'] + r['system']:.2f} | {len(r['times'])} |")
peer = rows("peer-timing.json")
if len(peer) == 2:
    t, p = peer
    print(f"\npeer ratio (openpyxl / tongbao): wall {p['mean'] / t['mean']:.1f}×, "
          f"CPU {(p['user'] + p['system']) / (t['user'] + t['system']):.1f}×")
EOF
