//! A long list's rows written straight into the saved workbook.
//!
//! 项目总表 (every project of the month) and 项目库 (every project ever registered) are the
//! workbook's long lists: 27,000 and 41,000 rows of a province, 640,000 of a nation.
//! Through rust_xlsxwriter each of their cells costs a hash of its whole `Format` (to find
//! its style's index), a map insert, a copy of its text and a pass through a temporary
//! file; `perf` put those at half of writing the province's workbook. Here a long list is
//! written by rust_xlsxwriter down to its first body row only, the workbook is saved,
//! and then the saved sheet's XML is rewritten with the remaining rows streamed into it,
//! as rust_xlsxwriter's constant-memory mode writes them, byte for byte:
//!
//! - a cell's style index comes from [`Formats::xf`], whose formats are registered with
//!   the workbook before any sheet ([`Formats::register`]), so their indices are known;
//! - the `<row>` tag's attributes are those rust_xlsxwriter gave the first body row;
//! - numbers, text (escaped as rust_xlsxwriter escapes it: `&<>`, control characters as
//!   `_xHHHH_`, `xml:space="preserve"` around edge spaces) and blanks are written as in
//!   its `write_*_cell` functions, and the sheet's `<dimension>` covers every row.
//!
//! The first body row is also a check: the style indices it was given by rust_xlsxwriter
//! must be the ones [`Formats::xf`] gives, or the workbook is not written. The unit test
//! `a_spliced_long_list_is_what_rust_xlsxwriter_writes` writes sheets both ways and
//! compares every part of the two files.

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use rayon::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, XlsxError};

use super::grid::{Cell, Formats, Grid, PlacedChart, Row, RowKind};
use super::sheet_xml::{
    column_name, dimension_last_col, dimension_span, push_column_name, push_inline_text,
    push_number,
};
use super::zipped::{self, Entry};

/// Excel's last row and column (zero-based, exclusive), as rust_xlsxwriter checks them: a
/// long list with more rows goes on to sheets of its own ([`continued`]).
pub(super) const ROW_MAX: u32 = 1_048_576;
pub(super) const COL_MAX: u16 = 16_384;

