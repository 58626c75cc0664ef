//! 主要指标: the summary indicators a county reports, kept to compare with the ledger
//! and, for the two that the ledger cannot give, to report.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{CellRef, Measure, ReportedIndicator};
use crate::parse::header::HEADER_SEARCH_ROWS;
use crate::parse::value::{
    as_text, display, parse_amount, parse_count, Currency, MoneyUnit, NumberProblem,
};
use crate::parse::vocab::{
    canonical_span_words, indicator_from_name, split_header_unit, written_span,
};
use crate::read::{CellValue, RawSheet};
use crate::text::normalize_label;

/// Columns of the summary table.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct SummaryColumns {
    name: u32,
    month: Option<u32>,
    ytd: Option<u32>,
    last_year: Option<u32>,
    unit: Option<u32>,
}

fn find_columns(sheet: &RawSheet) -> Option<(u32, SummaryColumns)> {
    let first = sheet.cells.first()?.row;
    for row in first..first.saturating_add(HEADER_SEARCH_ROWS) {
        let mut cols = SummaryColumns::default();
        let mut name = None;
        for c in sheet.row(row) {
            let (core, _) = split_header_unit(&normalize_label(&as_text(&c.value)));
            match canonical_span_words(&core).as_str() {
                "指标" | "指标名称" | "项目" => name = name.or(Some(c.col)),
                "本月" | "本月数" => cols.month = cols.month.or(Some(c.col)),
                "本年累计" | "累计" | "本年累计数" => {
                    cols.ytd = cols.ytd.or(Some(c.col))
                }
                "上年同期累计" | "上年同期" | "去年同期" | "上年同期数" => {
                    cols.last_year = cols.last_year.or(Some(c.col))
                }
                "单位" | "计量单位" => cols.unit = cols.unit.or(Some(c.col)),
                _ => {}
            }
        }
        if let Some(n) = name {
            if cols.month.is_some() || cols.ytd.is_some() {
                cols.name = n;
                return Some((row, cols));
            }
        }
    }
    None
}

/// Whether a sheet holds a summary table.
pub fn is_summary_sheet(sheet: &RawSheet) -> bool {
    find_columns(sheet).is_some()
}

/// Reads the indicators of a summary sheet; unreadable values are reported.
pub fn read_summary(
    sheet: &RawSheet,
    period: Option<crate::model::Period>,
    diags: &mut Diagnostics,
) -> Option<Vec<ReportedIndicator>> {
    let (header_row, cols) = find_columns(sheet)?;
    // `1-5月累计` in a June return: last month's column title, perhaps last month's figures.
    if let (Some(col), Some(period)) = (cols.ytd, period) {
        if let Some(title) = sheet.get(header_row, col).map(as_text) {
            if let Some((_, n)) = written_span(&title) {
                if n != period.month {
                    diags.push(crate::parse::span_finding(
                        &sheet.name,
                        (header_row, col),
                        &title,
                        n,
                        period,
                    ));
                }
            }
        }
    }
    let mut out: Vec<ReportedIndicator> = Vec::new();
    let last = sheet.last_row().unwrap_or(header_row);
    for row in header_row + 1..=last {
        let Some(name) = sheet.get(row, cols.name) else {
            continue;
        };
        let Some((indicator, name_unit)) = indicator_from_name(&as_text(name)) else {
            continue;
        };
        if out.iter().any(|r| r.indicator == indicator) {
            continue;
        }
        let unit = name_unit.or_else(|| {
            cols.unit
                .and_then(|c| sheet.get(row, c))
                .and_then(|v| crate::parse::value::unit_word(&as_text(v)))
        });
        let mut read = |col: Option<u32>| -> Option<(i64, CellRef)> {
            let col = col?;
            let v = sheet.get(row, col)?;
            // A formula whose result the file does not hold is not reported: nothing is
            // compared with it and nothing counted from it, and nothing is said. The
            // template's own summary formulas are such cells once a county fills the
            // form with a script (openpyxl keeps formulas, not their results), and the
            // ledger they sum is what is read; a formula in the ledger is refused there.
            if matches!(v, CellValue::Uncalculated(_)) {
                return None;
            }
            let place = CellRef {
                sheet: sheet.name.clone(),
                row,
                col,
            };
            let parsed = match indicator.measure() {
                Measure::Count => parse_count(v),
                Measure::Rmb | Measure::Usd => {
                    let cur = if indicator.measure() == Measure::Usd {
                        Currency::Usd
                    } else {
                        Currency::Rmb
                    };
                    let u = match unit {
                        Some((Some(c), u)) if c == cur => u,
                        _ => MoneyUnit::Wan,
                    };
                    parse_amount(v, u, cur)
                }
            };
            match parsed {
                Ok(x) => x.map(|x| (x, place)),
                Err(problem) => {
                    let code = match problem {
                        NumberProblem::OutOfRange => Code::NumberRange,
                        _ => Code::Number,
                    };
                    diags.push(
                        Diagnostic::at(code, &sheet.name, row, col)
                            .arg("column", indicator.label())
                            .arg("unit", indicator.unit_label())
                            .value(display(v)),
                    );
                    None
                }
            }
        };
        let month = read(cols.month);
        let ytd = read(cols.ytd);
        let last_year = read(cols.last_year);
        out.push(ReportedIndicator {
            indicator,
            month: month.as_ref().map(|m| m.0),
            ytd: ytd.as_ref().map(|m| m.0),
            last_year_ytd: last_year.map(|m| m.0),
            month_cell: month.map(|m| m.1),
            ytd_cell: ytd.map(|m| m.1),
        });
    }
    Some(out)
}
