//! One function per rule, named after what it checks; each returns its findings.

use crate::diag::{Code, Diagnostic};
use crate::model::{Measure, PeriodFigures, Project, Stage, UsdWan, Wan, YI};
use crate::parse::vocab::Field;
use crate::parse::Ledger;

use super::Subject;

/// The ledger and its projects, when there is a ledger.
fn ledger<'a>(s: &'a Subject) -> Option<(&'a Ledger, &'a [Project])> {
    s.ret.ledger.as_ref().map(|l| (l, l.projects.as_slice()))
}

/// A finding at a project's cell in `field`'s column (or its row when the column is absent).
fn at(l: &Ledger, p: &Project, code: Code, field: Field) -> Diagnostic {
    match l.header.col(field) {
        Some(col) => Diagnostic::at(code, &l.sheet, p.row, col),
        None => Diagnostic::at_row(code, &l.sheet, p.row),
    }
}

fn ymd(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// E-PERIOD-MISMATCH: the return is for another month than the batch.
pub(super) fn period_mismatch(s: &Subject) -> Vec<Diagnostic> {
    match (s.ret.period, s.batch_period, &s.ret.period_cell) {
        (Some(found), Some(expected), Some(cell)) if found != expected => {
            vec![
                Diagnostic::at(Code::PeriodMismatch, &cell.sheet, cell.row, cell.col)
                    .value(found.to_string())
                    .arg("found", found)
                    .arg("expected", expected),
            ]
        }
        _ => vec![],
    }
}

/// E-COLUMN-SPAN: a column titled `1-N月…` in a return for another month than N: last
/// month's title left on the form (its figures may be last month's too), never to be read
/// as this year's to date.
pub(super) fn column_span(s: &Subject) -> Vec<Diagnostic> {
    let (Some((l, _)), Some(period)) = (ledger(s), s.ret.period) else {
        return vec![];
    };
    let mut out: Vec<Diagnostic> = Vec::new();
    for column in l.header.columns.values() {
        let Some((n, (row, col))) = column.span else {
            continue;
        };
        if n == period.month
            || out
                .iter()
                .any(|d| d.cell == Some((row, col)) && d.sheet.as_deref() == Some(&l.sheet))
        {
            continue;
        }
        out.push(crate::parse::span_finding(
            &l.sheet,
            (row, col),
            &column.title,
            n,
            period,
        ));
    }
    out
}

/// E-REQUIRED: a signed project needs its 签约日期 and 合同投资额.
pub(super) fn required_when_signed(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    let mut out = Vec::new();
    for p in projects.iter().filter(|p| p.stage != Stage::Negotiating) {
        // Worded only for a finding: most rows have none.
        let required = |field, column| {
            let stage = p.stage.label();
            at(l, p, Code::Required, field)
                .arg("column", column)
                .arg("condition", format!("（项目进展为“{stage}”）"))
                .arg("condition_en", format!(" (项目进展 is \"{stage}\")"))
        };
        if p.signed_on.is_none() && l.header.col(Field::SignedOn).is_some() {
            out.push(required(Field::SignedOn, "签约日期"));
        }
        if p.contract_amount.is_none() && l.header.col(Field::ContractAmount).is_some() {
            out.push(required(Field::ContractAmount, "合同投资额"));
        }
    }
    out
}

/// E-REQUIRED / E-COLUMN-MISSING: a started project needs its 开工日期.
pub(super) fn started_needs_date(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    let started = projects
        .iter()
        .filter(|p| matches!(p.stage, Stage::Started | Stage::InProduction));
    if l.header.col(Field::StartedOn).is_none() {
        return match started.count() {
            0 => vec![],
            _ => vec![
                Diagnostic::at_row(Code::ColumnMissing, &l.sheet, l.header.last_row)
                    .arg("column", "开工日期"),
            ],
        };
    }
    started
        .filter(|p| p.started_on.is_none())
        .map(|p| {
            at(l, p, Code::Required, Field::StartedOn)
                .arg("column", "开工日期")
                .arg("condition", format!("（项目进展为“{}”）", p.stage.label()))
                .arg(
                    "condition_en",
                    format!(" (项目进展 is \"{}\")", p.stage.label()),
                )
        })
        .collect()
}

/// E-INDUSTRY: 产业类别 must be on the roster's industry list.
pub(super) fn industry_in_list(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    if !s.cfg.has_industries() {
        return vec![];
    }
    let allowed = s.cfg.industry_names().join("、");
    projects
        .iter()
        .filter(|p| s.cfg.find_industry(&p.industry).is_none())
        .map(|p| {
            at(l, p, Code::Industry, Field::Industry)
                .value(p.industry.to_string())
                .arg("allowed", &allowed)
        })
        .collect()
}

/// The money cells of a project, by column.
fn money(p: &Project) -> [(Field, i64); 6] {
    [
        (
            Field::ContractAmount,
            p.contract_amount.unwrap_or_default().cents(),
        ),
        (Field::ContractFdi, p.contract_fdi.cents()),
        (Field::FundsMonth, p.funds_month.cents()),
        (Field::FundsYtd, p.funds_ytd.cents()),
        (Field::FdiMonth, p.fdi_month.cents()),
        (Field::FdiYtd, p.fdi_ytd.cents()),
    ]
}

/// E-NEGATIVE: no amount or count may be negative, in the ledger or the summary.
pub(super) fn negative_amount(s: &Subject) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some((l, projects)) = ledger(s) {
        for p in projects {
            for (f, v) in money(p).into_iter().filter(|(_, v)| *v < 0) {
                out.push(
                    at(l, p, Code::Negative, f)
                        .arg("column", f.title())
                        .value(Wan(v).to_string()),
                );
            }
        }
    }
    for ind in s.ret.summary.iter().flatten() {
        for (v, cell) in [(ind.month, &ind.month_cell), (ind.ytd, &ind.ytd_cell)] {
            if let (Some(v), Some(c)) = (v, cell) {
                if v < 0 {
                    let shown = if ind.indicator.measure() == Measure::Count {
                        v.to_string()
                    } else {
                        Wan(v).to_string()
                    };
                    out.push(
                        Diagnostic::at(Code::Negative, &c.sheet, c.row, c.col)
                            .arg("column", ind.indicator.label())
                            .value(shown),
                    );
                }
            }
        }
    }
    out
}

