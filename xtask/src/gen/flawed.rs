//! The flawed samples: returns with exactly one deliberate defect each, and the diagnostic
//! (code, sheet, cell) each must produce. samples/README.md lists the same table; a test
//! keeps the two in step.
//!
//! Defects in the data are made on the typed projects and the summary is then recomputed,
//! so the defect is the only thing wrong; defects in the form (a text cell, a missing
//! column, a summary figure) are made by the writer's [`Tweaks`].

use chrono::NaiveDate;

use crate::gen::pool::{History, UnitReturn};
use crate::gen::workbook::{self, Layout, Style, Tweaks, INFO_SHEET, LEDGER_SHEET, SUMMARY_SHEET};
use tongbao::model::{a1, Indicator, Period, Project, Stage, Wan};
use tongbao::parse::vocab::Field;

/// The kinds of defect, one per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// An HTML page saved under a spreadsheet name (web-system "Excel" exports).
    Html,
    /// A CSV file named .xlsx.
    Csv,
    /// A file of zero bytes.
    Empty,
    /// The first part of a workbook, as an interrupted upload leaves it.
    Truncated,
    /// `约5000` typed into 合同投资额.
    NotANumber,
    /// A negative 本月到位资金.
    Negative,
    /// A 签约日期 after the report month.
    SignedAfterPeriod,
    /// 本年累计到位资金 smaller than 本月到位资金.
    YtdBelowMonth,
    /// The same project listed twice.
    Duplicate,
    /// A 填报单位 that is not on the roster.
    UnknownUnit,
    /// Last month's return sent again under this month's name.
    PeriodMismatch,
    /// The 产业类别 column left out.
    ColumnMissing,
    /// 主要指标 disagreeing with the ledger (a warning: the return is accepted).
    SummaryMismatch,
    /// Funds in place above the contract amount (a warning).
    FundsAboveContract,
}

/// Each flaw, its diagnostic code and the roster unit whose return carries it (any unit
/// if the roster has no such name).
pub const FLAWS: [(Flaw, &str, &str); 14] = [
    (Flaw::Html, "E-FILE-HTML", "巫山县"),
    (Flaw::Csv, "E-FILE-TEXT", "云阳县"),
    (Flaw::Empty, "E-FILE-EMPTY", "奉节县"),
    (Flaw::Truncated, "E-FILE-TRUNCATED", "忠县"),
    (Flaw::NotANumber, "E-NUMBER", "北碚区"),
    (Flaw::Negative, "E-NEGATIVE", "江津区"),
    (Flaw::SignedAfterPeriod, "E-SIGNED-AFTER-PERIOD", "合川区"),
    (Flaw::YtdBelowMonth, "E-YTD-BELOW-MONTH", "永川区"),
    (Flaw::Duplicate, "E-DUPLICATE-PROJECT", "南川区"),
    (Flaw::UnknownUnit, "E-UNIT-UNKNOWN", "綦江区"),
    (Flaw::PeriodMismatch, "E-PERIOD-MISMATCH", "大足区"),
    (Flaw::ColumnMissing, "E-COLUMN-MISSING", "璧山区"),
    (Flaw::SummaryMismatch, "W-SUMMARY-MISMATCH", "铜梁区"),
    (Flaw::FundsAboveContract, "W-FUNDS-ABOVE-CONTRACT", "潼南区"),
];

/// The name the unknown-unit sample reports under.
pub const UNKNOWN_UNIT: &str = "重庆市测试县";

/// One flawed file and the diagnostic it must produce.
#[derive(Debug, Clone)]
pub struct FlawedFile {
    /// File name inside samples/flawed/.
    pub file: String,
    /// The diagnostic code the file must produce.
    pub code: &'static str,
    /// `None` for whole-file codes.
    pub sheet: Option<&'static str>,
    /// A1 address; `None` for whole-file and whole-column codes.
    pub cell: Option<String>,
    /// The file's content.
    pub bytes: Vec<u8>,
}

impl FlawedFile {
    /// The row of the README table: `| file | code | sheet | cell |`.
    pub fn table_row(&self) -> String {
        format!(
            "| {} | {} | {} | {} |",
            self.file,
            self.code,
            self.sheet.unwrap_or("-"),
            self.cell.as_deref().unwrap_or("-")
        )
    }
}

