"""Compares two folders of receipts (回执) by what a reader sees, not by their bytes.

Every receipt of OLD_DIR and NEW_DIR (the same file names) is loaded with openpyxl and
compared cell by cell: value, type, number format, font, fill, alignment, border and note;
and per sheet its name, visibility, tab colour, frozen panes, merged regions, dimensions,
column widths and row heights. Used when a change to how receipts are written must not
change what they say (BENCHMARKS.md, issue 13). Exits 1 when any receipt differs.

    python benches/compare_receipts.py OLD_DIR NEW_DIR
"""

import os
import sys

import openpyxl


def rgb(color):
    return color.rgb if color is not None else None


def describe(path):
    """What a reader of the receipt sees, as a list of tuples."""
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        out.append(
            (
                "sheet",
                ws.title,
                ws.sheet_state,
                rgb(ws.sheet_properties.tabColor),
                str(ws.freeze_panes),
                sorted(str(m) for m in ws.merged_cells.ranges),
                ws.dimensions,
            )
        )
        for key, dim in sorted(ws.column_dimensions.items()):
            out.append(("column", key, dim.width))
        for key, dim in sorted(ws.row_dimensions.items()):
            out.append(("row", key, dim.height))
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                f, fill, al, border = c.font, c.fill, c.alignment, c.border
                out.append(
                    (
                        c.coordinate,
                        repr(c.value),
                        c.data_type,
                        c.number_format,
                        f.name,
                        f.sz,
                        f.b,
                        rgb(f.color),
                        rgb(fill.fgColor) if fill is not None else None,
                        al.horizontal,
                        al.vertical,
                        al.wrap_text,
                        border.left.style,
                        rgb(border.left.color),
                        c.comment.text if c.comment else None,
                    )
                )
    return out


def main():
    old, new = sys.argv[1], sys.argv[2]
    names = sorted(os.listdir(old))
    if names != sorted(os.listdir(new)):
        print("the folders hold different files")
        return 1
    differ = 0
    for name in names:
        a, b = describe(os.path.join(old, name)), describe(os.path.join(new, name))
        if a == b:
            continue
        differ += 1
        for x, y in zip(a, b):
            if x != y:
                print(name, "\n  old", x, "\n  new", y)
                break
        else:
            print(name, "lengths", len(a), len(b))
    print(len(names), "receipts compared,", differ, "differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
