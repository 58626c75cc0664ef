//! The figures of a leadership briefing (领导简报): any span of months within one year, for
//! a selection of units, groups or industries.
//!
//! A span's flows come from cumulative figures, the way the bulletin's own 1—N月 figures
//! do: signings and starts are the ledger rows of the span's last return dated inside the
//! span; funds in place and foreign capital are the last return's 本年累计 less the
//! 本年累计 of the return before the span (nothing before January). So a briefing for
//! 1—6月 prints exactly the bulletin's 1—6月 figures, and one for 4—6月 needs two returns
//! per unit, not three. When the return before the span is missing, the span's flows are
//! the sum of its months' 本月 figures if every month is there; otherwise the unit's funds
//! cannot be given and the briefing says so rather than counting a partial figure.
//!
//! 同比 compares like with like (可比口径), as the bulletin does: this year's figures of the
//! units that also have last year's.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{yoy, Bulletin, Pct, ReturnStatus};
use crate::archive::{Archive, ArchiveError, StoredReturn};
use crate::config::Config;
use crate::model::{FigureKey, Figures, Period, Project, Stage, UsdWan, Wan};

/// A run of report months within one calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: Period,
    pub to: Period,
}

/// Why a span is not one the briefing can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error("起始月份晚于截止月份")]
    Backwards,
    #[error("起止月份须在同一年内")]
    CrossesYears,
}

impl SpanError {
    /// The error in the reader's language.
    pub fn message(self, lang: crate::lang::Lang) -> String {
        match lang {
            crate::lang::Lang::Zh => self.to_string(),
            crate::lang::Lang::En => match self {
                SpanError::Backwards => "the first month is after the last",
                SpanError::CrossesYears => "both months must be in the same year",
            }
            .to_string(),
        }
    }
}

impl Span {
    pub fn new(from: Period, to: Period) -> Result<Span, SpanError> {
        if from.year != to.year {
            return Err(SpanError::CrossesYears);
        }
        if from > to {
            return Err(SpanError::Backwards);
        }
        Ok(Span { from, to })
    }

    /// The span's months, first to last.
    pub fn months(self) -> impl Iterator<Item = Period> {
        (self.from.month..=self.to.month).filter_map(move |m| Period::new(self.to.year, m))
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        d >= self.from.first_day() && d <= self.to.last_day()
    }

    /// The same months a year before.
    pub fn year_earlier(self) -> Span {
        Span {
            from: self.from.year_earlier(),
            to: self.to.year_earlier(),
        }
    }

    /// The month whose 本年累计 is subtracted: none for a span starting in January.
    fn before(self) -> Option<Period> {
        (self.from.month > 1).then(|| self.from.previous())
    }

    /// Every report month whose return a span figure may need: the month before the span
    /// and the span's own months.
    fn needed(self) -> impl Iterator<Item = Period> {
        self.before().into_iter().chain(self.months())
    }

    /// 2025年4—6月, or 2025年6月 for one month.
    pub fn label(self) -> String {
        if self.from == self.to {
            format!("{}年{}月", self.to.year, self.to.month)
        } else {
            format!("{}年{}—{}月", self.to.year, self.from.month, self.to.month)
        }
    }
}

/// What the briefing is about. Units and groups name the units counted (all the roster's
/// when both are empty); industries, when given, keep only those industries' projects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Roster codes.
    pub units: Vec<String>,
    /// Group names.
    pub groups: Vec<String>,
    /// Canonical industry names.
    pub industries: Vec<String>,
}

impl Selection {
    /// The roster codes counted, in roster order.
    pub fn unit_codes(&self, cfg: &Config) -> Vec<String> {
        cfg.file
            .units
            .iter()
            .filter(|u| {
                (self.units.is_empty() && self.groups.is_empty())
                    || self.units.iter().any(|c| c == u.code())
                    || self.groups.iter().any(|g| g == u.group.get_ref())
            })
            .map(|u| u.code().to_string())
            .collect()
    }

    fn keeps(&self, cfg: &Config, p: &Project) -> bool {
        self.industries.is_empty() || {
            let canonical = cfg.find_industry(&p.industry).unwrap_or(&p.industry);
            self.industries.iter().any(|i| i == canonical)
        }
    }
}

