#!/bin/sh
# Regenerates samples/layouts/: returns in the header and unit layouts return-format v1
# tolerates (and one that must be held for 核实), each as .xlsx written by rust_xlsxwriter
# and as .xls and .ods saved from it by LibreOffice.
#
# The .xlsx files are written by the ignored test `layouts::write_layout_samples`
# (tests/it/layouts.rs), from the same figures the test
# `layouts::layout_samples_in_every_container_read_exactly_or_are_held` expects.
#
# Usage: scripts/make-layout-samples.sh     (from anywhere in the repository)
# Environment:
#   SOFFICE  LibreOffice binary (default: soffice)
set -eu

cd "$(dirname "$0")/.."
SOFFICE="${SOFFICE:-soffice}"
OUT=samples/layouts

rm -rf "$OUT"
cargo test --quiet --test it layouts::write_layout_samples -- --ignored --exact
for f in "$OUT"/*.xlsx; do
    "$SOFFICE" --headless --convert-to xls --outdir "$OUT" "$f" >/dev/null
    "$SOFFICE" --headless --convert-to ods --outdir "$OUT" "$f" >/dev/null
done
ls -l "$OUT"
