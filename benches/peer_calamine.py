#!/usr/bin/env python3
"""Peer baseline for the benchmarks: the openpyxl peer's work with python-calamine.

The same reading and the same derivations as benches/peer_openpyxl.py (whose functions it
uses): the unit from 基本信息 (填报单位), the 项目明细 sheet and its header row by the column
titles, and each unit's month and year-to-date totals, printed as the same JSON. Only the
reader differs: python-calamine (Rust calamine underneath), which reads each sheet whole
into Python lists. A yardstick for how fast a bureau's script could read the returns with
the fastest common Python reader, not a second implementation of tongbao.

Needs: python3 and python-calamine (pip install python-calamine).
Run:   python3 benches/peer_calamine.py --period 2025-06 DIR > peer.json
Compare with tongbao: benches/compare_peer.py tongbao.json peer.json
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from python_calamine import CalamineWorkbook  # noqa: E402

from peer_openpyxl import figures, run, unit_in  # noqa: E402


def totals(path, year, month):
    wb = CalamineWorkbook.from_path(path)
    try:
        names = wb.sheet_names
        info = wb.get_sheet_by_name("基本信息" if "基本信息" in names else names[0])
        unit = unit_in(info.to_python(nrows=15))
        ledger = wb.get_sheet_by_name("项目明细" if "项目明细" in names else names[-1])
        return unit, figures(ledger.to_python(), year, month)
    finally:
        wb.close()


if __name__ == "__main__":
    run(totals)
