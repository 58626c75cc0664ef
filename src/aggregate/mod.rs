//! The aggregate stage: archived returns in, every figure the bulletin prints out.
//!
//! Reads the counted returns of a period from the archive (checksums verified on every
//! read), then computes with functions over [`StoredReturn`]s that touch nothing else:
//! per unit, group and total; month, year to date,
//! the same period last year and 同比; completion against targets and 序时进度; the league
//! table (功效系数法); top lists; 亿元以上 projects; breakdowns. Amounts are summed as
//! integers of 0.01 万元, so the order of units never changes a total.

pub mod brief;
mod league;
pub mod progress;
pub mod register;
pub mod status;
pub mod trace;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use crate::archive::{Archive, ArchiveError, StoredReturn};
use crate::config::{Category, Config, Sector};
use crate::model::{
    FigureKey, Figures, FundsSource, Period, PeriodFigures, Project, Stage, Verdict, Wan, YI,
};

pub use league::{league_tables, LeagueRow, LeagueTable};

/// Whether a unit's return for the period can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReturnStatus {
    Accepted,
    /// The current version waits for verification (核实): not counted.
    Held,
    Rejected,
    Missing,
}

impl ReturnStatus {
    /// A unit's status from the verdict of the version that stands (accepted or held, the
    /// latest received), if any, and whether it sent anything at all for the period.
    pub fn of(standing: Option<Verdict>, sent_anything: bool) -> ReturnStatus {
        match (standing, sent_anything) {
            (Some(Verdict::Held), _) => ReturnStatus::Held,
            (Some(_), _) => ReturnStatus::Accepted,
            (None, true) => ReturnStatus::Rejected,
            (None, false) => ReturnStatus::Missing,
        }
    }

    /// The one label of a status, used by the PDF, the workbook and the terminal alike.
    pub fn label(self) -> &'static str {
        self.label_in(crate::lang::Lang::Zh)
    }

    /// [`ReturnStatus::label`] in the reader's language.
    pub fn label_in(self, lang: crate::lang::Lang) -> &'static str {
        use crate::lang::Lang::{En, Zh};
        match (self, lang) {
            (ReturnStatus::Accepted, Zh) => "已报送",
            (ReturnStatus::Held, Zh) => "待核实",
            (ReturnStatus::Rejected, Zh) => "未通过审核",
            (ReturnStatus::Missing, Zh) => "未报送",
            (ReturnStatus::Accepted, En) => "accepted",
            (ReturnStatus::Held, En) => "held",
            (ReturnStatus::Rejected, En) => "rejected",
            (ReturnStatus::Missing, En) => "missing",
        }
    }
}

/// What the archive holds for one roster unit.
#[derive(Debug, Clone)]
pub struct UnitInput {
    pub code: String,
    pub status: ReturnStatus,
    pub current: Option<StoredReturn>,
    /// Year-to-date figures of the unit's current return for the same period last year
    /// (only these are compared, so its projects are not kept).
    pub last_year: Option<Figures>,
    /// The clerk's confirmation of a return that was held for verification.
    pub confirmation: Option<crate::archive::Confirmation>,
}