/// The current returns one unit has for the months a span needs, this year and last.
#[derive(Debug, Clone)]
pub struct UnitReturns {
    pub code: String,
    pub returns: BTreeMap<Period, StoredReturn>,
}

/// Loads, for every roster unit, its current returns for the span and the month before
/// it, this year and a year earlier.
pub fn gather(
    archive: &Archive,
    cfg: &Config,
    span: Span,
) -> Result<Vec<UnitReturns>, ArchiveError> {
    let months: Vec<Period> = span.needed().chain(span.year_earlier().needed()).collect();
    cfg.file
        .units
        .iter()
        .map(|u| {
            let mut returns = BTreeMap::new();
            for &p in &months {
                if let Some(r) = archive.current_return(u.code(), p)? {
                    returns.insert(p, r);
                }
            }
            Ok(UnitReturns {
                code: u.code().to_string(),
                returns,
            })
        })
        .collect()
}

/// One unit's figures over the span.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanFigures {
    pub figures: Figures,
    /// False when the flows (funds in place, foreign capital) could not be worked out and
    /// are left at zero: the return before the span and one of the span's months missing.
    pub flows_complete: bool,
}

/// Whether a return leaves a flow out (its ledger lacks a flow column), for the month
/// (`month`) or the year to date: its flows are then unknown, and left out like a missing
/// month's (never counted as 0).
fn lacks_flows(r: &StoredReturn, month: bool) -> bool {
    let u = if month {
        r.info.unstated.month
    } else {
        r.info.unstated.ytd
    };
    FLOW_KEYS.into_iter().any(|k| u.contains(k))
}

/// The figures of `span` from a unit's returns, keeping the projects `keep` accepts; `None`
/// without a return for the span's last month.
fn span_figures(
    returns: &BTreeMap<Period, StoredReturn>,
    span: Span,
    keep: &dyn Fn(&Project) -> bool,
) -> Option<SpanFigures> {
    let last = returns.get(&span.to)?;
    let kept = |r: &'_ StoredReturn| -> Vec<Project> {
        r.projects.iter().filter(|p| keep(p)).cloned().collect()
    };
    let ledger = kept(last);
    let ytd = |p: &Project| (p.funds_ytd, p.fdi_ytd);
    let mut figures = Figures::over(&ledger, |d| span.contains(d), ytd);
    let flows = |projects: &[Project], pick: &dyn Fn(&Project) -> (Wan, UsdWan)| {
        projects
            .iter()
            .fold((Wan::default(), UsdWan::default()), |(f, u), p| {
                let (pf, pu) = pick(p);
                (f + pf, u + pu)
            })
    };
    let source_flows = |projects: &[Project], pick: &dyn Fn(&Project) -> (Wan, UsdWan)| {
        projects
            .iter()
            .filter(|p| p.funds_source == Some(crate::model::FundsSource::OutOfProvince))
            .fold(Wan::default(), |f, p| f + pick(p).0)
    };
    let mut flows_complete = !lacks_flows(last, false);
    match span.before() {
        None => {}
        Some(before) => match returns.get(&before) {
            Some(r) if lacks_flows(r, false) => flows_complete = false,
            Some(r) => {
                let earlier = kept(r);
                let (f, u) = flows(&earlier, &ytd);
                figures.funds_in_place -= f;
                figures.fdi_usd -= u;
                figures.funds_out_of_province -= source_flows(&earlier, &ytd);
            }
            None => {
                let month = |p: &Project| (p.funds_month, p.fdi_month);
                let months: Option<Vec<Vec<Project>>> = span
                    .months()
                    .map(|m| returns.get(&m).filter(|r| !lacks_flows(r, true)).map(kept))
                    .collect();
                match months {
                    Some(months) => {
                        let (mut f, mut u, mut o) =
                            (Wan::default(), UsdWan::default(), Wan::default());
                        for m in &months {
                            let (mf, mu) = flows(m, &month);
                            f += mf;
                            u += mu;
                            o += source_flows(m, &month);
                        }
                        figures.funds_in_place = f;
                        figures.fdi_usd = u;
                        figures.funds_out_of_province = o;
                    }
                    None => {
                        flows_complete = false;
                        figures.funds_in_place = Wan::default();
                        figures.fdi_usd = UsdWan::default();
                        figures.funds_out_of_province = Wan::default();
                    }
                }
            }
        },
    }
    if !flows_complete {
        figures.funds_in_place = Wan::default();
        figures.fdi_usd = UsdWan::default();
        figures.funds_out_of_province = Wan::default();
    }
    Some(SpanFigures {
        figures,
        flows_complete,
    })
}

