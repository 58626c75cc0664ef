//! The context: the only thing the templates see.
//!
//! A plain, serialisable picture of the bulletin in the words a template uses: figures in
//! their own units (万元, 万美元, counts) for the helpers to print, ready-printed texts for
//! simple loops, names instead of codes, and the section numbers the composer will use, so
//! that 数据说明 stays `四、` when there is no clerk text and becomes `六、` when there is.
//! Every optional value is present as `null` (never left out), so strict mode can tell a
//! misspelt name from an absent figure.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value as JsonValue};

use crate::aggregate::progress::{FollowUpCounts, FollowUpEntry, ProgressFigures};
use crate::aggregate::register::FollowUpReason;
use crate::aggregate::{round1, AreaFigures, Bulletin, LeagueTable, ReturnStatus, TopList};
use crate::config::Config;
use crate::model::{FigureKey, Figures, Period, Wan};
use crate::render::templates::{self, yi};

use super::ComposeError;

/// Everything a template can use. Field names are the variable names of the templates;
/// the comment header of each `.hbs` file lists the ones it needs.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinContext {
    /// `2025-06`.
    pub period: String,
    pub year: i32,
    pub month: u32,
    /// Whether this is January, when the month and the year to date are the same figures.
    pub first_month: bool,
    /// `1—6月`, or `1月` in January.
    pub span: String,
    /// The area of the title: 全市.
    pub region: String,
    /// 发文机关.
    pub issuer: String,
    /// 发文字号 with year and number filled in: 渝招通〔2025〕6号.
    pub doc_number: String,
    /// 成文日期, `YYYY-MM-DD` (print it with `cn_date`).
    pub issue_date: String,
    /// 序时进度 in per cent (50.0 after June).
    pub elapsed_pct: f64,
    /// The whole area's indicators by key: `total.signed_amount.ytd`.
    pub total: BTreeMap<FigureKey, IndicatorContext>,
    /// The same indicators as a list, in the order of the headline table.
    pub headline: Vec<IndicatorContext>,
    /// 资金到位率 and 开工率 of the whole area.
    pub rates: Rates,
    /// Sums per group, in roster order.
    pub groups: Vec<GroupContext>,
    /// Who reported.
    pub reporting: Reporting,
    /// The league tables' leaders, per ranked group.
    pub league: Vec<LeagueContext>,
    /// The top lists (十强榜) that have entries, with their first three entries.
    pub top_lists: Vec<TopListContext>,
    /// The same, only the lists that rank units (not projects).
    pub unit_top_lists: Vec<TopListContext>,
    /// Units whose 完成率 is below 序时进度, per indicator with targets.
    pub behind_schedule: Vec<BehindSchedule>,
    /// 亿元以上 projects signed in the month.
    pub projects: ProjectsContext,
    /// 重点项目推进情况: the cohort's conversion and the follow-up list (督办清单).
    pub progress: ProgressContext,
    /// The annexes' numbers (附件N), as 附件说明 lists them.
    pub annex: AnnexContext,
    /// Warnings of accepted returns that bear on the figures.
    pub data_notes: Vec<NoteContext>,
    /// Counted returns with such warnings (their details are in the receipts and the
    /// workbook's 数据说明 sheet, never in the bulletin).
    pub noted_units: usize,
    /// The unit foreign capital is printed in throughout the document, chosen once from
    /// the year-to-date total: 亿美元 from 1 亿美元 up, else 万美元.
    pub usd_unit: &'static str,
    /// 版记.
    pub colophon: ColophonContext,
    /// The clerk's 存在问题, one entry per non-empty line; null without a file.
    pub problems: Option<Vec<String>>,
    /// The clerk's 下步工作, one entry per non-empty line; null without a file.
    pub next_steps: Option<Vec<String>>,
    /// Section numbers (print them with `cn_ordinal`).
    pub sections: Sections,
}

