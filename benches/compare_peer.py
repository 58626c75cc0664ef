#!/usr/bin/env python3
"""Checks that the openpyxl peer and tongbao computed the same per-unit totals.

Needs: python3 (standard library only).
Run:   tongbao check --format json --period 2025-06 DIR > tongbao.json
       python3 benches/peer_openpyxl.py --period 2025-06 DIR > peer.json
       python3 benches/compare_peer.py tongbao.json peer.json
Exits 0 and prints one line when every unit's month and ytd figures agree (amounts within
0.005 万元, counts exactly); exits 1 and lists the differences otherwise.
"""

import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        ours = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        peer = json.load(f)["units"]
    tongbao = {
        x["unit"]["name"]: x["figures"]
        for x in ours["files"]
        if x.get("unit") and x.get("figures")
    }
    problems = []
    if tongbao.keys() != peer.keys():
        problems.append(
            f"units differ: only tongbao {sorted(tongbao.keys() - peer.keys())[:5]}, "
            f"only peer {sorted(peer.keys() - tongbao.keys())[:5]}"
        )
    compared = 0
    for unit in sorted(tongbao.keys() & peer.keys()):
        for span in ("month", "ytd"):
            for key, value in peer[unit][span].items():
                theirs = tongbao[unit][span][key]
                compared += 1
                if abs(float(theirs) - float(value)) > 0.005:
                    problems.append(f"{unit} {span}.{key}: tongbao {theirs}, peer {value}")
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        print(f"compare: {len(problems)} differences", file=sys.stderr)
        sys.exit(1)
    print(f"compare: {len(peer)} units, {compared} figures, all equal")


if __name__ == "__main__":
    main()
