//! Every figure traced to the ledger rows it is made of: which file (and version), sheet,
//! row and cell each value came from, and the sums per unit and for the area. `tongbao
//! explain` prints it; the workbook's 项目总表 lists the same rows with their flags.
//!
//! Rows are chosen by [`contributions`] and [`Project::share`], the functions the figures
//! themselves are summed with, so a traced sum is the published figure by construction.

use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::archive::{StoredReturn, SubmissionInfo};
use crate::config::Config;
use crate::model::{contributions, FigureKey, Figures, Period, Project, Span, Unstated};
use crate::parse::vocab::Field;

use super::{ReturnStatus, UnitInput};

/// The file a unit's figures come from: its current accepted return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub sha256: String,
    pub version: Option<i64>,
    pub received_at: String,
}

impl Source {
    pub fn of(info: &SubmissionInfo) -> Source {
        Source {
            file: info.file_name.clone(),
            sha256: info.sha256.clone(),
            version: info.version,
            received_at: info.received_at.clone(),
        }
    }
}

/// The ledger column a figure's value is read from, in `span`: the amount summed, or for
/// a count the cell that makes the row count (its date, or its 项目进展).
pub fn source_field(key: FigureKey, span: Span) -> Field {
    match (key, span) {
        (FigureKey::SignedCount, _) => Field::SignedOn,
        (
            FigureKey::SignedAmount
            | FigureKey::BigCount
            | FigureKey::BigAmount
            | FigureKey::StartedInvestment,
            _,
        ) => Field::ContractAmount,
        (FigureKey::StartedCount, _) => Field::StartedOn,
        (FigureKey::FundsInPlace | FigureKey::FundsOutOfProvince, Span::Month) => Field::FundsMonth,
        (FigureKey::FundsInPlace | FigureKey::FundsOutOfProvince, Span::Ytd) => Field::FundsYtd,
        (FigureKey::FdiUsd, Span::Month) => Field::FdiMonth,
        (FigureKey::FdiUsd, Span::Ytd) => Field::FdiYtd,
        (FigureKey::NegotiatingCount, _) => Field::Stage,
    }
}

/// The unit a figure's values are given in here: 个, 万元 or 万美元 (not the 亿元 the
/// bulletin prints).
pub fn value_unit(key: FigureKey) -> &'static str {
    if key.is_count() {
        "个"
    } else if key == FigureKey::FdiUsd {
        "万美元"
    } else {
        "万元"
    }
}

/// A figure's value: a whole count, or hundredths of 万元 / 万美元. Serialised as an
/// integer for a count and a number with two decimals for an amount, as bulletin JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FigureValue {
    pub key: FigureKey,
    pub raw: i64,
}

impl FigureValue {
    /// The value as text: `3`, `67000.00`.
    pub fn shown(self) -> String {
        if self.key.is_count() {
            self.raw.to_string()
        } else {
            crate::model::Wan(self.raw).to_string()
        }
    }
}

impl Serialize for FigureValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.key.is_count() {
            s.serialize_i64(self.raw)
        } else {
            s.serialize_f64(self.raw as f64 / 100.0)
        }
    }
}

/// One ledger row behind a figure.
#[derive(Debug, Clone, Serialize)]
pub struct TracedRow {
    /// The ledger sheet; null for returns archived before it was kept.
    pub sheet: Option<String>,
    /// One-based sheet row.
    pub row: u32,
    /// A1 address of the cell the value came from; null when the column was not kept.
    pub cell: Option<String>,
    /// The title (return-format v1) of that column.
    pub column: &'static str,
    /// 项目名称.
    pub project: String,
    pub value: FigureValue,
}

/// The rows behind one span of one unit's figure, and their sum.
#[derive(Debug, Clone, Serialize)]
pub struct SpanTrace {
    /// Null when the return does not state the figure (its ledger lacks the column): not
    /// reported, never 0.
    pub sum: Option<FigureValue>,
    pub rows: Vec<TracedRow>,
}

/// One unit's part in a figure.
#[derive(Debug, Clone, Serialize)]
pub struct UnitTrace {
    pub code: String,
    pub name: String,
    pub source: Source,
    pub month: SpanTrace,
    pub ytd: SpanTrace,
}