/// A unit of the selection in the briefing.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefUnit {
    pub code: String,
    pub name: String,
    pub group: String,
    /// Its return status for the span's last month.
    pub status: ReturnStatus,
    pub now: Option<SpanFigures>,
    pub last_year: Option<SpanFigures>,
    /// 同比; null for the flows when either year's flows are incomplete.
    pub yoy_pct: Pct,
    /// 赛马榜 at the span's last month, on the year to date (1—N月, whatever the span):
    /// score, rank and how many of the group's units were ranked.
    pub league: Option<LeagueStanding>,
}

/// A unit's place in its group's league table.
#[derive(Debug, Clone, PartialEq)]
pub struct LeagueStanding {
    pub score: f64,
    pub rank: u32,
    /// The group's units that were ranked (the table's length above its 未报送 rows).
    pub of: usize,
}

/// What a rank line compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peers {
    /// The units of the subject's group that have the figure for the span.
    GroupUnits,
    /// The groups that take part in the league (the config's comparable groups), by
    /// their average per unit with the figure: a group of 21 districts is never ranked
    /// against one of 2 zones by its total.
    LeagueGroups,
    /// The roster's industries, over the selected units' projects.
    Industries,
}

/// "12th of the 20 units of 主城都市区 with the figure, by 新签约合同投资额 over the span".
/// Every rank is over the briefing's own span.
#[derive(Debug, Clone, PartialEq)]
pub struct RankLine {
    /// What is ranked: a unit, group or industry name.
    pub subject: String,
    pub peers: Peers,
    /// The group's name for [`Peers::GroupUnits`]; empty otherwise.
    pub among: String,
    pub key: FigureKey,
    /// The value ranked, in the figure's own terms (a count, or 万元): the subject's
    /// total, or its average per unit for [`Peers::LeagueGroups`].
    pub value: f64,
    pub rank: u32,
    pub of: usize,
}

/// One month of the span, for the chart and the workbook's 各月 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefMonth {
    pub period: Period,
    /// Signings and starts dated in the month, from the same ledgers (the span's last
    /// returns) the span's total counts, so the months add up to the total whether or
    /// not the month's own return is there. The flows (本月) and 在谈 are those of the
    /// month's own returns, of the units in `flows_from`; not figures when it is 0.
    pub figures: Figures,
    /// Units counted in the total that have a return for the month.
    pub returned: usize,
    /// Of those, the ones whose return states the month's flows.
    pub flows_from: usize,
}

/// A project signed in the span.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefProject {
    pub name: String,
    pub unit: String,
    pub investor: String,
    pub industry: String,
    pub amount: Wan,
    pub signed_on: NaiveDate,
    pub stage: Stage,
}

/// Everything a briefing prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub span: Span,
    pub selection: Selection,
    /// The selection in words: 巴南区, 主城都市区, 全市 · 电子信息.
    pub subject: String,
    /// Units counted, in roster order.
    pub units: Vec<BriefUnit>,
    /// The selection's figures over the span.
    pub total: Figures,
    /// Last year's, over the units that have them (可比口径). Its flows count only units
    /// whose flows are complete in both years.
    pub total_last_year: Option<Figures>,
    pub total_yoy_pct: Pct,
    /// Whether any unit's flows over the span could be worked out (else `total`'s flows
    /// are not figures at all).
    pub flows_known: bool,
    /// Whether last year's flows could be worked out for any comparable unit.
    pub last_year_flows_known: bool,
    /// Units with a return for the span's last month, and units counted.
    pub reported: usize,
    /// Each month of the span (none for a span of one month), every one of them.
    pub months: Vec<BriefMonth>,
    pub ranks: Vec<RankLine>,
    /// The largest projects signed in the span, by contract amount (at most ten).
    pub projects: Vec<BriefProject>,
    /// Units whose flows could not be worked out (their names).
    pub flows_incomplete: Vec<String>,
    /// Units without an accepted return for the span's last month (their names).
    pub not_reported: Vec<String>,
    /// How the selection's projects are moving (重点项目推进情况) as of the span's last
    /// month; null for a selection of industries or of several units or groups.
    pub progress: Option<BriefProgress>,
}