/// One indicator of an area (the whole region or a group).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorContext {
    /// `signed_amount`.
    pub key: FigureKey,
    /// 新签约合同投资额.
    pub label: &'static str,
    /// The unit it is printed in: 亿元, 万美元 or 个.
    pub measure: &'static str,
    /// The month's figure: a whole number for counts, else 万元 (万美元 for `fdi_usd`).
    pub month: JsonValue,
    /// The year to date, in the same unit as `month`.
    pub ytd: JsonValue,
    /// The same period last year; null without last year's returns.
    pub last_year: JsonValue,
    /// 同比 in per cent; null when not computable.
    pub yoy_pct: Option<f64>,
    /// Whether `yoy_pct` is given (0.0 is a figure, so test this rather than `yoy_pct`).
    pub has_yoy: bool,
    /// 完成率 in per cent against the annual target; null without a target.
    pub completion_pct: Option<f64>,
    /// Whether `completion_pct` is given.
    pub has_target: bool,
    /// `month` printed with its unit: `6.70亿元`, `2个`, `50.00万美元`.
    pub month_text: String,
    /// `ytd` printed with its unit.
    pub ytd_text: String,
}

/// 资金到位率 and 开工率.
#[derive(Debug, Clone, Serialize)]
pub struct Rates {
    pub funds_rate_pct: Option<f64>,
    pub has_funds_rate: bool,
    pub start_rate_pct: Option<f64>,
    pub has_start_rate: bool,
}

/// A group's sums.
#[derive(Debug, Clone, Serialize)]
pub struct GroupContext {
    pub name: String,
    /// Whether the group is ranked.
    pub league: bool,
    /// Units in the group.
    pub units: usize,
    /// Units with an accepted return.
    pub reported: usize,
    pub indicators: BTreeMap<FigureKey, IndicatorContext>,
}

/// Who reported.
#[derive(Debug, Clone, Serialize)]
pub struct Reporting {
    /// Units on the roster.
    pub units: usize,
    /// Units with an accepted return.
    pub reported: usize,
    pub all_reported: bool,
    /// Names of units that sent nothing (未报送).
    pub missing: Vec<String>,
    pub missing_count: usize,
    /// Names of units whose return was rejected (未通过审核).
    pub rejected: Vec<String>,
    pub rejected_count: usize,
    /// Names of units whose return is held for verification (待核实).
    pub held: Vec<String>,
    pub held_count: usize,
    /// Units counted this year without figures for the same period last year: left out
    /// of 同比 on both sides (可比口径).
    pub no_last_year: Vec<String>,
    pub no_last_year_count: usize,
    /// Units whose counted return came after the deadline (迟报).
    pub late: Vec<String>,
    pub late_count: usize,
    /// The deadline of returns, `YYYY-MM-DD` (print it with `cn_date`).
    pub deadline: String,
    /// Returns counted after the clerk confirmed them: unit and explanation.
    pub confirmed: Vec<ConfirmedContext>,
    /// Counted returns that do not state some figures: unit and the figures' names.
    pub unstated: Vec<UnstatedContext>,
}

/// A counted return that leaves figures out, as the data notes print it.
#[derive(Debug, Clone, Serialize)]
pub struct UnstatedContext {
    pub unit: String,
    /// 实际到位资金（本月）、实际使用外资
    pub figures: String,
}

/// A return the clerk confirmed after verification, as the data notes print it.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmedContext {
    pub unit: String,
    /// The clerk's explanation, on one line.
    pub note: String,
}

/// One ranked group's table, as a sentence needs it.
#[derive(Debug, Clone, Serialize)]
pub struct LeagueContext {
    pub group: String,
    /// Units ranked.
    pub ranked: usize,
    /// The units ranked first to third (more with ties).
    pub leaders: Vec<LeaderContext>,
    /// Units listed unranked below, with 未报送 / 未通过审核.
    pub unranked: Vec<UnrankedContext>,
}

/// A unit near the top of a league table.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderContext {
    /// The rank (named so that it does not hide the `rank` helper: `{{rank place}}`).
    pub place: u32,
    pub name: String,
    pub score: f64,
    /// The score with two decimals: `87.35`.
    pub score_text: String,
}

/// A unit without a score.
#[derive(Debug, Clone, Serialize)]
pub struct UnrankedContext {
    pub name: String,
    /// 未报送 or 未通过审核.
    pub status: &'static str,
}

/// A top list and its first three entries.
#[derive(Debug, Clone, Serialize)]
pub struct TopListContext {
    pub key: String,
    /// 新签约合同投资额十强.
    pub title: String,
    /// The indicator ranked: 新签约合同投资额.
    pub label: &'static str,
    /// 亿元, 万美元 or 个.
    pub measure: &'static str,
    /// Whether the list ranks projects rather than units.
    pub projects: bool,
    /// Entries in the whole list (up to ten, more with ties).
    pub count: usize,
    pub top3: Vec<TopEntryContext>,
}

