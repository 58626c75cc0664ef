#!/usr/bin/env python3
"""Peer baseline for the benchmarks: what a bureau's own script would do with openpyxl.

Reads every .xlsx return in a folder with openpyxl (read_only=True, data_only=True),
takes the unit from 基本信息 (填报单位), finds the 项目明细 sheet and its header row by the
column titles, and computes each unit's month and year-to-date totals with the rules of
/work/shared/spec/return-format.md "Derivations" (the keys of the bulletin JSON). Prints
{"period": ..., "units": {unit name: {"month": {...}, "ytd": {...}}}} as JSON.

It does the same work as `tongbao check` minus validation and diagnostics, on clean
returns of the standard layout (what `tongbao gen-samples` writes); it is a yardstick,
not a second reader. Single process, as a bureau script would be.

Needs: python3 and openpyxl (pip install openpyxl).
Run:   python3 benches/peer_openpyxl.py --period 2025-06 DIR > peer.json
Compare with tongbao: benches/compare_peer.py (benches/peer.sh runs both and the timing).
"""

import argparse
import datetime as dt
import json
import os
import re
import sys

KEYS = [
    "signed_count",
    "signed_amount",
    "big_count",
    "big_amount",
    "started_count",
    "started_investment",
    "funds_in_place",
    "funds_out_of_province",
    "fdi_usd",
    "negotiating_count",
]

# Column titles (and aliases) the script needs, by what it calls them.
COLUMNS = {
    "name": ["项目名称"],
    "stage": ["项目进展", "项目阶段", "进展情况"],
    "signed_on": ["签约日期", "签约时间"],
    "amount": ["合同投资额", "总投资", "协议投资额"],
    "started_on": ["开工日期"],
    "funds_month": ["本月到位资金"],
    "funds_ytd": ["本年累计到位资金"],
    "fdi_month": ["本月实际使用外资"],
    "fdi_ytd": ["本年累计实际使用外资"],
    "source": ["资金来源"],
}
YI = 10000.0  # 亿元以上: contract amount of at least 10000 万元


def clean(s):
    return re.sub(r"\s+", "", str(s)) if s is not None else ""


def number(v):
    if v is None:
        return 0.0
    if isinstance(v, (int, float)):
        return float(v)
    s = clean(v).replace(",", "").replace("万元", "")
    if s in ("", "-", "—", "/", "无"):
        return 0.0
    return float(s)


def date(v):
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    m = re.match(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})", clean(v))
    return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None


def header_columns(row):
    """Column index of each wanted title, or None when the row is not the header."""
    found = {}
    cells = [clean(c) for c in row]
    for key, titles in COLUMNS.items():
        for i, c in enumerate(cells):
            if c in titles:
                found[key] = i
                break
    return found if {"name", "stage", "signed_on", "amount"} <= found.keys() else None


def figures(rows, year, month):
    """Month and year-to-date figures of a 项目明细 sheet given as rows of values (any
    reader's: None or '' for an empty cell, datetime or date for a date cell)."""
    fig = {"month": dict.fromkeys(KEYS, 0), "ytd": dict.fromkeys(KEYS, 0)}
    cols = None
    for row in rows:
        if cols is None:
            cols = header_columns(row)
            continue
        get = lambda k: row[cols[k]] if k in cols and cols[k] < len(row) else None
        name = clean(get("name"))
        if not name or name in ("合计", "总计", "小计"):
            continue
        stage = clean(get("stage"))
        amount = number(get("amount"))
        signed, started = date(get("signed_on")), date(get("started_on"))
        out_of_province = clean(get("source")) == "省外境内"
        for span, f in fig.items():
            def within(d):
                if d is None or d.year != year:
                    return False
                return d.month == month if span == "month" else d.month <= month

            if stage != "在谈" and within(signed):
                f["signed_count"] += 1
                f["signed_amount"] += amount
                if amount >= YI:
                    f["big_count"] += 1
                    f["big_amount"] += amount
            if within(started):
                f["started_count"] += 1
                f["started_investment"] += amount
            funds = number(get("funds_month" if span == "month" else "funds_ytd"))
            f["funds_in_place"] += funds
            if out_of_province:
                f["funds_out_of_province"] += funds
            f["fdi_usd"] += number(get("fdi_month" if span == "month" else "fdi_ytd"))
            if stage == "在谈":
                f["negotiating_count"] += 1
    for f in fig.values():
        for k in KEYS:
            if not k.endswith("_count"):
                f[k] = round(f[k], 2)
    return fig


def unit_in(rows):
    """The unit named beside 填报单位 in the first 15 rows of 基本信息."""
    for row in rows[:15]:
        for i, c in enumerate(row[:-1]):
            if clean(c).rstrip(":：") in ("填报单位", "单位名称", "报送单位"):
                return clean(row[i + 1])
    return None


def totals(path, year, month):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        info = wb["基本信息"] if "基本信息" in wb.sheetnames else wb.worksheets[0]
        unit = unit_in(list(info.iter_rows(max_row=15, values_only=True)))
        ws = wb["项目明细"] if "项目明细" in wb.sheetnames else wb.worksheets[-1]
        return unit, figures(ws.iter_rows(values_only=True), year, month)
    finally:
        wb.close()


def run(totals):
    """Reads every .xlsx return in the folder of the command line with `totals` and prints
    the JSON of all units (shared by the peers of each reader)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", required=True, help="YYYY-MM")
    ap.add_argument("folder")
    args = ap.parse_args()
    year, month = (int(x) for x in args.period.split("-"))
    units = {}
    for root, _, files in os.walk(args.folder):
        for name in sorted(files):
            if name.endswith(".xlsx") and not name.startswith(("~$", ".")):
                unit, fig = totals(os.path.join(root, name), year, month)
                units[unit] = fig
    json.dump({"period": args.period, "units": units}, sys.stdout, ensure_ascii=False)
    print()


def main():
    run(totals)


if __name__ == "__main__":
    main()
