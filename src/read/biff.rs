//! A walk over the BIFF records of an .xls Workbook stream that counts what calamine will
//! build from them, without building it.
//!
//! calamine's .xls reader collects every value record of a sheet and then allocates the
//! bounding box of their addresses (`Range::from_sparse`), twice (values and formulas):
//! one NUMBER at row 65 535, column 255 next to one at A1 costs 16.7 million cells of 32
//! bytes each, and a DIMENSIONS record is trusted for `Vec::reserve`. It also copies the
//! shared string of every LABELSST cell, and turns every formula into text. [`scan`]
//! replays the record loop (same CONTINUE folding, same substream rules) and checks each
//! of these against [`Limits`] first; it also notes where each formula's token length
//! sits, so the caller can blank the formulas calamine would otherwise expand.
//!
//! The walk also refuses, as damage, what calamine would read without complaint into a
//! wrong or empty workbook: a stream that is empty or does not open with a BOF record, a
//! BOF that claims an older format than the records are written in (calamine then decodes
//! BIFF8 records with BIFF5 layouts, and panicked on the first defined name; told by a
//! shared string table, a shared-string cell or a BoundSheet in the BIFF8 layout, not by
//! the sheets' own BOFs, which Excel itself writes as BIFF8 in Excel 5.0/95 files), a defined
//! name whose formula is shorter than calamine reads, a worksheet whose position is not
//! the start of a worksheet, a LABELSST cell whose string is not in the shared string
//! table (calamine leaves the cell blank), and a cell stored twice (calamine keeps the
//! last copy).

use super::guard::too_large;
use super::Damage;
use super::{Budget, ReadError};
use crate::config::Limits;
use crate::diag::damage::Biff8Only;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const DIMENSIONS: u16 = 0x0200;
const NUMBER: u16 = 0x0203;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOLERR: u16 = 0x0205;
const STRING: u16 = 0x0207;
const RK: u16 = 0x027E;
const LABELSST: u16 = 0x00FD;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
const MERGECELLS: u16 = 0x00E5;
const EXTERNSHEET: u16 = 0x0017;
const CODEPAGE: u16 = 0x0042;
const DATEMODE: u16 = 0x0022;
const LBL: u16 = 0x0018;

/// The `dt` of the BOF that opens the workbook globals.
const DT_GLOBALS: u16 = 0x0005;

/// UTF-8 bytes one stored character may become (a UTF-16 unit, or a byte of a legacy
/// code page decoded as calamine decodes it).
const BYTES_PER_CHAR: u64 = 6;

/// One record, with the CONTINUE records after it, as calamine's `RecordIter` yields it.
pub(crate) struct Record<'a> {
    pub(crate) typ: u16,
    /// Offset of `data` in the stream.
    pub(crate) offset: usize,
    pub(crate) data: &'a [u8],
    pub(crate) cont: Vec<&'a [u8]>,
}

/// calamine's record iterator: a record shorter than its length field is an error.
pub(crate) struct Records<'a> {
    stream: &'a [u8],
    at: usize,
}

