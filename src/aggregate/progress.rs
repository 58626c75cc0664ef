//! How the projects are moving (重点项目推进情况): the register's conversion figures by unit,
//! group and area, and the follow-up list (督办清单) of the period, as plain data the
//! bulletin carries into its PDF section and annex, its workbook sheets (项目库, 督办清单),
//! bulletin JSON and the briefings.
//!
//! Everything here is worked out from a [`Register`] with the register's own rules
//! ([`register::conversion`], [`RegisteredProject::follow_up`]); this module only chooses
//! the cohort (`[projects] cohort`), groups the roster's units as the league tables do,
//! orders the follow-up list for reading, and lists the projects in the order the
//! workbook prints them (the register is kept, and each line read from it as its row is
//! written). Units not on the roster are left out: the bulletin speaks of the roster.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use serde::Serialize;

use super::register::{
    self, Builder, Cohort, Conversion, FileJson, FollowUpReason, Register, RegisteredProject,
    RowsKeys,
};
use super::UnitInput;
use crate::archive::{Archive, ArchiveError, StoredReturn};
use crate::config::{CohortChoice, Config};
use crate::model::{Period, Wan};

/// How many projects of each reason are on the follow-up list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FollowUpCounts {
    /// 亿元以上, signed `stalled_months` or more ago and not started.
    pub stalled: usize,
    /// Started, and no funds in place for `no_funds_months` months running.
    pub no_funds: usize,
    /// Gone from the unit's latest return without 终止 or 已投产.
    pub vanished: usize,
    pub total: usize,
}

impl FollowUpCounts {
    fn add(&mut self, reason: FollowUpReason) {
        match reason {
            FollowUpReason::Stalled => self.stalled += 1,
            FollowUpReason::NoFunds => self.no_funds += 1,
            FollowUpReason::Vanished => self.vanished += 1,
        }
        self.total += 1;
    }
}

/// The conversion of a set of units' cohort and their follow-up counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProgressFigures {
    /// 开工率, 投产率 and median months from signing to start of the cohort.
    #[serde(flatten)]
    pub conversion: Conversion,
    pub follow_up: FollowUpCounts,
}

/// One roster unit's figures.
#[derive(Debug, Clone, Serialize)]
pub struct UnitProgress {
    pub code: String,
    pub name: String,
    pub group: String,
    #[serde(flatten)]
    pub figures: ProgressFigures,
}

/// One group's figures (the roster's groups, as the league tables take them).
#[derive(Debug, Clone, Serialize)]
pub struct GroupProgress {
    pub name: String,
    /// Units of the group on the roster.
    pub units: usize,
    #[serde(flatten)]
    pub figures: ProgressFigures,
}

/// One project of the follow-up list, as the annex, the workbook and JSON print it.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpEntry {
    /// The unit's roster name.
    pub unit: String,
    pub unit_code: String,
    /// The register's id (`tongbao projects show ID`).
    pub id: String,
    pub name: String,
    pub investor: String,
    pub industry: String,
    /// 合同投资额, the latest stated, 万元; null when never stated.
    pub contract_amount: Option<Wan>,
    /// 签约日期, the latest stated (YYYY-MM-DD).
    pub signed_on: Option<String>,
    pub reason: FollowUpReason,
    /// The months the rule counts (since signing, without funds); null for a vanished
    /// project.
    pub months: Option<i64>,
    /// Months past the rule's threshold (0: fell due this month); null for a vanished
    /// project.
    pub months_overdue: Option<i64>,
    /// The file that last reported it.
    pub last_file: FileJson,
}

/// The register's projects of the roster's units, for the workbook's 项目库 sheet (not in
/// JSON: `tongbao projects --json` is the register's document), in roster order, then the
/// register's. Each is read from the register as its row is written ([`Self::get`]): a
/// province's 40,000 projects are not first copied into lines.
#[derive(Clone)]
pub struct RegisterLines {
    register: Arc<Register>,
    /// The roster's names, by roster index.
    unit_names: Vec<String>,
    lines: Vec<LineOf>,
}

/// Which project a line is, and what the period's figures say of it.
#[derive(Debug, Clone, Copy)]
struct LineOf {
    project: usize,
    unit: usize,
    in_cohort: bool,
    follow_up: Option<FollowUpReason>,
}