/// Why a flaw could not be placed (the unit's return has no suitable project).
#[derive(Debug, thiserror::Error)]
#[error("{unit}: no project suitable for the {flaw:?} sample; try another --seed")]
pub struct NoPlace {
    unit: String,
    flaw: Flaw,
}

/// Builds every flawed sample for `period` from the roster's histories.
pub fn flawed_files(histories: &[History], period: Period) -> anyhow::Result<Vec<FlawedFile>> {
    let mut out = Vec::new();
    for (k, (flaw, code, preferred)) in FLAWS.iter().enumerate() {
        let found = histories.iter().find(|h| h.unit.name == *preferred);
        let Some(history) = found.or_else(|| histories.get(k % histories.len().max(1))) else {
            anyhow::bail!("the roster has no units");
        };
        out.push(make(history, period, *flaw, code)?);
    }
    Ok(out)
}

fn ledger_cell(layout: &Layout, index: usize, f: Field) -> Option<String> {
    layout
        .col(f)
        .map(|c| a1(layout.project_row(index), u32::from(c)))
}

/// The first project that satisfies `want`.
fn find(ret: &UnitReturn, flaw: Flaw, want: impl Fn(&Project) -> bool) -> Result<usize, NoPlace> {
    ret.projects.iter().position(want).ok_or(NoPlace {
        unit: ret.unit_name.clone(),
        flaw,
    })
}