/// Gathers, for every roster unit in roster order, its current return for `period` and
/// the year-to-date figures of its return for the same period last year.
pub fn gather(
    archive: &Archive,
    cfg: &Config,
    period: Period,
) -> Result<Vec<UnitInput>, ArchiveError> {
    // Two queries for the whole roster, not two per unit.
    let mut current: HashMap<String, StoredReturn> = archive
        .current_returns(period)?
        .into_iter()
        .filter_map(|r| Some((r.info.unit_code.clone()?, r)))
        .collect();
    // Last year's returns are reduced to their figures one at a time.
    let before = period.year_earlier();
    let mut last_year: HashMap<String, Figures> = HashMap::new();
    archive.each_current_figures(before, before, |info, figures| {
        if let Some(code) = info.unit_code.clone() {
            last_year.insert(code, figures.ytd);
        }
    })?;
    let subs = archive.submissions(period)?;
    let submitted: HashSet<&str> = subs.iter().filter_map(|s| s.unit_code.as_deref()).collect();
    let held: HashSet<String> = archive
        .held(period)?
        .into_iter()
        .filter_map(|s| s.unit_code)
        .collect();
    let mut confirmations: HashMap<String, crate::archive::Confirmation> = archive
        .confirmations(period)?
        .into_iter()
        .map(|c| (c.unit_code.clone(), c))
        .collect();
    Ok(cfg
        .file
        .units
        .iter()
        .map(|u| {
            let current = current.remove(u.code());
            let standing = match (&current, held.contains(u.code())) {
                (Some(_), _) => Some(Verdict::Accepted),
                (None, true) => Some(Verdict::Held),
                (None, false) => None,
            };
            let status = ReturnStatus::of(standing, submitted.contains(u.code()));
            UnitInput {
                code: u.code().to_string(),
                status,
                current,
                last_year: last_year.remove(u.code()),
                confirmation: confirmations.remove(u.code()),
            }
        })
        .collect())
}

/// The month's own totals for the whole roster — what [`compute`] gives as `total.month` —
/// without holding the month's returns: each is reduced to its figures as it is loaded.
/// `None` when no roster unit has an accepted return for the month.
pub fn month_total(
    archive: &Archive,
    cfg: &Config,
    period: Period,
) -> Result<Option<Figures>, ArchiveError> {
    let roster: HashSet<&str> = cfg.file.units.iter().map(|u| u.code()).collect();
    // As in `gather`, a unit's later current return stands (they come in unit order).
    let mut by_unit: BTreeMap<String, Figures> = BTreeMap::new();
    archive.each_current_figures(period, period, |info, figures| {
        if let Some(code) = info.unit_code.as_deref().filter(|c| roster.contains(c)) {
            by_unit.insert(code.to_string(), figures.month);
        }
    })?;
    if by_unit.is_empty() {
        return Ok(None);
    }
    Ok(Some(by_unit.values().fold(
        Figures::default(),
        |mut t, f| {
            t += f;
            t
        },
    )))
}

/// Percentages by figure key (null where not computable).
pub type Pct = BTreeMap<FigureKey, Option<f64>>;

/// Rounds to one decimal, for percentages.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Rounds to two decimals, for scores.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// 同比 per key: (this ÷ last − 1) × 100, one decimal; null when last year is 0 or absent,
/// or either year does not state the figure.
pub fn yoy(now: &Figures, last: Option<&Figures>) -> Pct {
    FigureKey::ALL
        .into_iter()
        .map(|k| {
            let stated = |f: &Figures| !f.unstated.contains(k);
            let v = last.filter(|l| stated(l) && stated(now)).and_then(|l| {
                let before = l.raw(k);
                (before != 0).then(|| round1((now.raw(k) as f64 / before as f64 - 1.0) * 100.0))
            });
            (k, v)
        })
        .collect()
}

/// One unit's figures, as bulletin JSON shows them.
#[derive(Debug, Clone, Serialize)]
pub struct UnitFigures {
    pub code: String,
    pub name: String,
    pub group: String,
    pub status: ReturnStatus,
    pub month: Option<Figures>,
    pub ytd: Option<Figures>,
    pub ytd_last_year: Option<Figures>,
    pub yoy_pct: Option<Pct>,
    /// 完成率 for the keys with an annual target.
    pub completion_pct: BTreeMap<FigureKey, f64>,
    /// 资金到位率: YTD funds in place ÷ YTD contract amount of signed projects.
    pub funds_rate_pct: Option<f64>,
    /// 开工率: projects signed this year that have started ÷ projects signed this year.
    pub start_rate_pct: Option<f64>,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    /// Whether the unit takes part in its group's league table.
    pub in_league: bool,
    /// The unit's current accepted return; null without one.
    pub source: Option<trace::Source>,
}