impl std::fmt::Debug for RegisterLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RegisterLines({} projects)", self.lines.len())
    }
}

impl RegisterLines {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The `i`th line; `None` past the end.
    pub fn get(&self, i: usize) -> Option<RegisterLine<'_>> {
        let line = self.lines.get(i)?;
        Some(RegisterLine {
            unit: &self.unit_names[line.unit],
            project: &self.register.projects[line.project],
            in_cohort: line.in_cohort,
            follow_up: line.follow_up,
        })
    }

    /// Every line, in order.
    pub fn iter(&self) -> impl Iterator<Item = RegisterLine<'_>> {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// One project of the register as 项目库 prints it: the project (its values are the
/// register's: [`RegisteredProject::contract_amount`], [`RegisteredProject::stage`]…) and
/// the period's word on it.
#[derive(Debug, Clone, Copy)]
pub struct RegisterLine<'r> {
    /// Its unit's name on the roster.
    pub unit: &'r str,
    pub project: &'r RegisteredProject,
    /// Whether it is in the cohort of the conversion figures.
    pub in_cohort: bool,
    pub follow_up: Option<FollowUpReason>,
}

/// 重点项目推进情况 of a period.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// The signings the conversion figures are over.
    pub cohort: Cohort,
    /// `[projects] stalled_months` and `no_funds_months`, the follow-up rules' thresholds.
    pub stalled_months: u32,
    pub no_funds_months: u32,
    /// Every roster unit, in roster order.
    pub units: Vec<UnitProgress>,
    /// Every group of the roster, in roster order.
    pub groups: Vec<GroupProgress>,
    /// The whole roster.
    pub area: ProgressFigures,
    /// The follow-up list: by unit in roster order, then most months overdue first
    /// (vanished projects after the others), larger contract amount first, then id.
    pub follow_up: Vec<FollowUpEntry>,
    /// Projects of the roster's units in the register.
    pub projects: usize,
    /// Rows the register could not match without guessing (listed by `tongbao projects`).
    pub ambiguous: usize,
    /// Every project of the register, for the workbook (roster order, then the register's).
    #[serde(skip)]
    pub register: RegisterLines,
}

/// The cohort in words: 2024年7月至2025年6月, 2025年1—6月, 2025年1月.
pub fn cohort_words(c: &Cohort) -> String {
    match c.year {
        Some(y) if c.from.month == c.to.month => format!("{y}年{}月", c.to.month),
        Some(y) => format!("{y}年{}—{}月", c.from.month, c.to.month),
        None => format!(
            "{}年{}月至{}年{}月",
            c.from.year, c.from.month, c.to.year, c.to.month
        ),
    }
}

/// The cohort `[projects] cohort` chooses for `period`.
pub fn cohort(cfg: &Config, period: Period) -> Cohort {
    match cfg.file.projects.cohort {
        CohortChoice::TwelveMonths => Cohort::new(None, period),
        CohortChoice::Year => Cohort::new(Some(period.year), period),
    }
}

/// The register of every month before `period`, with the clerk's links, to which the
/// month's own returns are then added ([`register_with`]): the archive's checkpoint when it
/// is the one of these months, else built from their returns (checksums verified as they
/// are read, one month in memory at a time). See [`register::checkpoint`].
/// With `TONGBAO_PHASE_TIMES` set (scripts/bench-scenarios.sh, the tests), says on standard
/// error which it was: `register from checkpoint` or `register from returns`.
pub fn earlier_register(archive: &Archive, period: Period) -> Result<Builder, ArchiveError> {
    let (builder, from_checkpoint) = register::checkpoint::earlier(archive, period)?;
    if std::env::var_os("TONGBAO_PHASE_TIMES").is_some() {
        let from = if from_checkpoint {
            "checkpoint"
        } else {
            "returns"
        };
        eprintln!("register from {from}");
    }
    Ok(builder)
}

/// The month's rows as the register holds them, by submission: the bulletin's 项目总表
/// shares them ([`super::trace::take_ledger_lines`]) rather than holding copies beside
/// them (a national month is 600,000 rows).
pub type MonthRows = HashMap<i64, Vec<Arc<crate::model::Project>>>;