/// One entry of a top list.
#[derive(Debug, Clone, Serialize)]
pub struct TopEntryContext {
    /// The rank (named so that it does not hide the `rank` helper: `{{rank place}}`).
    pub place: u32,
    /// The unit's name, or the project's.
    pub name: String,
    /// The unit (for a project list, the project's unit).
    pub unit: String,
    /// The value in the list's own unit (万元 for amounts).
    pub value: f64,
    /// The value printed with its unit: `7.50亿元`.
    pub value_text: String,
}

/// The units behind 序时进度 on one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct BehindSchedule {
    pub key: FigureKey,
    pub label: &'static str,
    /// Units with both an accepted return and a target for this indicator.
    pub assessed: usize,
    /// Units behind schedule.
    pub count: usize,
    pub units: Vec<BehindUnit>,
}

/// A unit behind schedule.
#[derive(Debug, Clone, Serialize)]
pub struct BehindUnit {
    pub name: String,
    pub group: String,
    pub completion_pct: f64,
    /// 序时进度 − 完成率, in percentage points.
    pub gap: f64,
}

/// 亿元以上 projects signed in the month.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectsContext {
    pub count: usize,
    /// Their contract amount, 万元.
    pub amount: f64,
    /// All of them, largest first (附件2).
    pub list: Vec<ProjectContext>,
    /// The first `key_projects` of the config, which the body names (重点项目).
    pub key: Vec<ProjectContext>,
    pub key_count: usize,
    /// The key projects' contract amount, 万元.
    pub key_amount: f64,
    /// The others: how many, and their contract amount in 万元.
    pub rest_count: usize,
    pub rest_amount: f64,
}

/// The annexes printed and their numbers: 附件1 (the units' figures) always; the month's
/// 亿元以上 projects when there are any; the 督办清单 when it has projects.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AnnexContext {
    /// How many annexes there are.
    pub count: u32,
    /// The number of the 亿元以上 projects' annex; null without one.
    pub projects: Option<u32>,
    /// The number of the 督办清单 annex; null without one.
    pub follow_up: Option<u32>,
}

/// One group's (or the area's) conversion, as the section's table and sentences need it.
#[derive(Debug, Clone, Serialize)]
pub struct ConversionContext {
    pub name: String,
    /// Projects of the cohort.
    pub signed: usize,
    pub started: usize,
    /// 开工率 in per cent, one decimal; null for an empty cohort (print it with `pct`).
    pub started_pct: Option<f64>,
    pub in_production: usize,
    /// 投产率 in per cent; null for an empty cohort.
    pub in_production_pct: Option<f64>,
    /// Median months from signing to start; null when no project states both dates.
    pub median_months: Option<f64>,
    pub has_median: bool,
    /// `median_months` printed: `3`, `3.5`, `—`.
    pub median_text: String,
    /// Projects of these units on the follow-up list.
    pub follow_up: usize,
}

/// How many projects of one reason are on the follow-up list.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonCount {
    /// `stalled`, `no_funds` or `vanished`.
    pub reason: &'static str,
    pub count: usize,
}

/// One line of the 督办清单 annex: a project, or the vanished projects of one unit last
/// reported in one month when there are more than [`VANISHED_LISTED`] of them.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpLine {
    pub unit: String,
    /// The project's name; empty for a line of several vanished projects.
    pub name: String,
    pub investor: String,
    /// 合同投资额, 万元 (of the projects that state it, for a line of several); null when
    /// none does.
    pub amount: Option<f64>,
    /// `stalled`, `no_funds` or `vanished`.
    pub reason: &'static str,
    /// Months past the rule's threshold; null for vanished projects.
    pub months_overdue: Option<i64>,
    /// The month of the file that last reported it, `YYYY-MM`.
    pub last_period: String,
    /// How many projects the line stands for (1, or the vanished projects it counts).
    pub projects: usize,
}