impl<'a> Records<'a> {
    pub(crate) fn new(stream: &'a [u8], at: usize) -> Self {
        Records { stream, at }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn cut() -> ReadError {
    damaged(Damage::RecordCut)
}

fn damaged(damage: Damage) -> ReadError {
    ReadError::Truncated(damage)
}

/// The format a BOF record claims, as calamine's `parse_bof` reads it: calamine decodes
/// strings, sheet names and defined names with the layout this says, whatever the
/// records really are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Biff {
    /// Excel 2.x–4.0 (BIFF2–BIFF4), with the version number as stored.
    Old(u16),
    /// Excel 5.0/95 (BIFF5).
    Biff5,
    /// Excel 97–2003 (BIFF8), and any version calamine does not know.
    Biff8,
}

impl Biff {
    fn of_bof(data: &[u8]) -> Result<Biff, ReadError> {
        let version = u16_at(data, 0).ok_or_else(cut)?;
        let dt = u16_at(data, 2).unwrap_or(0);
        Ok(match version {
            0x0600 => Biff::Biff8,
            0x0500 => Biff::Biff5,
            0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 => Biff::Old(version),
            0 if dt == 0x1000 => Biff::Biff5,
            _ => Biff::Biff8,
        })
    }
}

/// A record that only Excel 97–2003 (BIFF8) writes, found in a stream whose BOF says
/// Excel 5.0/95: the BOF is wrong, and calamine would decode every record with the wrong
/// layout. `found` names what was found.
fn biff8_in_biff5(found: Biff8Only) -> ReadError {
    damaged(Damage::Biff8InBiff5 { found })
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.stream.get(self.at..)?;
        if rest.is_empty() {
            return None;
        }
        let (Some(typ), Some(len)) = (u16_at(rest, 0), u16_at(rest, 2)) else {
            self.at = self.stream.len();
            return Some(Err(cut()));
        };
        let len = usize::from(len);
        let Some(data) = rest.get(4..4 + len) else {
            self.at = self.stream.len();
            return Some(Err(cut()));
        };
        let offset = self.at + 4;
        self.at += 4 + len;
        let mut cont = Vec::new();
        // calamine folds CONTINUE records only while more than 4 bytes remain.
        while self.stream.len() - self.at > 4 && u16_at(self.stream, self.at) == Some(CONTINUE) {
            let clen = usize::from(u16_at(self.stream, self.at + 2).unwrap_or(0));
            let Some(c) = self.stream.get(self.at + 4..self.at + 4 + clen) else {
                self.at = self.stream.len();
                return Some(Err(cut()));
            };
            cont.push(c);
            self.at += 4 + clen;
        }
        Some(Ok(Record {
            typ,
            offset,
            data,
            cont,
        }))
    }
}

/// What the pre-scan found that the caller acts on.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Stream offsets of the two-byte token length (`cce`) of every FORMULA record.
    pub(crate) formula_lengths: Vec<usize>,
}

/// A worksheet's place in the stream.
struct BoundSheet {
    name: String,
    pos: usize,
    /// A worksheet (or dialog sheet), not a chart, macro sheet or module: the only
    /// kind the reader keeps.
    worksheet: bool,
}