/// The grids, with every long list that does not fit one worksheet of `sheet_rows` rows
/// continued on sheets of its own, each following the one it continues.
///
/// 项目库 lists every project ever registered: a nation's passes Excel's 1,048,576 rows
/// within a few months of archiving (842,000 after three), and a row past the last is an
/// error for rust_xlsxwriter as for Excel, so the whole workbook would not be written.
/// Each continuation (`项目库（续1）`, …) repeats the list's notes and header above the
/// rows that follow; 序号 runs on from sheet to sheet (they are one list's rows), and a
/// note at the top of every part says which rows it holds and where the list goes on.
pub(super) fn continued<'a>(grids: Vec<Grid<'a>>, sheet_rows: u32) -> Vec<Grid<'a>> {
    // Sheet rows are the title's, then `rows`, then the body.
    let room = |rows: usize| (sheet_rows as usize).saturating_sub(rows + 1);
    let mut out = Vec::with_capacity(grids.len());
    for mut g in grids {
        let (count, make) = match g.tail.take() {
            Some((count, make)) if count > room(g.rows.len()) => (count, make),
            tail => {
                g.tail = tail;
                out.push(g);
                continue;
            }
        };
        // Every part has one row more than the list had: the note of its rows.
        let per_sheet = room(g.rows.len() + 1).max(1);
        let parts = count.div_ceil(per_sheet);
        let make = std::sync::Arc::new(make);
        let nth = |base: &str, k: usize| match k {
            0 => base.to_string(),
            k => format!("{base}（续{k}）"),
        };
        for k in 0..parts {
            let first = k * per_sheet;
            let len = per_sheet.min(count - first);
            let before = match k {
                0 => format!(
                    "本表共 {count} 行，超过 Excel 一个工作表的行数上限，分 {parts} 个工作表列出。"
                ),
                k => format!("续表，上接“{}”。", nth(&g.name, k - 1)),
            };
            let after = if k + 1 < parts {
                format!("，下接“{}”", nth(&g.name, k + 1))
            } else {
                String::new()
            };
            let mut rows = Vec::with_capacity(g.rows.len() + 1);
            rows.push(Row::note(format!(
                "{before}本工作表列第 {}—{} 行{after}。",
                first + 1,
                first + len
            )));
            rows.extend(g.rows.iter().cloned());
            let make = std::sync::Arc::clone(&make);
            // Every field named, so that a new one is decided here too. Charts and page
            // breaks belong to the rows above the body, the first part's, one row lower
            // for its note.
            out.push(Grid {
                name: nth(&g.name, k),
                title: nth(&g.title, k),
                rows,
                header: g.header.map(|h| h + 1),
                freeze_cols: g.freeze_cols,
                filter: g.filter,
                header_wrap: g.header_wrap,
                charts: match k {
                    0 => std::mem::take(&mut g.charts)
                        .into_iter()
                        .map(|c| PlacedChart {
                            row: c.row + 1,
                            ..c
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                page_breaks: match k {
                    0 => g.page_breaks.iter().map(|r| r + 1).collect(),
                    _ => Vec::new(),
                },
                pages_wide: g.pages_wide,
                repeat_cols: g.repeat_cols,
                note_cols: g.note_cols,
                long_list: g.long_list,
                tail: Some((len, Box::new(move |i| make(first + i)))),
            });
        }
    }
    out
}

/// A long list whose rows after the first are still to be written: the sheet's number
/// in the package (`xl/worksheets/sheet{n}.xml`) and its grid.
pub(super) struct Pending<'g, 'a> {
    pub sheet: usize,
    pub grid: &'g Grid<'a>,
}

/// Body rows of a long list written and deflated as one piece of its part: about three
/// megabytes of XML, small enough that the pieces keep every core busy beside the PDF to
/// the end, large enough that the 32 KB of history each piece starts without costs
/// nothing measurable in size (0.1 % of a province's workbook).
const PIECE_ROWS: usize = 2_048;

/// Pieces made at once, then written out in order: a few a core, which bounds what is
/// held in memory (the pieces are the same however many are made at once).
fn pieces_at_once() -> usize {
    rayon::current_num_threads().max(2) * 4
}

/// Writes into `out` (at its start) the saved workbook `saved` with the rows of every
/// pending long list added. Every other part is copied as it was compressed; each long
/// list's sheet is written in its place, its rows compressed at `level` (zip's default,
/// 6, for `None`) in pieces made on every core.
pub(super) fn splice<W: Write + Seek>(
    saved: Vec<u8>,
    pending: &[Pending<'_, '_>],
    formats: &Formats,
    level: Option<i64>,
    out: W,
) -> Result<W, XlsxError> {
    splice_in_pieces(saved, pending, formats, level, out, PIECE_ROWS)
}

/// [`splice`] with the body rows deflated `piece_rows` at a time.
fn splice_in_pieces<W: Write + Seek>(
    saved: Vec<u8>,
    pending: &[Pending<'_, '_>],
    formats: &Formats,
    level: Option<i64>,
    mut out: W,
    piece_rows: usize,
) -> Result<W, XlsxError> {
    if pending.is_empty() {
        out.write_all(&saved)?;
        return Ok(out);
    }
    let level = level
        .and_then(|l| u32::try_from(l).ok())
        .unwrap_or(6)
        .min(9);
    let too_large = || XlsxError::CustomError("a workbook larger than 4 GB".to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(saved.as_slice()))?;
    let mut entries: Vec<(String, Entry)> = Vec::with_capacity(archive.len());
    // Where the next entry starts: the package is written from the start of `out`, one
    // entry after another, as rust_xlsxwriter's packager lays them out.
    let mut at = 0u64;
    for i in 0..archive.len() {
        let name = archive.by_index_raw(i)?.name()?.to_string();
        let offset = u32::try_from(at).map_err(|_| too_large())?;
        let entry = match pending
            .iter()
            .find(|p| name == format!("xl/worksheets/sheet{}.xml", p.sheet))
        {
            Some(p) => {
                let mut head = String::new();
                archive.by_name(&name)?.read_to_string(&mut head)?;
                let part = Part {
                    name: &name,
                    offset,
                };
                write_part(
                    &mut out,
                    part,
                    &head,
                    p.grid,
                    formats,
                    level,
                    piece_rows.max(1),
                )?
            }
            None => {
                let mut raw = archive.by_index_raw(i)?;
                if raw.compression() != zip::CompressionMethod::Deflated {
                    return Err(XlsxError::CustomError(format!("{name} is not deflated")));
                }
                let entry = Entry {
                    crc: raw.crc32(),
                    compressed: u32::try_from(raw.compressed_size()).map_err(|_| too_large())?,
                    size: u32::try_from(raw.size()).map_err(|_| too_large())?,
                    offset,
                };
                out.write_all(&zipped::local_header(&name, &entry))?;
                std::io::copy(&mut raw, &mut out)?;
                entry
            }
        };
        at += (30 + name.len()) as u64 + u64::from(entry.compressed);
        entries.push((name, entry));
    }
    let listed: Vec<(&str, Entry)> = entries.iter().map(|(n, e)| (n.as_str(), *e)).collect();
    let directory_at = u32::try_from(at).map_err(|_| too_large())?;
    out.write_all(&zipped::directory(&listed, directory_at))?;
    Ok(out)
}

/// A part's name in the package, and where its entry starts.
#[derive(Clone, Copy)]
struct Part<'n> {
    name: &'n str,
    offset: u32,
}

/// The sheet whose XML rust_xlsxwriter wrote as `head` (down to the first body row of the
/// long list), cut where the remaining rows go.
struct Shell<'h> {
    /// Down to the first body row and through it, with the dimension over every row.
    before: Vec<u8>,
    /// From `</sheetData>` on.
    after: &'h str,
    /// What follows `r="…"` in every row's tag (its height).
    row_attrs: &'h str,
    /// The last column the dimension covers.
    cols: u16,
}