/// The selection's conversion and follow-up counts, beside those it is measured against.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefProgress {
    pub cohort: super::register::Cohort,
    pub stalled_months: u32,
    pub no_funds_months: u32,
    /// The selection's own: a unit's, a group's or the area's.
    pub own: super::progress::ProgressFigures,
    /// What it is compared with, by name: a unit's group, a group's area; null for the
    /// whole area.
    pub peers: Option<(String, super::progress::ProgressFigures)>,
}

/// The progress figures of a briefing's selection, from the bulletin of its last month:
/// one unit against its group, one group against the area, the area alone.
fn brief_progress(cfg: &Config, selection: &Selection, league: &Bulletin) -> Option<BriefProgress> {
    let p = &league.progress;
    if !selection.industries.is_empty() {
        return None;
    }
    let area = || (cfg.file.bulletin.region.clone(), p.area);
    let (own, peers) = match (selection.units.as_slice(), selection.groups.as_slice()) {
        ([], []) => (p.area, None),
        ([code], []) => {
            let unit = p.unit(code)?;
            let group = p.group(&unit.group).map(|g| (g.name.clone(), g.figures));
            (unit.figures, group)
        }
        ([], [group]) => (p.group(group)?.figures, Some(area())),
        _ => return None,
    };
    Some(BriefProgress {
        cohort: p.cohort,
        stalled_months: p.stalled_months,
        no_funds_months: p.no_funds_months,
        own,
        peers,
    })
}

/// The figures that are flows over the span (本年累计 differences), not dated events.
pub const FLOW_KEYS: [FigureKey; 3] = [
    FigureKey::FundsInPlace,
    FigureKey::FundsOutOfProvince,
    FigureKey::FdiUsd,
];

/// 同比 of one unit: the flows only when both years' flows are complete.
fn span_yoy(now: &SpanFigures, last: Option<&SpanFigures>) -> Pct {
    let mut pct = yoy(&now.figures, last.map(|l| &l.figures));
    if !(now.flows_complete && last.is_some_and(|l| l.flows_complete)) {
        for k in FLOW_KEYS {
            pct.insert(k, None);
        }
    }
    pct
}

/// The figure keys a rank line is given for.
pub const RANKED_KEYS: [FigureKey; 3] = [
    FigureKey::SignedAmount,
    FigureKey::FundsInPlace,
    FigureKey::StartedInvestment,
];

/// 1-based competition ranks (ties share a rank) of `value` among `all`, largest first.
fn rank_of(value: i64, all: &[i64]) -> u32 {
    all.iter().filter(|v| **v > value).count() as u32 + 1
}

