//! 项目明细: one typed [`Project`] per ledger row, with the totals row kept apart.
//!
//! A row whose cells cannot be typed is reported cell by cell and left out of the
//! projects: a return with such a row is rejected, so nothing half-read is ever counted.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{Project, UsdWan, Wan};
use crate::parse::header::StatedUnit;
use crate::parse::header::{find_ledger_header, LedgerHeader};
use crate::parse::value::{
    as_text, display, is_blank, is_blank_marker, parse_amount, parse_date, text_of, Currency,
    MoneyUnit, NumberProblem,
};
use crate::parse::vocab::{
    funds_source_from_text, is_total_marker, kind_from_text, stage_from_text, unit_label,
    unit_statement, yes_no_from_text, Field,
};
use crate::read::{CellValue, RawCell, RawSheet};
use crate::text::Words;

/// The totals row (合计) of a ledger: its amounts by column, to check against the sums.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalRow {
    pub row: u32,
    /// Hundredths of the column's base unit, for the money columns that hold a number.
    pub amounts: BTreeMap<Field, i64>,
}

/// A ledger as read: where it is, its header, its projects and its totals row.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    pub sheet: String,
    pub header: LedgerHeader,
    pub projects: Vec<Project>,
    pub total: Option<TotalRow>,
    /// Zero-based last data row, for column ranges in messages.
    pub last_row: u32,
    /// Number of rows that could not be typed.
    pub rejected_rows: usize,
}

impl Ledger {
    /// The A1 range of a column's data cells, e.g. `项目明细!N5:N64`.
    pub fn column_range(&self, f: Field) -> Option<String> {
        let col = self.header.col(f)?;
        Some(format!(
            "{}!{}:{}",
            self.sheet,
            crate::model::a1(self.header.last_row + 1, col),
            crate::model::a1(self.last_row.max(self.header.last_row + 1), col)
        ))
    }
}

/// Reads the ledger of `sheet`, reporting what cannot be read into `diags`. `None` when
/// the sheet has no recognisable ledger header.
pub fn read_ledger(sheet: &RawSheet, cfg: &Config, diags: &mut Diagnostics) -> Option<Ledger> {
    let header = find_ledger_header(sheet)?;
    Some(read_ledger_under(sheet, header, cfg, diags))
}

/// Reads the ledger of `sheet` under a header already found there by
/// [`find_ledger_header`] (which is the costly part of choosing the ledger sheet).
pub fn read_ledger_under(
    sheet: &RawSheet,
    header: LedgerHeader,
    cfg: &Config,
    diags: &mut Diagnostics,
) -> Ledger {
    let mut header = header;
    let lines = unit_lines(sheet, &header);
    let is_line = |row: u32, col: u32| lines.iter().any(|l| l.row == row && l.col == col);
    for (row, col, text) in &header.unknown {
        // A unit line beside the header is not a column.
        if is_line(*row, *col) {
            continue;
        }
        diags
            .push(Diagnostic::at(Code::UnknownColumn, &sheet.name, *row, *col).value(text.clone()));
    }
    for u in &header.unmapped {
        diags.push(
            Diagnostic::at(Code::ColumnUnmapped, &sheet.name, u.row, u.col)
                .value(u.title.clone())
                .arg("figure", u.figure.name())
                .arg("expected", u.figure.expected())
                .arg("reason", &u.reason)
                .arg("reason_en", &u.reason_en),
        );
    }
    settle_units(sheet, &mut header, &lines, diags);
    for f in Field::REQUIRED {
        if !header.columns.contains_key(&f) {
            diags.push(
                Diagnostic::at_row(Code::ColumnMissing, &sheet.name, header.last_row)
                    .arg("column", f.title()),
            );
        }
    }
    let mut ledger = Ledger {
        sheet: sheet.name.clone(),
        header,
        projects: Vec::new(),
        total: None,
        last_row: 0,
        rejected_rows: 0,
    };
    let known_cols: Vec<u32> = ledger.header.columns.values().map(|c| c.col).collect();
    let first_data = ledger.header.last_row + 1;
    let last = sheet.last_row().unwrap_or(0);
    let mut row = first_data;
    // A column's repeated texts (industries, places) held once for the ledger's rows.
    let mut words = Words::default();
    while row <= last {
        let line = sheet.row(row);
        row += 1;
        let cells: Vec<&RawCell> = line.iter().filter(|c| !is_blank(&c.value)).collect();
        if cells.iter().all(|c| !known_cols.contains(&c.col)) {
            if let [only] = cells.as_slice() {
                if is_line(only.row, only.col) {
                    continue;
                }
                diags.push(
                    Diagnostic::at_row(Code::RowIgnored, &sheet.name, only.row)
                        .value(as_text(&only.value)),
                );
            }
            continue;
        }
        let r = row - 1;
        ledger.last_row = r;
        if is_total_row(&ledger.header, line) {
            ledger.total = Some(read_total(&ledger.header, line, r));
            continue;
        }
        let name_blank = ledger
            .header
            .col(Field::Name)
            .is_none_or(|c| in_line(line, c).is_none_or(is_blank));
        if name_blank && cells.len() == 1 {
            if is_line(r, cells[0].col) {
                continue;
            }
            diags.push(
                Diagnostic::at_row(Code::RowIgnored, &sheet.name, r)
                    .value(as_text(&cells[0].value)),
            );
            continue;
        }
        match read_project(&ledger.header, &sheet.name, line, r, cfg, &mut words, diags) {
            Some(p) => ledger.projects.push(p),
            None => ledger.rejected_rows += 1,
        }
    }
    ledger
}