/// Checks `head` against the list's first body row and cuts it (see [`Shell`]).
fn shell<'h>(head: &'h str, grid: &Grid<'_>, formats: &Formats) -> Result<Shell<'h>, XlsxError> {
    let Some((count, make)) = &grid.tail else {
        return Ok(Shell {
            before: head.as_bytes().to_vec(),
            after: "",
            row_attrs: "",
            cols: 0,
        });
    };
    // Sheet rows, zero-based: the first body row (written by rust_xlsxwriter) and the
    // last.
    let first = Grid::sheet_row(grid.rows.len());
    let last = Grid::sheet_row(grid.rows.len() + count.saturating_sub(1));
    if last >= ROW_MAX {
        return Err(XlsxError::RowColumnLimitError);
    }
    let first_tag = format!("<row r=\"{}\"", first + 1);
    let tag_at = head
        .rfind(&first_tag)
        .ok_or_else(|| internal(grid, "no first row"))?;
    let tag_end = head[tag_at..]
        .find('>')
        .map(|e| tag_at + e)
        .ok_or_else(|| internal(grid, "first row unclosed"))?;
    let row_attrs = &head[tag_at + first_tag.len()..tag_end];
    let row_attrs = row_attrs.strip_suffix('/').unwrap_or(row_attrs);
    let first_row_xml = &head[tag_at..];
    let end = head
        .rfind("</sheetData>")
        .ok_or_else(|| internal(grid, "no sheetData"))?;
    if end < tag_at {
        return Err(internal(grid, "first row after sheetData"));
    }

    // The first body row as rust_xlsxwriter wrote it must be the row written here.
    let first_row = make(0);
    let mut mine = Vec::new();
    let mut last_col = None;
    write_row(
        &mut mine,
        first,
        row_attrs,
        &first_row,
        formats,
        &mut last_col,
    )?;
    if first_row_xml.as_bytes().get(..mine.len()) != Some(mine.as_slice()) {
        return Err(internal(grid, "first row differs from rust_xlsxwriter's"));
    }

    // The dimension covers the rows to come: the columns of the first row or before.
    let (dim_at, dim_end) = dimension_span(head).ok_or_else(|| internal(grid, "no dimension"))?;
    let head_last_col = dimension_last_col(&head[dim_at..dim_end]).unwrap_or(0);
    let cols = last_col.map_or(head_last_col, |c: u16| c.max(head_last_col));
    let mut before = Vec::with_capacity(end + 64);
    before.extend_from_slice(&head.as_bytes()[..dim_at]);
    write!(
        before,
        "<dimension ref=\"A1:{}{}\"/>",
        column_name(cols),
        last + 1
    )?;
    before.extend_from_slice(&head.as_bytes()[dim_end..end]);
    Ok(Shell {
        before,
        after: &head[end..],
        row_attrs,
        cols,
    })
}

/// One piece of a part: its XML's CRC and length, the XML deflated as a segment of the
/// part's stream, and the last column it wrote.
struct Piece {
    crc: crc32fast::Hasher,
    size: u64,
    deflated: Vec<u8>,
    last_col: Option<u16>,
}

