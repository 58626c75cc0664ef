//! Finding a table's header: the row, or the two or three rows, whose cells are column
//! titles.
//!
//! Counties add title rows, merge cells, split a header over two rows (a merged measure
//! `到位资金（万元）` over `本月` and `本年累计`, or a merged period `本月` over the measures
//! `到位资金` and `实际使用外资`), put a group title (`资金到位情况`) over both, and rename or
//! reorder columns. The header is the reading of one to three rows among the first fifteen
//! whose cells name the most known columns. A title that names a figure of the format but
//! cannot be mapped to a field is kept apart ([`Unmapped`]): its figures would otherwise be
//! silently left out.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use crate::parse::value::{as_text, Currency, MoneyUnit, UnitWord};
use crate::parse::vocab::{split_header_unit, unit_label, written_span, Field, Figure};
use crate::read::{CellValue, RawSheet};
use crate::text::normalize_label;

/// How many rows from the top a header may start.
pub const HEADER_SEARCH_ROWS: u32 = 15;

/// How many rows a header may span: a group title over a measure over a period.
pub const HEADER_MAX_ROWS: u32 = 3;

/// A money unit stated in a header cell, with where, for conflict messages.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedUnit {
    pub currency: Currency,
    pub unit: MoneyUnit,
    /// Zero-based cell of the statement.
    pub row: u32,
    pub col: u32,
    /// The cell's text as written.
    pub text: String,
}

/// A recognised column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub col: u32,
    /// The unit a money column's figures are in (万 when nothing says otherwise). The header
    /// sets it from the title; the ledger reader settles it against the sheet's unit lines.
    pub unit: MoneyUnit,
    /// The header text as written (every header row's text over the column, joined).
    pub title: String,
    /// The unit the column's title, or a title over it, states: it wins over a unit line
    /// for this column, and disagreeing with one is an error.
    pub stated: Option<StatedUnit>,
    /// A `1-N月` span the title states (`1-5月累计到位资金`): N, and the zero-based cell it
    /// is written in. It must be the report month (E-COLUMN-SPAN).
    pub span: Option<(u32, (u32, u32))>,
}

/// A header title that names a figure of the format (到位资金, 合同投资额…) but cannot be
/// mapped to a field: E-COLUMN-UNMAPPED.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    pub row: u32,
    pub col: u32,
    pub title: String,
    pub figure: Figure,
    /// Why, when more can be said than "no such column" (may be empty).
    pub reason: String,
    pub reason_en: String,
}

/// Two header cells over one column that state different units: E-UNIT-CONFLICT.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleConflict {
    pub title: String,
    pub first: StatedUnit,
    pub second: StatedUnit,
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
    pub unmapped: Vec<Unmapped>,
    pub conflicts: Vec<TitleConflict>,
    /// The cells whose text makes the recognised columns' titles, so that the search for
    /// unit lines passes them over.
    pub title_cells: Vec<(u32, u32)>,
}

impl LedgerHeader {
    pub fn col(&self, f: Field) -> Option<u32> {
        self.columns.get(&f).map(|c| c.col)
    }

    /// How many columns state their unit in the header: a row above the measures (a group
    /// title such as `资金到位情况（万元）`) belongs to the header when it states more.
    fn stated_units(&self) -> usize {
        self.columns.values().filter(|c| c.stated.is_some()).count()
    }

    /// Whether this reading beats `other`: it names more columns; or, ending on the same
    /// row, it states more units; or, equal in both, it starts lower (a title row above a
    /// header adds nothing to it).
    fn beats(&self, other: &LedgerHeader) -> bool {
        let (n, m) = (self.columns.len(), other.columns.len());
        n > m
            || (n == m
                && self.last_row == other.last_row
                && (self.stated_units(), self.first_row) > (other.stated_units(), other.first_row))
    }
}

