//! The parse stage: raw sheets in, a typed return out, with a diagnostic for everything
//! that could not be read. Sheets are found by their content, so renamed, reordered and
//! hidden sheets are all read; an instructions sheet (填报说明) is passed over.

pub mod header;
pub mod info;
pub mod ledger;
pub mod summary;
pub mod value;
pub mod vocab;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{CellRef, Period, ReportedIndicator, ReturnHeader};
use crate::read::{CellValue, RawSheet, RawWorkbook};
use crate::text::normalize_label;

pub use ledger::{Ledger, TotalRow};
use value::{as_text, display, parse_period, PeriodProblem};
use vocab::Label;

/// A roster unit, as matched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

/// Everything read from one workbook.
#[derive(Debug, Clone)]
pub struct ParsedReturn {
    pub header: ReturnHeader,
    pub unit: Option<UnitRef>,
    pub period: Option<Period>,
    /// Where the period was read, for the period-mismatch diagnostic.
    pub period_cell: Option<CellRef>,
    pub ledger: Option<Ledger>,
    pub summary: Option<Vec<ReportedIndicator>>,
    pub diagnostics: Diagnostics,
}

/// Reads a workbook as a county return.
pub fn parse_return(wb: &RawWorkbook, cfg: &Config) -> ParsedReturn {
    let mut diags = Diagnostics::default();
    let info = info::read_info(wb);
    let mut header = ReturnHeader::default();
    // A formula without its result names no one (nor a date): left out.
    let text_of = |l: Label| {
        info.get(&l)
            .filter(|f| !matches!(f.value, CellValue::Uncalculated(_)))
            .map(|f| as_text(&f.value))
            .filter(|t| !t.is_empty())
    };
    header.preparer = text_of(Label::Preparer);
    header.phone = text_of(Label::Phone);
    header.reviewer = text_of(Label::Reviewer);
    header.filled_on = info
        .get(&Label::FilledOn)
        .filter(|f| !matches!(f.value, CellValue::Uncalculated(_)))
        .map(|f| display(&f.value));

    let unit = resolve_unit(&info, cfg, &mut header, &mut diags);
    let (period, period_cell) = resolve_period(&info, &mut diags);
    header.period = period;

    // The ledger: a sheet named for it, else the sheet whose header names most columns.
    let candidates: Vec<&RawSheet> = wb
        .sheets
        .iter()
        .filter(|s| !info::is_instructions_sheet(&s.name))
        .collect();
    // Each candidate's header is found once, for the choice and for the reading.
    let mut ledgers: Vec<(&RawSheet, header::LedgerHeader)> = candidates
        .iter()
        .filter_map(|s| header::find_ledger_header(s).map(|h| (*s, h)))
        .filter(|(_, h)| h.columns.len() >= 3)
        .collect();
    let is_named = |s: &RawSheet| {
        let n = normalize_label(&s.name);
        n.contains("项目明细") || n.contains("项目清单") || n.contains("明细")
    };
    // A visible sheet before a hidden one, whatever their order: the figures must come
    // from the ledger a reviewer opening the file sees.
    let pick = ledgers
        .iter()
        .position(|(s, _)| is_named(s) && s.visible)
        .or_else(|| ledgers.iter().position(|(s, _)| is_named(s)))
        .or_else(|| {
            ledgers
                .iter()
                .enumerate()
                .max_by_key(|(_, (s, h))| (s.visible, h.columns.len()))
                .map(|(i, _)| i)
        });
    let chosen = pick.map(|i| ledgers.swap_remove(i));
    if let Some((sheet, _)) = &chosen {
        // Every other sheet with a ledger's header is left unread, and said so: two
        // ledgers in one return are a copy left behind or a second set of figures. A
        // visible one with projects in it refuses the return: its projects may be part of
        // the figures (签约项目 and 在谈项目 on two sheets, a corrected copy beside the
        // original), and reading either sheet alone would count wrong figures. A hidden
        // one, or a header without projects under it, is only a warning.
        ledgers.sort_by_key(|(s, _)| wb.sheets.iter().position(|w| std::ptr::eq(w, *s)));
        for (other, h) in &ledgers {
            let first_project = other
                .visible
                .then(|| {
                    let mut scratch = Diagnostics::default();
                    let l = ledger::read_ledger_under(other, h.clone(), cfg, &mut scratch);
                    l.projects
                        .iter()
                        .map(|p| p.row)
                        .min()
                        .or((l.rejected_rows > 0).then_some(l.header.last_row + 1))
                })
                .flatten();
            let d = match first_project {
                Some(row) => Diagnostic::at_row(Code::LedgerSplit, &other.name, row),
                None => Diagnostic::new(Code::LedgerSeveral)
                    .arg("hidden", if other.visible { "" } else { "（隐藏）" })
                    .arg("hidden_en", if other.visible { "" } else { " (hidden)" }),
            };
            diags.push(d.arg("sheet", &sheet.name).arg("other", &other.name));
        }
    }
    let ledger_sheet = chosen.as_ref().map(|(s, _)| *s);
    let ledger = match chosen {
        Some((s, h)) => Some(ledger::read_ledger_under(s, h, cfg, &mut diags)),
        None => {
            diags.push(Diagnostic::new(Code::LedgerMissing));
            None
        }
    };

    if let Some(l) = &ledger {
        header.unstated = unstated(&l.header);
    }

    let summary_sheet = candidates
        .iter()
        .filter(|s| Some(s.name.as_str()) != ledger_sheet.map(|l| l.name.as_str()))
        .find(|s| summary::is_summary_sheet(s));
    let summary = match summary_sheet {
        Some(s) => summary::read_summary(s, period, &mut diags),
        None => {
            if ledger.is_some() {
                diags.push(Diagnostic::new(Code::SummaryAbsent));
            }
            None
        }
    };

    ParsedReturn {
        header,
        unit,
        period,
        period_cell,
        ledger,
        summary,
        diagnostics: diags,
    }
}