/// The register as of `period`: the earlier months' and `inputs`' own returns (the month
/// is not read twice), with the month's rows it holds. The rows are moved out of
/// `inputs` (whose figures are worked out before): a national month is 600,000 rows,
/// held once.
pub fn register_with(mut earlier: Builder, inputs: &mut [UnitInput]) -> (Register, MonthRows) {
    let mut month: Vec<&mut StoredReturn> = inputs
        .iter_mut()
        .filter_map(|i| i.current.as_mut())
        .collect();
    month.sort_by(|a, b| (&a.info.unit_code, a.info.id).cmp(&(&b.info.unit_code, b.info.id)));
    let mut rows = MonthRows::with_capacity(month.len());
    // The rows' keys (normalising names is the costly part of matching) are worked out a
    // few returns ahead on a second thread while this one matches: returns are matched
    // in order, each against the projects the earlier ones opened, so only the keys can
    // be made beside. The rows themselves are made here (see `aggregate::bulletin` for
    // why the thread matters).
    const AHEAD: usize = 16;
    let keys_of = |returns: &[&mut StoredReturn]| -> Vec<RowsKeys> {
        returns.iter().map(|r| RowsKeys::of(r)).collect()
    };
    let mut rest: &mut [&mut StoredReturn] = &mut month;
    let mut keys = keys_of(&rest[..rest.len().min(AHEAD)]);
    while !rest.is_empty() {
        let at = rest.len().min(AHEAD);
        let (now, after) = std::mem::take(&mut rest).split_at_mut(at);
        let next = &after[..after.len().min(AHEAD)];
        keys = std::thread::scope(|scope| {
            let making = (!next.is_empty()).then(|| scope.spawn(|| keys_of(next)));
            let mut made = std::mem::take(&mut keys).into_iter();
            for r in now.iter_mut() {
                // (Keys that are not this return's are made again by the builder.)
                let shared = match made.next() {
                    Some(k) => earlier.add_shared_keyed(r, k),
                    None => earlier.add_shared(r),
                };
                rows.insert(r.info.id, shared);
            }
            making.map_or_else(Vec::new, |m| {
                m.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        });
        rest = after;
    }
    (earlier.finish(), rows)
}

/// The register of the inputs' current returns alone (no earlier month): what
/// [`super::compute`] has when it is given no archive.
pub fn register_of(inputs: &[UnitInput], period: Period) -> Register {
    let returns: Vec<_> = inputs.iter().filter_map(|i| i.current.clone()).collect();
    register::build(&returns, period)
}

/// The figures of a register without projects: what a bulletin holds until its own are
/// worked out.
pub fn none(cfg: &Config, period: Period) -> Progress {
    compute(cfg, Arc::new(register::build(&[], period)))
}

/// The figures of `register` for the roster of `cfg` (which keeps it, for its lines).
pub fn compute(cfg: &Config, kept: Arc<Register>) -> Progress {
    let register = &*kept;
    let period = register.period;
    let settings = cfg.file.projects;
    let cohort = cohort(cfg, period);
    let roster: HashMap<&str, usize> = cfg
        .file
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.code(), i))
        .collect();
    // One pass over the register, on every core: each project's unit on the roster (none
    // for a unit off it: left out), whether it is in the cohort, and its follow-up.
    let judged: Vec<(Option<usize>, bool, Option<register::FollowUp<'_>>)> = register
        .projects
        .par_iter()
        .map(|p| match roster.get(p.unit_code()) {
            None => (None, false, None),
            Some(&unit) => (Some(unit), cohort.has(p), p.follow_up(period, &settings)),
        })
        .collect();
    let in_cohort: Vec<&RegisteredProject> = register
        .projects
        .iter()
        .zip(&judged)
        .filter(|(_, (_, in_cohort, _))| *in_cohort)
        .map(|(p, _)| p)
        .collect();
    let follow_ups: Vec<&register::FollowUp<'_>> =
        judged.iter().filter_map(|(_, _, f)| f.as_ref()).collect();

    // Each unit's cohort and follow-up counts, once; a group's and the area's are their
    // units' together.
    let mut by_unit: HashMap<&str, (Vec<&RegisteredProject>, FollowUpCounts)> = HashMap::new();
    for p in &in_cohort {
        by_unit.entry(p.unit_code()).or_default().0.push(p);
    }
    for f in &follow_ups {
        by_unit
            .entry(f.project.unit_code())
            .or_default()
            .1
            .add(f.reason);
    }
    let figures_of = |codes: &[&str]| {
        let mut follow_up = FollowUpCounts::default();
        let mut members: Vec<&RegisteredProject> = Vec::new();
        for code in codes {
            if let Some((projects, counts)) = by_unit.get(code) {
                members.extend(projects.iter().copied());
                follow_up.stalled += counts.stalled;
                follow_up.no_funds += counts.no_funds;
                follow_up.vanished += counts.vanished;
                follow_up.total += counts.total;
            }
        }
        ProgressFigures {
            conversion: register::conversion(members),
            follow_up,
        }
    };
    let units = cfg
        .file
        .units
        .iter()
        .map(|u| UnitProgress {
            code: u.code().to_string(),
            name: u.name().to_string(),
            group: u.group.get_ref().clone(),
            figures: figures_of(&[u.code()]),
        })
        .collect();
    let groups = cfg
        .file
        .groups
        .iter()
        .map(|g| {
            let name = g.name.get_ref();
            let members: Vec<&str> = cfg
                .file
                .units
                .iter()
                .filter(|u| u.group.get_ref() == name)
                .map(|u| u.code())
                .collect();
            GroupProgress {
                name: name.clone(),
                units: members.len(),
                figures: figures_of(&members),
            }
        })
        .collect();
    let all: Vec<&str> = cfg.file.units.iter().map(|u| u.code()).collect();
    let area = figures_of(&all);

    let name_of = |code: &str| {
        roster.get(code).map_or_else(
            || code.to_string(),
            |&i| cfg.file.units[i].name().to_string(),
        )
    };
    let mut follow_up: Vec<(usize, FollowUpEntry)> = follow_ups
        .iter()
        .map(|f| {
            let p = f.project;
            let latest = p.latest();
            (
                roster.get(p.unit_code()).copied().unwrap_or(usize::MAX),
                FollowUpEntry {
                    unit: name_of(p.unit_code()),
                    unit_code: p.unit_code().to_string(),
                    id: p.id.clone(),
                    name: latest.name.clone(),
                    investor: latest.investor.clone(),
                    industry: latest.industry.to_string(),
                    contract_amount: p.contract_amount(),
                    signed_on: p.signed_on().map(|d| d.format("%Y-%m-%d").to_string()),
                    reason: f.reason,
                    months: f.months,
                    months_overdue: f.months_overdue,
                    last_file: p.last_file().into(),
                },
            )
        })
        .collect();
    follow_up.sort_by(|(ua, a), (ub, b)| {
        ua.cmp(ub)
            // Most overdue first; a vanished project (no months) after the others.
            .then_with(|| b.months_overdue.cmp(&a.months_overdue))
            .then_with(|| b.contract_amount.cmp(&a.contract_amount))
            .then_with(|| a.id.cmp(&b.id))
    });

    let mut lines: Vec<LineOf> = judged
        .iter()
        .enumerate()
        .filter_map(|(at, (unit, in_cohort, follow_up))| {
            Some(LineOf {
                project: at,
                unit: (*unit)?,
                in_cohort: *in_cohort,
                follow_up: follow_up.as_ref().map(|f| f.reason),
            })
        })
        .collect();
    // Stable: within a unit, the register's own order.
    lines.sort_by_key(|l| l.unit);
    let ambiguous = register
        .ambiguous
        .iter()
        .filter(|a| roster.contains_key(a.unit_code.as_str()))
        .count();
    let follow_up = follow_up.into_iter().map(|(_, e)| e).collect();
    // (They borrow the register, which the lines keep.)
    drop(follow_ups);
    drop(judged);
    let unit_names = cfg
        .file
        .units
        .iter()
        .map(|u| u.name().to_string())
        .collect();
    Progress {
        cohort,
        stalled_months: settings.stalled_months,
        no_funds_months: settings.no_funds_months,
        units,
        groups,
        area,
        follow_up,
        projects: lines.len(),
        ambiguous,
        register: RegisterLines {
            register: kept,
            unit_names,
            lines,
        },
    }
}

impl Progress {
    /// The figures of one roster unit.
    pub fn unit(&self, code: &str) -> Option<&UnitProgress> {
        self.units.iter().find(|u| u.code == code)
    }

    /// The figures of one group.
    pub fn group(&self, name: &str) -> Option<&GroupProgress> {
        self.groups.iter().find(|g| g.name == name)
    }
}
