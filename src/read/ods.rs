//! .ods: a streaming pre-scan of `content.xml` that replays calamine's row and column
//! repeats, then calamine.
//!
//! OpenDocument compresses runs of equal cells and rows into one element with
//! `number-columns-repeated` / `number-rows-repeated`, and calamine expands them: each row
//! is first pushed cell by cell up to its last non-empty cell (empty runs before it
//! included, up to 16 384 columns), then every row between the first and the last
//! non-empty one is copied `rows-repeated` times into a dense block. A few hundred bytes
//! can so ask for billions of cells; calamine's own cap (100 million) is already 3 GB.
//! [`scan_content`] computes both counts exactly as calamine will, per table, and the read
//! is refused over `max_cells_per_sheet` before calamine starts. It also collects the
//! merged regions (`number-columns-spanned` / `number-rows-spanned`), which calamine's
//! .ods reader does not report.

use std::collections::HashMap;
use std::io::{BufRead, Cursor};

use calamine::{Ods, OdsError, Reader, SheetType, SheetVisible};
use quick_xml::events::{BytesStart, Event};

use super::convert::from_data;
use super::guard::{fenced, too_large, Inflated};
use super::xlsx::{doctype, scan_for_doctype, sort_cells};
use super::xml::{self, attr, attr_text, digits, ScanError};
use super::zipscan::{drain_entry, key, read_entry, Archive, Entries};
use super::Damage;
use super::{Budget, Container, Merge, RawCell, RawSheet, RawWorkbook, ReadError};
use crate::config::Limits;

/// calamine's caps on one table (ods.rs `MAX_ROWS`, `MAX_COLUMNS`): repeats beyond them
/// are cut, and the pre-scan must cut them the same way to count the same cells.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Reads an .ods whose archive is already open.
pub(crate) fn read(
    bytes: &[u8],
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
    limits: &Limits,
) -> Result<RawWorkbook, ReadError> {
    // The manifest first: an encrypted content.xml is not XML at all and would otherwise
    // be reported as damaged.
    let manifest = entries.find("META-INF/manifest.xml");
    if let Some(entry) = manifest {
        if read_entry(archive, entry, budget, true, |r| {
            scan_manifest(r, &entry.name)
        })? {
            return Err(ReadError::Encrypted);
        }
    }
    let content = entries.find("content.xml").ok_or_else(|| {
        ReadError::Truncated(Damage::new(
            "缺少“content.xml”部件",
            "the part \"content.xml\" is missing",
        ))
    })?;
    let merges = read_entry(archive, content, budget, true, |r| {
        scan_content(r, &content.name, limits)
    })?;
    for entry in &entries.list {
        if entry.is_dir
            || entry.index == content.index
            || manifest.is_some_and(|m| m.index == entry.index)
        {
            continue;
        }
        let path = key(&entry.name);
        if path.ends_with(".xml") && !path.contains('/') {
            // styles.xml, meta.xml, settings.xml. Only the prolog is parsed (calamine reads
            // meta.xml, under its own 1 MB cap), so no token cap: styles.xml may carry a
            // large embedded picture as base64 text.
            read_entry(archive, entry, budget, false, |r| {
                scan_for_doctype(r, &entry.name)
            })?;
        } else {
            drain_entry(archive, entry, budget)?;
        }
    }
    load(bytes, merges)
}

/// Whether `META-INF/manifest.xml` has `manifest:encryption-data`, as calamine checks.
fn scan_manifest<R: BufRead>(r: R, part: &str) -> Result<bool, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "encryption-data" => return Ok(true),
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(false),
            _ => {}
        }
    }
}

/// The row being replayed.
#[derive(Default)]
struct RowScan {
    /// Rows this element stands for, after calamine's cap.
    repeats: u64,
    /// Cells calamine pushes for this row element.
    pushed: u64,
    /// Run of empty cells not pushed yet (pushed only if another cell follows).
    pending_empty: u64,
    /// Absolute column of the next cell.
    col: u64,
    /// First and last pushed non-empty column.
    span: Option<(u64, u64)>,
    /// Text bytes pushed for this row element.
    text: u64,
}