/// 重点项目推进情况.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressContext {
    /// The cohort in words: 2024年7月至2025年6月, or 2025年1—6月.
    pub cohort: String,
    /// Whether the cohort is a calendar year's signings (`[projects] cohort = "year"`).
    pub cohort_year: bool,
    /// The whole area.
    pub area: ConversionContext,
    /// Each group, in roster order.
    pub groups: Vec<ConversionContext>,
    /// `[projects] stalled_months` and `no_funds_months`.
    pub stalled_months: u32,
    pub no_funds_months: u32,
    /// Projects on the follow-up list, and how many for each reason that has any.
    pub follow_up_count: usize,
    pub follow_up_reasons: Vec<ReasonCount>,
    /// Units with a project on the list.
    pub follow_up_units: usize,
    /// The annex's lines, by unit in roster order, most overdue first.
    pub follow_up_lines: Vec<FollowUpLine>,
    /// Vanished projects counted in lines of several rather than named (they are named in
    /// the workbook's 督办清单 sheet), and how many such lines.
    pub grouped_projects: usize,
    pub grouped_lines: usize,
    /// [`VANISHED_LISTED`]: more of a unit's projects vanished in one month are one line.
    pub vanished_listed: usize,
}

/// 版记: 抄送, 印发机关, 印发日期.
#[derive(Debug, Clone, Serialize)]
pub struct ColophonContext {
    /// The bodies copied, in order; empty for no 抄送 line.
    pub copy_to: Vec<String>,
    /// 印发机关.
    pub printed_by: String,
    /// 印发日期, `YYYY-MM-DD` (the 成文日期; print it with `cn_date`).
    pub printed_on: String,
}

/// One 亿元以上 project.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectContext {
    pub unit: String,
    pub name: String,
    pub investor: String,
    pub industry: String,
    /// 签约日期, `YYYY-MM-DD`.
    pub signed_on: String,
    /// 合同投资额, 万元.
    pub amount: f64,
}

/// A data note.
#[derive(Debug, Clone, Serialize)]
pub struct NoteContext {
    pub unit: String,
    /// The warning's code, e.g. W-FUNDS-DROP.
    pub code: String,
    /// Sheet and cell, e.g. 项目明细!J7; empty for the whole return.
    pub place: String,
    pub message: String,
}

/// Section numbers; the optional ones are null when their section is left out.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Sections {
    pub overall: u32,
    pub groups: u32,
    pub projects: u32,
    /// 重点项目推进情况.
    pub progress: u32,
    pub problems: Option<u32>,
    pub next_steps: Option<u32>,
    pub data_notes: u32,
}

/// Text read from a return, on one line: the composer makes a block of every line a
/// template prints, so a project name typed with Alt+Enter in Excel must not split a
/// paragraph in two.
fn single_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The 发文字号: `{year}` and `{number}` of the config's pattern filled in.
pub fn doc_number(pattern: &str, year: i32, number: u32) -> String {
    pattern
        .replace("{year}", &year.to_string())
        .replace("{number}", &number.to_string())
}

/// A figure (in its own unit) printed with its unit, for sentences.
pub(crate) fn figure_text(k: FigureKey, v: f64) -> String {
    figure_text_in(k, v, None)
}

/// [`figure_text`] with foreign capital in a document's chosen unit.
fn figure_text_in(k: FigureKey, v: f64, usd_unit: Option<&str>) -> String {
    if k.is_count() {
        format!("{}个", v.round() as i64)
    } else if k == FigureKey::FdiUsd {
        templates::usd_in(v, usd_unit)
    } else {
        format!("{}亿元", yi(v))
    }
}

fn figure_json(k: FigureKey, f: &Figures) -> JsonValue {
    if k.is_count() {
        json!(f.raw(k))
    } else {
        json!(f.value(k))
    }
}

fn indicator(
    k: FigureKey,
    month: &Figures,
    ytd: &Figures,
    last: Option<&Figures>,
    yoy_pct: Option<f64>,
    completion_pct: Option<f64>,
    usd_unit: &'static str,
) -> IndicatorContext {
    IndicatorContext {
        key: k,
        label: k.label(),
        measure: if k == FigureKey::FdiUsd {
            usd_unit
        } else {
            k.print_unit()
        },
        month: figure_json(k, month),
        ytd: figure_json(k, ytd),
        last_year: last.map_or(JsonValue::Null, |l| figure_json(k, l)),
        yoy_pct,
        has_yoy: yoy_pct.is_some(),
        completion_pct,
        has_target: completion_pct.is_some(),
        month_text: figure_text_in(k, month.value(k), Some(usd_unit)),
        ytd_text: figure_text_in(k, ytd.value(k), Some(usd_unit)),
    }
}