/// English month names, for `{span_en}`.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The E-COLUMN-SPAN finding for `title`, which states the span 1-`n`月, in a return for
/// `period`.
pub fn span_finding(
    sheet: &str,
    (row, col): (u32, u32),
    title: &str,
    n: u32,
    period: crate::model::Period,
) -> Diagnostic {
    let right = format!("1-{}月", period.month);
    let expected = match vocab::written_span(title) {
        Some((range, _)) => format!("{}{right}{}", &title[..range.start], &title[range.end..]),
        None => right,
    };
    let month_en = |m: u32| MONTHS_EN[(m.clamp(1, 12) - 1) as usize];
    let span_en = if n == 1 {
        month_en(1).to_string()
    } else {
        format!("{}–{}", month_en(1), month_en(n))
    };
    Diagnostic::at(Code::ColumnSpan, sheet, row, col)
        .value(title.to_string())
        .arg("span", format!("1-{n}月"))
        .arg("span_en", span_en)
        .arg("period", period)
        .arg("expected", expected)
}

/// The figures a ledger with this header does not state: those whose columns it lacks.
fn unstated(h: &header::LedgerHeader) -> crate::model::Unstated {
    use vocab::Field;
    let has = |month: bool, rmb: bool| {
        h.col(match (month, rmb) {
            (true, true) => Field::FundsMonth,
            (false, true) => Field::FundsYtd,
            (true, false) => Field::FdiMonth,
            (false, false) => Field::FdiYtd,
        })
        .is_some()
    };
    crate::model::Unstated::from_columns(has, h.col(Field::FundsSource).is_some())
}