/// One table's counts, as calamine will build them.
#[derive(Default)]
struct TableScan {
    name: String,
    rows_total: u64,
    pushed: u64,
    /// Column span of non-empty cells over the table.
    cols: Option<(u64, u64)>,
    /// Rows (after repeats) from the first non-empty row element up to the current one,
    /// and up to the last non-empty one.
    rows_since_first: Option<u64>,
    rows_to_last: u64,
    text: u64,
    merges: Vec<Merge>,
}

impl TableScan {
    fn area(&self) -> u64 {
        match self.cols {
            Some((c0, c1)) => self.rows_to_last.saturating_mul(c1 - c0 + 1),
            None => 0,
        }
    }
}

/// The cell being read.
struct CellScan {
    repeats: u64,
    non_empty: bool,
    text: u64,
    span: (u64, u64),
}

/// Replays calamine's `read_table` / `read_row` / `get_range` over `content.xml`, checking
/// every budget, and returns the merged regions per table name.
fn scan_content<R: BufRead>(
    r: R,
    part: &str,
    limits: &Limits,
) -> Result<HashMap<String, Vec<Merge>>, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut merges: HashMap<String, Vec<Merge>> = HashMap::new();
    let (mut tables, mut workbook_cells, mut workbook_text) = (0u64, 0u64, 0u64);
    let mut table: Option<TableScan> = None;
    let mut row: Option<RowScan> = None;
    let mut cell: Option<CellScan> = None;
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) => match e.name().as_ref() {
                "table:table" if table.is_none() => {
                    if let Some(name) = attr(&e, "table:name") {
                        tables += 1;
                        if tables > limits.max_sheets {
                            return Err(too_large(Budget::Sheets, tables, limits.max_sheets).into());
                        }
                        table = Some(TableScan {
                            name: attr_text(&name),
                            ..TableScan::default()
                        });
                    }
                }
                "table:table-row" if row.is_none() => {
                    if let Some(t) = table.as_mut() {
                        let asked = attr(&e, "table:number-rows-repeated")
                            .and_then(|v| digits(v.as_bytes()))
                            .unwrap_or(1);
                        let repeats = asked.min(MAX_ROWS.saturating_sub(t.rows_total));
                        t.rows_total += repeats;
                        row = Some(RowScan {
                            repeats,
                            ..RowScan::default()
                        });
                    }
                }
                "table:table-cell" | "table:covered-table-cell"
                    if row.is_some() && cell.is_none() =>
                {
                    cell = Some(start_cell(&e));
                }
                "text:s" => {
                    if let Some(c) = cell.as_mut() {
                        let n = attr(&e, "text:c")
                            .and_then(|v| digits(v.as_bytes()))
                            .unwrap_or(1);
                        c.text = c.text.saturating_add(n);
                    }
                }
                "text:p" | "text:tab" | "text:line-break" => {
                    if let Some(c) = cell.as_mut() {
                        c.text = c.text.saturating_add(1);
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    c.text = c.text.saturating_add(t.len() as u64);
                }
            }
            Event::GeneralRef(g) => {
                if let Some(c) = cell.as_mut() {
                    c.text = c.text.saturating_add(g.len() as u64 + 2);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let (Some(c), Some(rw), Some(t)) =
                        (cell.take(), row.as_mut(), table.as_mut())
                    {
                        end_cell(c, rw, t, limits)?;
                    }
                }
                "table:table-row" => {
                    if let (Some(rw), Some(t)) = (row.take(), table.as_mut()) {
                        end_row(rw, t, limits)?;
                    }
                }
                "table:table" => {
                    if let Some(t) = table.take() {
                        workbook_cells = workbook_cells
                            .saturating_add(t.pushed)
                            .saturating_add(t.area());
                        workbook_text = workbook_text.saturating_add(t.text);
                        if workbook_cells > limits.max_cells_per_sheet {
                            return Err(too_large(
                                Budget::WorkbookCells,
                                workbook_cells,
                                limits.max_cells_per_sheet,
                            )
                            .into());
                        }
                        if workbook_text > limits.max_decompressed_bytes {
                            return Err(too_large(
                                Budget::TextTotal,
                                workbook_text,
                                limits.max_decompressed_bytes,
                            )
                            .into());
                        }
                        merges.entry(t.name).or_insert(t.merges);
                    }
                }
                _ => {}
            },
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(merges),
            _ => {}
        }
    }
}