/// E-TEXT-TOO-LONG: a project's text longer than an Excel cell holds (only a file not made
/// by Excel can have one). It would reach the bulletin's workbook, which cannot hold it
/// either, so the return is refused rather than published cut.
pub(super) fn text_too_long(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in projects {
        let texts = [
            (Field::Id, p.id.as_deref()),
            (Field::Name, Some(p.name.as_str())),
            (Field::Investor, Some(p.investor.as_str())),
            (Field::Origin, p.origin.as_deref()),
            (Field::Industry, Some(&*p.industry)),
            (Field::Note, p.note.as_deref()),
        ];
        for (f, text) in texts {
            let Some(text) = text.filter(|t| crate::text::over_cell(t)) else {
                continue;
            };
            let mut shown: String = text.chars().take(20).collect();
            shown.push('…');
            out.push(
                at(l, p, Code::TextTooLong, f)
                    .arg("column", f.title())
                    .arg("length", text.chars().count())
                    .arg("limit", crate::text::CELL_TEXT_MAX)
                    .value(shown),
            );
        }
    }
    out
}

/// E-SIGNED-AFTER-PERIOD: a signing cannot be dated after the report month.
pub(super) fn signed_after_period(s: &Subject) -> Vec<Diagnostic> {
    let (Some((l, projects)), Some(period)) = (ledger(s), s.period()) else {
        return vec![];
    };
    projects
        .iter()
        .filter(|p| p.stage != Stage::Negotiating)
        .filter_map(|p| {
            p.signed_on
                .filter(|d| *d > period.last_day())
                .map(|d| (p, d))
        })
        .map(|(p, d)| {
            at(l, p, Code::SignedAfterPeriod, Field::SignedOn)
                .value(ymd(d))
                .arg("period", period)
        })
        .collect()
}

/// E-YTD-BELOW-MONTH: a year-to-date column cannot be below the month's.
pub(super) fn ytd_below_month(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    // A column the ledger lacks states nothing to compare (its figure is not reported).
    let has = |f: Field| l.header.col(f).is_some();
    let (funds, fdi) = (
        has(Field::FundsYtd) && has(Field::FundsMonth),
        has(Field::FdiYtd) && has(Field::FdiMonth),
    );
    let mut out = Vec::new();
    for p in projects {
        if funds && p.funds_ytd < p.funds_month {
            out.push(
                at(l, p, Code::YtdBelowMonth, Field::FundsYtd)
                    .arg("column", Field::FundsYtd.title())
                    .arg("month", p.funds_month)
                    .value(p.funds_ytd.to_string()),
            );
        }
        if fdi && p.fdi_ytd < p.fdi_month {
            out.push(
                at(l, p, Code::YtdBelowMonth, Field::FdiYtd)
                    .arg("column", Field::FdiYtd.title())
                    .arg("month", p.fdi_month)
                    .value(p.fdi_ytd.to_string()),
            );
        }
    }
    out
}