/// A figure's sums over the units traced.
#[derive(Debug, Clone, Serialize)]
pub struct TraceTotal {
    pub month: FigureValue,
    pub ytd: FigureValue,
}

/// One figure traced.
#[derive(Debug, Clone, Serialize)]
pub struct FigureTrace {
    pub figure: FigureKey,
    pub label: &'static str,
    pub unit: &'static str,
    pub units: Vec<UnitTrace>,
    pub total: TraceTotal,
}

/// `tongbao explain`'s answer (its JSON is documented in the README).
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub period: Period,
    /// The unit asked for (code), or null for every unit.
    pub unit: Option<String>,
    pub figures: Vec<FigureTrace>,
}

fn span_trace(r: &StoredReturn, period: Period, span: Span, key: FigureKey) -> SpanTrace {
    let unstated = match span {
        Span::Month => r.info.unstated.month,
        Span::Ytd => r.info.unstated.ytd,
    };
    if unstated.contains(key) {
        return SpanTrace {
            sum: None,
            rows: Vec::new(),
        };
    }
    let field = source_field(key, span);
    let mut sum = 0;
    let rows = contributions(&r.projects, period, span, key)
        .into_iter()
        .map(|(p, raw)| {
            sum += raw;
            TracedRow {
                sheet: r.ledger.sheet.clone(),
                row: p.row + 1,
                cell: r.ledger.cell(p.row, field),
                column: field.title(),
                project: p.name.clone(),
                value: FigureValue { key, raw },
            }
        })
        .collect();
    SpanTrace {
        sum: Some(FigureValue { key, raw: sum }),
        rows,
    }
}

/// Traces `keys` over the accepted returns of `inputs` (roster order; only the unit with
/// code `unit` when given).
pub fn explain(
    cfg: &Config,
    period: Period,
    inputs: &[UnitInput],
    unit: Option<&str>,
    keys: &[FigureKey],
) -> Explanation {
    let returns: Vec<(&str, &StoredReturn)> = inputs
        .iter()
        .filter(|i| i.status == ReturnStatus::Accepted && unit.is_none_or(|u| u == i.code))
        .filter_map(|i| i.current.as_ref().map(|r| (i.code.as_str(), r)))
        .collect();
    let figures = keys
        .iter()
        .map(|&key| {
            let units: Vec<UnitTrace> = returns
                .iter()
                .map(|(code, r)| UnitTrace {
                    code: code.to_string(),
                    name: cfg
                        .unit_by_code(code)
                        .map_or_else(|| code.to_string(), |u| u.name().to_string()),
                    source: Source::of(&r.info),
                    month: span_trace(r, period, Span::Month, key),
                    ytd: span_trace(r, period, Span::Ytd, key),
                })
                .collect();
            // The total adds what the units stated, as the bulletin's does.
            let total = |f: fn(&UnitTrace) -> i64| FigureValue {
                key,
                raw: units.iter().map(f).sum(),
            };
            FigureTrace {
                figure: key,
                label: key.label(),
                unit: value_unit(key),
                total: TraceTotal {
                    month: total(|u| u.month.sum.map_or(0, |v| v.raw)),
                    ytd: total(|u| u.ytd.sum.map_or(0, |v| v.raw)),
                },
                units,
            }
        })
        .collect();
    Explanation {
        period,
        unit: unit.map(str::to_string),
        figures,
    }
}

/// One counted project of the month's accepted returns, for the workbook's 项目总表: the
/// row as stored and where it came from. What it adds to each figure of each span is
/// worked out when asked ([`LedgerLine::month`], [`LedgerLine::ytd`]), by the function
/// the figures are summed with: held, the two spans' figures were 144 of a line's 160
/// bytes, 86 MB of a national month at `build`'s peak.
#[derive(Debug, Clone)]
pub struct LedgerLine {
    /// Where it came from, held once for all the lines of a return (a national month
    /// is 600,000 lines).
    pub source: Arc<LineSource>,
    /// The row, shared with the register when it holds it.
    pub project: Arc<Project>,
}

/// The return the lines of a unit come from.
#[derive(Debug)]
pub struct LineSource {
    pub unit_code: String,
    pub unit_name: String,
    pub file: String,
    pub version: Option<i64>,
    pub sheet: Option<String>,
    /// The month the lines count in.
    pub period: Period,
    /// The flows the return does not state.
    pub unstated: Unstated,
}

