//! Finding a table's header: the row (or pair of rows) whose cells are column titles.
//!
//! Counties add title rows, merge cells, split a header over two rows (a merged parent
//! `到位资金` over `本月` and `本年累计`) and rename or reorder columns. The header is the
//! row among the first fifteen whose cells name the most known columns.

use std::collections::BTreeMap;

use crate::parse::value::{as_text, MoneyUnit};
use crate::parse::vocab::Field;
use crate::read::RawSheet;

/// How many rows from the top a header may start.
pub const HEADER_SEARCH_ROWS: u32 = 15;

/// A recognised column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub col: u32,
    /// The unit the header declares for a money column (万 when none).
    pub unit: MoneyUnit,
    /// The header text as written (both rows joined for a two-row header).
    pub title: String,
}

/// The header of 项目明细.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerHeader {
    /// Zero-based first and last header rows (equal for a one-row header).
    pub first_row: u32,
    pub last_row: u32,
    pub columns: BTreeMap<Field, Column>,
    /// Header cells that name no known column: (row, col, text).
    pub unknown: Vec<(u32, u32, String)>,
}

impl LedgerHeader {
    pub fn col(&self, f: Field) -> Option<u32> {
        self.columns.get(&f).map(|c| c.col)
    }
}

/// The text of the header cell at (row, col), looking through merged regions to their
/// anchor so that a merged parent title covers every column under it.
fn header_text(sheet: &RawSheet, row: u32, col: u32) -> Option<String> {
    if let Some(v) = sheet.get(row, col) {
        let t = as_text(v);
        return (!t.is_empty()).then_some(t);
    }
    let m = sheet.merge_containing(row, col)?;
    let t = as_text(sheet.get(m.first_row, m.first_col)?);
    (!t.is_empty()).then_some(t)
}

/// The columns a reading of one or two rows as a header looks at: each names one field at
/// most, so their number bounds how many fields the reading can name.
fn header_columns(sheet: &RawSheet, row: u32, two_rows: bool) -> Vec<u32> {
    let mut cols: Vec<u32> = sheet.row(row).iter().map(|c| c.col).collect();
    if two_rows {
        cols.extend(sheet.row(row + 1).iter().map(|c| c.col));
    }
    for m in &sheet.merges {
        if (m.first_row..=m.last_row).contains(&row) && m.last_col - m.first_col < 64 {
            cols.extend(m.first_col..=m.last_col);
        }
    }
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// Reads one or two rows as a header, looking at `cols` (see [`header_columns`]).
fn interpret(sheet: &RawSheet, row: u32, two_rows: bool, cols: Vec<u32>) -> LedgerHeader {
    let mut header = LedgerHeader {
        first_row: row,
        last_row: if two_rows { row + 1 } else { row },
        columns: BTreeMap::new(),
        unknown: Vec::new(),
    };
    let mut carried_parent: Option<String> = None;
    for col in cols {
        let parent = header_text(sheet, row, col);
        let (title, at_row) = if two_rows {
            // A child cell directly under a merged parent; without merge records (some .xls
            // writers), a blank parent above a child continues the parent to its left.
            let child = sheet
                .get(row + 1, col)
                .map(as_text)
                .filter(|t| !t.is_empty());
            let parent_in_vertical_merge = sheet
                .merge_containing(row, col)
                .is_some_and(|m| m.last_row > row);
            let parent = match (&parent, &child) {
                (Some(p), _) => {
                    carried_parent = Some(p.clone());
                    Some(p.clone())
                }
                (None, Some(_)) => carried_parent.clone(),
                (None, None) => None,
            };
            match (parent, child) {
                (Some(p), Some(c)) if !parent_in_vertical_merge => (format!("{p}{c}"), row + 1),
                (Some(p), _) => (p, row),
                (None, Some(c)) => (c, row + 1),
                (None, None) => continue,
            }
        } else {
            match parent {
                Some(p) => (p, row),
                None => continue,
            }
        };
        match Field::from_header(&title) {
            Some((field, unit)) if !header.columns.contains_key(&field) => {
                header.columns.insert(field, Column { col, unit, title });
            }
            _ => header.unknown.push((at_row, col, title)),
        }
    }
    header
}

/// Finds the ledger header: the best of every one- and two-row reading of the first
/// [`HEADER_SEARCH_ROWS`] rows that names 项目名称 and at least two other columns.
pub fn find_ledger_header(sheet: &RawSheet) -> Option<LedgerHeader> {
    let first = sheet.cells.first()?.row;
    let mut best: Option<LedgerHeader> = None;
    for row in first..first.saturating_add(HEADER_SEARCH_ROWS) {
        if sheet.row(row).is_empty() {
            continue;
        }
        for two_rows in [false, true] {
            // A reading that cannot name more fields than the best so far is not made: the
            // rows under a header (the bulk of the rows searched) are passed over unread.
            let cols = header_columns(sheet, row, two_rows);
            let to_beat = best.as_ref().map_or(2, |b| b.columns.len());
            if cols.len() <= to_beat {
                continue;
            }
            let h = interpret(sheet, row, two_rows, cols);
            if !h.columns.contains_key(&Field::Name) || h.columns.len() < 3 {
                continue;
            }
            let better = match &best {
                None => true,
                Some(b) => h.columns.len() > b.columns.len(),
            };
            if better {
                best = Some(h);
            }
        }
    }
    best
}

/// Scores a sheet as a ledger: how many known columns its best header names.
pub fn ledger_score(sheet: &RawSheet) -> usize {
    find_ledger_header(sheet).map_or(0, |h| h.columns.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;
    use crate::read::{load, read_bytes};

    /// Every one- and two-row reading made, as the search was defined before readings that
    /// cannot win were passed over.
    fn find_ledger_header_exhaustively(sheet: &RawSheet) -> Option<LedgerHeader> {
        let first = sheet.cells.first()?.row;
        let mut best: Option<LedgerHeader> = None;
        for row in first..first.saturating_add(HEADER_SEARCH_ROWS) {
            for two_rows in [false, true] {
                let h = interpret(sheet, row, two_rows, header_columns(sheet, row, two_rows));
                if !h.columns.contains_key(&Field::Name) || h.columns.len() < 3 {
                    continue;
                }
                if best
                    .as_ref()
                    .is_none_or(|b| h.columns.len() > b.columns.len())
                {
                    best = Some(h);
                }
            }
        }
        best
    }

    #[test]
    fn passing_over_readings_that_cannot_win_finds_the_same_header() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut files = Vec::new();
        for dir in [
            "returns/2025-06",
            "returns/2025-05",
            "returns/2024-06",
            "flawed",
            ".",
        ] {
            for e in std::fs::read_dir(root.join(dir))
                .expect("samples")
                .flatten()
            {
                files.push(e.path());
            }
        }
        let limits = Limits::default();
        let mut sheets = 0;
        for path in files.iter().filter(|p| p.is_file()) {
            let Ok(wb) = load(path, &limits).and_then(|b| read_bytes(&b, &limits)) else {
                continue;
            };
            for sheet in &wb.sheets {
                sheets += 1;
                assert_eq!(
                    find_ledger_header(sheet),
                    find_ledger_header_exhaustively(sheet),
                    "{} › {}",
                    path.display(),
                    sheet.name
                );
            }
        }
        assert!(sheets > 150, "{sheets} sheets");
    }
}