/// E-DUPLICATE-PROJECT: the same project twice in one return.
pub(super) fn duplicate_project(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    // One look-up per row of the ledger: a fast hash, room made beforehand.
    let mut seen: foldhash::HashMap<String, &Project> =
        foldhash::HashMap::with_capacity_and_hasher(projects.len(), Default::default());
    // The same name and investor, one row with a 项目编号 and one without, is the same
    // project too: only two different 项目编号 tell two projects of one name apart.
    // (Only when some row has no 项目编号: normalising every name and investor costs.)
    let mixed = projects.iter().any(|p| p.id.is_none()) && projects.iter().any(|p| p.id.is_some());
    let mut by_name: foldhash::HashMap<String, Vec<&Project>> = foldhash::HashMap::default();
    let mut out = Vec::new();
    for p in projects {
        let key = p.identity();
        let twin = if mixed {
            let named = p.cross_unit_key();
            let twin = by_name
                .get(&named)
                .and_then(|rows| rows.iter().find(|q| q.id.is_none() || p.id.is_none()))
                .copied();
            by_name.entry(named).or_default().push(p);
            twin
        } else {
            None
        };
        match seen.get(&key).copied().or(twin) {
            Some(first) => {
                let identity = match &p.id {
                    Some(id) => format!("项目编号 {id}"),
                    None => format!("{} / {}", p.name, p.investor),
                };
                out.push(
                    at(
                        l,
                        p,
                        Code::DuplicateProject,
                        if p.id.is_some() {
                            Field::Id
                        } else {
                            Field::Name
                        },
                    )
                    .value(p.name.clone())
                    .arg("other_row", first.row + 1)
                    .arg("identity", identity),
                );
            }
            None => {
                seen.insert(key, p);
            }
        }
    }
    out
}

/// W-FUNDS-ABOVE-CONTRACT: funds in place this year above the contract amount.
pub(super) fn funds_above_contract(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    projects
        .iter()
        .filter_map(|p| {
            p.contract_amount
                .filter(|c| p.funds_ytd > *c && !c.is_zero())
                .map(|c| (p, c))
        })
        .map(|(p, c)| {
            at(l, p, Code::FundsAboveContract, Field::FundsYtd)
                .value(p.funds_ytd.to_string())
                .arg("contract", c)
        })
        .collect()
}

/// How far a summary figure may stray from the ledger: 0.5 万元 for amounts, nothing for
/// counts (return-format v1).
fn tolerance(m: Measure) -> i64 {
    match m {
        Measure::Count => 0,
        Measure::Rmb | Measure::Usd => 50,
    }
}

fn show(m: Measure, v: i64) -> String {
    match m {
        Measure::Count => v.to_string(),
        Measure::Rmb => format!("{} 万元", Wan(v)),
        Measure::Usd => format!("{} 万美元", UsdWan(v)),
    }
}

/// The ledger column whose cells make an indicator, for naming both places in a message.
fn source_field(ind: crate::model::Indicator, month: bool) -> Field {
    use crate::model::Indicator::*;
    match (ind, month) {
        (FundsInPlace | FundsOutOfProvince, true) => Field::FundsMonth,
        (FundsInPlace | FundsOutOfProvince, false) => Field::FundsYtd,
        (FdiUsd, true) => Field::FdiMonth,
        (FdiUsd, false) => Field::FdiYtd,
        (StartedCount | StartedInvestment, _) => Field::StartedOn,
        (NegotiatingCount, _) => Field::Stage,
        (SignedCount | BigCount, _) => Field::SignedOn,
        _ => Field::ContractAmount,
    }
}