impl LedgerLine {
    /// `项目明细!7`: the sheet and one-based row (the row alone when the sheet is unknown).
    pub fn place(&self) -> String {
        match &self.source.sheet {
            Some(s) => format!("{s}!{}", self.project.row + 1),
            None => (self.project.row + 1).to_string(),
        }
    }

    /// The row's [`Project::share`] of the month's figures; a flow the return does not
    /// state is not reported, not 0.
    pub fn month(&self) -> Figures {
        self.share(Span::Month)
    }

    /// The row's share of the year-to-date figures, as [`Self::month`].
    pub fn ytd(&self) -> Figures {
        self.share(Span::Ytd)
    }

    fn share(&self, span: Span) -> Figures {
        let mut f = self
            .project
            .share(span.within(self.source.period), span.flows());
        f.unstated = match span {
            Span::Month => self.source.unstated.month,
            Span::Ytd => self.source.unstated.ytd,
        };
        f
    }
}

/// Every project of the accepted returns of `inputs` that counts in some figure of the
/// month or the year to date, in roster order then ledger order (the projects copied).
pub fn ledger_lines(cfg: &Config, period: Period, inputs: &[UnitInput]) -> Vec<LedgerLine> {
    let mut out = Vec::new();
    for input in inputs.iter().filter(|i| i.status == ReturnStatus::Accepted) {
        if let Some(r) = &input.current {
            lines_of(
                cfg,
                period,
                &input.code,
                r,
                r.projects.iter().map(|p| Arc::new(p.clone())),
                &mut out,
            );
        }
    }
    out
}

/// [`ledger_lines`], with the rows the register holds (`shared`, by submission: moved
/// there out of `inputs`) or else moved out of `inputs`, never copied: a national month
/// is 640,000 projects, held once.
pub fn take_ledger_lines(
    cfg: &Config,
    period: Period,
    inputs: &mut [UnitInput],
    mut shared: super::progress::MonthRows,
) -> Vec<LedgerLine> {
    // Sized for every project beforehand: a line is a whole row and its figures, and a
    // vector of them grown by doubling would hold up to twice the month.
    let rows = inputs
        .iter()
        .filter(|i| i.status == ReturnStatus::Accepted)
        .filter_map(|i| i.current.as_ref())
        .map(|r| shared.get(&r.info.id).map_or(r.projects.len(), Vec::len))
        .sum();
    let mut out = Vec::with_capacity(rows);
    for input in inputs
        .iter_mut()
        .filter(|i| i.status == ReturnStatus::Accepted)
    {
        if let Some(r) = &mut input.current {
            match shared.remove(&r.info.id) {
                Some(rows) => lines_of(cfg, period, &input.code, r, rows.into_iter(), &mut out),
                None => {
                    let projects = std::mem::take(&mut r.projects);
                    let rows = projects.into_iter().map(Arc::new);
                    lines_of(cfg, period, &input.code, r, rows, &mut out);
                }
            }
        }
    }
    // The rows of returns not counted: freed beside what comes next.
    crate::free_beside(shared);
    out
}

/// The lines of one unit's return; what the lines share of it (unit, file, sheet) is
/// held once, not copied into each.
fn lines_of(
    cfg: &Config,
    period: Period,
    code: &str,
    r: &StoredReturn,
    projects: impl Iterator<Item = Arc<Project>>,
    out: &mut Vec<LedgerLine>,
) {
    let source = Arc::new(LineSource {
        unit_code: code.to_string(),
        unit_name: cfg
            .unit_by_code(code)
            .map_or_else(|| code.to_string(), |u| u.name().to_string()),
        file: r.info.file_name.clone(),
        version: r.info.version,
        sheet: r.ledger.sheet.clone(),
        period,
        unstated: r.info.unstated,
    });
    for p in projects {
        let share = |span: Span| p.share(span.within(period), span.flows());
        if share(Span::Month) == Figures::default() && share(Span::Ytd) == Figures::default() {
            continue;
        }
        out.push(LedgerLine {
            source: Arc::clone(&source),
            project: p,
        });
    }
}
