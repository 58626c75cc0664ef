//! The rules that compare a return with what came before it: last month's return of the
//! same unit (December's for a January return, across the year boundary), and other
//! units' returns for the same month. The archive supplies the history as plain model
//! values; these functions only look and report.

use std::collections::HashSet;
use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::model::{Figures, Period, PeriodFigures, Project, Stage, Unstated, UsdWan, Wan};
use crate::parse::vocab::Field;
use crate::text::{former_name, says_in_production, says_terminated};

use super::Subject;

/// A unit that reported a project: its code and its name, held once for all the keys
/// it is filed under (a nation's month is 600,000 keys).
pub(crate) type UnitRef = Arc<(String, String)>;

/// Projects units reported for one month: name-and-investor key → every unit that
/// reported it, in the order they were filed. (foldhash, seeded per process: a county
/// cannot pick names that collide.)
pub(crate) type Elsewhere = foldhash::HashMap<String, Vec<UnitRef>>;

/// What the archive knows around a return.
pub(crate) struct History<'a> {
    /// The unit's current return for the previous month, if any: within the year for the
    /// rules of a year (which pass over another year's), December's for a January return.
    pub last_month: Option<(Period, Rows<'a>)>,
    /// The file name of that return, as the county sent it.
    pub last_month_file: Option<&'a str>,
    /// The figures last month's return did not state.
    pub last_month_unstated: Unstated,
    /// Projects units reported for the same month. The return's own unit is passed over.
    pub elsewhere: &'a Elsewhere,
    /// The code of the unit whose return this is.
    pub own_code: &'a str,
    /// [`Project::cross_unit_key`] of each of the return's projects, in ledger order: computed once
    /// by the caller, which also files the projects under them.
    pub own_keys: &'a [String],
    /// [`Project::identity`] of each of the return's projects, in ledger order: computed
    /// once by the caller, which also stores them.
    pub own_identities: &'a [String],
}