/// Computes the briefing. `league` is the bulletin of the span's last month, for the
/// league standing of each unit.
pub fn compute(
    cfg: &Config,
    span: Span,
    selection: &Selection,
    subject: String,
    inputs: &[UnitReturns],
    league: &Bulletin,
) -> Brief {
    let keep = |p: &Project| selection.keeps(cfg, p);
    let last_span = span.year_earlier();
    // Every roster unit's span figures: the selection's, and its peers' for the ranks.
    let all: BTreeMap<&str, (Option<SpanFigures>, Option<SpanFigures>)> = inputs
        .iter()
        .map(|i| {
            let now = span_figures(&i.returns, span, &keep);
            let ly = span_figures(&i.returns, last_span, &keep);
            (i.code.as_str(), (now, ly))
        })
        .collect();
    let codes = selection.unit_codes(cfg);
    let group_of = |code: &str| {
        cfg.unit_by_code(code)
            .map_or(String::new(), |u| u.group.get_ref().clone())
    };
    let name_of = |code: &str| {
        cfg.unit_by_code(code)
            .map_or(code.to_string(), |u| u.name().to_string())
    };

    let units: Vec<BriefUnit> = codes
        .iter()
        .map(|code| {
            let (now, ly) = all.get(code.as_str()).cloned().unwrap_or((None, None));
            let standing = league.units.iter().find(|u| u.code == *code);
            BriefUnit {
                code: code.clone(),
                name: name_of(code),
                group: group_of(code),
                status: standing.map_or(ReturnStatus::Missing, |u| u.status),
                yoy_pct: now
                    .as_ref()
                    .map(|n| span_yoy(n, ly.as_ref()))
                    .unwrap_or_default(),
                league: standing.and_then(|u| {
                    let of = league
                        .units
                        .iter()
                        .filter(|o| o.group == u.group && o.rank.is_some())
                        .count();
                    Some(LeagueStanding {
                        score: u.score?,
                        rank: u.rank?,
                        of,
                    })
                }),
                now,
                last_year: ly,
            }
        })
        .collect();

    // 可比口径: signings and starts over the units with last year's figures; flows over
    // those whose flows are complete in both years.
    let mut total = Figures::default();
    let (mut comparable, mut last): (Figures, Option<Figures>) = (Figures::default(), None);
    let (mut flow_comparable, mut flow_last) = (Figures::default(), None::<Figures>);
    for u in &units {
        if let Some(n) = &u.now {
            total += &n.figures;
            if let Some(ly) = &u.last_year {
                comparable += &n.figures;
                *last.get_or_insert_with(Figures::default) += &ly.figures;
                if n.flows_complete && ly.flows_complete {
                    flow_comparable += &n.figures;
                    *flow_last.get_or_insert_with(Figures::default) += &ly.figures;
                }
            }
        }
    }
    let mut total_yoy_pct = yoy(&comparable, last.as_ref());
    let flow_yoy = yoy(&flow_comparable, flow_last.as_ref());
    for k in FLOW_KEYS {
        total_yoy_pct.insert(k, flow_yoy.get(&k).copied().flatten());
    }
    let total_last_year = last.map(|mut l| {
        let f = flow_last.unwrap_or_default();
        l.funds_in_place = f.funds_in_place;
        l.funds_out_of_province = f.funds_out_of_province;
        l.fdi_usd = f.fdi_usd;
        l
    });

    let months = if span.from == span.to {
        Vec::new()
    } else {
        span_months(span, &codes, inputs, &keep)
    };

    // Who takes part in the league: the config's own word on who is comparable.
    let ranked: BTreeSet<&str> = league
        .units
        .iter()
        .filter(|u| u.in_league)
        .map(|u| u.code.as_str())
        .collect();
    let ranks = rank_lines(
        cfg,
        selection,
        &subject,
        &units,
        (&all, &ranked),
        inputs,
        span,
    );

    let mut projects: Vec<BriefProject> = inputs
        .iter()
        .filter(|i| codes.contains(&i.code))
        .filter_map(|i| i.returns.get(&span.to).map(|r| (i.code.as_str(), r)))
        .flat_map(|(code, r)| {
            r.projects
                .iter()
                .filter(|p| keep(p) && p.is_signing_in(|d| span.contains(d)))
                .filter_map(move |p| {
                    Some(BriefProject {
                        name: p.name.clone(),
                        unit: name_of(code),
                        investor: p.investor.clone(),
                        industry: p.industry.to_string(),
                        amount: p.contract_amount?,
                        signed_on: p.signed_on?,
                        stage: p.stage,
                    })
                })
        })
        .collect();
    // Largest first; ties in a fixed order so the output never depends on the archive's.
    projects.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then(a.signed_on.cmp(&b.signed_on))
            .then_with(|| a.unit.cmp(&b.unit))
            .then_with(|| a.name.cmp(&b.name))
    });
    projects.truncate(10);

    Brief {
        span,
        selection: selection.clone(),
        subject,
        reported: units.iter().filter(|u| u.now.is_some()).count(),
        flows_known: units
            .iter()
            .any(|u| u.now.as_ref().is_some_and(|n| n.flows_complete)),
        last_year_flows_known: flow_last.is_some(),
        total_yoy_pct,
        total,
        total_last_year,
        months,
        ranks,
        projects,
        flows_incomplete: units
            .iter()
            .filter(|u| u.now.as_ref().is_some_and(|n| !n.flows_complete))
            .map(|u| u.name.clone())
            .collect(),
        not_reported: units
            .iter()
            .filter(|u| u.now.is_none())
            .map(|u| u.name.clone())
            .collect(),
        progress: brief_progress(cfg, selection, league),
        units,
    }
}