/// Sums over a set of units.
#[derive(Debug, Clone, Serialize)]
pub struct AreaFigures {
    pub month: Figures,
    pub ytd: Figures,
    /// Sum over the units that have a return for the same period last year; null if none.
    pub ytd_last_year: Option<Figures>,
    /// 同比 on a comparable basis: this year's YTD of the units with last year's return
    /// against their last year's YTD.
    pub yoy_pct: Pct,
    pub completion_pct: BTreeMap<FigureKey, f64>,
    pub funds_rate_pct: Option<f64>,
    pub start_rate_pct: Option<f64>,
    /// Units with an accepted return, of all units.
    pub reported: usize,
    pub units: usize,
}

/// A group's sums.
#[derive(Debug, Clone, Serialize)]
pub struct GroupFigures {
    pub name: String,
    pub league: bool,
    #[serde(flatten)]
    pub figures: AreaFigures,
}

/// A 亿元以上 project signed in the month.
#[derive(Debug, Clone, Serialize)]
pub struct BigProject {
    pub unit: String,
    pub name: String,
    pub investor: String,
    pub industry: String,
    pub signed_on: String,
    pub amount: Wan,
}

/// One line of a breakdown.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BreakdownRow {
    pub name: String,
    pub signed_count: u32,
    pub signed_amount: Wan,
    pub funds_in_place: Wan,
}

/// One entry of a top list.
#[derive(Debug, Clone, Serialize)]
pub struct TopEntry {
    pub rank: u32,
    pub name: String,
    pub unit: String,
    pub value: f64,
}

/// A top-ten list (十强榜) of units or projects for one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct TopList {
    pub key: String,
    pub title: String,
    pub entries: Vec<TopEntry>,
}

/// A counted return that does not state some figures, for the data notes.
#[derive(Debug, Clone, Serialize)]
pub struct UnstatedNote {
    pub unit: String,
    /// The figures not stated for the month and for the year to date.
    pub month: Vec<FigureKey>,
    pub ytd: Vec<FigureKey>,
}

impl UnstatedNote {
    /// 实际到位资金（本月）、实际使用外资: each figure once, the span named when only one
    /// of the two is missing.
    pub fn labels(&self) -> Vec<String> {
        FigureKey::ALL
            .into_iter()
            .filter_map(|k| match (self.month.contains(&k), self.ytd.contains(&k)) {
                (true, true) => Some(k.label().to_string()),
                (true, false) => Some(format!("{}（本月）", k.label())),
                (false, true) => Some(format!("{}（累计）", k.label())),
                (false, false) => None,
            })
            .collect()
    }
}

/// A return counted after the clerk confirmed it (核实), for the data notes.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmedNote {
    pub unit: String,
    pub version: i64,
    /// The clerk's explanation, as written.
    pub note: String,
    /// RFC 3339, UTC.
    pub confirmed_at: String,
}

/// A warning of an accepted return, for the data notes.
#[derive(Debug, Clone, Serialize)]
pub struct DataNote {
    pub unit: String,
    pub code: String,
    pub place: String,
    pub message: String,
}