impl Piece {
    /// The piece of `xml`, deflated into `deflated` (emptied first: a buffer of an
    /// earlier piece's, see [`Spare`]).
    fn of(
        xml: &[u8],
        level: u32,
        last: bool,
        last_col: Option<u16>,
        mut deflated: Vec<u8>,
    ) -> Piece {
        let mut crc = crc32fast::Hasher::new();
        crc.update(xml);
        deflated.clear();
        zipped::deflate_segment(xml, level, last, &mut deflated);
        Piece {
            crc,
            size: xml.len() as u64,
            deflated,
            last_col,
        }
    }
}

/// Writes into `out`, at `part.offset`, the entry of the sheet whose XML rust_xlsxwriter
/// wrote as `head` with the list's remaining rows, written and deflated `piece_rows` at a
/// time on every core, the pieces one stream (each ends on a sync flush). The pieces
/// depend on the rows alone, never on the cores: the same list gives the same bytes.
fn write_part<W: Write + Seek>(
    out: &mut W,
    part: Part<'_>,
    head: &str,
    grid: &Grid<'_>,
    formats: &Formats,
    level: u32,
    piece_rows: usize,
) -> Result<Entry, XlsxError> {
    let shell = shell(head, grid, formats)?;
    let count = grid.tail.as_ref().map_or(0, |(count, _)| *count);
    // The local header, written again once the sizes and CRC are known.
    let header_len = (30 + part.name.len()) as u64;
    out.write_all(&vec![0; 30 + part.name.len()])?;
    let mut crc = crc32fast::Hasher::new();
    let (mut size, mut compressed) = (0u64, 0u64);
    let mut last_col: Option<u16> = None;
    let spare = Spare::default();
    let mut put = |piece: Piece, out: &mut W| -> Result<(), XlsxError> {
        out.write_all(&piece.deflated)?;
        crc.combine(&piece.crc);
        size += piece.size;
        compressed += piece.deflated.len() as u64;
        last_col = last_col.max(piece.last_col);
        spare.give(piece.deflated);
        Ok(())
    };
    put(
        Piece::of(&shell.before, level, false, None, Vec::new()),
        out,
    )?;
    // Body rows 1.. (row 0 is rust_xlsxwriter's, in the shell).
    let pieces: Vec<(usize, usize)> = (1..count)
        .step_by(piece_rows)
        .map(|from| (from, (from + piece_rows).min(count)))
        .collect();
    for window in pieces.chunks(pieces_at_once()) {
        let made: Vec<Result<Piece, XlsxError>> = window
            .par_iter()
            .map(|&(from, to)| body_piece(grid, formats, shell.row_attrs, from..to, level, &spare))
            .collect();
        for piece in made {
            put(piece?, out)?;
        }
    }
    put(
        Piece::of(shell.after.as_bytes(), level, true, None, Vec::new()),
        out,
    )?;
    if last_col.is_some_and(|c| c > shell.cols) {
        return Err(internal(grid, "a row wider than the first"));
    }
    let too_large = || internal(grid, "a sheet larger than 4 GB");
    let entry = Entry {
        crc: crc.finalize(),
        compressed: u32::try_from(compressed).map_err(|_| too_large())?,
        size: u32::try_from(size).map_err(|_| too_large())?,
        offset: part.offset,
    };
    out.seek(SeekFrom::Start(u64::from(part.offset)))?;
    out.write_all(&zipped::local_header(part.name, &entry))?;
    out.seek(SeekFrom::Start(
        u64::from(part.offset) + header_len + compressed,
    ))?;
    Ok(entry)
}

/// The body rows `rows` of the list, written and deflated as one piece.
fn body_piece(
    grid: &Grid<'_>,
    formats: &Formats,
    row_attrs: &str,
    rows: std::ops::Range<usize>,
    level: u32,
    spare: &Spare,
) -> Result<Piece, XlsxError> {
    let Some((_, make)) = &grid.tail else {
        return Err(internal(grid, "no rows to write"));
    };
    // The thread's buffer from its last piece: a piece's XML is megabytes, and memory
    // new to the process is paid for page by page.
    let mut xml = PIECE_XML.take();
    xml.clear();
    let piece = write_piece(&mut xml, grid, make, formats, row_attrs, rows)
        .map(|last_col| Piece::of(&xml, level, false, last_col, spare.take()));
    PIECE_XML.set(xml);
    piece
}