fn indicators(a: &AreaFigures, usd_unit: &'static str) -> BTreeMap<FigureKey, IndicatorContext> {
    FigureKey::ALL
        .into_iter()
        .map(|k| {
            (
                k,
                indicator(
                    k,
                    &a.month,
                    &a.ytd,
                    a.ytd_last_year.as_ref(),
                    a.yoy_pct.get(&k).copied().flatten(),
                    a.completion_pct.get(&k).copied(),
                    usd_unit,
                ),
            )
        })
        .collect()
}

/// 未报送 / 待核实 / 未通过审核 / 已报送.
pub(crate) fn status_label(s: ReturnStatus) -> &'static str {
    s.label()
}

fn league(t: &LeagueTable) -> LeagueContext {
    LeagueContext {
        group: t.group.clone(),
        ranked: t.rows.iter().filter(|r| r.rank.is_some()).count(),
        leaders: t
            .rows
            .iter()
            .filter_map(|r| match (r.rank, r.score) {
                (Some(rank), Some(score)) if rank <= 3 => Some(LeaderContext {
                    place: rank,
                    name: r.name.clone(),
                    score,
                    score_text: format!("{score:.2}"),
                }),
                _ => None,
            })
            .collect(),
        unranked: t
            .rows
            .iter()
            .filter(|r| r.rank.is_none())
            .map(|r| UnrankedContext {
                name: r.name.clone(),
                status: status_label(r.status),
            })
            .collect(),
    }
}

/// The figure key a top list ranks by: `units_funds_in_place` → funds in place,
/// `projects_signed_amount` → contract amount.
pub(crate) fn top_list_key(key: &str) -> Option<(bool, FigureKey)> {
    let (what, figure) = key.split_once('_')?;
    let k: FigureKey = serde_json::from_value(JsonValue::String(figure.to_string())).ok()?;
    Some((what == "projects", k))
}

fn top_list(t: &TopList, usd_unit: &'static str) -> TopListContext {
    let (projects, k) = top_list_key(&t.key).unwrap_or((false, FigureKey::SignedAmount));
    TopListContext {
        key: t.key.clone(),
        title: t.title.clone(),
        label: k.label(),
        measure: if k == FigureKey::FdiUsd {
            usd_unit
        } else {
            k.print_unit()
        },
        projects,
        count: t.entries.len(),
        top3: t
            .entries
            .iter()
            .filter(|e| e.rank <= 3)
            .map(|e| TopEntryContext {
                place: e.rank,
                name: single_line(&e.name),
                unit: single_line(&e.unit),
                value: e.value,
                value_text: figure_text_in(k, e.value, Some(usd_unit)),
            })
            .collect(),
    }
}

/// The indicators whose 完成率 is compared with 序时进度 unit by unit.
pub const SCHEDULED: [FigureKey; 2] = [FigureKey::SignedAmount, FigureKey::FundsInPlace];

fn behind_schedule(b: &Bulletin) -> Vec<BehindSchedule> {
    SCHEDULED
        .into_iter()
        .map(|k| {
            let assessed: Vec<(&str, &str, f64)> = b
                .units
                .iter()
                .filter(|u| u.ytd.is_some())
                .filter_map(|u| {
                    u.completion_pct
                        .get(&k)
                        .map(|c| (u.name.as_str(), u.group.as_str(), *c))
                })
                .collect();
            let units: Vec<BehindUnit> = assessed
                .iter()
                .filter(|(_, _, c)| round1(*c) < round1(b.elapsed_pct))
                .map(|(name, group, c)| BehindUnit {
                    name: name.to_string(),
                    group: group.to_string(),
                    completion_pct: *c,
                    gap: round1(b.elapsed_pct - c),
                })
                .collect();
            BehindSchedule {
                key: k,
                label: k.label(),
                assessed: assessed.len(),
                count: units.len(),
                units,
            }
        })
        .collect()
}

