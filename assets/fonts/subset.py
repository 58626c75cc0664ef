#!/usr/bin/env python3
"""Rebuilds the fonts built into tongbao's PDF engine from their upstream files.

Run by hand (never by the build): `python3 subset.py SRC_DIR` with fontTools installed
(`pip install fonttools`), where SRC_DIR holds the upstream TTFs:

  NotoSerifSC_400Regular.ttf, NotoSerifSC_700Bold.ttf, NotoSansSC_500Medium.ttf
      npm: @expo-google-fonts/noto-serif-sc and @expo-google-fonts/noto-sans-sc 0.4.3
  LXGWWenKai-Regular.ttf
      Debian: fonts-lxgw-wenkai 1.250

What changes (all allowed by the SIL OFL 1.1; no Reserved Font Name is involved):
- every face: OpenType layout and vertical tables are dropped (GSUB, GPOS, GDEF, BASE,
  STAT, vhea, vmtx, gasp, prep): tongbao places glyphs itself, horizontally.
- the body face (Noto Serif SC Regular) keeps every character: it is the fallback for
  characters the other faces lack.
- the title, heading and 楷体 faces keep GB 2312 (6763 hanzi plus its symbols) and the
  common punctuation, Latin and symbol blocks; anything else falls back to the body face
  and is reported by the renderer.
"""
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

JOBS = [
    # (source, destination, keep every character?)
    ("NotoSerifSC_400Regular.ttf", "NotoSerifSC-Regular.ttf", True),
    ("NotoSerifSC_700Bold.ttf", "NotoSerifSC-Bold-GB2312.ttf", False),
    ("NotoSansSC_500Medium.ttf", "NotoSansSC-Medium-GB2312.ttf", False),
    ("LXGWWenKai-Regular.ttf", "TongbaoKai-Regular.ttf", False),
]

# LXGW WenKai reserves the names "霞鹜" and "LXGW" (OFL 1.1 §3): a modified version must
# be renamed, so the reduced face is called Tongbao Kai.
RENAME = {
    "TongbaoKai-Regular.ttf": ("Tongbao Kai", "TongbaoKai-Regular"),
}

# Blocks kept whole in the reduced faces (besides GB 2312).
BLOCKS = [
    (0x0020, 0x00FF),  # ASCII, Latin-1
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x22FF),  # letterlike, number forms, arrows, mathematical operators
    (0x2460, 0x26FF),  # enclosed alphanumerics, box drawing, geometric shapes, symbols
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility
    (0xFF00, 0xFFEF),  # fullwidth forms
]


def gb2312():
    keep = set()
    for cp in range(0x80, 0x10000):
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        keep.add(cp)
    return keep


def rename(font, family, postscript):
    """Replaces every family, full and PostScript name, keeping copyright and licence."""
    table = font["name"]
    for rec in list(table.names):
        if rec.nameID in (1, 4, 16, 21):
            table.setName(family if rec.nameID != 4 else family + " Regular",
                          rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 3:
            table.setName(postscript + ";derived from LXGW WenKai 1.250",
                          3, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 6:
            table.setName(postscript, 6, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID in (17, 22):
            table.setName("Regular", rec.nameID, rec.platformID, rec.platEncID, rec.langID)


def main(src_dir):
    gb = gb2312()
    here = os.path.dirname(os.path.abspath(__file__))
    for src, dst, everything in JOBS:
        font = TTFont(os.path.join(src_dir, src))
        cmap = font.getBestCmap()
        if everything:
            keep = set(cmap)
        else:
            keep = {c for c in cmap if c in gb or any(a <= c <= b for a, b in BLOCKS)}
        opts = subset.Options()
        opts.layout_features = []
        opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "STAT", "vhea", "vmtx", "gasp", "prep"]
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.notdef_outline = True
        opts.glyph_names = False
        opts.hinting = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=keep)
        sub.subset(font)
        if dst in RENAME:
            rename(font, *RENAME[dst])
        out = os.path.join(here, dst)
        font.save(out)
        print(f"{dst}: {len(keep)} characters, {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