/// Reads what calamine's `get_datatype` looks at: whether the cell has a value or a
/// formula, its repeats, its spans and the text held in attributes.
fn start_cell(e: &BytesStart<'_>) -> CellScan {
    let repeats = attr(e, "table:number-columns-repeated")
        .and_then(|v| digits(v.as_bytes()))
        .unwrap_or(1);
    let mut non_empty = false;
    let mut text = 0u64;
    for a in e.attributes().with_checks(false).flatten() {
        match a.key.as_ref() {
            "office:value" | "office:date-value" | "office:time-value" | "office:boolean-value" => {
                non_empty = true
            }
            "office:string-value" | "table:formula" => {
                non_empty = true;
                text = text.saturating_add(a.value.len() as u64);
            }
            "office:value-type" if a.value.as_ref() == "string" => non_empty = true,
            _ => {}
        }
    }
    let span = |k: &str| {
        attr(e, k)
            .and_then(|v| digits(v.as_bytes()))
            .unwrap_or(1)
            .max(1)
    };
    CellScan {
        repeats,
        non_empty,
        text,
        span: (
            span("table:number-rows-spanned"),
            span("table:number-columns-spanned"),
        ),
    }
}

fn end_cell(
    c: CellScan,
    row: &mut RowScan,
    table: &mut TableScan,
    limits: &Limits,
) -> Result<(), ScanError> {
    // calamine pushes the previous run of empty cells as soon as any cell follows it.
    let empties = row
        .pending_empty
        .min(MAX_COLUMNS.saturating_sub(row.pushed));
    row.pushed += empties;
    row.pending_empty = 0;
    let repeats = c.repeats.min(MAX_COLUMNS.saturating_sub(row.pushed));
    if (c.span.0 > 1 || c.span.1 > 1) && table.merges.len() as u64 <= limits.max_cells_per_sheet {
        let at = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let first_row = table.rows_total.saturating_sub(row.repeats);
        table.merges.push(Merge {
            first_row: at(first_row),
            first_col: at(row.col),
            last_row: at(first_row.saturating_add(c.span.0 - 1)),
            last_col: at(row.col.saturating_add(c.span.1 - 1)),
        });
    }
    if c.non_empty {
        if repeats > 0 {
            let first = row.pushed;
            let last = row.pushed + repeats - 1;
            row.span = Some(
                row.span
                    .map_or((first, last), |(a, b)| (a.min(first), b.max(last))),
            );
        }
        row.pushed += repeats;
        row.text = row.text.saturating_add(c.text.saturating_mul(repeats));
    } else {
        row.pending_empty = repeats;
    }
    row.col = row.col.saturating_add(c.repeats);
    let pushed = table.pushed.saturating_add(row.pushed);
    if pushed > limits.max_cells_per_sheet {
        return Err(too_large(
            Budget::SheetCells(table.name.clone()),
            pushed,
            limits.max_cells_per_sheet,
        )
        .into());
    }
    Ok(())
}

