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
//!
//! The text is counted the same way: a run of spaces (`<text:s text:c="60000"/>`) as
//! the spaces calamine will push one by one, each cell against [`MAX_CELL_TEXT_BYTES`],
//! and every copy calamine and the reader hold. What calamine would quietly read wrong is
//! refused as well: content past the last column or row (calamine cuts the row, and the
//! cell is simply gone), a repeat of zero (the cells after it move left), and a
//! `content.xml` that holds no table (an empty workbook) or ends inside one (calamine
//! then waits for the table's end forever).

use std::collections::HashMap;
use std::io::{BufRead, Cursor};

use calamine::{Ods, OdsError, Reader, SheetType, SheetVisible};
use quick_xml::events::{BytesStart, Event};

use super::convert::from_data;
use super::guard::{fenced, too_large, Inflated, MAX_CELL_TEXT_BYTES};
use super::raw::sort_cells;
use super::xml::{self, attr, attr_text, count, digits, ScanError};
use super::xml::{doctype, scan_for_doctype};
use super::zipscan::{drain_entry, key, read_entry, Archive, Entries};
use super::{Budget, Container, Merge, RawCell, RawSheet, RawWorkbook, ReadError};
use super::{CellValue, Damage};
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
        ReadError::Truncated(Damage::PartMissing {
            part: "content.xml".into(),
        })
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
    /// Rows it asks for, and the row (zero-based, uncapped) it starts at.
    asked: u64,
    first_row: u64,
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
    /// Rows the row elements ask for, before calamine's cap.
    rows_asked: u64,
    pushed: u64,
    /// Column span of non-empty cells over the table.
    cols: Option<(u64, u64)>,
    /// Rows (after repeats) from the first non-empty row element up to the current one,
    /// and up to the last non-empty one.
    rows_since_first: Option<u64>,
    rows_to_last: u64,
    text: u64,
    merges: Vec<Merge>,
    /// (row, col, formula) of the formulas without a saved result.
    uncalculated: Vec<(u32, u32, String)>,
}

/// What the content scan found per sheet besides its budgets: merged areas and formulas
/// without a saved result.
type Found = HashMap<String, (Vec<Merge>, Vec<(u32, u32, String)>)>;

/// How much of a formula a message quotes.
const FORMULA_SHOWN: usize = 200;
/// The most formula cells without results marked per sheet (one is enough to refuse).
const MAX_MARKED: u64 = 10_000;

impl TableScan {
    fn area(&self) -> u64 {
        match self.cols {
            Some((c0, c1)) => self.rows_to_last.saturating_mul(c1 - c0 + 1),
            None => 0,
        }
    }
}

/// How calamine reads what lies between a cell's start and end tags.
#[derive(Debug, PartialEq)]
enum Inside {
    /// As the cell's text (a string cell without `office:string-value`): up to the first
    /// end tag of either cell element, whatever opened since, with `text:s` runs
    /// expanded and an annotation skipped up to its first end tag.
    Text { in_annotation: bool },
    /// Skipped (`read_to_end_into`): up to the end tag of the cell's own element name,
    /// nested ones of that name counted.
    Skipped { covered: bool, depth: u64 },
}

/// The cell being read.
struct CellScan {
    repeats: u64,
    /// A formula with no saved result (`table:formula` and no value attribute, as a program
    /// may write one): calamine reads it as empty; the reader marks it
    /// [`CellValue::Uncalculated`] instead, so it is never taken for a blank (= 0).
    uncalculated: Option<String>,
    non_empty: bool,
    text: u64,
    span: (u64, u64),
    inside: Inside,
}

impl CellScan {
    /// Takes one event from inside the cell; true when it closes the cell.
    fn take(&mut self, event: &Event<'_>) -> bool {
        let is_cell = |name: &str| name == "table:table-cell" || name == "table:covered-table-cell";
        match &mut self.inside {
            Inside::Skipped { covered, depth } => {
                let own = if *covered {
                    "table:covered-table-cell"
                } else {
                    "table:table-cell"
                };
                match event {
                    Event::Start(e) if e.name().as_ref() == own => *depth += 1,
                    Event::End(e) if e.name().as_ref() == own => {
                        if *depth == 0 {
                            return true;
                        }
                        *depth -= 1;
                    }
                    _ => {}
                }
            }
            Inside::Text { in_annotation } if *in_annotation => {
                if matches!(event, Event::End(e) if e.name().as_ref() == "office:annotation") {
                    *in_annotation = false;
                }
            }
            Inside::Text { in_annotation } => match event {
                Event::Start(e) => match e.name().as_ref() {
                    "office:annotation" => *in_annotation = true,
                    "text:s" => {
                        let spaces = attr(e, "text:c").map_or(Some(1), |v| count(&v));
                        self.text = self.text.saturating_add(spaces.unwrap_or(1));
                    }
                    "text:p" | "text:tab" | "text:line-break" => {
                        self.text = self.text.saturating_add(1);
                    }
                    _ => {}
                },
                Event::Text(t) => self.text = self.text.saturating_add(t.len() as u64),
                Event::GeneralRef(g) => self.text = self.text.saturating_add(g.len() as u64 + 2),
                Event::End(e) if is_cell(e.name().as_ref()) => return true,
                _ => {}
            },
        }
        false
    }
}

