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

use std::io::{BufWriter, Cursor, Read, Write};

use rayon::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, XlsxError};

use super::grid::{Cell, Formats, Grid, Row, RowKind};
use super::sheet_xml::{
    column_name, dimension_last_col, dimension_span, part_options, push_column_name,
    push_inline_text, push_number,
};

/// Excel's last row and column (zero-based, exclusive), as rust_xlsxwriter checks them.
const ROW_MAX: u32 = 1_048_576;
const COL_MAX: u16 = 16_384;
/// Excel's longest cell text, in UTF-16 units.
const MAX_STRING_LEN: usize = 32_767;

/// A long list whose rows after the first are still to be written: the sheet's number
/// in the package (`xl/worksheets/sheet{n}.xml`) and its grid.
pub(super) struct Pending<'g, 'a> {
    pub sheet: usize,
    pub grid: &'g Grid<'a>,
}

/// Rewrites the saved workbook `saved` with the rows of every pending long list added.
/// Every other part is copied as it was compressed; the long lists' sheets are
/// compressed again at `level`, each on a thread of its own.
pub(super) fn splice(
    saved: Vec<u8>,
    pending: &[Pending<'_, '_>],
    formats: &Formats,
    level: Option<i64>,
) -> Result<Vec<u8>, XlsxError> {
    if pending.is_empty() {
        return Ok(saved);
    }
    let options = part_options(level);
    // Each long list is written and deflated on a thread of its own (deflating is most of
    // the work), as a package of one part, then copied into place as it was compressed.
    let name_of = |p: &Pending<'_, '_>| format!("xl/worksheets/sheet{}.xml", p.sheet);
    let written: Vec<(String, Vec<u8>)> = pending
        .par_iter()
        .map(|p| -> Result<(String, Vec<u8>), XlsxError> {
            let name = name_of(p);
            let mut archive = zip::ZipArchive::new(Cursor::new(saved.as_slice()))?;
            let mut head = String::new();
            archive.by_name(&name)?.read_to_string(&mut head)?;
            let mut one = zip::ZipWriter::new(Cursor::new(Vec::new()));
            one.start_file(name.as_str(), options)?;
            let mut w = BufWriter::with_capacity(1 << 16, &mut one);
            write_sheet(&mut w, &head, p.grid, formats)?;
            w.flush()?;
            drop(w);
            Ok((name, one.finish()?.into_inner()))
        })
        .collect::<Result<_, _>>()?;
    let mut archive = zip::ZipArchive::new(Cursor::new(saved.as_slice()))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(saved.len() * 2)));
    for i in 0..archive.len() {
        let name = archive.by_index_raw(i)?.name()?.to_string();
        match written.iter().find(|(n, _)| *n == name) {
            None => out.raw_copy_file(archive.by_index_raw(i)?)?,
            Some((_, one)) => {
                let mut one = zip::ZipArchive::new(Cursor::new(one.as_slice()))?;
                out.raw_copy_file(one.by_index_raw(0)?)?;
            }
        }
    }
    Ok(out.finish()?.into_inner())
}

/// Writes the sheet whose XML rust_xlsxwriter wrote as `head` (down to the first body row
/// of the long list) with the list's remaining rows.
fn write_sheet(
    w: &mut impl Write,
    head: &str,
    grid: &Grid<'_>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let internal = |what: &str| XlsxError::CustomError(format!("long list {}: {what}", grid.name));
    let Some((count, make)) = &grid.tail else {
        w.write_all(head.as_bytes())?;
        return Ok(());
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
        .ok_or_else(|| internal("no first row"))?;
    let tag_end = head[tag_at..]
        .find('>')
        .map(|e| tag_at + e)
        .ok_or_else(|| internal("first row unclosed"))?;
    // What follows r="…" in every row's tag (its height), and the first row itself.
    let row_attrs = &head[tag_at + first_tag.len()..tag_end];
    let row_attrs = row_attrs.strip_suffix('/').unwrap_or(row_attrs);
    let first_row_xml = &head[tag_at..];
    let end = head
        .rfind("</sheetData>")
        .ok_or_else(|| internal("no sheetData"))?;
    if end < tag_at {
        return Err(internal("first row after sheetData"));
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
        return Err(internal("first row differs from rust_xlsxwriter's"));
    }

    // The dimension covers the rows to come: the columns of the first row or before.
    let (dim_at, dim_end) = dimension_span(head).ok_or_else(|| internal("no dimension"))?;
    let head_last_col = dimension_last_col(&head[dim_at..dim_end]).unwrap_or(0);
    let cols = last_col.map_or(head_last_col, |c: u16| c.max(head_last_col));
    w.write_all(&head.as_bytes()[..dim_at])?;
    write!(
        w,
        "<dimension ref=\"A1:{}{}\"/>",
        column_name(cols),
        last + 1
    )?;
    w.write_all(&head.as_bytes()[dim_end..end])?;
    let mut buf = Vec::with_capacity(4096);
    let mut written_col = None;
    for i in 1..*count {
        buf.clear();
        let row = Grid::sheet_row(grid.rows.len() + i);
        write_row(
            &mut buf,
            row,
            row_attrs,
            &make(i),
            formats,
            &mut written_col,
        )?;
        if buf.is_empty() {
            // rust_xlsxwriter would write no row, and the dimension would end earlier.
            return Err(internal("an empty row"));
        }
        w.write_all(&buf)?;
    }
    if written_col.is_some_and(|c| c > cols) {
        return Err(internal("a row wider than the first"));
    }
    w.write_all(&head.as_bytes()[end..])?;
    Ok(())
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
            } else if s.encode_utf16().count() > MAX_STRING_LEN {
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

    /// Every part of the package, inflated, by name.
    fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut a = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        (0..a.len())
            .map(|i| {
                let mut f = a.by_index(i).expect("a part");
                let mut v = Vec::new();
                f.read_to_end(&mut v).expect("inflates");
                (f.name().expect("a name").to_string(), v)
            })
            .collect()
    }

    fn workbook(spliced: bool, lists: &[Grid<'_>]) -> Vec<u8> {
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
        splice(saved, &pending, &formats, None).expect("splices")
    }

    #[test]
    fn a_spliced_long_list_is_what_rust_xlsxwriter_writes() {
        for sizes in [vec![1], vec![2], vec![1_500, 40]] {
            let lists: Vec<Grid<'static>> = sizes.iter().map(|n| grid(*n)).collect();
            let theirs = parts(&workbook(false, &lists));
            let ours = parts(&workbook(true, &lists));
            assert_eq!(theirs.len(), ours.len());
            for ((tn, t), (on, o)) in theirs.iter().zip(&ours) {
                assert_eq!(tn, on);
                assert!(
                    t == o,
                    "{tn} differs for {sizes:?}:\n{}\n{}",
                    String::from_utf8_lossy(&t[..t.len().min(3000)]),
                    String::from_utf8_lossy(&o[..o.len().min(3000)])
                );
            }
        }
    }
}