/// A totals row says 合计 (or 总计, 小计) in its 序号, 项目编号 or 项目名称 cell, or in the
/// first cell of the row.
fn is_total_row(h: &LedgerHeader, line: &[RawCell]) -> bool {
    let first = line.first().map(|c| &c.value);
    [Field::Seq, Field::Id, Field::Name]
        .iter()
        .filter_map(|f| h.col(*f).and_then(|c| in_line(line, c)))
        .chain(first)
        .any(|v| matches!(v, CellValue::Text(t) if is_total_marker(t)))
}

fn read_total(h: &LedgerHeader, line: &[RawCell], row: u32) -> TotalRow {
    let mut amounts = BTreeMap::new();
    for (f, col) in &h.columns {
        let Some(cur) = f.currency() else { continue };
        if let Some(v) = in_line(line, col.col) {
            if let Ok(Some(x)) = parse_amount(v, col.unit, cur) {
                amounts.insert(*f, x);
            }
        }
    }
    TotalRow { row, amounts }
}

/// The value in column `col` of one row's cells (sorted by column), if not empty.
///
/// A ledger is read row by row: looking a cell up among its row's few cells, not among
/// the whole sheet's, was a twelfth of reading a return.
fn in_line(line: &[RawCell], col: u32) -> Option<&CellValue> {
    line.binary_search_by_key(&col, |c| c.col)
        .ok()
        .map(|i| &line[i].value)
}