/// Replays calamine's `read_table` / `read_row` / `get_range` over `content.xml`, checking
/// every budget, and returns the merged regions per table name.
fn scan_content<R: BufRead>(r: R, part: &str, limits: &Limits) -> Result<Found, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut merges: Found = HashMap::new();
    let (mut tables, mut workbook_cells, mut workbook_text) = (0u64, 0u64, 0u64);
    let mut table: Option<TableScan> = None;
    let mut row: Option<RowScan> = None;
    let mut cell: Option<CellScan> = None;
    loop {
        buf.clear();
        let event = x.read_event_into(&mut buf)?;
        match &event {
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => {
                return match (&table, tables) {
                    // calamine waits for the end of a table forever.
                    (Some(t), _) => Err(damaged(Damage::OdsEndsInSheet {
                        part: part.to_string(),
                        sheet: t.name.clone(),
                    })),
                    (None, 0) => Err(damaged(Damage::OdsNoSheet {
                        part: part.to_string(),
                    })),
                    (None, _) => Ok(merges),
                };
            }
            _ => {}
        }
        // Inside a cell, calamine looks only for the cell's end: a row's or a table's
        // end tag there does not end them.
        if let Some(c) = cell.as_mut() {
            let closed = c.take(&event);
            if let Some(t) = table.as_ref() {
                cell_text_fits(c.text, &t.name)?;
            }
            if closed {
                if let (Some(c), Some(rw), Some(t)) = (cell.take(), row.as_mut(), table.as_mut()) {
                    end_cell(c, rw, t, limits)?;
                }
            }
            continue;
        }
        match event {
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
                        const REPEATED: &str = "table:number-rows-repeated";
                        let asked = repeat(attr(&e, REPEATED).as_deref(), REPEATED, &t.name)?;
                        let repeats = asked.min(MAX_ROWS.saturating_sub(t.rows_total));
                        t.rows_total += repeats;
                        let first_row = t.rows_asked;
                        t.rows_asked = t.rows_asked.saturating_add(asked);
                        row = Some(RowScan {
                            repeats,
                            asked,
                            first_row,
                            ..RowScan::default()
                        });
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    if let (Some(_), Some(t)) = (row.as_ref(), table.as_ref()) {
                        let c = start_cell(&e, &t.name)?;
                        cell_text_fits(c.text, &t.name)?;
                        cell = Some(c);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
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
                        merges.entry(t.name).or_insert((t.merges, t.uncalculated));
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

fn damaged(damage: Damage) -> ScanError {
    ScanError::Reject(ReadError::Truncated(damage))
}

/// Refuses a cell whose text has grown past [`MAX_CELL_TEXT_BYTES`].
fn cell_text_fits(text: u64, table: &str) -> Result<(), ScanError> {
    if text > MAX_CELL_TEXT_BYTES {
        return Err(too_large(
            Budget::CellText(table.to_string()),
            text,
            MAX_CELL_TEXT_BYTES,
        )
        .into());
    }
    Ok(())
}

/// A row's or cell's repeat count (1 when absent) from its attribute `key`'s raw value.
/// Zero, which OpenDocument does not allow, is refused: calamine would drop the element,
/// and with a cell every cell after it would move one column to the left.
fn repeat(raw: Option<&str>, key: &str, table: &str) -> Result<u64, ScanError> {
    let Some(raw) = raw else {
        return Ok(1);
    };
    // A count calamine cannot parse fails its read; until then it is one element.
    match count(raw) {
        Some(0) => Err(damaged(Damage::OdsZeroRepeat {
            sheet: table.to_string(),
            key: key.to_string(),
            raw: raw.to_string(),
        })),
        Some(n) => Ok(n),
        None => Ok(1),
    }
}

/// Reads what calamine's `get_datatype` looks at: whether the cell has a value or a
/// formula, whether its content is read as its text or skipped, its repeats, its spans
/// and the text held in attributes. One pass over the attributes: cells are most of the
/// events of a sheet.
fn start_cell(e: &BytesStart<'_>, table: &str) -> Result<CellScan, ScanError> {
    const REPEATED: &str = "table:number-columns-repeated";
    // calamine's attribute loop: the first value attribute wins, and a value type after
    // it is not looked at. Of a repeated attribute, `attr` and calamine's `raw_attr`
    // take the first.
    let (mut is_string, mut is_error, mut value_set, mut empty_string_value) =
        (false, false, false, false);
    let mut formula = false;
    let mut formula_text = None;
    let mut text = 0u64;
    let mut repeated = None;
    let (mut rows_spanned, mut cols_spanned) = (None, None);
    for a in e.attributes().with_checks(false).flatten() {
        match a.key.as_ref() {
            "office:value" | "office:date-value" | "office:time-value" | "office:boolean-value"
                if !value_set =>
            {
                value_set = true;
            }
            "office:string-value" if !value_set => {
                value_set = true;
                empty_string_value = a.value.is_empty();
                text = text.saturating_add(a.value.len() as u64);
            }
            "office:value-type" if !value_set => is_string = a.value.as_ref() == "string",
            "calcext:value-type" => is_error = a.value.as_ref() == "error",
            "table:formula" => {
                formula = !a.value.is_empty();
                if formula_text.is_none() {
                    formula_text = Some(a.value.chars().take(FORMULA_SHOWN).collect::<String>());
                }
                text = text.saturating_add(a.value.len() as u64);
            }
            REPEATED if repeated.is_none() => repeated = Some(a.value),
            "table:number-rows-spanned" if rows_spanned.is_none() => {
                rows_spanned = Some(digits(a.value.as_bytes()))
            }
            "table:number-columns-spanned" if cols_spanned.is_none() => {
                cols_spanned = Some(digits(a.value.as_bytes()))
            }
            _ => {}
        }
    }
    let as_text = (!value_set && is_string) || (is_error && empty_string_value);
    let span = |n: Option<Option<u64>>| n.flatten().unwrap_or(1).max(1);
    // A string result may be empty; a number, date or truth value is always written.
    let uncalculated = (formula && !value_set && !is_string && !is_error)
        .then(|| formula_text.unwrap_or_default());
    Ok(CellScan {
        repeats: repeat(repeated.as_deref(), REPEATED, table)?,
        uncalculated,
        non_empty: as_text || value_set || formula,
        text,
        span: (span(rows_spanned), span(cols_spanned)),
        inside: if as_text {
            Inside::Text {
                in_annotation: false,
            }
        } else {
            Inside::Skipped {
                covered: e.name().as_ref() == "table:covered-table-cell",
                depth: 0,
            }
        },
    })
}

fn end_cell(
    c: CellScan,
    row: &mut RowScan,
    table: &mut TableScan,
    limits: &Limits,
) -> Result<(), ScanError> {
    // calamine stops every row at its last column and drops what lies beyond: a cell
    // with content out there (after a huge repeat in the middle of a row) would vanish,
    // and the columns before it look merely blank. Empty runs past the end are what
    // spreadsheet programs write to fill a row, and cost nothing.
    let reach = row.col.saturating_add(c.repeats);
    if c.non_empty && c.repeats > 0 && reach > MAX_COLUMNS {
        return Err(too_large(Budget::SheetColumns(table.name.clone()), reach, MAX_COLUMNS).into());
    }
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
    if let Some(formula) = c.uncalculated {
        let first_row = table.rows_total.saturating_sub(row.repeats);
        let at = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        // Where calamine puts the cell (as for merges above); a repeated one is marked at
        // each place, within the cell budget the scan already enforces.
        for r in 0..row.repeats.min(MAX_MARKED) {
            for k in 0..c.repeats.min(MAX_MARKED) {
                if (table.uncalculated.len() as u64) < MAX_MARKED {
                    let place = (at(first_row + r), at(row.col + k));
                    table.uncalculated.push((place.0, place.1, formula.clone()));
                }
            }
        }
    }
    row.col = reach;
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
    // The same for rows: content below the last row would be dropped.
    let reach = row.first_row.saturating_add(row.asked);
    if row.span.is_some() && reach > MAX_ROWS {
        return Err(too_large(Budget::SheetRows(table.name.clone()), reach, MAX_ROWS).into());
    }
    table.pushed = table.pushed.saturating_add(row.pushed);
    // The row's text is held once as pushed; then, for each repeat, once in the dense
    // block, once in the copy `worksheet_range` returns and once in our own cells.
    let copies = row.repeats.saturating_mul(3).saturating_add(1);
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
        other => ReadError::Truncated(Damage::OdsUnparsable {
            detail: other.to_string(),
        }),
    }
}

/// Reads the cells with calamine, once the pre-scan has passed.
fn load(bytes: &[u8], mut merges: Found) -> Result<RawWorkbook, ReadError> {
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
            let (merges, uncalculated) = merges.remove(&sheet.name).unwrap_or_default();
            if !uncalculated.is_empty() {
                let read: std::collections::HashSet<(u32, u32)> =
                    cells.iter().map(|c| (c.row, c.col)).collect();
                for (row, col, formula) in uncalculated {
                    if !read.contains(&(row, col)) {
                        cells.push(RawCell {
                            row,
                            col,
                            value: CellValue::Uncalculated(formula.into()),
                        });
                    }
                }
            }
            sort_cells(&mut cells);
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
        scan_all(xml).map(|found| found.into_iter().map(|(k, (m, _))| (k, m)).collect())
    }

    fn scan_all(xml: &str) -> Result<Found, ScanError> {
        scan_content(xml.as_bytes(), "content.xml", &Limits::default())
    }

    #[test]
    fn formulas_without_a_saved_result_are_found_where_calamine_puts_their_cells() {
        let found = scan_all(&content(concat!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell>"#,
            r#"<table:table-cell table:formula="of:=1+2"/></table:table-row>"#,
            r#"<table:table-row table:number-rows-repeated="2"><table:table-cell/>"#,
            r#"<table:table-cell table:formula="of:=[.A1]" office:value-type="float" office:value="3"/>"#,
            r#"<table:table-cell table:formula="of:=&quot;&quot;" office:value-type="string"/>"#,
            r#"<table:table-cell table:number-columns-repeated="2" table:formula="of:=[.B1]*2"/></table:table-row>"#,
        )))
        .expect("scan");
        let (_, uncalculated) = &found["T"];
        // B1; then D2:E3 (a repeated cell in a repeated row); not C2 (it has a value) nor
        // the string result (an empty string is a result).
        assert_eq!(
            uncalculated
                .iter()
                .map(|(r, c, f)| (*r, *c, f.as_str()))
                .collect::<Vec<_>>(),
            [
                (0, 1, "of:=1+2"),
                (1, 3, "of:=[.B1]*2"),
                (1, 4, "of:=[.B1]*2"),
                (2, 3, "of:=[.B1]*2"),
                (2, 4, "of:=[.B1]*2"),
            ]
        );
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

    /// The text one cell element counts, and how many of its events were read when it
    /// closed (the events after it are left).
    fn cell_text(xml: &str) -> (u64, usize) {
        // Inside a row and a table, as a cell always is: quick-xml refuses an end tag
        // with nothing open, whatever its name.
        let xml = format!("<table><row>{xml}</row></table>");
        let mut x = xml::reader(xml.as_bytes());
        let mut buf = Vec::new();
        for _ in 0..2 {
            x.read_event_into(&mut buf).expect("xml");
            buf.clear();
        }
        let Ok(Event::Start(e)) = x.read_event_into(&mut buf) else {
            panic!("a cell element first");
        };
        let mut c = start_cell(&e.into_owned(), "T").expect("cell");
        for n in 1.. {
            buf.clear();
            let event = x.read_event_into(&mut buf).expect("xml");
            assert!(event != Event::Eof, "the cell never closed");
            if c.take(&event) {
                return (c.text, n);
            }
        }
        unreachable!()
    }

    #[test]
    fn cell_content_is_counted_as_calamine_reads_it() {
        // A string cell: paragraphs, tabs and line breaks one character each, space runs
        // as their count; an annotation not at all.
        let text = r#"<table:table-cell office:value-type="string"><office:annotation><text:p>note</text:p></office:annotation><text:p>ab<text:tab/>c<text:line-break/>d<text:s text:c="+5"/></text:p><text:p/></table:table-cell>"#;
        assert_eq!(cell_text(text).0, 1 + 2 + 1 + 1 + 1 + 1 + 5 + 1);
        // It ends at the first end tag of either cell element.
        let text = r#"<table:table-cell office:value-type="string"><text:p>a</text:p></table:covered-table-cell><text:p>b</text:p></table:table-cell>"#;
        assert_eq!(cell_text(text), (2, 4));
        // A number cell's content is skipped to its own end tag, nested ones counted, a
        // row's end tag inside it notwithstanding.
        let number = r#"<table:table-cell office:value="1"><table:table-cell></table:table-cell></table:table-row><text:p>1</text:p></table:table-cell><x/>"#;
        assert_eq!(cell_text(number), (0, 7));
        let covered = r#"<table:covered-table-cell><table:table-cell></table:table-cell></table:covered-table-cell>"#;
        assert_eq!(cell_text(covered), (0, 3));
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