/// The month's 亿元以上 projects, the first `key` of them named in the body.
fn projects(list: &[crate::aggregate::BigProject], key: usize) -> ProjectsContext {
    let sum = |ps: &[crate::aggregate::BigProject]| {
        ps.iter()
            .map(|p| p.amount)
            .sum::<crate::model::Wan>()
            .as_f64()
    };
    let shown = key.min(list.len());
    let context = |p: &crate::aggregate::BigProject| ProjectContext {
        unit: p.unit.clone(),
        name: single_line(&p.name),
        investor: single_line(&p.investor),
        industry: single_line(&p.industry),
        signed_on: p.signed_on.clone(),
        amount: p.amount.as_f64(),
    };
    ProjectsContext {
        count: list.len(),
        amount: sum(list),
        list: list.iter().map(context).collect(),
        key: list[..shown].iter().map(context).collect(),
        key_count: shown,
        key_amount: sum(&list[..shown]),
        rest_count: list.len() - shown,
        rest_amount: sum(&list[shown..]),
    }
}

/// A unit's vanished projects last reported in the same month are named one by one up to
/// this many; more are one line of the annex (a unit that dropped a whole year's ledger is
/// one matter to follow up, not fifty), each of them named in the workbook's 督办清单.
pub const VANISHED_LISTED: usize = 5;

/// A follow-up reason's key, as the templates test it.
fn reason_key(r: FollowUpReason) -> &'static str {
    match r {
        FollowUpReason::Stalled => "stalled",
        FollowUpReason::NoFunds => "no_funds",
        FollowUpReason::Vanished => "vanished",
    }
}

pub(super) fn conversion_context(name: &str, f: &ProgressFigures) -> ConversionContext {
    let c = &f.conversion;
    let share = |r: &crate::aggregate::register::Rate| r.rate.map(|x| round1(x * 100.0));
    ConversionContext {
        name: name.to_string(),
        signed: c.started.of,
        started: c.started.count,
        started_pct: share(&c.started),
        in_production: c.in_production.count,
        in_production_pct: share(&c.in_production),
        median_months: c.median_months_to_start,
        has_median: c.median_months_to_start.is_some(),
        median_text: median_text(c.median_months_to_start),
        follow_up: f.follow_up.total,
    }
}

/// Months as the bulletin prints a median: `3`, `3.5`; `—` when there is none.
pub(crate) fn median_text(m: Option<f64>) -> String {
    match m {
        None => templates::DASH.to_string(),
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
    }
}

/// The annex's lines: each stalled and unfunded project, and each vanished one unless its
/// unit lost more than [`VANISHED_LISTED`] in the same month, which are then one line.
fn follow_up_lines(entries: &[FollowUpEntry]) -> (Vec<FollowUpLine>, usize, usize) {
    let mut vanished: BTreeMap<(&str, Period), Vec<&FollowUpEntry>> = BTreeMap::new();
    for e in entries
        .iter()
        .filter(|e| e.reason == FollowUpReason::Vanished)
    {
        vanished
            .entry((e.unit_code.as_str(), e.last_file.period))
            .or_default()
            .push(e);
    }
    let (mut grouped_projects, mut grouped_lines) = (0, 0);
    let mut lines = Vec::new();
    let mut done: std::collections::BTreeSet<(&str, Period)> = Default::default();
    for e in entries {
        let key = (e.unit_code.as_str(), e.last_file.period);
        match vanished.get(&key) {
            Some(group)
                if e.reason == FollowUpReason::Vanished && group.len() > VANISHED_LISTED =>
            {
                if !done.insert(key) {
                    continue;
                }
                let stated: Vec<Wan> = group.iter().filter_map(|g| g.contract_amount).collect();
                grouped_projects += group.len();
                grouped_lines += 1;
                lines.push(FollowUpLine {
                    unit: single_line(&e.unit),
                    name: String::new(),
                    investor: String::new(),
                    amount: (!stated.is_empty())
                        .then(|| stated.iter().copied().sum::<Wan>().as_f64()),
                    reason: reason_key(e.reason),
                    months_overdue: None,
                    last_period: e.last_file.period.to_string(),
                    projects: group.len(),
                });
            }
            _ => lines.push(FollowUpLine {
                unit: single_line(&e.unit),
                name: single_line(&e.name),
                investor: single_line(&e.investor),
                amount: e.contract_amount.map(Wan::as_f64),
                reason: reason_key(e.reason),
                months_overdue: e.months_overdue,
                last_period: e.last_file.period.to_string(),
                projects: 1,
            }),
        }
    }
    (lines, grouped_projects, grouped_lines)
}