/// The text of the header cell at (row, col) and the cell it is written in, looking
/// through merged regions to their anchor so that a merged parent title covers every
/// column under it.
fn header_text(sheet: &RawSheet, row: u32, col: u32) -> Option<(String, (u32, u32))> {
    if let Some(v) = sheet.get(row, col) {
        let t = as_text(v);
        return (!t.is_empty()).then_some((t, (row, col)));
    }
    let m = sheet.merge_containing(row, col)?;
    let t = as_text(sheet.get(m.first_row, m.first_col)?);
    (!t.is_empty()).then_some((t, (m.first_row, m.first_col)))
}

/// The columns a reading of `rows` rows as a header looks at: each names one field at
/// most, so their number bounds how many fields the reading can name.
fn header_columns(sheet: &RawSheet, row: u32, rows: u32) -> Vec<u32> {
    let mut cols: Vec<u32> = Vec::new();
    for r in row..row + rows {
        cols.extend(sheet.row(r).iter().map(|c| c.col));
    }
    for m in &sheet.merges {
        if m.first_row < row + rows && m.last_row >= row && m.last_col - m.first_col < 64 {
            cols.extend(m.first_col..=m.last_col);
        }
    }
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// At most how many fields a reading of `rows` rows from `row` can name. A number, a
/// date or a logical value names no field, so a column counts when one of its cells in
/// those rows holds anything else, when it has a blank among figures (a blank continues
/// the title to its left, [`interpret`]'s carried parent), or lies under a merged title.
/// A row of figures — most rows searched are the ledger's own — bounds few columns and
/// is passed over unread.
fn naming_bound(sheet: &RawSheet, row: u32, rows: u32) -> usize {
    // (column, names a field by itself, cells in the reading)
    let mut seen: BTreeMap<u32, (bool, u32)> = BTreeMap::new();
    for r in row..row + rows {
        for c in sheet.row(r) {
            let text = !matches!(
                c.value,
                CellValue::Number(_) | CellValue::DateTime(_) | CellValue::Bool(_)
            );
            let e = seen.entry(c.col).or_insert((false, 0));
            e.0 |= text;
            e.1 += 1;
        }
    }
    let mut cols: Vec<u32> = seen
        .into_iter()
        .filter(|(_, (text, cells))| *text || *cells < rows)
        .map(|(col, _)| col)
        .collect();
    for m in &sheet.merges {
        if m.first_row < row + rows && m.last_row >= row && m.last_col - m.first_col < 64 {
            cols.extend(m.first_col..=m.last_col);
        }
    }
    cols.sort_unstable();
    cols.dedup();
    cols.len()
}

/// One header row's text over a column.
struct Part {
    row: u32,
    anchor: (u32, u32),
    text: String,
    /// Continued from the nearest parent to the left, for a sheet without merge records
    /// (or Excel's centre-across-selection): as a group title its unit is taken for the
    /// column only where [`group_covers`] says the column is in its group.
    carried: bool,
}

/// What one search works out about a title once, however many readings take it in: the
/// readings of a sheet overlap (a row is read alone, as the top of two rows and as the
/// middle of three), and normalising a title (traditional characters, full-width forms)
/// and matching it against the fields' aliases was most of a reading's cost.
#[derive(Default)]
struct Seen {
    /// Each title cell's text (by its anchor), normalised and split from the unit it
    /// states.
    split: HashMap<(u32, u32), (String, Option<UnitWord>)>,
    /// The field a core (the cores of a column's title parts, joined) names.
    fields: HashMap<String, Option<Field>>,
}

impl Seen {
    fn new() -> Seen {
        Seen {
            split: HashMap::with_capacity(64),
            fields: HashMap::with_capacity(64),
        }
    }

    /// Normalises and splits the text of every part not seen before.
    fn split_parts(&mut self, parts: &[Part]) {
        for p in parts {
            self.split
                .entry(p.anchor)
                .or_insert_with(|| split_header_unit(&normalize_label(&p.text)));
        }
    }

    /// The normalised core and stated unit of a part's text ([`Seen::split_parts`] first).
    fn split_of(&self, part: &Part) -> (&str, Option<UnitWord>) {
        match self.split.get(&part.anchor) {
            Some((core, unit)) => (core, *unit),
            None => ("", None),
        }
    }

    /// [`Field::from_core`] of `core`, worked out once per search.
    fn field(&mut self, core: &str) -> Option<Field> {
        if let Some(f) = self.fields.get(core) {
            return *f;
        }
        let f = Field::from_core(core);
        self.fields.insert(core.to_string(), f);
        f
    }
}

/// Reads `rows` rows from `row` as a header, looking at `cols` (see [`header_columns`]).
fn interpret(
    sheet: &RawSheet,
    row: u32,
    rows: u32,
    cols: Vec<u32>,
    seen: &mut Seen,
) -> LedgerHeader {
    let mut header = LedgerHeader {
        first_row: row,
        last_row: row + rows - 1,
        columns: BTreeMap::new(),
        unknown: Vec::new(),
        unmapped: Vec::new(),
        conflicts: Vec::new(),
        title_cells: Vec::new(),
    };
    // Per header row but the last, the parent title a blank cell continues: without merge
    // records (some .xls writers), a blank parent above a child continues the parent to
    // its left.
    let mut carried: Vec<Option<(String, (u32, u32))>> = vec![None; rows as usize];
    for col in cols {
        let cells: Vec<Option<(String, (u32, u32))>> = (row..row + rows)
            .map(|r| header_text(sheet, r, col))
            .collect();
        // Whether a cell below row i holds another title than row i's: row i is a parent.
        let has_child = |i: usize| {
            let anchor = cells[i].as_ref().map(|c| c.1);
            cells[i + 1..].iter().flatten().any(|c| Some(c.1) != anchor)
        };
        let mut parts: Vec<Part> = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            let r = row + i as u32;
            match cell {
                Some((text, anchor)) => {
                    carried[i] = has_child(i).then(|| (text.clone(), *anchor));
                    if parts.last().is_none_or(|p| p.anchor != *anchor) {
                        parts.push(Part {
                            row: r,
                            anchor: *anchor,
                            text: text.clone(),
                            carried: false,
                        });
                    }
                }
                None if has_child(i) => {
                    if let Some((text, anchor)) = &carried[i] {
                        parts.push(Part {
                            row: r,
                            anchor: *anchor,
                            text: text.clone(),
                            carried: true,
                        });
                    }
                }
                None => {}
            }
        }
        let Some(bottom) = parts.last() else { continue };
        let at_row = bottom.row;
        let title: String = parts.iter().map(|p| p.text.as_str()).collect();
        // A continued parent whose group this column is not in ends there: the run of
        // blank cells a centred-across title leaves covers its group's columns only.
        for stop in read_title(&mut header, &parts, at_row, col, title, seen) {
            carried[(stop - row) as usize] = None;
        }
    }
    header
}

