#!/usr/bin/env python3
"""Differential check of two tongbao binaries on damaged and odd .xlsx returns.

Makes two corpora from the sample returns: "damage" (random insertions of XML fragments,
deletions and cuts in the sheet, shared-string, styles, workbook and relationship parts,
seed 13) and "values" (random cell types, styles and values written into sample cells,
seed 29); runs `check --format json` of both binaries on each and lists every file whose
report differs. Used for issue 13 to hold the one-pass .xlsx reader to the old reader's
behaviour (BENCHMARKS.md, "One pass per sheet").

Needs: python3 (standard library only).
Run:   python3 benches/differential_xlsx.py OLD_BINARY NEW_BINARY [WORK_DIR]
"""

import glob
import json
import os
import random
import re
import subprocess
import sys
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(REPO, "samples", "tongbao.toml")

FRAGMENTS = [
    b"<v>", b"</v>", b"<c ", b"</c>", b"<row", b"</row>", b't="s"', b't="n"', b't="e"',
    b't="str"', b't="b"', b't="d"', b't="inlineStr"', b"<is><t>x</t></is>", b"<f>1+1</f>",
    b"&amp;", b"&bogus;", b"<!-- x -->", b"<![CDATA[y]]>", b'r="A1"', b's="1"', b's="99"',
    b"_x000D_", b"\r\n", b"<v/>", b"<f/>", b"</sheetData>",
    b'<mergeCells><mergeCell ref="A1:B2"/></mergeCells>', b"#N/A", b"1e5", b"abc", b"\xff",
    b"<extLst/>", b"<r><t>a</t></r>", b"<rPh><t>p</t></rPh>", b"</is>", b"<t>", b"</t>",
    b'xml:space="preserve"', b'numFmtId="14"', b'state="hidden"', b'<dimension ref="A1"/>',
]
VALUES = [
    b"1", b"0", b"-1", b"1e3", b"1.5", b" 2", b"inf", b"nan", b"+3", b"0x10", b"#N/A",
    b"#DIV/0!", b"#BOGUS", b"TRUE", b"true", b"2", b"2025-06-30", b"2025-06-30T10:00:00",
    b"abc", b"a&amp;b", b"_x000D_x", b"", b"45838", b"45838.5", b"1e400", b".5", b"5.",
    "约".encode(),
]
TYPES = [b"", b' t="n"', b' t="s"', b' t="b"', b' t="e"', b' t="str"', b' t="d"', b' t="inlineStr"']
STYLES = [b"", b' s="0"', b' s="4"', b' s="9"', b' s="99"', b' s="007"', b' s="x"']
CELL = rb'<c r="([A-Z]+[0-9]+)"[^>]*?(/>|>.*?</c>)'


def bodies(v):
    return [
        b"<v>" + v + b"</v>", b"<f>A1</f><v>" + v + b"</v>", b"<f>A1</f>",
        b"<v>" + v + b"</v><f>A1</f>", b"<is><t>" + v + b"</t></is>",
        b"<is><r><t> a </t></r><r><t xml:space=\"preserve\"> " + v + b" </t></r><rPh><t>x</t></rPh></is>",
        b"<v><![CDATA[" + v + b"]]></v>", b"<v>" + v + b"<!--c--></v>", b"<v/>",
        b'<f t="shared" si="0"/>',
    ]


def parts_of(path):
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return None
    return [(i.filename, bytearray(z.read(i.filename))) for i in z.infolist()]


def write(folder, n, parts, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(os.path.join(folder, f"{n:04d}.xlsx"), "w", method) as z:
        for name, data in parts:
            z.writestr(name, bytes(data))


def damage_corpus(folder):
    rnd = random.Random(13)
    sources = sorted(glob.glob(f"{REPO}/samples/returns/2025-06/*.xlsx"))[:3]
    sources += sorted(glob.glob(f"{REPO}/samples/flawed/*.xlsx"))
    n = 0
    for path in sources:
        parts = parts_of(path)
        if parts is None:
            continue
        targets = [k for k, _ in parts if k.startswith("xl/worksheets/") or k in (
            "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")]
        for _ in range(60):
            target = rnd.choice(targets)
            copy = [(k, bytearray(v)) for k, v in parts]
            d = dict(copy)[target]
            for _ in range(rnd.choice([1, 1, 1, 2, 3])):
                op = rnd.random()
                if op < 0.15:
                    del d[rnd.randrange(len(d)):]
                elif op < 0.6:
                    at = rnd.randrange(len(d))
                    d[at:at] = rnd.choice(FRAGMENTS)
                elif op < 0.8:
                    at = rnd.randrange(len(d))
                    del d[at:at + rnd.randrange(1, 20)]
                else:
                    old, new = rnd.choice(FRAGMENTS), rnd.choice(FRAGMENTS)
                    i = d.find(old, rnd.randrange(max(1, len(d))))
                    if i >= 0:
                        d[i:i + len(old)] = new
            write(folder, n, copy)
            n += 1


def values_corpus(folder):
    rnd = random.Random(29)
    n = 0
    for path in sorted(glob.glob(f"{REPO}/samples/returns/2025-06/*.xlsx"))[:8]:
        parts = parts_of(path)
        for _ in range(40):
            copy = [(k, bytearray(v)) for k, v in parts]
            d = dict(copy)[rnd.choice([f"xl/worksheets/sheet{i}.xml" for i in (1, 2, 3)])]
            for _ in range(rnd.choice([1, 2, 4])):
                cells = list(re.finditer(CELL, bytes(d)))
                if not cells:
                    break
                m = rnd.choice(cells)
                new = (b'<c r="' + m.group(1) + b'"' + rnd.choice(STYLES) + rnd.choice(TYPES) + b">"
                       + rnd.choice(bodies(rnd.choice(VALUES))) + b"</c>")
                i = bytes(d).find(m.group(0))
                d[i:i + len(m.group(0))] = new
            write(folder, n, copy, zipfile.ZIP_DEFLATED)
            n += 1


def reports(binary, folder):
    out = subprocess.run(
        [binary, "check", "--no-receipts", "--format", "json", "--period", "2025-06",
         "--config", CONFIG, folder], capture_output=True, check=False).stdout
    return {f["file"]: f for f in json.loads(out)["files"]}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    work = sys.argv[3] if len(sys.argv) > 3 else "differential-xlsx"
    differ = 0
    for name, make in (("damage", damage_corpus), ("values", values_corpus)):
        folder = os.path.join(work, name)
        os.makedirs(folder, exist_ok=True)
        make(folder)
        a, b = reports(old, folder), reports(new, folder)
        changed = sorted(k for k in a if a[k] != b.get(k))
        differ += len(changed)
        for k in changed:
            first = lambda r: [(d["code"], d.get("message")) for d in r.get("diagnostics", [])][:1]
            print(f"{k}\n  old {a[k]['status']} {first(a[k])}\n  new {b[k]['status']} {first(b[k])}")
        print(f"{name}: {len(a)} files, {len(changed)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