/// The reasons with projects on the list, and how many.
pub(super) fn reason_counts(c: &FollowUpCounts) -> Vec<ReasonCount> {
    [
        ("stalled", c.stalled),
        ("no_funds", c.no_funds),
        ("vanished", c.vanished),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(reason, count)| ReasonCount { reason, count })
    .collect()
}

fn progress(b: &Bulletin, region: &str) -> ProgressContext {
    let p = &b.progress;
    let (follow_up_lines, grouped_projects, grouped_lines) = follow_up_lines(&p.follow_up);
    let counts = &p.area.follow_up;
    ProgressContext {
        cohort: crate::aggregate::progress::cohort_words(&p.cohort),
        cohort_year: p.cohort.year.is_some(),
        area: conversion_context(region, &p.area),
        groups: p
            .groups
            .iter()
            .map(|g| conversion_context(&g.name, &g.figures))
            .collect(),
        stalled_months: p.stalled_months,
        no_funds_months: p.no_funds_months,
        follow_up_count: p.follow_up.len(),
        follow_up_reasons: reason_counts(counts),
        follow_up_units: p
            .units
            .iter()
            .filter(|u| u.figures.follow_up.total > 0)
            .count(),
        follow_up_lines,
        grouped_projects,
        grouped_lines,
        vanished_listed: VANISHED_LISTED,
    }
}

/// The unit of foreign capital for a whole document: 亿美元 when the total reaches one
/// 亿美元 (10,000 万美元), so that the text and the tables say the same.
pub(crate) fn usd_unit(total_wan_usd: f64) -> &'static str {
    if total_wan_usd.abs() >= 10_000.0 {
        "亿美元"
    } else {
        "万美元"
    }
}

/// Reads a text the clerk writes (存在问题, 下步工作): one entry per non-empty line. `None`
/// when no file is configured or the file holds only blank lines.
fn clerk_text(
    cfg: &Config,
    file: Option<&PathBuf>,
    what: &'static str,
) -> Result<Option<Vec<String>>, ComposeError> {
    let Some(file) = file else {
        return Ok(None);
    };
    let path = cfg.resolve(file);
    let text = std::fs::read_to_string(&path).map_err(|source| ComposeError::ClerkText {
        path: path.clone(),
        what,
        source,
    })?;
    Ok(paragraphs(&text))
}

/// The non-empty lines of a text, trimmed (also of the full-width spaces a clerk types to
/// indent a paragraph: the layout indents them itself).
fn paragraphs(text: &str) -> Option<Vec<String>> {
    let lines: Vec<String> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    (!lines.is_empty()).then_some(lines)
}