/// Checks an .xls Workbook stream against `limits`, as calamine will read it.
pub(crate) fn scan(stream: &[u8], limits: &Limits) -> Result<Plan, ReadError> {
    if stream.is_empty() {
        return Err(damaged(Damage::StreamEmpty));
    }
    let mut biff: Option<Biff> = None;
    let mut sheets: Vec<BoundSheet> = Vec::new();
    let mut strings: Option<Vec<u32>> = None;
    // A BoundSheet in the Excel 97–2003 layout, which gives a BOF claiming 5.0/95 away.
    let mut biff8_boundsheet = false;
    // A defined name calamine cannot decode is reported only once the format is known to
    // be what the BOF says: under a wrong BOF, every name looks damaged.
    let mut bad_name: Option<ReadError> = None;
    let mut records = Records::new(stream, 0);
    // calamine reads the globals up to their first EOF, wherever that is.
    let mut globals_end = stream.len();
    while let Some(record) = records.next() {
        let r = record?;
        if biff.is_none() && r.typ != BOF {
            return Err(damaged(Damage::NoLeadingBof));
        }
        let biff8 = biff == Some(Biff::Biff8);
        match r.typ {
            // Any FILEPASS: RC4 and CryptoAPI encrypt, XOR obfuscates; none can be read.
            FILEPASS => return Err(ReadError::Encrypted),
            // calamine takes the format from every BOF it meets before the EOF.
            BOF => biff = Some(Biff::of_bof(r.data)?),
            BOUNDSHEET => {
                if sheets.len() as u64 >= limits.max_sheets {
                    return Err(too_large(
                        Budget::Sheets,
                        sheets.len() as u64 + 1,
                        limits.max_sheets,
                    ));
                }
                // calamine reads the position, visibility and type (six bytes) unchecked.
                if r.data.len() < 6 {
                    return Err(cut());
                }
                let pos = u32_at(r.data, 0).ok_or_else(cut)? as usize;
                biff8_boundsheet |= boundsheet_is_biff8(r.data);
                sheets.push(BoundSheet {
                    name: sheet_name(r.data, biff8),
                    pos,
                    worksheet: r.data[5] == 0,
                });
            }
            SST => strings = Some(shared_string_lengths(&r, limits)?),
            // calamine reads a BIFF8 EXTERNSHEET's count without checking the record is
            // that long (found by the read_xls fuzz target).
            EXTERNSHEET if biff8 && r.data.len() < 2 => return Err(cut()),
            // Likewise the two-byte value of CODEPAGE and DATEMODE (an empty DATEMODE was
            // a read_xls fuzz finding) and a defined name's fixed fields and formula
            // length (Lbl: 14 bytes, then a formula of `cce` bytes at the end).
            CODEPAGE | DATEMODE if r.data.len() < 2 => return Err(cut()),
            LBL => {
                let cce = u16_at(r.data, 4).ok_or_else(cut)? as usize;
                if r.data.len() < 14 || cce > r.data.len() - 14 {
                    return Err(cut());
                }
                let rgce = &r.data[r.data.len() - cce..];
                if bad_name.is_none() && !defined_name_fits(rgce, biff8) {
                    bad_name = Some(damaged(Damage::DefinedNameCut));
                }
            }
            EOF => {
                globals_end = records.at;
                break;
            }
            _ => {}
        }
    }
    let biff = biff.unwrap_or(Biff::Biff8);
    if let Biff::Old(version) = biff {
        return Err(damaged(Damage::OldBiffVersion { version }));
    }
    if biff == Biff::Biff5 && strings.is_some() {
        return Err(biff8_in_biff5(Biff8Only::Sst));
    }
    if biff == Biff::Biff5 && biff8_boundsheet {
        return Err(biff8_in_biff5(Biff8Only::BoundSheet));
    }
    if sheets.is_empty() {
        return Err(damaged(Damage::NoSheets));
    }
    for sheet in &sheets {
        if sheet.pos > stream.len() {
            return Err(damaged(Damage::SheetPastStream {
                sheet: sheet.name.clone(),
            }));
        }
        if sheet.worksheet {
            check_sheet_start(stream, sheet, globals_end)?;
        }
    }
    if let Some(e) = bad_name {
        return Err(e);
    }

    let mut plan = Plan::default();
    let mut workbook_cells = 0u64;
    let mut text: u64 = strings
        .iter()
        .flatten()
        .map(|&n| u64::from(n) * BYTES_PER_CHAR)
        .sum();
    let mut addresses = Addresses::default();
    let mut extents: Vec<(usize, usize, &str)> = Vec::with_capacity(sheets.len());
    let found = SheetContext {
        strings: strings.as_deref(),
        biff,
    };
    for sheet in &sheets {
        let s = scan_sheet(stream, sheet, &found, limits, &mut plan, &mut addresses)?;
        workbook_cells = workbook_cells.saturating_add(s.area);
        text = text.saturating_add(s.text);
        if sheet.worksheet {
            extents.push((sheet.pos, s.end, &sheet.name));
        }
    }
    // Two worksheets whose records overlap (the same position given twice, or one inside
    // another's records) would show one sheet's cells under two names.
    extents.sort_unstable();
    for pair in extents.windows(2) {
        let ((_, end, first), (pos, _, second)) = (pair[0], pair[1]);
        if pos < end {
            return Err(damaged(Damage::SheetInsideSheet {
                sheet: second.to_string(),
                inside: first.to_string(),
            }));
        }
    }
    if workbook_cells > limits.max_cells_per_sheet {
        return Err(too_large(
            Budget::WorkbookCells,
            workbook_cells,
            limits.max_cells_per_sheet,
        ));
    }
    if text > limits.max_decompressed_bytes {
        return Err(too_large(
            Budget::TextTotal,
            text,
            limits.max_decompressed_bytes,
        ));
    }
    Ok(plan)
}

/// Whether calamine's `parse_defined_names`, which indexes the first token of a defined
/// name's formula without checking its length, finds all the bytes it reads. Before BIFF8
/// the 3-D references carry ten more bytes.
fn defined_name_fits(rgce: &[u8], biff8: bool) -> bool {
    let Some(&ptg) = rgce.first() else {
        return true;
    };
    let needed = match (ptg, biff8) {
        // PtgRef3d
        (0x3a | 0x5a | 0x7a, true) => 7,
        (0x3a | 0x5a | 0x7a, false) => 18,
        // PtgArea3d
        (0x3b | 0x5b | 0x7b, true) => 11,
        (0x3b | 0x5b | 0x7b, false) => 21,
        // PtgRefErr3d, PtgAreaErr3d
        (0x3c | 0x5c | 0x7c | 0x3d | 0x5d | 0x7d, true) => 3,
        (0x3c | 0x5c | 0x7c | 0x3d | 0x5d | 0x7d, false) => 13,
        _ => 0,
    };
    rgce.len() >= needed
}

