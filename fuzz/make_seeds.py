#!/usr/bin/env python3
"""Regenerates the committed seed corpus of the fuzz targets (fuzz/seeds/<target>/).

Seeds come from the bundled samples and the read-test fixtures, in the encodings the
targets understand (see fuzz/src/lib.rs):

  read_xlsx, read_ods  a few files as they are (raw ZIP), and the parts that matter of
                       a few more as an entry list ("@@@@ name\\ncontent" blocks), which
                       the target packs into a stored ZIP, so the fuzzer mutates XML
  read_xls             a file as it is (raw OLE), and the bare BIFF Workbook streams of
                       the others, which the target wraps in a compound file
  parse_value          a handful of amounts, counts, dates and periods as written

Needs: python3 with olefile. Run from anywhere: python3 fuzz/make_seeds.py
"""

import glob
import os
import shutil
import zipfile

import olefile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEEDS = os.path.join(HERE, "seeds")

# Parts a reader needs; themes, printer settings and document properties are left out
# to keep the inputs short (short inputs fuzz faster).
KEEP = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/sharedStrings.xml",
    "mimetype",
    "content.xml",
    "META-INF/manifest.xml",
)


def keep(name):
    return name in KEEP or name.startswith("xl/worksheets/sheet")


def entry_list(path):
    with zipfile.ZipFile(path) as z:
        parts = [(n, z.read(n)) for n in z.namelist() if keep(n)]
    return b"\n".join(b"@@@@ " + n.encode() + b"\n" + data for n, data in parts)


def put(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    shutil.rmtree(SEEDS, ignore_errors=True)
    june = os.path.join(ROOT, "samples", "returns", "2025-06")
    flawed = os.path.join(ROOT, "samples", "flawed")
    hostile = os.path.join(ROOT, "tests", "fixtures", "hostile")

    xlsx = sorted(glob.glob(os.path.join(june, "*.xlsx")), key=os.path.getsize)
    for i, p in enumerate(xlsx[:3]):
        put("read_xlsx", f"entries-{i}", entry_list(p))
    put("read_xlsx", "raw-smallest.xlsx", read(xlsx[0]))
    for p in glob.glob(os.path.join(flawed, "E-FILE-TRUNCATED-*.xlsx")):
        put("read_xlsx", "raw-truncated.xlsx", read(p))
    for p in glob.glob(os.path.join(flawed, "E-NUMBER-*.xlsx")):
        put("read_xlsx", "entries-number", entry_list(p))

    ods = sorted(glob.glob(os.path.join(june, "*.ods")), key=os.path.getsize)
    ods.append(os.path.join(hostile, "libreoffice.ods"))
    for i, p in enumerate(ods):
        put("read_ods", f"entries-{i}", entry_list(p))
    put("read_ods", "raw-libreoffice.ods", read(ods[-1]))

    xls = sorted(glob.glob(os.path.join(june, "*.xls")), key=os.path.getsize)
    xls += [os.path.join(hostile, n) for n in ("xlwt.xls", "libreoffice.xls")]
    for i, p in enumerate(xls):
        with olefile.OleFileIO(p) as ole:
            stream = "Workbook" if ole.exists("Workbook") else "Book"
            put("read_xls", f"biff-{i}", ole.openstream(stream).read())
    put("read_xls", "raw-xlwt.xls", read(os.path.join(hostile, "xlwt.xls")))

    values = [
        "1,234.56", "５０００万元", "0.5亿元", "约300", "12万美元", "-0", "1e308", "—",
        "2025-06-15", "2025年6月15日", "2025/6/1", "20250615", "45823", "2025年6月",
        "2025-06", "二〇二五年六月", "3个", "１２", "NaN", "0.145",
    ]
    for i, v in enumerate(values):
        put("parse_value", f"v{i}", v.encode())


if __name__ == "__main__":
    main()