fn resolve_unit(
    info: &info::Info,
    cfg: &Config,
    header: &mut ReturnHeader,
    diags: &mut Diagnostics,
) -> Option<UnitRef> {
    let code_written = info
        .get(&Label::Code)
        .filter(|f| !matches!(f.value, CellValue::Uncalculated(_)))
        .map(|f| as_text(&f.value))
        .filter(|t| !t.is_empty());
    let Some(found) = info.get(&Label::Unit) else {
        diags.push(Diagnostic::new(Code::UnitMissing));
        return None;
    };
    if uncalculated(found, "填报单位", diags) {
        return None;
    }
    let written = as_text(&found.value);
    header.unit_name_written = Some(written.clone());
    let at = |code| Diagnostic::at(code, &found.sheet, found.row, found.col);
    let unit = cfg
        .find_unit(&written)
        .or_else(|| unit_by_suffix(cfg, &written));
    let Some(unit) = unit else {
        let by_code = code_written.as_deref().and_then(|c| cfg.unit_by_code(c));
        let suggestion = by_code
            .map(|u| format!("（代码 {} 对应“{}”）", u.code(), u.name()))
            .unwrap_or_default();
        let suggestion_en = by_code
            .map(|u| format!(" (code {} is \"{}\")", u.code(), u.name()))
            .unwrap_or_default();
        let mut d = at(Code::UnitUnknown)
            .value(written)
            .arg("suggestion", suggestion)
            .arg("suggestion_en", suggestion_en);
        // The code names a roster unit: perhaps the roster lacks a spelling counties use.
        // Said to the clerk apart from the county's finding (see `roster_hints`).
        if let Some(u) = by_code {
            d = d.arg("roster_code", u.code()).arg("roster_name", u.name());
        }
        diags.push(d);
        return None;
    };
    if let (Some(code), Some(f)) = (&code_written, info.get(&Label::Code)) {
        if code != unit.code() {
            diags.push(
                Diagnostic::at(Code::UnitCodeMismatch, &f.sheet, f.row, f.col)
                    .value(code.clone())
                    .arg("unit", unit.name())
                    .arg("expected", unit.code()),
            );
        }
    }
    header.unit_code = Some(unit.code().to_string());
    Some(UnitRef {
        code: unit.code().to_string(),
        name: unit.name().to_string(),
    })
}

/// `重庆市巴南区` names 巴南区 when exactly one roster name ends it.
fn unit_by_suffix<'a>(cfg: &'a Config, written: &str) -> Option<&'a crate::config::Unit> {
    let key = crate::text::normalize_key(written);
    let mut hits = cfg.file.units.iter().filter(|u| {
        std::iter::once(u.name())
            .chain(u.aliases.iter().map(String::as_str))
            .any(|n| {
                let n = crate::text::normalize_key(n);
                n.chars().count() >= 2 && key.ends_with(&n)
            })
    });
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// Whether the value read for a label of 基本信息 is a formula whose result the file does
/// not hold: then `E-FORMULA-NO-VALUE` at its cell, `title` naming the label, and nothing
/// is read from it (the formula text is no unit and no period).
fn uncalculated(found: &info::Found, title: &str, diags: &mut Diagnostics) -> bool {
    let CellValue::Uncalculated(formula) = &found.value else {
        return false;
    };
    diags.push(
        Diagnostic::at(Code::FormulaNoValue, &found.sheet, found.row, found.col)
            .arg("column", title)
            .value(formula.to_string()),
    );
    true
}

fn resolve_period(info: &info::Info, diags: &mut Diagnostics) -> (Option<Period>, Option<CellRef>) {
    let Some(found) = info.get(&Label::Period) else {
        diags.push(Diagnostic::new(Code::PeriodMissing));
        return (None, None);
    };
    let cell = CellRef {
        sheet: found.sheet.clone(),
        row: found.row,
        col: found.col,
    };
    if uncalculated(found, "报告期", diags) {
        return (None, Some(cell));
    }
    let at = || {
        Diagnostic::at(Code::PeriodInvalid, &found.sheet, found.row, found.col)
            .value(display(&found.value))
    };
    match parse_period(&found.value) {
        Ok(Some(p)) => (Some(p), Some(cell)),
        Ok(None) => {
            diags.push(Diagnostic::new(Code::PeriodMissing));
            (None, None)
        }
        Err(PeriodProblem::Ambiguous) => {
            diags.push(
                at().arg("reason", "（数字 2024.1 既可能是 1 月也可能是 10 月）")
                    .arg(
                        "reason_en",
                        " (the number 2024.1 could be January or October)",
                    ),
            );
            (None, Some(cell))
        }
        Err(PeriodProblem::Unreadable) => {
            diags.push(at().arg("reason", ""));
            (None, Some(cell))
        }
    }
}