/// Everything the bulletin prints, as bulletin JSON (docs/cli.md) plus breakdowns.
#[derive(Debug, Clone, Serialize)]
pub struct Bulletin {
    pub period: Period,
    pub units: Vec<UnitFigures>,
    pub groups: Vec<GroupFigures>,
    pub total: AreaFigures,
    pub elapsed_pct: f64,
    pub not_reported: Vec<String>,
    pub rejected: Vec<String>,
    /// Units whose current return is held for verification (核实): not counted.
    pub held: Vec<String>,
    /// Units whose counted return arrived after the deadline (迟报), in roster order.
    pub late: Vec<String>,
    /// Returns counted after the clerk confirmed them, with the explanation.
    pub confirmed: Vec<ConfirmedNote>,
    /// Counted returns that leave figures out (their ledger lacks the columns): the
    /// totals add what the others stated.
    pub unstated: Vec<UnstatedNote>,
    pub league: Vec<LeagueTable>,
    pub top_lists: Vec<TopList>,
    pub big_projects: Vec<BigProject>,
    pub industries: Vec<BreakdownRow>,
    pub sectors: Vec<BreakdownRow>,
    pub categories: Vec<BreakdownRow>,
    pub size_brackets: Vec<BreakdownRow>,
    pub funds_sources: Vec<BreakdownRow>,
    pub origins: Vec<BreakdownRow>,
    pub data_notes: Vec<DataNote>,
    /// 重点项目推进情况: the register's conversion figures and the follow-up list (督办清单).
    pub progress: progress::Progress,
    /// Every counted project, for the workbook's 项目总表 (not in bulletin JSON).
    #[serde(skip)]
    pub ledger: Vec<trace::LedgerLine>,
}

fn pct(num: i64, den: i64) -> Option<f64> {
    (den != 0).then(|| round1(num as f64 / den as f64 * 100.0))
}

/// 资金到位率 and 开工率 over a set of projects for the year to `period`.
fn rates(projects: &[&Project], ytd: &Figures, period: Period) -> (Option<f64>, Option<f64>) {
    let signed: Vec<&&Project> = projects
        .iter()
        .filter(|p| p.is_signing_in(|d| period.ytd_contains(d)))
        .collect();
    let started = signed
        .iter()
        .filter(|p| {
            p.started_on.is_some() || matches!(p.stage, Stage::Started | Stage::InProduction)
        })
        .count();
    let funds_rate = if ytd.unstated.contains(FigureKey::FundsInPlace) {
        None
    } else {
        pct(ytd.funds_in_place.cents(), ytd.signed_amount.cents())
    };
    (funds_rate, pct(started as i64, signed.len() as i64))
}

fn completion(ytd: &Figures, targets: &BTreeMap<FigureKey, f64>) -> BTreeMap<FigureKey, f64> {
    targets
        .iter()
        .filter(|(k, t)| **t > 0.0 && !ytd.unstated.contains(**k))
        .map(|(k, t)| (*k, round1(ytd.value(*k) / t * 100.0)))
        .collect()
}

/// Sums the figures of units with an accepted return.
fn area(
    inputs: &[(&UnitInput, PeriodFigures, Option<Figures>)],
    targets: &BTreeMap<FigureKey, f64>,
    period: Period,
    units: usize,
) -> AreaFigures {
    let mut month = Figures::default();
    let mut ytd = Figures::default();
    let mut last: Option<Figures> = None;
    // This year's figures of the units that also have last year's: 同比 compares like
    // with like (可比口径), never two units this year with one last year.
    let mut comparable = Figures::default();
    let mut projects: Vec<&Project> = Vec::new();
    for (input, f, ly) in inputs {
        month += &f.month;
        ytd += &f.ytd;
        if let Some(ly) = ly {
            *last.get_or_insert_with(Figures::default) += ly;
            comparable += &f.ytd;
        }
        if let Some(r) = &input.current {
            projects.extend(r.projects.iter());
        }
    }
    let (funds_rate_pct, start_rate_pct) = rates(&projects, &ytd, period);
    AreaFigures {
        yoy_pct: yoy(&comparable, last.as_ref()),
        completion_pct: completion(&ytd, targets),
        month,
        ytd,
        ytd_last_year: last,
        funds_rate_pct,
        start_rate_pct,
        reported: inputs.len(),
        units,
    }
}

/// Adds up the targets of a set of units (a key counts only if every unit has it).
fn summed_targets<'a>(
    units: impl Iterator<Item = &'a crate::config::Unit> + Clone,
) -> BTreeMap<FigureKey, f64> {
    let mut out = BTreeMap::new();
    for k in FigureKey::ALL {
        let mut all = units.clone().map(|u| u.targets.get(&k).copied());
        let first = all.clone().next().flatten();
        if first.is_some() && all.clone().all(|t| t.is_some()) {
            out.insert(k, all.by_ref().flatten().sum());
        }
    }
    out
}