/// The buffers of pieces written out, for the next pieces' deflated bytes.
#[derive(Default)]
struct Spare(std::sync::Mutex<Vec<Vec<u8>>>);

impl Spare {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut s| s.pop().unwrap_or_default())
            .unwrap_or_default()
    }

    fn give(&self, buffer: Vec<u8>) {
        if let Ok(mut s) = self.0.lock() {
            s.push(buffer);
        }
    }
}

thread_local! {
    /// The XML of the piece [`body_piece`] makes on this thread.
    static PIECE_XML: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Appends the body rows `rows` to `xml`; the last column written.
fn write_piece(
    xml: &mut Vec<u8>,
    grid: &Grid<'_>,
    make: &super::grid::RowMaker<'_>,
    formats: &Formats,
    row_attrs: &str,
    rows: std::ops::Range<usize>,
) -> Result<Option<u16>, XlsxError> {
    let mut last_col = None;
    for i in rows {
        let before = xml.len();
        write_row(
            xml,
            Grid::sheet_row(grid.rows.len() + i),
            row_attrs,
            &make(i),
            formats,
            &mut last_col,
        )?;
        if xml.len() == before {
            // rust_xlsxwriter would write no row, and the dimension would end earlier.
            return Err(internal(grid, "an empty row"));
        }
    }
    Ok(last_col)
}

/// A long list's error that is ours, not the input's.
fn internal(grid: &Grid<'_>, what: &str) -> XlsxError {
    XlsxError::CustomError(format!("long list {}: {what}", grid.name))
}

/// Writes one body row as rust_xlsxwriter's constant-memory mode does; `last_col` is
/// raised to the last column written. Hot: a national 项目总表 is 15 million cells, so
/// the markup is copied rather than formatted.
fn write_row(
    w: &mut Vec<u8>,
    row: u32,
    attrs: &str,
    cells: &Row,
    formats: &Formats,
    last_col: &mut Option<u16>,
) -> Result<(), XlsxError> {
    if !matches!(cells.kind, RowKind::Body | RowKind::Total) {
        return Err(XlsxError::CustomError(
            "a long list's row is a table row".to_string(),
        ));
    }
    let mut digits = itoa::Buffer::new();
    let r = digits.format(row + 1).to_string();
    let mut opened = false;
    for (c, cell) in cells.cells.iter().enumerate() {
        let col = u16::try_from(c)
            .ok()
            .filter(|c| *c < COL_MAX)
            .ok_or(XlsxError::RowColumnLimitError)?;
        let value = match value(cell)? {
            None => continue,
            Some(v) => v,
        };
        if !opened {
            w.extend_from_slice(b"<row r=\"");
            w.extend_from_slice(r.as_bytes());
            w.extend_from_slice(b"\"");
            w.extend_from_slice(attrs.as_bytes());
            w.push(b'>');
            opened = true;
        }
        *last_col = Some(last_col.map_or(col, |l| l.max(col)));
        // <c r="J100" s="8"
        w.extend_from_slice(b"<c r=\"");
        push_column_name(w, col);
        w.extend_from_slice(r.as_bytes());
        w.extend_from_slice(b"\" s=\"");
        w.extend_from_slice(
            digits
                .format(formats.xf(cells.kind, cell.style()))
                .as_bytes(),
        );
        w.push(b'"');
        match value {
            Value::Number(n) => {
                w.extend_from_slice(b"><v>");
                push_number(w, n);
                w.extend_from_slice(b"</v></c>");
            }
            Value::Blank => w.extend_from_slice(b"/>"),
            Value::Text(s) => push_inline_text(w, &s),
        }
    }
    if opened {
        w.extend_from_slice(b"</row>");
    }
    Ok(())
}

/// What one cell holds, as rust_xlsxwriter stores it.
enum Value {
    Number(f64),
    Text(String),
    Blank,
}

/// The cell's stored value; `None` for a gap (nothing written).
fn value(cell: &Cell) -> Result<Option<Value>, XlsxError> {
    let number = |n: f64| {
        // rust_xlsxwriter's words for what Excel cannot hold as a number.
        if n.is_nan() {
            Value::Text("NAN".to_string())
        } else if n == f64::INFINITY {
            Value::Text("INF".to_string())
        } else if n == f64::NEG_INFINITY {
            Value::Text("-INF".to_string())
        } else {
            Value::Number(n)
        }
    };
    Ok(Some(match cell {
        Cell::Gap => return Ok(None),
        Cell::Blank => Value::Blank,
        Cell::Span(..) => {
            return Err(XlsxError::CustomError(
                "a long list's row merges no cells".to_string(),
            ))
        }
        Cell::Yi(wan) => number(wan / 10_000.0),
        Cell::Usd(v) | Cell::Amount(v) | Cell::Pct(Some(v)) | Cell::Score(Some(v)) => number(*v),
        Cell::Count(n) | Cell::Ordinal(n) => number(*n as f64),
        Cell::Date(d) => {
            use chrono::Datelike;
            let date = ExcelDateTime::from_ymd(
                u16::try_from(d.year()).unwrap_or(1900),
                u8::try_from(d.month()).unwrap_or(1),
                u8::try_from(d.day()).unwrap_or(1),
            )?;
            Value::Number(date.to_excel())
        }
        Cell::Text(_)
        | Cell::Label(_)
        | Cell::Pct(None)
        | Cell::Score(None)
        | Cell::Dash
        | Cell::Unreported => {
            let s = cell.shown();
            if s.is_empty() {
                Value::Blank
            } else if crate::text::over_cell(&s) {
                return Err(XlsxError::MaxStringLengthExceeded);
            } else {
                Value::Text(s)
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::xlsx::grid::PageText;

    /// Cells of every kind, with text that needs escaping.
    fn row(i: usize) -> Row {
        let texts = [
            "两江新区 & <公司>",
            " leading space",
            "trailing\n",
            "ctrl\u{1}char\u{1F}",
            "literal _x0041_ and _x00zz_",
            "",
            "=1+1",
            "non\u{FFFE}char",
        ];
        let n = i as i64;
        Row::body(vec![
            Cell::Ordinal(n + 1),
            Cell::Text(texts[i % texts.len()].to_string()),
            Cell::Label(format!("9000{:02}", i % 40)),
            Cell::Amount(i as f64 * 0.1 + 0.2),
            Cell::Yi(12_345.678 * i as f64),
            Cell::Usd(-(i as f64) / 3.0),
            if i.is_multiple_of(3) {
                Cell::Blank
            } else {
                Cell::Date(
                    chrono::NaiveDate::from_ymd_opt(2025, 1 + (i % 12) as u32, 1 + (i % 28) as u32)
                        .unwrap_or_default(),
                )
            },
            Cell::Pct(if i.is_multiple_of(4) {
                None
            } else {
                Some(i as f64 / 7.0)
            }),
            Cell::Score(Some(1e-7 * i as f64)),
            Cell::Count(n * 1_000_000_007),
            if i.is_multiple_of(5) {
                Cell::Unreported
            } else {
                Cell::Dash
            },
            if i.is_multiple_of(2) {
                Cell::Gap
            } else {
                Cell::Label(String::new())
            },
            Cell::Pct(Some(f64::NAN)),
            Cell::Amount(
                [
                    -0.0,
                    0.0,
                    1e15,
                    1e16,
                    999_999_999_999_999.0,
                    -3.0,
                    1e-7,
                    2.5e300,
                ][i % 8],
            ),
        ])
    }

    fn grid(rows: usize) -> Grid<'static> {
        let mut g = Grid::new(format!("项目库{rows}"), "项目库（截至2025年6月）");
        g.rows.push(Row::note("说明：测试。"));
        g.main_header(Row::header(&["序号", "名称", "代码", "金额"]));
        g.filter = true;
        g.long_list = true;
        g.tail = Some((rows, Box::new(row)));
        g
    }

    /// Every part of the package, inflated (its CRC checked), by name, with what its
    /// entry states beside its sizes.
    fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut a = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        (0..a.len())
            .map(|i| {
                let mut f = a.by_index(i).expect("a part");
                let mut v = Vec::new();
                f.read_to_end(&mut v).expect("inflates");
                let stated = format!(
                    "{:?} {:?} {:?} {:?} {:?}",
                    f.compression(),
                    f.last_modified(),
                    f.unix_mode(),
                    f.extra_data(),
                    f.comment()
                );
                (format!("{} {stated}", f.name().expect("a name")), v)
            })
            .collect()
    }

    fn workbook(spliced: bool, lists: &[Grid<'_>]) -> Vec<u8> {
        workbook_in_pieces(spliced, lists, PIECE_ROWS)
    }

    fn workbook_in_pieces(spliced: bool, lists: &[Grid<'_>], piece_rows: usize) -> Vec<u8> {
        let cfg = crate::config::Config::from_str(
            include_str!("../../../samples/tongbao.toml"),
            std::path::Path::new("samples/tongbao.toml"),
        )
        .expect("the samples' configuration");
        let mut wb = rust_xlsxwriter::Workbook::new();
        // A creation time of its own, not the clock's, so that two files can be equal.
        let created = ExcelDateTime::from_ymd(2025, 6, 30).expect("a date");
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
        let formats = Formats::new();
        formats.register(&mut wb);
        let page = PageText::new(&cfg);
        let mut small = Grid::new("总体情况", "总体情况");
        small.rows.push(Row::body(vec![Cell::Text("a".into())]));
        small
            .write(&mut wb, &formats, &page, spliced)
            .expect("writes");
        for g in lists {
            g.write(&mut wb, &formats, &page, spliced).expect("writes");
        }
        let saved = wb.save_to_buffer().expect("saves");
        if !spliced {
            return saved;
        }
        let pending: Vec<Pending<'_, '_>> = lists
            .iter()
            .enumerate()
            .map(|(i, grid)| Pending { sheet: i + 2, grid })
            .collect();
        let out = Cursor::new(Vec::new());
        splice_in_pieces(saved, &pending, &formats, None, out, piece_rows)
            .expect("splices")
            .into_inner()
    }

    /// A list of `rows` body rows through [`continued`] with sheets of `sheet_rows` rows:
    /// each part's sheet name, its body rows and the first row's cells.
    fn parts_of(rows: usize, sheet_rows: u32) -> Vec<Grid<'static>> {
        continued(vec![grid(rows)], sheet_rows)
    }

    #[test]
    fn a_long_list_past_a_sheets_last_row_goes_on_to_sheets_of_its_own() {
        // Sheets of 12 rows: the title, the note and header above the body, and nine body
        // rows; a continued list's parts have a note more, so eight.
        let whole = parts_of(9, 12);
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].rows.len(), 2, "a list that fits is left as it is");
        assert_eq!(whole[0].tail.as_ref().map(|(n, _)| *n), Some(9));

        let parts = parts_of(20, 12);
        let names: Vec<&str> = parts.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["项目库20", "项目库20（续1）", "项目库20（续2）"]);
        let lens: Vec<usize> = parts
            .iter()
            .filter_map(|g| g.tail.as_ref())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(lens, [8, 8, 4], "every row once, in order");
        let mut next = 0;
        for g in &parts {
            let (n, make) = g.tail.as_ref().expect("a tail");
            for i in 0..*n {
                // Compared as printed: a row holds a NaN.
                assert_eq!(
                    format!("{:?}", make(i).cells),
                    format!("{:?}", row(next).cells),
                    "{} row {i}",
                    g.name
                );
                next += 1;
            }
            // The last body row is the sheet's last or before it.
            assert!(Grid::sheet_row(g.rows.len() + n - 1) < 12, "{}", g.name);
            assert_eq!(
                g.header,
                Some(2),
                "{}: the header under the two notes",
                g.name
            );
            assert_eq!(
                g.rows[1].cells,
                grid(20).rows[0].cells,
                "the list's own note"
            );
        }
        let note = |g: &Grid<'_>| g.rows[0].cells[0].shown();
        assert_eq!(
            note(&parts[0]),
            "本表共 20 行，超过 Excel 一个工作表的行数上限，分 3 个工作表列出。本工作表列第 1—8 行，下接“项目库20（续1）”。"
        );
        assert_eq!(
            note(&parts[1]),
            "续表，上接“项目库20”。本工作表列第 9—16 行，下接“项目库20（续2）”。"
        );
        assert_eq!(
            note(&parts[2]),
            "续表，上接“项目库20（续1）”。本工作表列第 17—20 行。"
        );
        assert_eq!(parts[2].title, "项目库（截至2025年6月）（续2）");
        assert_eq!(parts_of(10, 12).len(), 2, "one row past the sheet");
    }

    #[test]
    fn a_continued_long_list_is_written_sheet_after_sheet() {
        use calamine::{Data, Reader};
        let parts = parts_of(20, 12);
        let bytes = workbook(true, &parts);
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
        assert_eq!(
            book.sheet_names(),
            ["总体情况", "项目库20", "项目库20（续1）", "项目库20（续2）"]
        );
        let mut ordinals = Vec::new();
        for g in &parts {
            let range = book.worksheet_range(&g.name).expect("a sheet");
            // Title, two notes, header, then the body from sheet row 5 (zero-based 4).
            assert_eq!(range.start(), Some((0, 0)));
            let end = range.end().expect("cells").0;
            assert!(end < 12, "{}: last row {end}", g.name);
            match range.get_value((1, 0)) {
                Some(Data::String(s)) => assert!(s.contains("本工作表列第"), "{s}"),
                other => panic!("{}: {other:?}", g.name),
            }
            for r in 4..=end {
                match range.get_value((r, 0)) {
                    Some(Data::Float(n)) => ordinals.push(*n as usize),
                    other => panic!("{} row {r}: {other:?}", g.name),
                }
            }
        }
        assert_eq!(ordinals, (1..=20).collect::<Vec<_>>(), "序号 runs on");
    }

    #[test]
    fn text_past_a_cells_limit_is_cut_not_a_failed_workbook() {
        use calamine::{Data, Reader};
        let long = |i: usize| {
            Row::body(vec![
                Cell::Ordinal(i as i64 + 1),
                Cell::Text("长".repeat(40_000 + i)),
            ])
        };
        let mut g = grid(3);
        g.tail = Some((3, Box::new(long)));
        // Spliced as rust_xlsxwriter writes it, whose own check would refuse the text.
        let theirs = parts(&workbook(false, std::slice::from_ref(&g)));
        let bytes = workbook(true, std::slice::from_ref(&g));
        assert_eq!(theirs, parts(&bytes));
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
        let range = book.worksheet_range(&g.name).expect("the list");
        for r in 3..6 {
            match range.get_value((r, 1)) {
                Some(Data::String(s)) => {
                    assert_eq!(s.encode_utf16().count(), crate::text::CELL_TEXT_MAX);
                    assert!(s.ends_with('…'));
                }
                other => panic!("row {r}: {other:?}"),
            }
        }
    }

    /// At Excel's own limit: writes 1,048,576 rows, so it is left to a release run
    /// (`cargo test --release --lib -- --ignored at_excels_last_row`).
    #[test]
    #[ignore = "writes a million rows; run in release"]
    fn a_long_list_at_excels_last_row() {
        let one = |i: usize| Row::body(vec![Cell::Ordinal(i as i64 + 1)]);
        let list = |n: usize| {
            let mut g = grid(n);
            g.tail = Some((n, Box::new(one)));
            g
        };
        // Title, note and header: 1,048,573 body rows fit.
        let fits = ROW_MAX as usize - 3;
        for (n, sheets) in [(fits, 1), (fits + 1, 2)] {
            let parts = continued(vec![list(n)], ROW_MAX);
            assert_eq!(parts.len(), sheets);
            let bytes = workbook(true, &parts);
            assert!(bytes.len() > 1_000_000, "{n} rows written");
        }
    }

    #[test]
    fn a_spliced_long_list_is_what_rust_xlsxwriter_writes() {
        // Pieces of one row, of a few rows (the last one short or whole), and of more
        // rows than the lists have.
        for (sizes, piece_rows) in [
            (vec![1], PIECE_ROWS),
            (vec![2], 1),
            (vec![3], 1),
            (vec![1_500, 40], 7),
            (vec![1_500, 40], 1_499),
            (vec![1_500, 40], 13),
            (vec![1_500, 40], PIECE_ROWS),
        ] {
            let lists: Vec<Grid<'static>> = sizes.iter().map(|n| grid(*n)).collect();
            let theirs = parts(&workbook(false, &lists));
            let ours = parts(&workbook_in_pieces(true, &lists, piece_rows));
            assert_eq!(theirs.len(), ours.len());
            for ((tn, t), (on, o)) in theirs.iter().zip(&ours) {
                assert_eq!(tn, on);
                assert!(
                    t == o,
                    "{tn} differs for {sizes:?} in pieces of {piece_rows}:\n{}\n{}",
                    String::from_utf8_lossy(&t[..t.len().min(3000)]),
                    String::from_utf8_lossy(&o[..o.len().min(3000)])
                );
            }
        }
    }
}