/// Types one row (`line`, the cells of sheet `sheet_name`'s row `row`); every cell
/// problem is reported. `None` if any cell could not be typed.
fn read_project(
    h: &LedgerHeader,
    sheet_name: &str,
    line: &[RawCell],
    row: u32,
    cfg: &Config,
    words: &mut Words,
    diags: &mut Diagnostics,
) -> Option<Project> {
    let mut ok = true;
    let at = |code: Code, col: u32| Diagnostic::at(code, sheet_name, row, col);
    // A formula whose result the file does not hold is no figure and no text: refused
    // at its cell, whichever column it is in, and then read as neither blank nor
    // anything else (no second message: not "未填写", not "不是数字").
    let mut uncalculated: Vec<u32> = Vec::new();
    for (f, column) in &h.columns {
        if let Some(CellValue::Uncalculated(formula)) = in_line(line, column.col) {
            diags.push(
                at(Code::FormulaNoValue, column.col)
                    .arg("column", f.title())
                    .value(formula.to_string()),
            );
            uncalculated.push(column.col);
            ok = false;
        }
    }
    let cell = |f: Field| -> Option<(u32, &CellValue)> {
        let col = h.col(f)?;
        in_line(line, col)
            .filter(|v| !is_blank(v) && !matches!(v, CellValue::Uncalculated(_)))
            .map(|v| (col, v))
    };
    let said = |f: Field| h.col(f).is_some_and(|c| uncalculated.contains(&c));

    // Required text.
    let mut text = |f: Field, required: bool, ok: &mut bool| -> Option<String> {
        match cell(f) {
            Some((_, v)) => Some(as_text(v)),
            None => {
                if required && h.col(f).is_some() && !said(f) {
                    diags.push(
                        at(Code::Required, h.col(f).unwrap_or(0))
                            .arg("column", f.title())
                            .arg("condition", ""),
                    );
                    *ok = false;
                }
                None
            }
        }
    };
    let name = text(Field::Name, true, &mut ok);
    let investor = text(Field::Investor, true, &mut ok);
    let industry_text = text(Field::Industry, true, &mut ok);
    // `-`, `—`, `/`, `无` in 项目编号 say the project has no number: identity then falls
    // back to (项目名称, 投资方), as for a ledger without the column.
    let id = text(Field::Id, false, &mut ok).filter(|t| !is_blank_marker(t));
    let origin = text(Field::Origin, false, &mut ok);
    let note = text(Field::Note, false, &mut ok);

    let mut choice =
        |f: Field, allowed: &str, parse: &dyn Fn(&str) -> Option<()>, ok: &mut bool| {
            if let Some((col, v)) = cell(f) {
                let t = text_of(v);
                if !is_blank_marker(&t) && parse(&t).is_none() {
                    diags.push(
                        at(Code::Choice, col)
                            .arg("column", f.title())
                            .arg("allowed", allowed)
                            .value(t.into_owned()),
                    );
                    *ok = false;
                }
            }
        };
    choice(
        Field::Stage,
        "在谈、已签约、已开工、已投产",
        &|t| stage_from_text(t).map(|_| ()),
        &mut ok,
    );
    choice(
        Field::FundsSource,
        "市内、省内市外、省外境内、境外",
        &|t| funds_source_from_text(t).map(|_| ()),
        &mut ok,
    );
    choice(
        Field::Kind,
        "新建、增资扩产",
        &|t| kind_from_text(t).map(|_| ()),
        &mut ok,
    );
    choice(
        Field::Fortune500,
        "是、否",
        &|t| yes_no_from_text(t).map(|_| ()),
        &mut ok,
    );
    let stage_text = cell(Field::Stage).map(|(_, v)| text_of(v));
    let stage = stage_text.as_deref().and_then(stage_from_text);
    if stage_text.as_deref().is_none_or(is_blank_marker) && !said(Field::Stage) {
        if let Some(col) = h.col(Field::Stage) {
            diags.push(
                at(Code::Required, col)
                    .arg("column", Field::Stage.title())
                    .arg("condition", ""),
            );
        }
        ok = false;
    }
    let funds_source =
        cell(Field::FundsSource).and_then(|(_, v)| funds_source_from_text(&text_of(v)));
    let kind = cell(Field::Kind).and_then(|(_, v)| kind_from_text(&text_of(v)));
    let fortune500 = cell(Field::Fortune500).and_then(|(_, v)| yes_no_from_text(&text_of(v)));

    let mut date = |f: Field, ok: &mut bool| {
        let (col, v) = cell(f)?;
        match parse_date(v) {
            Ok(d) => d,
            Err(()) => {
                diags.push(
                    at(Code::Date, col)
                        .arg("column", f.title())
                        .value(display(v)),
                );
                *ok = false;
                None
            }
        }
    };
    let signed_on = date(Field::SignedOn, &mut ok);
    let started_on = date(Field::StartedOn, &mut ok);

    let mut amount = |f: Field, ok: &mut bool| -> Option<i64> {
        let (col, v) = cell(f)?;
        let column = &h.columns[&f];
        let currency = f.currency().unwrap_or(Currency::Rmb);
        match parse_amount(v, column.unit, currency) {
            Ok(x) => x,
            Err(problem) => {
                // The unit the column was read in, wherever the sheet states it.
                let unit = unit_label(column.unit, currency);
                let code = match problem {
                    NumberProblem::OutOfRange => Code::NumberRange,
                    _ => Code::Number,
                };
                diags.push(
                    at(code, col)
                        .arg("column", f.title())
                        .arg("unit", unit)
                        .value(display(v)),
                );
                *ok = false;
                None
            }
        }
    };
    let contract_amount = amount(Field::ContractAmount, &mut ok).map(Wan);
    let contract_fdi = UsdWan(amount(Field::ContractFdi, &mut ok).unwrap_or(0));
    let funds_month = Wan(amount(Field::FundsMonth, &mut ok).unwrap_or(0));
    let funds_ytd = Wan(amount(Field::FundsYtd, &mut ok).unwrap_or(0));
    let fdi_month = UsdWan(amount(Field::FdiMonth, &mut ok).unwrap_or(0));
    let fdi_ytd = UsdWan(amount(Field::FdiYtd, &mut ok).unwrap_or(0));

    if !ok {
        return None;
    }
    let industry_text = industry_text?;
    Some(Project {
        row,
        id,
        name: name?,
        investor: investor?,
        origin: origin.map(|o| words.get(&o)),
        funds_source,
        industry: words.get(cfg.find_industry(&industry_text).unwrap_or(&industry_text)),
        kind,
        stage: stage?,
        signed_on,
        contract_amount,
        contract_fdi,
        started_on,
        funds_month,
        funds_ytd,
        fdi_month,
        fdi_ytd,
        fortune500,
        note,
    })
}

/// A statement of the unit of amounts outside the column titles: a unit line in the title
/// area or beside the table (`单位：万元`, `金额单位：亿元`, `单位：万元、万美元`) or a note
/// row under it (`注：本表金额单位为亿元`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitLine {
    pub row: u32,
    pub col: u32,
    pub text: String,
    /// The units stated, by currency, in the order written.
    pub units: Vec<(Currency, MoneyUnit)>,
}