/// Computes the bulletin for `period` from the gathered inputs (roster order).
///
/// Without an archive the register is the inputs' own month: every project is current,
/// none has vanished, and the cohort holds what these ledgers sign.
pub fn compute(cfg: &Config, period: Period, inputs: &[UnitInput]) -> Bulletin {
    let progress = progress::compute(cfg, Arc::new(progress::register_of(inputs, period)));
    let mut b = compute_figures(cfg, period, inputs, progress);
    b.ledger = trace::ledger_lines(cfg, period, inputs);
    b
}

/// [`compute`] without the list of counted projects (`ledger`), with the progress
/// figures given.
fn compute_figures(
    cfg: &Config,
    period: Period,
    inputs: &[UnitInput],
    progress: progress::Progress,
) -> Bulletin {
    let name_of = |code: &str| {
        cfg.unit_by_code(code)
            .map_or(code.to_string(), |u| u.name().to_string())
    };
    let figures: Vec<Option<PeriodFigures>> = inputs
        .iter()
        .map(|i| {
            i.current.as_ref().map(|r| {
                PeriodFigures::from_ledger(&r.projects, period).with_unstated(&r.info.unstated)
            })
        })
        .collect();
    let last_year: Vec<Option<Figures>> = inputs.iter().map(|i| i.last_year).collect();

    let mut units: Vec<UnitFigures> = inputs
        .iter()
        .zip(&figures)
        .zip(&last_year)
        .map(|((input, f), ly)| {
            let unit = cfg.unit_by_code(&input.code);
            let group = unit.map_or(String::new(), |u| u.group.get_ref().clone());
            let group_league = cfg
                .file
                .groups
                .iter()
                .find(|g| *g.name.get_ref() == group)
                .is_none_or(|g| g.league);
            let in_league = unit.and_then(|u| u.league).unwrap_or(group_league)
                && !cfg.file.scoring.exclude.contains(&input.code);
            let (funds_rate_pct, start_rate_pct) = match (&input.current, f) {
                (Some(r), Some(f)) => rates(&r.projects.iter().collect::<Vec<_>>(), &f.ytd, period),
                _ => (None, None),
            };
            UnitFigures {
                code: input.code.clone(),
                name: name_of(&input.code),
                group,
                status: input.status,
                month: f.map(|f| f.month),
                ytd: f.map(|f| f.ytd),
                ytd_last_year: *ly,
                yoy_pct: f.map(|f| yoy(&f.ytd, ly.as_ref())),
                completion_pct: match (f, unit) {
                    (Some(f), Some(u)) => completion(&f.ytd, &u.targets),
                    _ => BTreeMap::new(),
                },
                funds_rate_pct,
                start_rate_pct,
                score: None,
                rank: None,
                in_league,
                source: input.current.as_ref().map(|r| trace::Source::of(&r.info)),
            }
        })
        .collect();

    let league = league_tables(cfg, &mut units);

    let accepted: Vec<(&UnitInput, PeriodFigures, Option<Figures>)> = inputs
        .iter()
        .zip(&figures)
        .zip(&last_year)
        .filter_map(|((i, f), ly)| f.map(|f| (i, f, *ly)))
        .collect();
    let groups = cfg
        .file
        .groups
        .iter()
        .map(|g| {
            let name = g.name.get_ref().clone();
            let members = cfg.file.units.iter().filter(|u| *u.group.get_ref() == name);
            let in_group: Vec<_> = accepted
                .iter()
                .filter(|(i, _, _)| {
                    cfg.unit_by_code(&i.code)
                        .is_some_and(|u| *u.group.get_ref() == name)
                })
                .cloned()
                .collect();
            GroupFigures {
                figures: area(
                    &in_group,
                    &summed_targets(members.clone()),
                    period,
                    members.count(),
                ),
                league: g.league,
                name,
            }
        })
        .collect();
    let total = area(
        &accepted,
        &summed_targets(cfg.file.units.iter()),
        period,
        inputs.len(),
    );

    let current: Vec<(&str, &StoredReturn)> = inputs
        .iter()
        .filter_map(|i| i.current.as_ref().map(|r| (i.code.as_str(), r)))
        .collect();
    let projects: Vec<(&str, &Project)> = current
        .iter()
        .flat_map(|(c, r)| r.projects.iter().map(move |p| (*c, p)))
        .collect();

    Bulletin {
        period,
        elapsed_pct: round1(period.month as f64 / 12.0 * 100.0),
        not_reported: inputs
            .iter()
            .filter(|i| i.status == ReturnStatus::Missing)
            .map(|i| name_of(&i.code))
            .collect(),
        rejected: inputs
            .iter()
            .filter(|i| i.status == ReturnStatus::Rejected)
            .map(|i| name_of(&i.code))
            .collect(),
        held: inputs
            .iter()
            .filter(|i| i.status == ReturnStatus::Held)
            .map(|i| name_of(&i.code))
            .collect(),
        // Who was late is a fact of the submissions, not of the figures: `bulletin` fills
        // it in from the archive's receipt times.
        late: Vec::new(),
        unstated: inputs
            .iter()
            .filter_map(|i| {
                let u = i.current.as_ref()?.info.unstated;
                (!u.is_empty()).then(|| UnstatedNote {
                    unit: name_of(&i.code),
                    month: u.month.keys().collect(),
                    ytd: u.ytd.keys().collect(),
                })
            })
            .collect(),
        confirmed: inputs
            .iter()
            .filter(|i| i.status == ReturnStatus::Accepted)
            .filter_map(|i| {
                i.confirmation.as_ref().map(|c| ConfirmedNote {
                    unit: name_of(&i.code),
                    version: c.version,
                    note: c.note.clone(),
                    confirmed_at: c.confirmed_at.clone(),
                })
            })
            .collect(),
        top_lists: top_lists(&units, &projects, period, &name_of),
        big_projects: big_projects(&projects, period, &name_of),
        industries: breakdown(&projects, period, |p| Some(p.industry.to_string())),
        sectors: breakdown(&projects, period, |p| {
            sector_of(cfg, &p.industry).map(|s| sector_label(s).to_string())
        }),
        categories: breakdown(&projects, period, |p| {
            category_of(cfg, &p.industry).map(|c| category_label(c).to_string())
        }),
        size_brackets: size_brackets(&projects, period),
        funds_sources: breakdown(&projects, period, |p| {
            Some(
                p.funds_source
                    .map_or("未填", FundsSource::label)
                    .to_string(),
            )
        }),
        origins: breakdown(&projects, period, |p| {
            Some(p.origin.as_deref().unwrap_or("未填").to_string())
        }),
        data_notes: current
            .iter()
            .flat_map(|(c, r)| {
                r.warnings.iter().map(move |w| DataNote {
                    unit: name_of(c),
                    code: w.code.clone(),
                    place: match (&w.sheet, &w.cell) {
                        (Some(s), Some(cell)) => format!("{s}!{cell}"),
                        (Some(s), None) => s.clone(),
                        _ => String::new(),
                    },
                    message: w.message_zh.clone(),
                })
            })
            .collect(),
        ledger: Vec::new(),
        progress,
        units,
        groups,
        total,
        league,
    }
}