/// Builds the context of a bulletin, reading the clerk's texts the config names.
pub fn context(
    b: &Bulletin,
    cfg: &Config,
    issue_date: NaiveDate,
) -> Result<BulletinContext, ComposeError> {
    let meta = &cfg.file.bulletin;
    let problems = clerk_text(cfg, meta.problems_file.as_ref(), "存在问题")?;
    let next_steps = clerk_text(cfg, meta.next_steps_file.as_ref(), "下步工作")?;
    let mut next = 5;
    let mut take = |present: bool| {
        present.then(|| {
            next += 1;
            next - 1
        })
    };
    let problems_no = take(problems.is_some());
    let next_steps_no = take(next_steps.is_some());
    let sections = Sections {
        overall: 1,
        groups: 2,
        projects: 3,
        progress: 4,
        problems: problems_no,
        next_steps: next_steps_no,
        data_notes: next,
    };
    let usd_unit = usd_unit(b.total.ytd.fdi_usd.as_f64());
    let total = indicators(&b.total, usd_unit);
    let top_lists: Vec<TopListContext> = b
        .top_lists
        .iter()
        .filter(|t| !t.entries.is_empty())
        .map(|t| top_list(t, usd_unit))
        .collect();
    let reported = b.units.iter().filter(|u| u.ytd.is_some()).count();
    let no_last_year: Vec<String> = b
        .units
        .iter()
        .filter(|u| u.ytd.is_some() && u.ytd_last_year.is_none())
        .map(|u| u.name.clone())
        .collect();
    Ok(BulletinContext {
        period: b.period.to_string(),
        year: b.period.year,
        month: b.period.month,
        first_month: b.period.month == 1,
        span: templates::span(b.period.month),
        region: meta.region.clone(),
        issuer: meta.issuer.clone(),
        doc_number: doc_number(
            &meta.doc_number,
            b.period.year,
            meta.number.unwrap_or(b.period.month),
        ),
        issue_date: issue_date.format("%Y-%m-%d").to_string(),
        elapsed_pct: b.elapsed_pct,
        headline: total.values().cloned().collect(),
        total,
        rates: Rates {
            funds_rate_pct: b.total.funds_rate_pct,
            has_funds_rate: b.total.funds_rate_pct.is_some(),
            start_rate_pct: b.total.start_rate_pct,
            has_start_rate: b.total.start_rate_pct.is_some(),
        },
        groups: b
            .groups
            .iter()
            .map(|g| GroupContext {
                name: g.name.clone(),
                league: g.league,
                units: g.figures.units,
                reported: g.figures.reported,
                indicators: indicators(&g.figures, usd_unit),
            })
            .collect(),
        reporting: Reporting {
            units: b.units.len(),
            reported,
            all_reported: reported == b.units.len(),
            missing_count: b.not_reported.len(),
            missing: b.not_reported.clone(),
            rejected_count: b.rejected.len(),
            rejected: b.rejected.clone(),
            held_count: b.held.len(),
            held: b.held.clone(),
            no_last_year_count: no_last_year.len(),
            no_last_year,
            late_count: b.late.len(),
            late: b.late.clone(),
            deadline: cfg.deadline(b.period).format("%Y-%m-%d").to_string(),
            unstated: b
                .unstated
                .iter()
                .map(|n| UnstatedContext {
                    unit: n.unit.clone(),
                    figures: n.labels().join("、"),
                })
                .collect(),
            confirmed: b
                .confirmed
                .iter()
                .map(|c| ConfirmedContext {
                    unit: c.unit.clone(),
                    note: single_line(&c.note),
                })
                .collect(),
        },
        league: b.league.iter().map(league).collect(),
        unit_top_lists: top_lists.iter().filter(|t| !t.projects).cloned().collect(),
        top_lists,
        behind_schedule: behind_schedule(b),
        projects: projects(&b.big_projects, meta.key_projects),
        progress: progress(b, &meta.region),
        annex: {
            let projects = (!b.big_projects.is_empty()).then_some(2);
            let follow_up =
                (!b.progress.follow_up.is_empty()).then(|| projects.map_or(2, |n| n + 1));
            AnnexContext {
                count: 1 + u32::from(projects.is_some()) + u32::from(follow_up.is_some()),
                projects,
                follow_up,
            }
        },
        noted_units: b
            .data_notes
            .iter()
            .map(|n| n.unit.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        usd_unit,
        colophon: ColophonContext {
            copy_to: meta.copy_to.clone(),
            printed_by: meta
                .printed_by
                .clone()
                .unwrap_or_else(|| meta.issuer.clone()),
            printed_on: issue_date.format("%Y-%m-%d").to_string(),
        },
        data_notes: b
            .data_notes
            .iter()
            .map(|n| NoteContext {
                unit: n.unit.clone(),
                code: n.code.clone(),
                place: single_line(&n.place),
                message: single_line(&n.message),
            })
            .collect(),
        problems,
        next_steps,
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_number_fills_year_and_number() {
        assert_eq!(
            doc_number("渝招通〔{year}〕{number}号", 2025, 6),
            "渝招通〔2025〕6号"
        );
    }

    #[test]
    fn clerk_paragraphs_are_the_non_empty_lines() {
        assert_eq!(
            paragraphs("\u{feff}　　一是项目落地慢。\n\n  二是到位资金少。  \n"),
            Some(vec![
                "一是项目落地慢。".to_string(),
                "二是到位资金少。".to_string()
            ])
        );
        assert_eq!(paragraphs(" \n\n"), None);
    }

    #[test]
    fn text_from_returns_is_kept_on_one_line() {
        assert_eq!(single_line("新材料\r\n产业园 一期\n"), "新材料 产业园 一期");
    }

    #[test]
    fn top_list_keys_name_their_figure() {
        assert_eq!(
            top_list_key("units_funds_in_place"),
            Some((false, FigureKey::FundsInPlace))
        );
        assert_eq!(
            top_list_key("projects_signed_amount"),
            Some((true, FigureKey::SignedAmount))
        );
        assert_eq!(top_list_key("nonsense"), None);
    }
}