fn make(
    history: &History,
    period: Period,
    flaw: Flaw,
    code: &'static str,
) -> anyhow::Result<FlawedFile> {
    let unit = &history.unit;
    let mut ret = UnitReturn::build(history, period);
    let standard = Layout::new(Style::Standard, &[]);
    let mut tweaks = Tweaks::default();
    let mut file = format!("{code}-{}-{period}.xlsx", unit.name);
    let mut sheet = Some(LEDGER_SHEET);
    let signed = |p: &Project| p.stage != Stage::Negotiating;
    let cell = match flaw {
        Flaw::Html => {
            file = format!("{code}-{}-{period}.xls", unit.name);
            return Ok(FlawedFile {
                file,
                code,
                sheet: None,
                cell: None,
                bytes: html_page(&ret).into_bytes(),
            });
        }
        Flaw::Csv => {
            return Ok(FlawedFile {
                file,
                code,
                sheet: None,
                cell: None,
                bytes: csv_text(&ret).into_bytes(),
            })
        }
        Flaw::Empty => {
            return Ok(FlawedFile {
                file,
                code,
                sheet: None,
                cell: None,
                bytes: Vec::new(),
            })
        }
        Flaw::Truncated => {
            let mut bytes = workbook::write_return(&ret, Style::Standard, &tweaks)?;
            bytes.truncate(bytes.len() * 3 / 5);
            return Ok(FlawedFile {
                file,
                code,
                sheet: None,
                cell: None,
                bytes,
            });
        }
        Flaw::NotANumber => {
            let i = find(&ret, flaw, |p| {
                signed(p) && p.contract_amount.is_some_and(|a| a < tongbao::model::YI)
            })?;
            tweaks
                .text_cells
                .push((i, Field::ContractAmount, "约5000".to_string()));
            ledger_cell(&standard, i, Field::ContractAmount)
        }
        Flaw::Negative => {
            let i = find(&ret, flaw, |p| p.funds_month.cents() > 0)?;
            let p = &mut ret.projects[i];
            p.funds_month = Wan(-p.funds_month.cents());
            ledger_cell(&standard, i, Field::FundsMonth)
        }
        Flaw::SignedAfterPeriod => {
            let i = find(&ret, flaw, |p| {
                p.stage == Stage::Signed && p.signed_on.is_some_and(|d| period.contains(d))
            })
            .or_else(|_| find(&ret, flaw, |p| p.stage == Stage::Signed))?;
            let next = period.next();
            ret.projects[i].signed_on = NaiveDate::from_ymd_opt(next.year, next.month, 15);
            ledger_cell(&standard, i, Field::SignedOn)
        }
        Flaw::YtdBelowMonth => {
            let i = find(&ret, flaw, |p| {
                p.funds_month.cents() > 0 && p.funds_ytd > p.funds_month
            })?;
            let p = &mut ret.projects[i];
            p.funds_ytd = Wan(p.funds_month.cents() / 2);
            ledger_cell(&standard, i, Field::FundsYtd)
        }
        Flaw::Duplicate => {
            let i = find(&ret, flaw, |p| {
                signed(p) && p.signed_on.is_some_and(|d| period.contains(d))
            })
            .or_else(|_| find(&ret, flaw, signed))?;
            let copy = ret.projects[i].clone();
            ret.projects.insert(i + 1, copy);
            ledger_cell(&standard, i + 1, Field::Id)
        }
        Flaw::UnknownUnit => {
            ret.unit_name = UNKNOWN_UNIT.to_string();
            ret.unit_code = "500199".to_string();
            file = format!("{code}-{UNKNOWN_UNIT}-{period}.xlsx");
            sheet = Some(INFO_SHEET);
            Some(a1(Layout::info_row(tongbao::contract::Label::Unit), 1))
        }
        Flaw::PeriodMismatch => {
            ret = UnitReturn::build(history, period.previous());
            sheet = Some(INFO_SHEET);
            Some(a1(Layout::info_row(tongbao::contract::Label::Period), 1))
        }
        Flaw::ColumnMissing => {
            tweaks.omit.push(Field::Industry);
            None
        }
        Flaw::SummaryMismatch => {
            tweaks
                .summary_ytd_delta
                .push((Indicator::FundsInPlace, 100_000)); // 1000.00 万元, in hundredths
            sheet = Some(SUMMARY_SHEET);
            Some(a1(
                Layout::summary_row(Indicator::FundsInPlace),
                u32::from(Layout::SUMMARY_YTD_COL),
            ))
        }
        Flaw::FundsAboveContract => {
            let i = find(&ret, flaw, |p| {
                signed(p) && p.funds_month.cents() > 0 && p.contract_amount.is_some()
            })?;
            let p = &mut ret.projects[i];
            let contract = p.contract_amount.unwrap_or_default().cents();
            let extra = contract + contract / 10 - p.funds_ytd.cents();
            p.funds_month = Wan(p.funds_month.cents() + extra);
            p.funds_ytd = Wan(p.funds_ytd.cents() + extra);
            ledger_cell(&standard, i, Field::FundsYtd)
        }
    };
    ret.refresh_summary();
    let bytes = workbook::write_return(&ret, Style::Standard, &tweaks)?;
    Ok(FlawedFile {
        file,
        code,
        sheet,
        cell,
        bytes,
    })
}

/// The ledger as an HTML table, the way some web systems "export to Excel".
fn html_page(ret: &UnitReturn) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>招商引资项目明细</title></head>\n<body>\n<table border=\"1\">\n<tr>",
    );
    for f in [
        Field::Seq,
        Field::Name,
        Field::Investor,
        Field::Industry,
        Field::Stage,
        Field::ContractAmount,
    ] {
        s.push_str(&format!("<th>{}</th>", f.title()));
    }
    s.push_str("</tr>\n");
    for (i, p) in ret.projects.iter().enumerate() {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            i + 1,
            p.name,
            p.investor,
            p.industry,
            p.stage.label(),
            p.contract_amount.unwrap_or_default()
        ));
    }
    s.push_str("</table>\n</body>\n</html>\n");
    s
}

/// The ledger as CSV text.
fn csv_text(ret: &UnitReturn) -> String {
    let mut s = format!(
        "填报单位,{}\n报告期,{}年{}月\n",
        ret.unit_name, ret.period.year, ret.period.month
    );
    s.push_str("序号,项目名称,投资方,产业类别,项目进展,签约日期,合同投资额\n");
    for (i, p) in ret.projects.iter().enumerate() {
        s.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            i + 1,
            p.name,
            p.investor,
            p.industry,
            p.stage.label(),
            p.signed_on.map(|d| d.to_string()).unwrap_or_default(),
            p.contract_amount.unwrap_or_default()
        ));
    }
    s
}