fn sector_of(cfg: &Config, industry: &str) -> Option<Sector> {
    cfg.industry_named(industry).and_then(|i| i.sector)
}

fn category_of(cfg: &Config, industry: &str) -> Option<Category> {
    cfg.industry_named(industry).and_then(|i| i.category)
}

pub fn sector_label(s: Sector) -> &'static str {
    match s {
        Sector::Primary => "一产",
        Sector::Secondary => "二产",
        Sector::Tertiary => "三产",
    }
}

pub fn category_label(c: Category) -> &'static str {
    match c {
        Category::Industry => "工业",
        Category::Services => "服务业",
    }
}

/// Year-to-date signings and funds in place, grouped by `key`; largest amount first.
fn breakdown(
    projects: &[(&str, &Project)],
    period: Period,
    key: impl Fn(&Project) -> Option<String>,
) -> Vec<BreakdownRow> {
    let mut rows: BTreeMap<String, BreakdownRow> = BTreeMap::new();
    for (_, p) in projects {
        let Some(k) = key(p) else { continue };
        let row = rows.entry(k.clone()).or_insert_with(|| BreakdownRow {
            name: k,
            signed_count: 0,
            signed_amount: Wan::ZERO,
            funds_in_place: Wan::ZERO,
        });
        if p.is_signing_in(|d| period.ytd_contains(d)) {
            row.signed_count += 1;
            row.signed_amount += p.contract_amount.unwrap_or_default();
        }
        row.funds_in_place += p.funds_ytd;
    }
    let mut v: Vec<BreakdownRow> = rows
        .into_values()
        .filter(|r| r.signed_count > 0 || !r.funds_in_place.is_zero())
        .collect();
    v.sort_by(|a, b| {
        b.signed_amount
            .cmp(&a.signed_amount)
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// The size brackets of domain.md, by contract amount of year-to-date signings.
pub const BRACKETS: [(&str, i64); 6] = [
    ("1亿元以下", 0),
    ("1亿—5亿元", 1),
    ("5亿—10亿元", 5),
    ("10亿—50亿元", 10),
    ("50亿—100亿元", 50),
    ("100亿元以上", 100),
];

fn size_brackets(projects: &[(&str, &Project)], period: Period) -> Vec<BreakdownRow> {
    let mut rows: Vec<BreakdownRow> = BRACKETS
        .iter()
        .map(|(n, _)| BreakdownRow {
            name: n.to_string(),
            signed_count: 0,
            signed_amount: Wan::ZERO,
            funds_in_place: Wan::ZERO,
        })
        .collect();
    for (_, p) in projects
        .iter()
        .filter(|(_, p)| p.is_signing_in(|d| period.ytd_contains(d)))
    {
        let amount = p.contract_amount.unwrap_or_default();
        let i = BRACKETS
            .iter()
            .rposition(|(_, yi)| amount.cents() >= yi * YI.cents())
            .unwrap_or(0);
        rows[i].signed_count += 1;
        rows[i].signed_amount += amount;
        rows[i].funds_in_place += p.funds_ytd;
    }
    rows
}

fn big_projects(
    projects: &[(&str, &Project)],
    period: Period,
    name_of: &dyn Fn(&str) -> String,
) -> Vec<BigProject> {
    let mut v: Vec<BigProject> = projects
        .iter()
        .filter(|(_, p)| {
            p.is_signing_in(|d| period.contains(d)) && p.contract_amount.is_some_and(|a| a >= YI)
        })
        .map(|(c, p)| BigProject {
            unit: name_of(c),
            name: p.name.clone(),
            investor: p.investor.clone(),
            industry: p.industry.to_string(),
            signed_on: p.signed_on.map(|d| d.to_string()).unwrap_or_default(),
            amount: p.contract_amount.unwrap_or_default(),
        })
        .collect();
    v.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then_with(|| a.unit.cmp(&b.unit))
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// Ranks entries by value, largest first; equal values share a rank.
fn ranked(mut entries: Vec<(String, String, f64)>) -> Vec<TopEntry> {
    entries.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut out: Vec<TopEntry> = Vec::new();
    for (i, (name, unit, value)) in entries.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.value == value => prev.rank,
            _ => i as u32 + 1,
        };
        if rank > 10 {
            break;
        }
        out.push(TopEntry {
            rank,
            name,
            unit,
            value,
        });
    }
    out
}

fn top_lists(
    units: &[UnitFigures],
    projects: &[(&str, &Project)],
    period: Period,
    name_of: &dyn Fn(&str) -> String,
) -> Vec<TopList> {
    let unit_list = |key: FigureKey, title: &str| TopList {
        key: format!(
            "units_{}",
            serde_json::to_value(key)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
        title: title.to_string(),
        entries: ranked(
            units
                .iter()
                .filter_map(|u| {
                    u.ytd
                        .as_ref()
                        .map(|f| (u.name.clone(), u.name.clone(), f.value(key)))
                })
                .filter(|(_, _, v)| *v > 0.0)
                .collect(),
        ),
    };
    let mut lists = vec![
        unit_list(FigureKey::SignedAmount, "新签约合同投资额十强"),
        unit_list(FigureKey::FundsInPlace, "实际到位资金十强"),
        unit_list(FigureKey::BigCount, "亿元以上项目签约数十强"),
        unit_list(FigureKey::StartedCount, "新开工项目数十强"),
        unit_list(FigureKey::FdiUsd, "实际使用外资十强"),
    ];
    lists.push(TopList {
        key: "projects_signed_amount".into(),
        title: "招大引强：签约项目投资额十强".into(),
        entries: ranked(
            projects
                .iter()
                .filter(|(_, p)| p.is_signing_in(|d| period.ytd_contains(d)))
                .map(|(c, p)| {
                    (
                        p.name.clone(),
                        name_of(c),
                        p.contract_amount.unwrap_or_default().as_f64(),
                    )
                })
                .collect(),
        ),
    });
    lists
}

/// Gathers and computes in one call. `archive` is the workspace's (`cfg.archive_path()`):
/// the earlier months of the project register are read from that file beside it.
pub fn bulletin(archive: &Archive, cfg: &Config, period: Period) -> Result<Bulletin, ArchiveError> {
    // The project register of the earlier months is built on a connection of its own
    // beside the month's gathering (readers never block each other).
    // The month's own figures are worked out beside it too, before the register takes
    // the month's rows (which take its figures only to hold them).
    let path = cfg.archive_path();
    let (gathered, earlier) = std::thread::scope(|scope| {
        let earlier = scope.spawn(|| {
            Archive::open_for_reading(&path)
                .and_then(|other| progress::earlier_register(&other, period))
        });
        let gathered = gather(archive, cfg, period).map(|inputs| {
            let b = compute_figures(cfg, period, &inputs, progress::none(cfg, period));
            (inputs, b)
        });
        let earlier = earlier
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (gathered, earlier)
    });
    let (mut inputs, mut b) = gathered?;
    let earlier = earlier?;
    // The month's rows move into the register, which the 项目总表 then shares. On a
    // thread of its own: the rows are then made again from another of glibc's arenas
    // than the one they are freed to, and the process's national peak was 140 MB higher
    // when they were made on this thread (`/usr/bin/time`, BENCHMARKS.md).
    let (register, rows) = std::thread::scope(|scope| {
        scope
            .spawn(|| progress::register_with(earlier, &mut inputs))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    // The register's lists are worked out beside the month's: neither reads the other.
    let (progress, late) = std::thread::scope(|scope| {
        let progress = scope.spawn(|| progress::compute(cfg, Arc::new(register)));
        let late = status::status_report(archive, cfg, period).map(|report| {
            report
                .units
                .into_iter()
                .filter(|u| u.late && u.status == ReturnStatus::Accepted)
                .map(|u| u.name)
                .collect()
        });
        // The list of counted projects shares the register's rows; the inputs' own go.
        b.ledger = trace::take_ledger_lines(cfg, period, &mut inputs, rows);
        let progress = progress
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (progress, late)
    });
    b.progress = progress;
    b.late = late?;
    Ok(b)
}