/// Whether a group title continued over a column without merge records (`part`, carried)
/// covers the column's `field`, whose own title parts state `own` units: the unit it
/// states applies to the column. `None` when the column is not under it at all, and the
/// run of blank cells continuing it ends (see [`interpret`]).
///
/// A group title (it names no column itself) covers the money columns of its currency
/// that are measures of the figure it names (`资金到位情况（亿元）` over 本月到位资金 and
/// 本年累计到位资金, not 合同投资额), unless the column's own title names another unit.
/// A column of the other currency lies under it without taking its unit.
fn group_covers(part: &Part, field: Field, own: &[UnitWord], seen: &mut Seen) -> Option<bool> {
    let (core, unit) = seen.split_of(part);
    let core = core.to_string();
    let currency = field.currency()?;
    if seen.field(&core).is_some() {
        return None;
    }
    let Some((Some(c), unit)) = unit else {
        // No money unit to carry: the parent only names the group.
        return Some(false);
    };
    if c != currency {
        return Some(false);
    }
    let measure_of = match field {
        Field::FundsMonth | Field::FundsYtd => Some(Figure::FundsInPlace),
        Field::FdiMonth | Field::FdiYtd => Some(Figure::Fdi),
        Field::ContractFdi => Some(Figure::ContractFdi),
        Field::ContractAmount => Some(Figure::ContractAmount),
        _ => None,
    };
    if let Some(figure) = Figure::named_in(&core) {
        if Some(figure) != measure_of {
            return None;
        }
    }
    if own
        .iter()
        .any(|(oc, ou)| *oc == Some(currency) && *ou != unit)
    {
        return None;
    }
    Some(true)
}