/// Each month of the span. Its signings and starts are read from the span's last returns
/// (the rows the span's total counts), so the months add up to the total; its flows are
/// the month's own 本月 figures, from the units counted that returned it.
fn span_months(
    span: Span,
    codes: &[String],
    inputs: &[UnitReturns],
    keep: &dyn Fn(&Project) -> bool,
) -> Vec<BriefMonth> {
    let counted: Vec<&UnitReturns> = inputs
        .iter()
        .filter(|i| codes.contains(&i.code) && i.returns.contains_key(&span.to))
        .collect();
    let no_flows = |_: &Project| (Wan::default(), UsdWan::default());
    span.months()
        .map(|m| {
            let mut figures = Figures::default();
            let (mut own, mut returned, mut flows_from) = (Figures::default(), 0, 0);
            for i in &counted {
                if let Some(last) = i.returns.get(&span.to) {
                    figures += &Figures::over(
                        last.projects.iter().filter(|p| keep(p)),
                        |d| m.contains(d),
                        no_flows,
                    );
                }
                if let Some(r) = i.returns.get(&m) {
                    returned += 1;
                    let states_flows = !lacks_flows(r, true);
                    flows_from += usize::from(states_flows);
                    let f = Figures::over(
                        r.projects.iter().filter(|p| keep(p)),
                        |_| false,
                        |p| {
                            if states_flows {
                                (p.funds_month, p.fdi_month)
                            } else {
                                (Wan::default(), UsdWan::default())
                            }
                        },
                    );
                    own += &f;
                }
            }
            figures.funds_in_place = own.funds_in_place;
            figures.funds_out_of_province = own.funds_out_of_province;
            figures.fdi_usd = own.fdi_usd;
            figures.negotiating_count = own.negotiating_count;
            BriefMonth {
                period: m,
                figures,
                returned,
                flows_from,
            }
        })
        .collect()
}

/// Every unit's span figures (this year's, last year's).
type AllFigures<'a> = BTreeMap<&'a str, (Option<SpanFigures>, Option<SpanFigures>)>;