/// Checks that a worksheet's position is where one of its own records starts: a BOF
/// after the workbook globals. calamine reads from the position whatever is there, so a
/// position at the globals or at the last EOF makes an empty sheet, and one past the
/// sheet's first rows a sheet without them.
///
/// The BOF's version is not checked: a sheet BOF of version 0x0600 under Excel 5.0/95
/// globals is what Excel's "save as" an older version writes, and Excel, LibreOffice
/// (which takes the version from the stream's first BOF) and xlrd (which ignores the
/// sheet's) read the sheet's records as the globals say, as calamine does.
fn check_sheet_start(
    stream: &[u8],
    sheet: &BoundSheet,
    globals_end: usize,
) -> Result<(), ReadError> {
    let name = &sheet.name;
    let first = Records::new(stream, sheet.pos).next().transpose()?;
    let bof = first.filter(|r| r.typ == BOF).ok_or_else(|| {
        damaged(Damage::SheetWithoutBof {
            sheet: name.to_string(),
        })
    })?;
    let dt = u16_at(bof.data, 2).ok_or_else(cut)?;
    if sheet.pos < globals_end || dt == DT_GLOBALS {
        return Err(damaged(Damage::SheetAtGlobals {
            sheet: name.to_string(),
        }));
    }
    Ok(())
}

/// Whether a BoundSheet record has the Excel 97–2003 layout (a flags byte before the
/// name, [MS-XLS] 2.4.28) and not the Excel 5.0/95 one (the name right after its
/// length): under a BOF claiming Excel 5.0/95, the BOF is wrong.
fn boundsheet_is_biff8(data: &[u8]) -> bool {
    let (Some(&cch), Some(&flags)) = (data.get(6), data.get(7)) else {
        return false;
    };
    let cch = usize::from(cch);
    let width = if flags & 1 != 0 { 2 } else { 1 };
    data.len() != 7 + cch && data.len() == 8 + cch * width
}

/// A BoundSheet record's name, for messages only (lossy for legacy code pages).
fn sheet_name(data: &[u8], biff8: bool) -> String {
    let cch = usize::from(data.get(6).copied().unwrap_or(0));
    let name = if biff8 {
        let wide = data.get(7).is_some_and(|f| f & 1 != 0);
        let chars = data.get(8..).unwrap_or(&[]);
        if wide {
            let units: Vec<u16> = chars
                .chunks_exact(2)
                .take(cch)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            chars.iter().take(cch).map(|&b| char::from(b)).collect()
        }
    } else {
        String::from_utf8_lossy(data.get(7..7 + cch).unwrap_or(&[])).into_owned()
    };
    name.replace('\0', "")
}

