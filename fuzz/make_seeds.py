#!/usr/bin/env python3
"""Regenerates the committed seed corpus of the fuzz targets (fuzz/seeds/<target>/).

Seeds come from the bundled samples and the read-test fixtures, in the encodings the
targets understand (see fuzz/src/lib.rs):

  read_xlsx, read_ods  a few files as they are (raw ZIP), and the parts that matter of
                       a few more as an entry list ("@@@@ name\\ncontent" blocks), which
                       the target packs into a stored ZIP, so the fuzzer mutates XML
  read_xls             a file as it is (raw OLE), and the bare BIFF Workbook streams of
                       the others, which the target wraps in a compound file; the
                       smallest sample's stream encrypted with Excel's built-in password
                       ("VelvetSweatshop") under each BIFF8 scheme, and an Excel 5.0/95
                       stream whose sheet opens with a BIFF8 BOF
  parse_value          a handful of amounts, counts, dates and periods as written

Needs: python3 with olefile. Run from anywhere: python3 fuzz/make_seeds.py
"""

import glob
import hashlib
import os
import shutil
import struct
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


# ---------------------------------------------------------------------------------------
# BIFF8 encryption with the built-in password ([MS-XLS] 2.2.10, [MS-OFFCRYPTO] 2.3.5-2.3.7)

PASSWORD = "VelvetSweatshop".encode("utf-16-le")
SALT = b"tongbao-salt-16b"
VERIFIER = b"tongbao-verifier"
# The XOR key, verifier and array of "VelvetSweatshop" (as msoffcrypto-tool computes them).
XOR_KEY, XOR_VERIFIER = 0xB359, 0x9A0A
XOR_ARRAY = bytes.fromhex("876b9ae21ee305621e699660986e9404")
CLEAR = {0x0809, 0x002F, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138}


def rc4(key, n):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for _ in range(n):
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(s[(s[i] + s[j]) % 256])
    return bytes(out)


def block_key(scheme, block):
    b = struct.pack("<I", block)
    if scheme == "rc4":
        h1 = hashlib.md5((hashlib.md5(PASSWORD).digest()[:5] + SALT) * 16).digest()
        return hashlib.md5(h1[:5] + b).digest()
    return hashlib.sha1(hashlib.sha1(SALT + PASSWORD).digest() + b).digest()[:16]


def filepass(scheme):
    if scheme == "xor":
        return struct.pack("<HHH", 0, XOR_KEY, XOR_VERIFIER)
    digest = hashlib.md5 if scheme == "rc4" else hashlib.sha1
    clear = VERIFIER + digest(VERIFIER).digest()
    sealed = bytes(a ^ b for a, b in zip(clear, rc4(block_key(scheme, 0), len(clear))))
    if scheme == "rc4":
        return struct.pack("<HHH", 1, 1, 1) + SALT + sealed
    header = struct.pack("<8I", 4, 0, 0x6801, 0x8004, 128, 1, 0, 0)
    header += "Microsoft Enhanced Cryptographic Provider v1.0\0".encode("utf-16-le")
    return (struct.pack("<HHHII", 1, 4, 2, 4, len(header)) + header
            + struct.pack("<I", 16) + SALT + sealed[:16] + struct.pack("<I", 20) + sealed[16:])


def records(stream):
    at = 0
    while at + 4 <= len(stream):
        typ, n = struct.unpack_from("<HH", stream, at)
        yield at + 4, typ, n
        at += 4 + n


def encrypt(stream, scheme):
    """The stream with a FILEPASS after its first BOF (sheet positions moved along) and
    every record's data after it encrypted, but for the records left in the clear."""
    fp = filepass(scheme)
    fp = struct.pack("<HH", 0x002F, len(fp)) + fp
    split = 4 + struct.unpack_from("<H", stream, 2)[0]
    out = bytearray(stream[:split] + fp + stream[split:])
    for at, typ, _ in records(bytes(out)):
        if typ == 0x0085:
            struct.pack_into("<I", out, at, struct.unpack_from("<I", out, at)[0] + len(fp))
    blocks = {}
    for at, typ, n in records(bytes(out)):
        if at < split + len(fp) or typ in CLEAR:
            continue
        for pos in range(at + 4 if typ == 0x0085 else at, at + n):
            if scheme == "xor":
                v = out[pos]
                out[pos] = (((v << 5) | (v >> 3)) & 0xFF) ^ XOR_ARRAY[(pos + n) % 16]
            else:
                block = pos // 1024
                if block not in blocks:
                    blocks[block] = rc4(block_key(scheme, block), 1024)
                out[pos] ^= blocks[block][pos % 1024]
    return bytes(out)


def excel95_with_biff8_sheet_bof():
    """An Excel 5.0/95 stream (code page 936) whose one sheet opens with a BIFF8 BOF."""
    def rec(typ, data):
        return struct.pack("<HH", typ, len(data)) + data

    name = "项目明细".encode("gbk")
    text = "巴南区".encode("gbk")
    sheet = (rec(0x0809, struct.pack("<HH12x", 0x0600, 0x10))
             + rec(0x0204, struct.pack("<HHHH", 0, 0, 0, len(text)) + text)
             + rec(0x0203, struct.pack("<HHHd", 1, 0, 0, 12000.5))
             + rec(0x000A, b""))
    head = [rec(0x0809, struct.pack("<HH4x", 0x0500, 5)), rec(0x0042, struct.pack("<H", 936))]
    size = sum(map(len, head)) + len(rec(0x0085, bytes(7) + name)) + 4
    bound = rec(0x0085, struct.pack("<IHB", size, 0, len(name)) + name)
    return b"".join(head) + bound + rec(0x000A, b"") + sheet


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
    with olefile.OleFileIO(xls[0]) as ole:
        smallest = ole.openstream("Workbook").read()
    for scheme in ("cryptoapi", "rc4", "xor"):
        put("read_xls", f"biff-velvet-{scheme}", encrypt(smallest, scheme))
    put("read_xls", "biff-excel95-biff8-bof", excel95_with_biff8_sheet_bof())

    values = [
        "1,234.56", "５０００万元", "0.5亿元", "约300", "12万美元", "-0", "1e308", "—",
        "2025-06-15", "2025年6月15日", "2025/6/1", "20250615", "45823", "2025年6月",
        "2025-06", "二〇二五年六月", "3个", "１２", "NaN", "0.145",
    ]
    for i, v in enumerate(values):
        put("parse_value", f"v{i}", v.encode())


if __name__ == "__main__":
    main()