/// Where the selection stands over the span: a unit named on its own among the units of
/// its group that take part in the league (`ranked`), a group among the league's groups
/// by its average per unit, an industry among the industries. A selection of several
/// units gets its member table instead; nothing is ranked among fewer than two.
fn rank_lines(
    cfg: &Config,
    selection: &Selection,
    subject: &str,
    units: &[BriefUnit],
    (all, ranked): (&AllFigures<'_>, &BTreeSet<&str>),
    inputs: &[UnitReturns],
    span: Span,
) -> Vec<RankLine> {
    let value = |code: &str, k: FigureKey| -> Option<i64> {
        all.get(code)
            .and_then(|(n, _)| n.as_ref())
            .filter(|n| n.flows_complete || !FLOW_KEYS.contains(&k))
            .map(|n| n.figures.raw(k))
    };
    let mut lines = Vec::new();
    if !selection.industries.is_empty() {
        // Each chosen industry among all industries, over the selected units' projects.
        let codes: BTreeSet<String> = selection.unit_codes(cfg).into_iter().collect();
        let mut by_industry: BTreeMap<String, i64> = cfg
            .file
            .industries
            .iter()
            .map(|i| (i.name.get_ref().clone(), 0))
            .collect();
        for i in inputs.iter().filter(|i| codes.contains(&i.code)) {
            if let Some(r) = i.returns.get(&span.to) {
                for p in r
                    .projects
                    .iter()
                    .filter(|p| p.is_signing_in(|d| span.contains(d)))
                {
                    let name = cfg.find_industry(&p.industry).unwrap_or(&p.industry);
                    *by_industry.entry(name.to_string()).or_default() +=
                        p.contract_amount.unwrap_or_default().cents();
                }
            }
        }
        let values: Vec<i64> = by_industry.values().copied().collect();
        for name in &selection.industries {
            let v = by_industry.get(name).copied().unwrap_or(0);
            lines.push(RankLine {
                subject: name.clone(),
                peers: Peers::Industries,
                among: String::new(),
                key: FigureKey::SignedAmount,
                value: Wan(v).as_f64(),
                rank: rank_of(v, &values),
                of: values.len(),
            });
        }
    }
    let named_alone = !selection.units.is_empty();
    if let ([one], true) = (units, named_alone) {
        if one.now.is_none() || !ranked.contains(one.code.as_str()) {
            return lines;
        }
        let peers: Vec<&str> = cfg
            .file
            .units
            .iter()
            .filter(|u| *u.group.get_ref() == one.group && ranked.contains(u.code()))
            .map(|u| u.code())
            .collect();
        // With an industry chosen, the unit's figures are that industry's.
        let who = if selection.industries.is_empty() {
            one.name.clone()
        } else {
            subject.to_string()
        };
        for k in RANKED_KEYS {
            let values: Vec<i64> = peers.iter().filter_map(|c| value(c, k)).collect();
            if let Some(v) = value(&one.code, k).filter(|_| values.len() >= 2) {
                lines.push(RankLine {
                    subject: who.clone(),
                    peers: Peers::GroupUnits,
                    among: one.group.clone(),
                    key: k,
                    value: raw_value(k, v),
                    rank: rank_of(v, &values),
                    of: values.len(),
                });
            }
        }
    } else if selection.units.is_empty() && !selection.groups.is_empty() {
        // Groups differ in size (21 districts, 2 zones): only the league's groups are
        // compared, and by their average per unit with the figure, never by totals.
        let league_groups: Vec<&str> = cfg
            .file
            .groups
            .iter()
            .filter(|g| g.league)
            .map(|g| g.name.get_ref().as_str())
            .collect();
        // Hundredths of the figure's unit per unit, so that ties are exact.
        let average = |g: &str, k: FigureKey| -> Option<i64> {
            let values: Vec<i64> = cfg
                .file
                .units
                .iter()
                .filter(|u| *u.group.get_ref() == g && ranked.contains(u.code()))
                .filter_map(|u| value(u.code(), k))
                .collect();
            let n = i64::try_from(values.len()).ok().filter(|n| *n > 0)?;
            let scale = if k.is_count() { 100 } else { 1 };
            Some(values.iter().map(|v| v * scale).sum::<i64>() / n)
        };
        for g in selection
            .groups
            .iter()
            .filter(|g| league_groups.contains(&g.as_str()))
        {
            for k in RANKED_KEYS {
                let values: Vec<i64> = league_groups.iter().filter_map(|o| average(o, k)).collect();
                let Some(v) = average(g, k) else { continue };
                if values.len() < 2 {
                    continue;
                }
                let scale = if k.is_count() { 100.0 } else { 1.0 };
                lines.push(RankLine {
                    subject: g.clone(),
                    peers: Peers::LeagueGroups,
                    among: String::new(),
                    key: k,
                    value: raw_value(k, v) / scale,
                    rank: rank_of(v, &values),
                    of: values.len(),
                });
            }
        }
    }
    lines
}

/// A raw figure (a count, or hundredths of 万元 / 万美元) in its own terms.
fn raw_value(k: FigureKey, raw: i64) -> f64 {
    if k.is_count() {
        raw as f64
    } else {
        Wan(raw).as_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    #[test]
    fn a_span_stays_within_one_year_and_runs_forward() {
        assert_eq!(Span::new(p(2025, 6), p(2025, 4)), Err(SpanError::Backwards));
        assert_eq!(
            Span::new(p(2024, 12), p(2025, 2)),
            Err(SpanError::CrossesYears)
        );
        let s = Span::new(p(2025, 4), p(2025, 6)).unwrap();
        assert_eq!(
            s.months().collect::<Vec<_>>(),
            [p(2025, 4), p(2025, 5), p(2025, 6)]
        );
        assert_eq!(s.before(), Some(p(2025, 3)));
        assert_eq!(s.label(), "2025年4—6月");
        assert_eq!(Span::new(p(2025, 1), p(2025, 1)).unwrap().before(), None);
        assert_eq!(
            Span::new(p(2025, 6), p(2025, 6)).unwrap().label(),
            "2025年6月"
        );
    }

    #[test]
    fn ranks_are_shared_by_ties() {
        let all = [30, 20, 20, 10];
        assert_eq!(rank_of(30, &all), 1);
        assert_eq!(rank_of(20, &all), 2);
        assert_eq!(rank_of(10, &all), 4);
    }
}