/// The unit lines of a ledger sheet: any cell above or in the header that is not part of
/// a recognised column's title, and below the header any cell outside the known columns
/// or alone in its row (a note). A cell in a project's row under a known column is data.
pub fn unit_lines(sheet: &RawSheet, header: &LedgerHeader) -> Vec<UnitLine> {
    let known: Vec<u32> = header.columns.values().map(|c| c.col).collect();
    let mut out = Vec::new();
    for cell in &sheet.cells {
        let CellValue::Text(text) = &cell.value else {
            continue;
        };
        // Every statement says 单位 (單位); nearly every cell does not, and is passed over
        // before anything is made of it (by a search for 位, which finds no cell of most
        // rows, rather than two searches for the words, each set up anew per cell).
        let says_unit = text
            .match_indices('位')
            .any(|(at, _)| text[..at].ends_with(['单', '單']));
        if !says_unit {
            continue;
        }
        let in_place = if cell.row <= header.last_row {
            !header.title_cells.contains(&(cell.row, cell.col))
        } else {
            !known.contains(&cell.col)
                || sheet
                    .row(cell.row)
                    .iter()
                    .filter(|c| !is_blank(&c.value))
                    .count()
                    == 1
        };
        if !in_place {
            continue;
        }
        let units = unit_statement(text);
        if !units.is_empty() {
            out.push(UnitLine {
                row: cell.row,
                col: cell.col,
                text: text.to_string(),
                units,
            });
        }
    }
    out
}

/// How a unit statement is quoted in an E-UNIT-CONFLICT message, in both languages.
fn quoted(sheet: &str, title: bool, text: &str, row: u32, col: u32) -> (String, String) {
    let at = format!("{sheet}!{}", crate::model::a1(row, col));
    if title {
        (
            format!("列名“{text}”（{at}）"),
            format!("the column title \"{text}\" ({at})"),
        )
    } else {
        (
            format!("单位说明“{text}”（{at}）"),
            format!("the unit statement \"{text}\" ({at})"),
        )
    }
}

fn conflict(
    sheet: &str,
    at: (u32, u32),
    column: &str,
    first: (String, String),
    second: (String, String),
) -> Diagnostic {
    Diagnostic::at(Code::UnitConflict, sheet, at.0, at.1)
        .arg("column", column)
        .arg("first", first.0)
        .arg("first_en", first.1)
        .arg("second", second.0)
        .arg("second_en", second.1)
}

/// Settles the unit of every money column from what the sheet states: the column's title
/// first, else the sheet's unit line for its currency, else 万元 / 万美元. Statements that
/// disagree for a column are E-UNIT-CONFLICT; the column keeps its title's unit (the
/// return is refused, so no figure is read in a unit the sheet contradicts).
fn settle_units(
    sheet: &RawSheet,
    header: &mut LedgerHeader,
    lines: &[UnitLine],
    diags: &mut Diagnostics,
) {
    let name = &sheet.name;
    let stated = |s: &StatedUnit| quoted(name, true, &s.text, s.row, s.col);
    for c in &header.conflicts {
        diags.push(conflict(
            name,
            (c.second.row, c.second.col),
            &c.title,
            stated(&c.first),
            stated(&c.second),
        ));
    }
    // The first line stating each currency's unit; a later one stating another unit for
    // it conflicts (for every column of that currency, said once).
    let mut by_currency: Vec<(Currency, MoneyUnit, &UnitLine)> = Vec::new();
    for line in lines {
        for (currency, unit) in &line.units {
            match by_currency.iter().find(|(c, _, _)| c == currency) {
                None => by_currency.push((*currency, *unit, line)),
                Some((_, first_unit, first)) if first_unit != unit => {
                    let titles: Vec<&str> = header
                        .columns
                        .iter()
                        .filter(|(f, _)| f.currency() == Some(*currency))
                        .map(|(_, c)| c.title.as_str())
                        .collect();
                    let column = if titles.is_empty() {
                        match currency {
                            Currency::Rmb => "人民币金额".to_string(),
                            Currency::Usd => "外资金额".to_string(),
                        }
                    } else {
                        titles.join("、")
                    };
                    diags.push(conflict(
                        name,
                        (line.row, line.col),
                        &column,
                        quoted(name, false, &first.text, first.row, first.col),
                        quoted(name, false, &line.text, line.row, line.col),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    for (field, column) in header.columns.iter_mut() {
        let Some(currency) = field.currency() else {
            continue;
        };
        let line = by_currency.iter().find(|(c, _, _)| *c == currency);
        column.unit = match (&column.stated, line) {
            (Some(s), Some((_, unit, line))) if s.unit != *unit => {
                diags.push(conflict(
                    name,
                    (s.row, s.col),
                    &column.title,
                    stated(s),
                    quoted(name, false, &line.text, line.row, line.col),
                ));
                s.unit
            }
            (Some(s), _) => s.unit,
            (None, Some((_, unit, _))) => *unit,
            (None, None) => MoneyUnit::Wan,
        };
    }
}