/// Maps one column's title parts (top to bottom) to a field, or records why not. Returns
/// the rows of continued group titles (see [`group_covers`]) the column is not under.
fn read_title(
    header: &mut LedgerHeader,
    parts: &[Part],
    at_row: u32,
    col: u32,
    title: String,
    seen: &mut Seen,
) -> Vec<u32> {
    // Every alias holds a Chinese character and normalising keeps ASCII text ASCII, so
    // ASCII text (numbers, dates, codes in the rows under a header) names no column. The
    // header search asks about many cells a return Vec::new(); this spares most of them.
    if parts.iter().all(|p| p.text.is_ascii()) {
        header.unknown.push((at_row, col, title));
        return Vec::new();
    }
    seen.split_parts(parts);
    let split: Vec<(String, Option<UnitWord>)> = parts
        .iter()
        .map(|p| {
            let (core, unit) = seen.split_of(p);
            (core.strip_prefix("其中:").unwrap_or(core).to_string(), unit)
        })
        .collect();
    let joined =
        |from: usize| -> String { split[from..].iter().map(|(c, _)| c.as_str()).collect() };
    // The longest run of bottom parts that names a field: the parts above it are group
    // titles (`资金到位情况`) or a title row the reading took in.
    let found = (0..parts.len()).find_map(|from| seen.field(&joined(from)).map(|f| (f, from)));
    let Some((field, from)) = found else {
        match Figure::named_in(&joined(0)) {
            Some(figure) => {
                let periodless = matches!(figure, Figure::FundsInPlace | Figure::Fdi);
                let (reason, reason_en) = if periodless {
                    (
                        "（没有写明是“本月”还是“本年累计”）".to_string(),
                        " (it does not say whether it is 本月 or 本年累计)".to_string(),
                    )
                } else {
                    (String::new(), String::new())
                };
                header.unmapped.push(Unmapped {
                    row: at_row,
                    col,
                    title,
                    figure,
                    reason,
                    reason_en,
                });
            }
            None => header.unknown.push((at_row, col, title)),
        }
        return Vec::new();
    };
    let figure = Figure::named_in(&joined(from));
    if let Some(taken) = header.columns.get(&field) {
        match figure {
            Some(figure) => header.unmapped.push(Unmapped {
                row: at_row,
                col,
                reason: format!(
                    "（“{}”已由第 {} 列“{}”读取）",
                    field.title(),
                    crate::model::column_letters(taken.col),
                    taken.title
                ),
                reason_en: format!(
                    " (\"{}\" is already read from column {}, \"{}\")",
                    field.title(),
                    crate::model::column_letters(taken.col),
                    taken.title
                ),
                title,
                figure,
            }),
            None => header.unknown.push((at_row, col, title)),
        }
        return Vec::new();
    }
    let mut stated: Vec<StatedUnit> = Vec::new();
    let mut stops: Vec<u32> = Vec::new();
    let own_units: Vec<UnitWord> = split[from..].iter().filter_map(|(_, u)| *u).collect();
    if let Some(currency) = field.currency() {
        for (i, (part, (_, unit))) in parts.iter().zip(&split).enumerate() {
            let own = i >= from;
            // A group title's unit covers the columns under it, in its own currency only
            // (like a unit line). One continued over blank cells without merge records
            // (Excel's centre-across-selection) covers the measures of its group that
            // do not name another unit, and its run ends at a column outside the group.
            if !own && part.carried {
                match group_covers(part, field, &own_units, seen) {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        stops.push(part.row);
                        continue;
                    }
                }
            }
            let Some((Some(c), unit)) = unit else {
                continue;
            };
            if !own && *c != currency {
                continue;
            }
            if *c != currency {
                let (want, want_en) = match currency {
                    Currency::Rmb => ("人民币", "a yuan"),
                    Currency::Usd => ("美元", "a dollar"),
                };
                let written = unit_label(*unit, *c);
                header.unmapped.push(Unmapped {
                    row: at_row,
                    col,
                    title,
                    figure: figure.unwrap_or(Figure::ContractAmount),
                    reason: format!("（单位“{written}”不是{want}单位）"),
                    reason_en: format!(" (its unit {written} is not {want_en} unit)"),
                });
                return Vec::new();
            }
            stated.push(StatedUnit {
                currency,
                unit: *unit,
                row: part.anchor.0,
                col: part.anchor.1,
                text: part.text.clone(),
            });
        }
    }
    // The unit nearest the figures states it; one over it that says otherwise conflicts.
    let unit = stated.last().cloned();
    if let (Some(first), Some(second)) = (stated.first(), &unit) {
        if first.unit != second.unit {
            header.conflicts.push(TitleConflict {
                title: title.clone(),
                first: first.clone(),
                second: second.clone(),
            });
        }
    }
    header
        .title_cells
        .extend(parts[from..].iter().map(|p| p.anchor));
    header.columns.insert(
        field,
        Column {
            col,
            unit: unit.as_ref().map_or(MoneyUnit::Wan, |u| u.unit),
            span: parts
                .iter()
                .find_map(|p| written_span(&p.text).map(|(_, n)| (n, p.anchor))),
            title,
            stated: unit,
        },
    );
    stops
}