/// W-SUMMARY-MISMATCH: a derivable summary figure disagrees with the ledger.
pub(super) fn summary_mismatch(s: &Subject) -> Vec<Diagnostic> {
    let (Some((l, projects)), Some(summary), Some(period)) =
        (ledger(s), &s.ret.summary, s.period())
    else {
        return vec![];
    };
    if l.rejected_rows > 0 {
        return vec![];
    }
    // A figure the ledger does not state (no column) is not compared: 0 is not its value.
    let figures =
        PeriodFigures::from_ledger(projects, period).with_unstated(&s.ret.header.unstated);
    let mut out = Vec::new();
    for ind in summary {
        let spans = [
            ("本月", true, ind.month, &ind.month_cell, &figures.month),
            ("累计", false, ind.ytd, &ind.ytd_cell, &figures.ytd),
        ];
        for (span, is_month, reported, cell, fig) in spans {
            let (Some(reported), Some(cell), Some(derived)) =
                (reported, cell, ind.indicator.derived(fig))
            else {
                continue;
            };
            let m = ind.indicator.measure();
            if (reported - derived).abs() > tolerance(m) {
                out.push(
                    Diagnostic::at(Code::SummaryMismatch, &cell.sheet, cell.row, cell.col)
                        .value(show(m, reported))
                        .arg("indicator", ind.indicator.label())
                        .arg("span", span)
                        .arg("ledger", show(m, derived))
                        .arg(
                            "ledger_cells",
                            l.column_range(source_field(ind.indicator, is_month))
                                .unwrap_or_default(),
                        ),
                );
            }
        }
    }
    out
}

/// W-TOTAL-MISMATCH: a 合计 row disagrees with the sum of its column.
pub(super) fn total_mismatch(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    let Some(total) = &l.total else { return vec![] };
    if l.rejected_rows > 0 {
        return vec![];
    }
    let mut out = Vec::new();
    for (field, written) in &total.amounts {
        let sum: i64 = projects
            .iter()
            .flat_map(money)
            .filter(|(f, _)| f == field)
            .map(|(_, v)| v)
            .sum();
        if (written - sum).abs() > 50 {
            let col = l.header.col(*field).unwrap_or(0);
            out.push(
                Diagnostic::at(Code::TotalMismatch, &l.sheet, total.row, col)
                    .value(Wan(*written).to_string())
                    .arg("column", field.title())
                    .arg("sum", Wan(sum)),
            );
        }
    }
    out
}

/// W-NEGOTIATING-DATED: a project under negotiation carries a signing date.
pub(super) fn negotiating_dated(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    projects
        .iter()
        .filter(|p| p.stage == Stage::Negotiating)
        .filter_map(|p| {
            p.signed_on
                .map(|d| at(l, p, Code::NegotiatingDated, Field::SignedOn).value(ymd(d)))
        })
        .collect()
}

/// W-BIG-NOT-STARTED: a 亿元以上 project without a start date six months after signing,
/// unless its 备注 says it was terminated (终止).
pub(super) fn big_not_started(s: &Subject) -> Vec<Diagnostic> {
    let (Some((l, projects)), Some(period)) = (ledger(s), s.period()) else {
        return vec![];
    };
    projects
        .iter()
        .filter(|p| p.stage != Stage::Negotiating && p.started_on.is_none())
        .filter(|p| p.contract_amount.is_some_and(|a| a >= YI))
        // A terminated project will not start; its 备注 has said why.
        .filter(|p| !p.note.as_deref().is_some_and(crate::text::says_terminated))
        .filter_map(|p| p.signed_on.map(|d| (p, d)))
        .filter(|(_, d)| {
            d.checked_add_months(chrono::Months::new(6))
                .is_some_and(|due| due <= period.last_day())
        })
        .map(|(p, d)| at(l, p, Code::BigNotStarted, Field::StartedOn).value(ymd(d)))
        .collect()
}

/// How many signed rows with a contract amount the median needs before it says anything
/// about the unit: with one or two projects a very small or very large contract is just
/// that project.
pub(super) const MAGNITUDE_MIN_SIGNED: usize = 3;

/// A threshold of `[verify]` in 万元, as a message says it: `10 万元`, `100 亿元`.
fn threshold_words(wan: f64) -> String {
    if wan >= 10_000.0 && (wan / 10_000.0).fract() == 0.0 {
        format!("{} 亿元", wan / 10_000.0)
    } else {
        format!("{wan} 万元")
    }
}

/// A threshold in 万元 as hundredths, the unit amounts are held in.
fn threshold_cents(wan: f64) -> i128 {
    (wan * 100.0).round() as i128
}