/// Replays calamine's `parse_sst` to learn how many strings it will hold and how long
/// each is (in characters), refusing more than `max_strings`.
fn shared_string_lengths(r: &Record<'_>, limits: &Limits) -> Result<Vec<u32>, ReadError> {
    let bad = || ReadError::Truncated(Damage::SstDamaged);
    let mut data = r.data.get(8..).ok_or_else(bad)?;
    let mut cont = r.cont.iter();
    let mut lengths = Vec::new();
    loop {
        if data.is_empty() {
            match cont.next() {
                Some(c) => data = c,
                None => break,
            }
            if data.is_empty() {
                // calamine reads an empty string here.
                push_string(&mut lengths, 0, limits)?;
                continue;
            }
        }
        if data.len() < 3 {
            return Err(bad());
        }
        let cch = usize::from(u16_at(data, 0).ok_or_else(bad)?);
        let flags = data[2];
        data = &data[3..];
        let mut high = flags & 1 != 0;
        let mut runs = 0usize;
        let mut ext = 0usize;
        if flags & 0x8 != 0 {
            runs = usize::from(u16_at(data, 0).ok_or_else(bad)?);
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            // calamine reads an i32 and casts it, so a negative size skips everything.
            ext = u32_at(data, 0).ok_or_else(bad)? as i32 as usize;
            data = &data[4..];
        }
        let mut left = cch;
        while left > 0 {
            let (chars, bytes) = if high {
                let n = (data.len() / 2).min(left);
                (n, 2 * n)
            } else {
                let n = data.len().min(left);
                (n, n)
            };
            data = &data[bytes..];
            left -= chars;
            if left > 0 {
                let next = cont.next().ok_or_else(bad)?;
                let (&flag, rest) = next.split_first().ok_or_else(bad)?;
                high = flag & 1 != 0;
                data = rest;
            }
        }
        let mut skip = runs.saturating_mul(4).saturating_add(ext);
        while skip > 0 {
            if data.is_empty() {
                data = cont.next().ok_or_else(bad)?;
                continue;
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
        push_string(&mut lengths, cch, limits)?;
    }
    Ok(lengths)
}

fn push_string(lengths: &mut Vec<u32>, cch: usize, limits: &Limits) -> Result<(), ReadError> {
    if lengths.len() as u64 >= limits.max_strings {
        return Err(too_large(
            Budget::Strings,
            lengths.len() as u64 + 1,
            limits.max_strings,
        ));
    }
    lengths.push(cch as u32);
    Ok(())
}

/// What one sheet costs.
struct SheetCost {
    /// Cells of the bounding box calamine allocates.
    area: u64,
    text: u64,
    /// Stream offset just past the sheet's records (its EOF, or the end of the stream).
    end: usize,
}

/// What the globals said that a sheet's cells are read against.
struct SheetContext<'a> {
    /// Characters of each shared string; `None` when the workbook has no SST.
    strings: Option<&'a [u32]>,
    /// The format the globals' BOF claims.
    biff: Biff,
}

/// The one or two cell addresses a record adds to its sheet's bounding box (a MULRK: its
/// two ends), held without an allocation per record.
#[derive(Default)]
struct Corners {
    points: [(u64, u64); 2],
    len: usize,
}

impl Corners {
    fn push(&mut self, point: (u64, u64)) {
        self.points[self.len] = point;
        self.len += 1;
    }

    fn as_slice(&self) -> &[(u64, u64)] {
        &self.points[..self.len]
    }
}

/// The addresses a sheet stores a value at, in the order calamine collects them, to find
/// one stored twice: calamine keeps the last and drops the other without a word.
#[derive(Default)]
struct Addresses {
    /// `row << 32 | col`.
    keys: Vec<u64>,
    /// Whether `keys` is strictly increasing so far. Excel writes cells in row and
    /// column order, so the usual sheet needs no sort to be shown free of repeats.
    increasing: bool,
}

impl Addresses {
    fn start_sheet(&mut self) {
        self.keys.clear();
        self.increasing = true;
    }

    fn push(&mut self, row: u16, col: u32) {
        let key = (u64::from(row) << 32) | u64::from(col);
        if self.keys.last().is_some_and(|&last| key <= last) {
            self.increasing = false;
        }
        self.keys.push(key);
    }

    /// The lowest (row, col) stored more than once, if any.
    fn repeated(&mut self) -> Option<(u32, u32)> {
        if self.increasing {
            return None;
        }
        self.keys.sort_unstable();
        self.keys
            .windows(2)
            .find(|w| w[0] == w[1])
            .map(|w| ((w[0] >> 32) as u32, w[0] as u32))
    }
}

/// Replays calamine's per-sheet record loop from the sheet's BOF.
fn scan_sheet(
    stream: &[u8],
    sheet: &BoundSheet,
    found: &SheetContext<'_>,
    limits: &Limits,
    plan: &mut Plan,
    addresses: &mut Addresses,
) -> Result<SheetCost, ReadError> {
    let name = &sheet.name;
    let limit = limits.max_cells_per_sheet;
    let (mut depth, mut seen_bof) = (0usize, false);
    let (mut cells, mut merges, mut text) = (0u64, 0u64, 0u64);
    let mut rows: Option<(u64, u64)> = None;
    let mut cols: Option<(u64, u64)> = None;
    let area = |rows: Option<(u64, u64)>, cols: Option<(u64, u64)>| match (rows, cols) {
        (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
        _ => 0,
    };
    // Where calamine puts the value of a STRING record: the last formula's cell.
    let mut formula_at = (0u16, 0u16);
    addresses.start_sheet();
    let mut records = Records::new(stream, sheet.pos);
    let mut end = stream.len();
    while let Some(record) = records.next() {
        let r = record?;
        if depth > 0 {
            match r.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let d = r.data;
        let mut at = Corners::default();
        // The cell this record stores a value at, as calamine pushes it.
        let mut stored: Option<(u16, u16)> = None;
        match r.typ {
            BOF => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            EOF => {
                end = records.at;
                break;
            }
            DIMENSIONS => {
                let reserve = dimensions_reserve(d).ok_or_else(|| {
                    damaged(Damage::DimensionsDamaged {
                        sheet: name.to_string(),
                    })
                })?;
                if reserve > limit {
                    return Err(too_large(
                        Budget::SheetDimensions(name.to_string()),
                        reserve,
                        limit,
                    ));
                }
            }
            NUMBER | BOOLERR | RK | FORMULA | LABEL | RSTRING | LABELSST => {
                if let (Some(row), Some(col)) = (u16_at(d, 0), u16_at(d, 2)) {
                    at.push((u64::from(row), u64::from(col)));
                    stored = Some((row, col));
                }
                text = text.saturating_add(match r.typ {
                    LABEL | RSTRING => d.len() as u64 * BYTES_PER_CHAR,
                    LABELSST => match (u32_at(d, 6), stored) {
                        (Some(i), Some((row, col))) => {
                            if found.biff == Biff::Biff5 {
                                return Err(biff8_in_biff5(Biff8Only::LabelSst));
                            }
                            let n = shared_string(found.strings, i, name, row, col)?;
                            u64::from(n) * BYTES_PER_CHAR
                        }
                        _ => 0,
                    },
                    _ => 0,
                });
                if r.typ == FORMULA {
                    if let Some(pos) = stored {
                        formula_at = pos;
                    }
                    // A string result is not stored here but by the STRING record after.
                    if matches!(d.get(6..14), Some([0x00, .., 0xFF, 0xFF])) {
                        stored = None;
                    }
                    if d.len() >= 22 {
                        plan.formula_lengths.push(r.offset + 20);
                    }
                }
            }
            STRING => {
                text = text.saturating_add(d.len() as u64 * BYTES_PER_CHAR);
                at.push((u64::from(formula_at.0), u64::from(formula_at.1)));
                stored = Some(formula_at);
            }
            MULRK => {
                if let (Some(row), Some(first)) = (u16_at(d, 0), u16_at(d, 2)) {
                    // calamine subtracts the first column from the last in u16 (a panic
                    // under overflow checks when the last is before the first: found by a
                    // garbled encrypted stream) and refuses a length that does not match.
                    let last = d.len().checked_sub(2).and_then(|at| u16_at(d, at));
                    if let Some(last) = last.filter(|_| d.len() >= 6) {
                        let columns = usize::from(last).checked_sub(usize::from(first));
                        if columns.is_none_or(|c| d.len() != 6 + 6 * (c + 1)) {
                            return Err(damaged(Damage::MulrkColumns {
                                sheet: name.to_string(),
                            }));
                        }
                    }
                    let n = (d.len().saturating_sub(6) / 6) as u64;
                    if n > 0 {
                        at.push((u64::from(row), u64::from(first)));
                        if n > 1 {
                            at.push((u64::from(row), u64::from(first) + n - 1));
                        }
                        // The cells between the two ends count, but do not widen the box.
                        cells = cells.saturating_add(n - at.len as u64);
                    }
                    for col in (u32::from(first)..).take(n as usize) {
                        addresses.push(row, col);
                    }
                }
            }
            MERGECELLS => {
                let count = u16_at(d, 0).ok_or_else(cut)?;
                // calamine reads `count` ranges of 8 bytes without checking the record is
                // that long (found by the read_xls fuzz target).
                if d.len() < 2 + 8 * usize::from(count) {
                    return Err(cut());
                }
                merges += u64::from(count);
                if merges > limit {
                    return Err(too_large(
                        Budget::SheetMerges(name.to_string()),
                        merges,
                        limit,
                    ));
                }
            }
            _ => {}
        }
        if let Some((row, col)) = stored {
            addresses.push(row, u32::from(col));
        }
        for &(row, col) in at.as_slice() {
            cells += 1;
            rows = Some(rows.map_or((row, row), |(a, b)| (a.min(row), b.max(row))));
            cols = Some(cols.map_or((col, col), |(a, b)| (a.min(col), b.max(col))));
        }
        // Cells pushed at one address twice still cost memory before the box is built.
        if cells > limit {
            return Err(too_large(
                Budget::SheetCells(name.to_string()),
                cells,
                limit,
            ));
        }
        if area(rows, cols) > limit {
            return Err(too_large(
                Budget::SheetArea(name.to_string()),
                area(rows, cols),
                limit,
            ));
        }
    }
    if let Some((row, col)) = addresses.repeated() {
        let cell = crate::model::a1(row, col);
        return Err(damaged(Damage::CellStoredTwice {
            sheet: name.to_string(),
            cell,
        }));
    }
    Ok(SheetCost {
        area: area(rows, cols),
        text,
        end,
    })
}

/// The length of shared string `i`, which a LABELSST cell at (row, col) shows; damage
/// when the table has no such string (calamine would leave the cell blank).
fn shared_string(
    strings: Option<&[u32]>,
    i: u32,
    sheet: &str,
    row: u16,
    col: u16,
) -> Result<u32, ReadError> {
    let cell = || crate::model::a1(u32::from(row), u32::from(col));
    match strings {
        Some(strings) => strings.get(i as usize).copied().ok_or_else(|| {
            let cell = cell();
            damaged(Damage::SstIndexPast {
                sheet: sheet.to_string(),
                cell,
                index: u64::from(i),
                count: strings.len() as u64,
            })
        }),
        None => {
            let cell = cell();
            Err(damaged(Damage::NoSst {
                sheet: sheet.to_string(),
                cell,
            }))
        }
    }
}

/// The capacity calamine reserves for a DIMENSIONS record, with its u32 arithmetic
/// (wrapping, as in a release build); `None` for a length calamine refuses.
fn dimensions_reserve(d: &[u8]) -> Option<u64> {
    let (rf, rl, mut cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0)?),
            u32::from(u16_at(d, 2)?),
            u32::from(u16_at(d, 4)?),
            u32::from(u16_at(d, 6)?),
        ),
        14 | 16 => (
            u32_at(d, 0)?,
            u32_at(d, 4)?,
            u32::from(u16_at(d, 8)?),
            u32::from(u16_at(d, 10)?),
        ),
        _ => return None,
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    let (start, end) = if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    Some(rows.saturating_mul(cols))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A BIFF record.
    pub(crate) fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend_from_slice(&(data.len() as u16).to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    pub(crate) fn number(row: u16, col: u16, value: f64) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&value.to_le_bytes());
        rec(NUMBER, &d)
    }

    /// A minimal BIFF8 Workbook stream: globals with one BoundSheet, then the sheet.
    pub(crate) fn workbook(globals_extra: &[u8], sheet_records: &[u8]) -> Vec<u8> {
        let bof = |dt: u16| {
            rec(
                BOF,
                &[&0x0600u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 12]].concat(),
            )
        };
        let boundsheet = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend_from_slice(&[0, 0, 1, 0, b'S']);
            rec(BOUNDSHEET, &d)
        };
        let head_len =
            bof(5).len() + globals_extra.len() + boundsheet(0).len() + rec(EOF, &[]).len();
        let mut s = bof(5);
        s.extend_from_slice(globals_extra);
        s.extend(boundsheet(head_len as u32));
        s.extend(rec(EOF, &[]));
        s.extend(bof(0x10));
        s.extend_from_slice(sheet_records);
        s.extend(rec(EOF, &[]));
        s
    }

    #[test]
    fn a_far_away_number_makes_a_huge_area() {
        let stream = workbook(&[], &[number(0, 0, 1.0), number(65535, 255, 2.0)].concat());
        let r = scan(&stream, &Limits::default());
        assert!(
            matches!(
                r,
                Err(ReadError::TooLarge {
                    found: 16_777_216,
                    ..
                })
            ),
            "{r:?}"
        );
    }

    #[test]
    fn a_declared_dimension_is_checked() {
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend_from_slice(&4_000_000u32.to_le_bytes());
        d.extend_from_slice(&[0, 0, 200, 0, 0, 0]);
        let stream = workbook(&[], &rec(DIMENSIONS, &d));
        assert!(matches!(
            scan(&stream, &Limits::default()),
            Err(ReadError::TooLarge { .. })
        ));
        // rwMic after rwMac: calamine's u32 subtraction wraps.
        let mut d = 10u32.to_le_bytes().to_vec();
        d.extend_from_slice(&5u32.to_le_bytes());
        d.extend_from_slice(&[0, 0, 1, 0, 0, 0]);
        assert_eq!(dimensions_reserve(&d), Some(u64::from(u32::MAX - 4)));
    }

    #[test]
    fn filepass_means_encrypted() {
        let stream = workbook(&rec(FILEPASS, &[1, 0, 1, 0]), &[]);
        assert_eq!(
            scan(&stream, &Limits::default()).err(),
            Some(ReadError::Encrypted)
        );
    }

    #[test]
    fn a_mulrk_whose_columns_do_not_fit_its_length_is_damage() {
        // Row 0, first column 5, one RK, last column 3: calamine's u16 subtraction
        // overflows (a panic under overflow checks).
        let mulrk = |first: u16, last: u16, values: usize| {
            let mut d = [0u16.to_le_bytes(), first.to_le_bytes()].concat();
            for _ in 0..values {
                d.extend_from_slice(&[0, 0, 2, 0, 0, 0]);
            }
            d.extend_from_slice(&last.to_le_bytes());
            rec(MULRK, &d)
        };
        for (first, last, values) in [(5, 3, 1), (5, 4, 0), (0, 2, 2)] {
            let stream = workbook(&[], &mulrk(first, last, values));
            assert!(
                matches!(scan(&stream, &Limits::default()), Err(ReadError::Truncated(d)) if d.text(crate::lang::Lang::En).contains("MULRK")),
                "{first}..{last}"
            );
        }
        let stream = workbook(&[], &mulrk(2, 4, 3));
        assert!(scan(&stream, &Limits::default()).is_ok());
    }

    #[test]
    fn boundsheets_tell_excel_95_from_excel_97() {
        // pos, grbit, cch, [flags,] name
        assert!(!boundsheet_is_biff8(&[0, 0, 0, 0, 0, 0, 2, b'S', b'1']));
        assert!(boundsheet_is_biff8(&[0, 0, 0, 0, 0, 0, 2, 0, b'S', b'1']));
        assert!(boundsheet_is_biff8(&[0, 0, 0, 0, 0, 0, 1, 1, b'S', 0]));
        assert!(!boundsheet_is_biff8(&[0, 0, 0, 0, 0, 0]));
    }

    #[test]
    fn truncated_records_are_damage() {
        let mut stream = workbook(&[], &number(1, 1, 1.0));
        stream.truncate(stream.len() - 9);
        assert!(matches!(
            scan(&stream, &Limits::default()),
            Err(ReadError::Truncated(_))
        ));
    }

    #[test]
    fn shared_strings_are_counted_across_continue_records() {
        // Two strings; the second ("abcdef", compressed) is split by a CONTINUE whose
        // first byte repeats the high-byte flag.
        let mut sst = vec![0u8; 8];
        sst.extend_from_slice(&[2, 0, 0, b'h', b'i']);
        sst.extend_from_slice(&[6, 0, 0, b'a', b'b', b'c']);
        let stream = workbook(
            &[rec(SST, &sst), rec(CONTINUE, &[0, b'd', b'e', b'f'])].concat(),
            &[],
        );
        let strings = shared_string_lengths(
            &Records::new(&stream, 20)
                .find(|r| r.as_ref().is_ok_and(|r| r.typ == SST))
                .and_then(Result::ok)
                .expect("sst record"),
            &Limits::default(),
        );
        assert_eq!(strings.ok(), Some(vec![2, 6]));
        let few = Limits {
            max_strings: 1,
            ..Limits::default()
        };
        assert!(matches!(
            scan(&stream, &few),
            Err(ReadError::TooLarge { .. })
        ));
    }

    #[test]
    fn formulas_are_located_for_blanking() {
        let mut f = vec![0u8; 20];
        f[0] = 3; // row 3
        f.extend_from_slice(&3u16.to_le_bytes());
        f.extend_from_slice(&[0x1E, 1, 0]);
        let stream = workbook(&[], &rec(FORMULA, &f));
        let plan = scan(&stream, &Limits::default()).expect("scan");
        assert_eq!(plan.formula_lengths.len(), 1);
        let at = plan.formula_lengths[0];
        assert_eq!(&stream[at..at + 2], &3u16.to_le_bytes());
    }
}