/// A return's ledger rows: as the archive gave them, or shared with the register that
/// read them first ([`crate::archive::SharedMonth`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rows<'a> {
    Owned(&'a [Project]),
    Shared(&'a [Arc<Project>]),
}

impl<'a> Rows<'a> {
    fn len(self) -> usize {
        match self {
            Rows::Owned(rows) => rows.len(),
            Rows::Shared(rows) => rows.len(),
        }
    }
}

impl<'a> IntoIterator for Rows<'a> {
    type Item = &'a Project;
    type IntoIter = std::iter::Chain<
        std::slice::Iter<'a, Project>,
        std::iter::Map<std::slice::Iter<'a, Arc<Project>>, fn(&'a Arc<Project>) -> &'a Project>,
    >;

    /// The rows in order (one of the two is empty).
    fn into_iter(self) -> Self::IntoIter {
        let (owned, shared): (&'a [Project], &'a [Arc<Project>]) = match self {
            Rows::Owned(rows) => (rows, &[]),
            Rows::Shared(rows) => (&[], rows),
        };
        let unshared: fn(&'a Arc<Project>) -> &'a Project = |p| p;
        owned.iter().chain(shared.iter().map(unshared))
    }
}

/// The rules that need only the unit's own last month (not `h.elsewhere`): ingest runs
/// them beside the reading of later files, then [`project_elsewhere`] in path order.
pub(crate) fn against_last_month(s: &Subject, h: &History) -> Vec<Diagnostic> {
    let mut out = ytd_decrease(s, h);
    out.extend(project_vanished(s, h));
    out.extend(carried_vanished(s, h));
    out
}

/// The [`Project::cross_unit_key`] each renamed row of the return had under its former name.
fn former_keys(projects: &[Project]) -> HashSet<String> {
    projects
        .iter()
        .filter_map(|p| {
            let old = former_name(p.note.as_deref()?)?;
            Some(crate::model::cross_unit_key(&old, &p.investor))
        })
        .collect()
}

/// The year-to-date figures that can never fall within a year, with their labels.
fn cumulative(f: &Figures) -> [(&'static str, crate::model::Indicator, i64); 9] {
    use crate::model::Indicator::*;
    [
        ("新签约项目数", SignedCount, f.signed_count.into()),
        ("新签约合同投资额", SignedAmount, f.signed_amount.cents()),
        ("亿元以上项目数", BigCount, f.big_count.into()),
        ("亿元以上项目合同投资额", BigAmount, f.big_amount.cents()),
        ("新开工项目数", StartedCount, f.started_count.into()),
        (
            "新开工项目计划总投资",
            StartedInvestment,
            f.started_investment.cents(),
        ),
        ("实际到位资金", FundsInPlace, f.funds_in_place.cents()),
        (
            "省外境内到位资金",
            FundsOutOfProvince,
            f.funds_out_of_province.cents(),
        ),
        ("实际使用外资", FdiUsd, f.fdi_usd.cents()),
    ]
}

fn show(ind: crate::model::Indicator, v: i64) -> String {
    match ind.measure() {
        crate::model::Measure::Count => v.to_string(),
        crate::model::Measure::Rmb => format!("{} 万元", Wan(v)),
        crate::model::Measure::Usd => format!("{} 万美元", UsdWan(v)),
    }
}

/// Whether a year-to-date figure's fall from `prev` to `now` is beyond the 核实 thresholds:
/// more than `ytd_drop_share` of last month's figure and at least `ytd_drop_min_wan`
/// (amounts, in hundredths) or `ytd_drop_min_count` (counts).
fn drop_needs_verifying(
    v: &crate::config::Verify,
    ind: crate::model::Indicator,
    now: i64,
    prev: i64,
) -> bool {
    let drop = prev - now;
    let floor = match ind.measure() {
        crate::model::Measure::Count => i64::from(v.ytd_drop_min_count),
        _ => (v.ytd_drop_min_wan * 100.0).round() as i64,
    };
    drop > 0 && drop as f64 > v.ytd_drop_share * prev as f64 && drop >= floor
}

/// W-YTD-DECREASE: a year-to-date figure below last month's archived one; V-YTD-DROP when
/// the fall is beyond the 核实 thresholds (the return is held, not counted).
pub(crate) fn ytd_decrease(s: &Subject, h: &History) -> Vec<Diagnostic> {
    let (Some(ledger), Some(period), Some((last_period, last_projects))) =
        (&s.ret.ledger, s.period(), h.last_month)
    else {
        return vec![];
    };
    if last_period.year != period.year || last_period >= period {
        return vec![];
    }
    let now = PeriodFigures::from_ledger(&ledger.projects, period).ytd;
    let before = PeriodFigures::from_ledger(last_projects, last_period).ytd;
    // A figure either month does not state cannot be compared: a ledger that dropped its
    // funds columns has not reported funds falling to 0.
    let unstated = |ind: crate::model::Indicator| {
        ind.figure_key().is_some_and(|k| {
            s.ret.header.unstated.ytd.contains(k) || h.last_month_unstated.ytd.contains(k)
        })
    };
    let mut out = Vec::new();
    for ((label, ind, v), (_, _, prev)) in cumulative(&now).into_iter().zip(cumulative(&before)) {
        if v < prev && !unstated(ind) {
            let summary_cell = s
                .ret
                .summary
                .iter()
                .flatten()
                .find(|r| r.indicator == ind)
                .and_then(|r| r.ytd_cell.clone());
            let code = if drop_needs_verifying(&s.cfg.file.verify, ind, v, prev) {
                Code::HoldYtdDrop
            } else {
                Code::YtdDecrease
            };
            let d = match summary_cell {
                Some(c) => Diagnostic::at(code, &c.sheet, c.row, c.col),
                None => Diagnostic::in_sheet(code, &ledger.sheet),
            };
            out.push(
                d.value(show(ind, v))
                    .arg("indicator", label)
                    .arg("previous", show(ind, prev))
                    .arg("drop", show(ind, prev - v)),
            );
        }
    }
    out
}

/// W-PROJECT-VANISHED: a project in last month's return is missing from this one; and
/// V-PROJECTS-GONE when more than the configured share of them is (the return is held).
pub(crate) fn project_vanished(s: &Subject, h: &History) -> Vec<Diagnostic> {
    let (Some(ledger), Some(period), Some((last_period, last_projects))) =
        (&s.ret.ledger, s.period(), h.last_month)
    else {
        return vec![];
    };
    if last_period.year != period.year || last_period >= period {
        return vec![];
    }
    let ids: HashSet<&str> = h.own_identities.iter().map(String::as_str).collect();
    let keys: HashSet<&str> = h.own_keys.iter().map(String::as_str).collect();
    // A project renamed this month (备注「原名：…」) is still there under its new name.
    let renamed_from = former_keys(&ledger.projects);
    let gone: Vec<Diagnostic> = last_projects
        .into_iter()
        .filter(|p| {
            let key = p.cross_unit_key();
            !ids.contains(p.identity().as_str())
                && !keys.contains(key.as_str())
                && !renamed_from.contains(&key)
        })
        .map(|p| {
            Diagnostic::in_sheet(Code::ProjectVanished, &ledger.sheet)
                .value(p.name.clone())
                .arg("project", &p.name)
        })
        .collect();
    let share = s.cfg.file.verify.projects_gone_share;
    let mut out = Vec::with_capacity(gone.len() + 1);
    if !gone.is_empty() && gone.len() as f64 > share * last_projects.len() as f64 {
        out.push(
            Diagnostic::in_sheet(Code::HoldProjectsGone, &ledger.sheet)
                .value(gone.len().to_string())
                .arg("gone", gone.len())
                .arg("previous", last_projects.len()),
        );
    }
    out.extend(gone);
    out
}

/// W-CARRIED-VANISHED: a January return without a project carried over from an earlier
/// year (结转项目, return-format v1 sheet 3) that the unit's December return still listed:
/// signed before this year, not 在谈, and neither in production (项目进展 已投产, or 已投产 in
/// 备注) nor terminated (终止 in 备注). Such a project stays in the ledger until one of them
/// is said; one that said so in December may leave. The rules of a year's months
/// ([`project_vanished`]) cover February to December.
pub(crate) fn carried_vanished(s: &Subject, h: &History) -> Vec<Diagnostic> {
    let (Some(ledger), Some(period), Some((last_period, last_projects))) =
        (&s.ret.ledger, s.period(), h.last_month)
    else {
        return vec![];
    };
    if last_period.year + 1 != period.year || last_period.next() != period {
        return vec![];
    }
    let ids: HashSet<&str> = h.own_identities.iter().map(String::as_str).collect();
    let keys: HashSet<&str> = h.own_keys.iter().map(String::as_str).collect();
    let renamed_from = former_keys(&ledger.projects);
    // Still there: the same identity (项目编号, else name and investor), the same name and
    // investor, or renamed (备注「原名：…」 with the same investor).
    let still_reported = |p: &Project| {
        let key = p.cross_unit_key();
        ids.contains(p.identity().as_str())
            || keys.contains(key.as_str())
            || renamed_from.contains(&key)
    };
    let settled = |p: &Project| {
        p.stage == Stage::InProduction
            || p.note
                .as_deref()
                .is_some_and(|n| says_terminated(n) || says_in_production(n))
    };
    let (period_zh, period_en) = (
        format!("{}年{}月", last_period.year, last_period.month),
        last_period.to_string(),
    );
    last_projects
        .into_iter()
        .filter(|p| p.stage != Stage::Negotiating && !settled(p))
        .filter(|p| p.signed_on.is_some_and(|d| d < period.first_day()))
        .filter(|p| !still_reported(p))
        .map(|p| {
            let d = Diagnostic::in_sheet(Code::CarriedVanished, &ledger.sheet)
                .value(p.name.clone())
                .arg("project", &p.name)
                .arg("period", &period_zh)
                .arg("period_en", &period_en);
            match h.last_month_file {
                Some(file) => d.arg("file", file),
                None => d.arg("file", "—"),
            }
        })
        .collect()
}

/// W-PROJECT-ELSEWHERE: the same project (name and investor) reported by another unit.
pub(crate) fn project_elsewhere(s: &Subject, h: &History) -> Vec<Diagnostic> {
    let Some(ledger) = &s.ret.ledger else {
        return vec![];
    };
    let name_col = ledger.header.col(Field::Name).unwrap_or(0);
    ledger
        .projects
        .iter()
        .zip(h.own_keys)
        .filter_map(|(p, key)| {
            h.elsewhere
                .get(key)?
                .iter()
                .find(|u| u.0 != h.own_code)
                .map(|u| (p, &u.1))
        })
        .map(|(p, unit)| {
            Diagnostic::at(Code::ProjectElsewhere, &ledger.sheet, p.row, name_col)
                .value(p.name.clone())
                .arg("project", &p.name)
                .arg("other_unit", unit)
        })
        .collect()
}