/// V-MAGNITUDE: amounts implausible for their stated unit, held for verification (核实).
///
/// A county that types 亿元 under a 万元 title (2.5 for 25000) or 元 (250000000) states
/// figures 10,000 times off that no format check can see. Two signs: the median 合同投资额
/// of signed rows (at least [`MAGNITUDE_MIN_SIGNED`], zero amounts left out) outside
/// `[verify]`'s `median_contract_min_wan`..`median_contract_max_wan`, which also covers a
/// 亿元以上 count of zero while the amounts look like 亿元; and a row whose 本年累计到位资金
/// is more than `funds_to_contract_max` times its 合同投资额.
pub(super) fn implausible_magnitude(s: &Subject) -> Vec<Diagnostic> {
    let Some((l, projects)) = ledger(s) else {
        return vec![];
    };
    let verify = &s.cfg.file.verify;
    let mut out = Vec::new();
    let mut amounts: Vec<i128> = projects
        .iter()
        .filter(|p| p.stage != Stage::Negotiating)
        .filter_map(|p| p.contract_amount)
        .filter(|a| !a.is_zero())
        .map(|a| i128::from(a.cents()))
        .collect();
    if amounts.len() >= MAGNITUDE_MIN_SIGNED {
        amounts.sort_unstable();
        let n = amounts.len();
        let median = if n % 2 == 1 {
            amounts[n / 2]
        } else {
            (amounts[n / 2 - 1] + amounts[n / 2]) / 2
        };
        let shown = Wan(i64::try_from(median).unwrap_or(i64::MAX)).to_string();
        let min = threshold_words(verify.median_contract_min_wan);
        let max = threshold_words(verify.median_contract_max_wan);
        let finding = if median < threshold_cents(verify.median_contract_min_wan) {
            Some((
                format!("已签约项目合同投资额中位数为 {shown} 万元，低于 {min}：金额可能是以亿元填写的"),
                format!("the median 合同投资额 of the signed projects is {shown} 万元, below {min}: the amounts may have been typed in 亿元"),
            ))
        } else if median > threshold_cents(verify.median_contract_max_wan) {
            Some((
                format!("已签约项目合同投资额中位数为 {shown} 万元，高于 {max}：金额可能是以元填写的"),
                format!("the median 合同投资额 of the signed projects is {shown} 万元, above {max}: the amounts may have been typed in 元"),
            ))
        } else {
            None
        };
        if let Some((reason, reason_en)) = finding {
            let d = match l.header.col(Field::ContractAmount) {
                Some(col) => Diagnostic::at(Code::HoldMagnitude, &l.sheet, l.header.last_row, col),
                None => Diagnostic::in_sheet(Code::HoldMagnitude, &l.sheet),
            };
            out.push(
                d.value(format!("{shown} 万元"))
                    .arg("reason", reason)
                    .arg("reason_en", reason_en),
            );
        }
    }
    // One amount beyond any project there is (5万亿元 typed in 元 under 万元), however few
    // rows the median could look at.
    let row_max = threshold_cents(verify.row_contract_max_wan);
    for p in projects {
        let Some(contract) = p
            .contract_amount
            .filter(|c| i128::from(c.cents()) > row_max)
        else {
            continue;
        };
        let max = threshold_words(verify.row_contract_max_wan);
        out.push(
            at(l, p, Code::HoldMagnitude, Field::ContractAmount)
                .value(format!("{contract} 万元"))
                .arg(
                    "reason",
                    format!("合同投资额 {contract} 万元，超过单个项目 {max} 的上限：金额可能是以元填写的"),
                )
                .arg(
                    "reason_en",
                    format!("a contract amount of {contract} 万元 is beyond the {max} a single project can be: it may have been typed in 元"),
                ),
        );
    }
    let ratio = verify.funds_to_contract_max;
    for p in projects {
        let Some(contract) = p.contract_amount.filter(|c| c.cents() > 0) else {
            continue;
        };
        let times = p.funds_ytd.cents() as f64 / contract.cents() as f64;
        if times > ratio {
            out.push(
                at(l, p, Code::HoldMagnitude, Field::FundsYtd)
                    .value(format!("{} 万元", p.funds_ytd))
                    .arg(
                        "reason",
                        format!(
                            "本年累计到位资金 {} 万元是合同投资额 {contract} 万元的 {times:.0} 倍，超过 {ratio} 倍：两者的单位可能不一致",
                            p.funds_ytd
                        ),
                    )
                    .arg(
                        "reason_en",
                        format!(
                            "funds in place this year ({} 万元) are {times:.0} times the contract amount ({contract} 万元), more than {ratio} times: the two may be in different units",
                            p.funds_ytd
                        ),
                    ),
            );
        }
    }
    out
}