fn end_row(row: RowScan, table: &mut TableScan, limits: &Limits) -> Result<(), ScanError> {
    table.pushed = table.pushed.saturating_add(row.pushed);
    // The row's text is held once as pushed, once per repeat in the dense block and once
    // more in the copy `worksheet_range` returns.
    let copies = row.repeats.saturating_mul(2).saturating_add(1);
    table.text = table.text.saturating_add(row.text.saturating_mul(copies));
    match row.span {
        Some((first, last)) => {
            table.cols = Some(
                table
                    .cols
                    .map_or((first, last), |(a, b)| (a.min(first), b.max(last))),
            );
            let since = table
                .rows_since_first
                .unwrap_or(0)
                .saturating_add(row.repeats);
            table.rows_since_first = Some(since);
            table.rows_to_last = since;
        }
        None => {
            if let Some(since) = table.rows_since_first.as_mut() {
                *since = since.saturating_add(row.repeats);
            }
        }
    }
    if table.area() > limits.max_cells_per_sheet {
        return Err(too_large(
            Budget::SheetArea(table.name.clone()),
            table.area(),
            limits.max_cells_per_sheet,
        )
        .into());
    }
    if table.pushed > limits.max_cells_per_sheet {
        return Err(too_large(
            Budget::SheetCells(table.name.clone()),
            table.pushed,
            limits.max_cells_per_sheet,
        )
        .into());
    }
    Ok(())
}

fn ods_error(e: OdsError) -> ReadError {
    match e {
        OdsError::Password => ReadError::Encrypted,
        other => ReadError::Truncated(Damage::new(
            format!("表格内容无法解析：{other}"),
            format!("the spreadsheet's content cannot be parsed: {other}"),
        )),
    }
}

/// Reads the cells with calamine, once the pre-scan has passed.
fn load(bytes: &[u8], mut merges: HashMap<String, Vec<Merge>>) -> Result<RawWorkbook, ReadError> {
    fenced("calamine", || {
        let mut book: Ods<Cursor<&[u8]>> = Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
        let metadata = book.sheets_metadata().to_vec();
        let mut sheets = Vec::with_capacity(metadata.len());
        for sheet in metadata {
            if sheet.typ != SheetType::WorkSheet {
                continue;
            }
            let range = book.worksheet_range(&sheet.name).map_err(ods_error)?;
            let (row0, col0) = range.start().unwrap_or((0, 0));
            let mut cells: Vec<RawCell> = range
                .used_cells()
                .filter_map(|(r, c, v)| {
                    let value = from_data(v)?;
                    Some(RawCell {
                        row: row0 + r as u32,
                        col: col0 + c as u32,
                        value,
                    })
                })
                .collect();
            sort_cells(&mut cells);
            let merges = merges.remove(&sheet.name).unwrap_or_default();
            sheets.push(RawSheet {
                name: sheet.name,
                visible: sheet.visible == SheetVisible::Visible,
                cells,
                merges,
            });
        }
        Ok(RawWorkbook {
            container: Container::Ods,
            sheets,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="T">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn scan(xml: &str) -> Result<HashMap<String, Vec<Merge>>, ScanError> {
        scan_content(xml.as_bytes(), "content.xml", &Limits::default())
    }

    #[test]
    fn repeated_rows_of_a_full_width_row_are_refused() {
        let xml = content(
            r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#,
        );
        assert!(matches!(
            scan(&xml),
            Err(ScanError::Reject(ReadError::TooLarge { .. }))
        ));
    }

    #[test]
    fn pushed_empty_runs_are_counted() {
        // Each row pushes 16 384 empty cells (the first run is pushed when the second
        // cell arrives) although no row has a value.
        let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384"/><table:table-cell/></table:table-row>"#;
        let xml = content(&row.repeat(200));
        assert!(matches!(
            scan(&xml),
            Err(ScanError::Reject(ReadError::TooLarge { .. }))
        ));
    }

    #[test]
    fn trailing_empty_repeats_cost_nothing() {
        let xml = content(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
        );
        assert!(scan(&xml).is_ok());
    }

    #[test]
    fn spans_become_merges() {
        let xml = content(
            r#"<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>a</text:p></table:table-cell><table:covered-table-cell/></table:table-row>"#,
        );
        let merges = scan(&xml).expect("scan");
        assert_eq!(
            merges["T"],
            vec![Merge {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 1
            }]
        );
    }

    #[test]
    fn huge_space_runs_are_counted_as_text() {
        let xml = content(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#,
        );
        assert!(matches!(
            scan(&xml),
            Err(ScanError::Reject(ReadError::TooLarge { .. }))
        ));
    }
}