/// Finds the ledger header: the best of every one- to three-row reading of the first
/// [`HEADER_SEARCH_ROWS`] rows that names 项目名称 and at least two other columns (see
/// [`LedgerHeader::beats`]).
pub fn find_ledger_header(sheet: &RawSheet) -> Option<LedgerHeader> {
    let first = sheet.cells.first()?.row;
    let mut best: Option<LedgerHeader> = None;
    let mut seen = Seen::new();
    for row in first..first.saturating_add(HEADER_SEARCH_ROWS) {
        if sheet.row(row).is_empty() {
            continue;
        }
        for rows in 1..=HEADER_MAX_ROWS {
            // A reading that cannot beat the best so far is not made: the rows under a
            // header (the bulk of the rows searched) are passed over unread. It can only
            // tie on the number of columns when it ends on the best one's last row.
            let bound = naming_bound(sheet, row, rows);
            let can_win = match &best {
                None => bound > 2,
                Some(b) => {
                    bound > b.columns.len()
                        || (bound == b.columns.len() && row + rows - 1 == b.last_row)
                }
            };
            if !can_win {
                continue;
            }
            let h = interpret(
                sheet,
                row,
                rows,
                header_columns(sheet, row, rows),
                &mut seen,
            );
            if !h.columns.contains_key(&Field::Name) || h.columns.len() < 3 {
                continue;
            }
            if best.as_ref().is_none_or(|b| h.beats(b)) {
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

    /// Every one- to three-row reading made, as the search is defined without passing over
    /// readings that cannot win.
    fn find_ledger_header_exhaustively(sheet: &RawSheet) -> Option<LedgerHeader> {
        let first = sheet.cells.first()?.row;
        let mut best: Option<LedgerHeader> = None;
        for row in first..first.saturating_add(HEADER_SEARCH_ROWS) {
            for rows in 1..=HEADER_MAX_ROWS {
                let cols = header_columns(sheet, row, rows);
                let h = interpret(sheet, row, rows, cols, &mut Seen::new());
                if !h.columns.contains_key(&Field::Name) || h.columns.len() < 3 {
                    continue;
                }
                if best.as_ref().is_none_or(|b| h.beats(b)) {
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
            "layouts",
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
