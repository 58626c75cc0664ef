#!/bin/sh
# Regenerates samples/returns/ and samples/flawed/ from samples/tongbao.toml.
#
# The returns are written by the generator `cargo xtask gen-samples` (xtask/src/gen/):
# deterministic, so a rerun with the same seed gives byte-identical .xlsx files. Five
# 2025-06 returns are then converted by LibreOffice to .xls and .ods, as counties using
# other office suites send them. The .xls conversions come out byte-identical too (they
# keep the workbook's fixed creation date); the .ods ones do not (LibreOffice stamps the
# zip entries with the time of conversion), so review those by content, not bytes.
#
# Usage: scripts/make-samples.sh            (from anywhere in the repository)
# Environment:
#   SEED     generator seed (default: the one the committed samples use)
#   GEN      command that runs the generator (default: cargo xtask)
#   SOFFICE  LibreOffice binary (default: soffice); conversions are skipped with a
#            warning when it is missing, leaving those units as .xlsx
set -eu

cd "$(dirname "$0")/.."
SEED="${SEED:-20250630}"
GEN="${GEN:-cargo xtask}"
SOFFICE="${SOFFICE:-soffice}"
CONFIG=samples/tongbao.toml

gen() {
    # shellcheck disable=SC2086 # GEN is a command line
    $GEN --config "$CONFIG" gen-samples --seed "$SEED" "$@"
}

rm -rf samples/returns samples/flawed

# Last year's same month, then every month from 2024-11 to the current one, so that the
# archive holds each project's history across the year boundary (projects signed in 2024
# and carried over into 2025). In 2025-06 城口县 has not reported, and 荣昌区 sends its
# return in a traditional-character template (two-row merged header, numbers as text
# with thousands separators, a 合计 row).
gen --period 2024-06 --out samples/returns/2024-06
for month in 2024-11 2024-12 2025-01 2025-02 2025-03 2025-04 2025-05; do
    gen --period "$month" --out "samples/returns/$month"
done
gen --period 2025-06 --out samples/returns/2025-06 --skip 城口县 --traditional 荣昌区

# One defect per file; the table it prints is the one in samples/README.md.
gen --period 2025-06 --out samples/flawed --flawed

# Returns saved by LibreOffice as .xls (BIFF8) and .ods, replacing the .xlsx.
if command -v "$SOFFICE" >/dev/null 2>&1; then
    profile="$(mktemp -d)"
    convert() {
        format="$1"
        shift
        for unit in "$@"; do
            src="samples/returns/2025-06/$unit-2025-06.xlsx"
            "$SOFFICE" -env:UserInstallation="file://$profile" --headless \
                --convert-to "$format" --outdir samples/returns/2025-06 "$src" >/dev/null 2>&1
            if ! test -s "samples/returns/2025-06/$unit-2025-06.$format"; then
                echo "make-samples: LibreOffice did not convert $src to .$format" >&2
                exit 1
            fi
            rm "$src"
        done
    }
    convert xls 丰都县 巫溪县 酉阳土家族苗族自治县
    convert ods 武隆区 垫江县
    rm -rf "$profile"
else
    echo "make-samples: $SOFFICE not found; the .xls/.ods samples were left as .xlsx" >&2
fi

echo "make-samples: done; run: cargo run -- --config $CONFIG check samples/returns/2025-06" >&2
