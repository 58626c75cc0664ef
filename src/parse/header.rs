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

/// Reads one or two rows as a header; returns it with the number of fields it names.
fn interpret(sheet: &RawSheet, row: u32, two_rows: bool) -> LedgerHeader {
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
            let h = interpret(sheet, row, two_rows);
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
