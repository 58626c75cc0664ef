//! The projects of one unit over the years, and the ledger of any month cut from them.
//!
//! A unit's signings of a year are drawn once, from the seed, the unit's code and the
//! year alone: each with its negotiation start, signing date, contract amount, start and
//! production dates (or its termination), a rename for a few, and a monthly schedule of
//! funds in place. Every project is settled — in production (已投产) or terminated (终止) —
//! by the end of the second year after its signing. The ledger of month M of year Y is then
//! a pure function of the signings of Y−2 and Y−1 not settled before Y (结转项目, carried
//! over, return-format v1 sheet 3), Y (signed by M, or under negotiation at M) and Y+1
//! (under negotiation at M). A row stays to December of every year it is in (the return
//! lists every project active this year), so two months of the same year agree: no
//! project vanishes, a year-to-date figure never falls, and a project under negotiation in
//! May is the one signed in June. Across the year boundary only projects whose December
//! row said 已投产 or 终止 leave.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};

use crate::gen::rng::Rng;
use crate::gen::vocab::{self, IndustryWords};
use tongbao::model::{
    Figures, FundsSource, Indicator, Period, PeriodFigures, Project, ProjectKind, Stage, UsdWan,
    Wan, YI,
};
use tongbao::text::normalize_key;

/// The year whose scale the roster's annual targets describe; other years grow or shrink
/// from it by 7% a year.
pub const BASE_YEAR: i32 = 2025;
/// Yearly growth of every unit's signings.
const GROWTH: f64 = 1.07;
/// RMB per USD, for the foreign-capital columns.
const USD_RATE: f64 = 7.1;
/// Signing seasonality: more at the investment fairs (西洽会 in May, 智博会 in autumn) and
/// the year-end push, fewer around the Spring Festival.
const MONTH_WEIGHTS: [f64; 12] = [0.8, 0.7, 1.1, 1.0, 1.1, 1.1, 0.9, 1.0, 1.1, 0.9, 1.0, 1.3];
/// Annual signing goal whose projects have the base size ([`amount_scale`] = 1), 万元.
const REFERENCE_SIGNED: f64 = 5_000_000.0;
/// Mean contract amount at scale 1, 万元 (the mean of the mixture the amounts are drawn from).
pub const MEAN_BASE_AMOUNT: f64 = 104_400.0;
/// At most this many signings a year, whatever the target says.
const MAX_SIGNINGS: usize = 5_000;
/// Share of 亿元以上 projects that do not start within six months of signing: they start
/// late, or never and are terminated. They are the 督办 list's stalled projects (and raise
/// W-BIG-NOT-STARTED on their returns).
const STALLED_SHARE: f64 = 0.025;
/// Share of small projects that never start and are terminated (备注「项目终止」).
const NEVER_STARTED_SHARE: f64 = 0.05;
/// Share of started projects whose funds stop for three to seven months on end before
/// production: the 督办 list's projects without funds in place.
const FUNDS_GAP_SHARE: f64 = 0.03;
/// Share of projects renamed once in their life (备注「原名：…」); they carry no 项目编号,
/// so that the old name is what identifies them.
const RENAMED_SHARE: f64 = 0.004;
/// Why a county terminates a project, as its 备注 says.
const TERMINATION_REASONS: [&str; 4] = [
    "投资方战略调整",
    "用地条件未落实",
    "投资方资金链紧张",
    "双方协商解除协议",
];

/// Who a pool is for and how big the unit is.
#[derive(Debug, Clone)]
pub struct UnitProfile {
    /// Roster code (行政区划代码 or a zone's code).
    pub code: String,
    /// Roster name.
    pub name: String,
    /// Annual signing goal of [`BASE_YEAR`], 万元 (the roster's `signed_amount` target).
    pub annual_signed: f64,
    /// Roster industries with the weight this unit gives them.
    pub industries: Vec<(String, f64)>,
    /// 0 for the smallest mountain county, 1 for the largest zone.
    pub size: f64,
}

impl UnitProfile {
    /// A profile from a unit's annual target and the roster's industry names.
    pub fn new(
        code: &str,
        name: &str,
        annual_signed: f64,
        industry_names: &[String],
    ) -> UnitProfile {
        let size = ((annual_signed.max(1.0).ln() - 800_000f64.ln())
            / (27_000_000f64.ln() - 800_000f64.ln()))
        .clamp(0.0, 1.0);
        let industries = industry_names
            .iter()
            .map(|n| {
                let w = match vocab::industry_words(n) {
                    Some(words) => words.rural + (words.urban - words.rural) * size,
                    None => 1.0,
                };
                (n.clone(), w)
            })
            .collect();
        UnitProfile {
            code: code.to_string(),
            name: name.to_string(),
            annual_signed,
            industries,
            size,
        }
    }
}

/// Project size multiplier: big districts sign bigger projects, small counties smaller
/// ones, so that neither has absurdly many or few signings.
pub fn amount_scale(annual_signed: f64) -> f64 {
    (annual_signed / REFERENCE_SIGNED).sqrt().clamp(0.25, 3.0)
}

/// A project as planned over its life, before it is cut into a month's ledger row.
#[derive(Debug, Clone)]
pub struct Plan {
    /// 项目编号: `<unit code>-<signing year>-<nnn>`, stable across months.
    pub id: String,
    /// Whether the return writes [`Plan::id`]; a renamed project's does not.
    pub numbered: bool,
    /// 项目名称
    pub name: String,
    /// 投资方
    pub investor: String,
    /// 投资方来源地
    pub origin: String,
    /// 资金来源
    pub funds_source: FundsSource,
    /// 产业类别, a roster industry.
    pub industry: String,
    /// 项目类型
    pub kind: ProjectKind,
    /// First month it is reported as 在谈.
    pub negotiating_from: Period,
    /// 签约日期
    pub signed_on: NaiveDate,
    /// 合同投资额
    pub amount: Wan,
    /// 其中：合同外资 (foreign investors only).
    pub contract_fdi: UsdWan,
    /// 开工日期, if it starts at all.
    pub started_on: Option<NaiveDate>,
    /// When it goes into production (已投产).
    pub producing_on: Option<NaiveDate>,
    /// When it is terminated (备注「项目终止」); only projects that never start.
    pub terminated_on: Option<NaiveDate>,
    /// From this month on it is reported under the new name, with 备注「原名：<name>」.
    pub renamed: Option<(Period, String)>,
    /// Funds in place by month, in month order (万元, and the 万美元 of foreign capital).
    pub funds: Vec<(Period, Wan, UsdWan)>,
    /// 是否世界500强
    pub fortune500: bool,
    /// 备注
    pub note: Option<String>,
}

impl Plan {
    /// The month it is first reported 已投产 or 终止; every plan has one.
    pub fn settled(&self) -> Option<Period> {
        self.producing_on.or(self.terminated_on).map(period_of)
    }

    /// Whether it is in the ledgers of `year` as a project signed in an earlier one
    /// (结转项目): not settled before the year began.
    fn carried_into(&self, year: i32) -> bool {
        self.signed_on.year() < year && self.settled().is_none_or(|s| s.year >= year)
    }

    /// Funds of year `year` from January to `to` inclusive.
    fn funds_ytd(&self, to: Period) -> (Wan, UsdWan) {
        self.funds
            .iter()
            .filter(|(p, _, _)| p.year == to.year && p.month <= to.month)
            .fold((Wan::ZERO, UsdWan::ZERO), |(a, b), (_, w, u)| {
                (a + *w, b + *u)
            })
    }

    fn funds_in(&self, month: Period) -> (Wan, UsdWan) {
        self.funds
            .iter()
            .find(|(p, _, _)| *p == month)
            .map_or((Wan::ZERO, UsdWan::ZERO), |(_, w, u)| (*w, *u))
    }

    /// The ledger row of this project in report month `period`, signed or not.
    fn row(&self, period: Period, negotiating: bool) -> Project {
        let end = period.last_day();
        let (funds_month, fdi_month) = if negotiating {
            Default::default()
        } else {
            self.funds_in(period)
        };
        let (funds_ytd, fdi_ytd) = if negotiating {
            Default::default()
        } else {
            self.funds_ytd(period)
        };
        let started_on = self.started_on.filter(|d| !negotiating && *d <= end);
        let stage = if negotiating {
            Stage::Negotiating
        } else if self.producing_on.is_some_and(|d| d <= end) {
            Stage::InProduction
        } else if started_on.is_some() {
            Stage::Started
        } else {
            Stage::Signed
        };
        let renamed = self.renamed.as_ref().filter(|(from, _)| *from <= period);
        let note = if negotiating {
            Some("意向投资额，洽谈中".to_string())
        } else if self.terminated_on.is_some_and(|d| d <= end) {
            let reason = TERMINATION_REASONS[self.amount.cents().rem_euclid(4) as usize];
            Some(format!("项目终止（{reason}）"))
        } else if renamed.is_some() {
            Some(format!("原名：{}", self.name))
        } else {
            self.note.clone()
        };
        Project {
            row: 0,
            id: self.numbered.then(|| self.id.clone()),
            name: renamed.map_or_else(|| self.name.clone(), |(_, n)| n.clone()),
            investor: self.investor.clone(),
            origin: Some(self.origin.as_str().into()),
            funds_source: Some(self.funds_source),
            industry: self.industry.as_str().into(),
            kind: Some(self.kind),
            stage,
            signed_on: (!negotiating).then_some(self.signed_on),
            contract_amount: Some(self.amount),
            contract_fdi: self.contract_fdi,
            started_on,
            funds_month,
            funds_ytd,
            fdi_month,
            fdi_ytd,
            fortune500: Some(self.fortune500),
            note,
        }
    }
}

/// `p` moved by `months` (negative goes back).
pub fn add_months(p: Period, months: i32) -> Period {
    let index = p.year * 12 + p.month as i32 - 1 + months;
    Period {
        year: index.div_euclid(12),
        month: index.rem_euclid(12) as u32 + 1,
    }
}

/// The month a date falls in.
pub fn period_of(d: NaiveDate) -> Period {
    Period {
        year: d.year(),
        month: d.month(),
    }
}

fn plus_days(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_days(Days::new(days.max(0) as u64))
        .unwrap_or(d)
}

/// Draws a contract amount in 万元: log-uniform between 3千万 and 50亿 at scale 1, with a
/// few 30–100亿 flagship projects, rounded as offices write them.
fn draw_amount(rng: &mut Rng, scale: f64) -> i64 {
    let base = if rng.chance(0.015) {
        rng.log_uniform(300_000.0, 1_000_000.0)
    } else {
        rng.log_uniform(3_000.0, 500_000.0)
    };
    let x = (base * scale).max(500.0);
    let step = if x < 10_000.0 {
        10.0
    } else if x < 100_000.0 {
        100.0
    } else {
        1_000.0
    };
    ((x / step).round() * step) as i64
}

/// All signings of `unit` in `year`, drawn from the seed, the unit code and the year only.
pub fn signings(seed: u64, unit: &UnitProfile, year: i32) -> Vec<Plan> {
    let year_key = year.to_string();
    let mut rng = Rng::keyed(seed, &[&unit.code, "signings", &year_key]);
    let goal = unit.annual_signed * GROWTH.powi(year - BASE_YEAR) * rng.uniform(0.9, 1.1);
    let scale = amount_scale(unit.annual_signed);
    let weights: Vec<f64> = unit.industries.iter().map(|(_, w)| *w).collect();
    let mut plans: Vec<Plan> = Vec::new();
    let mut identities = HashSet::new();
    let mut total = 0.0;
    while total < goal && plans.len() < MAX_SIGNINGS {
        let amount = draw_amount(&mut rng, scale);
        total += amount as f64;
        let month = rng.weighted(&MONTH_WEIGHTS) as u32 + 1;
        let mut prng = rng.fork(plans.len() as u64);
        let mut plan = plan_project(&mut prng, unit, &weights, year, month, amount, plans.len());
        // Same name and investor twice in one pool: draw the names again.
        while !identities.insert((plan.name.clone(), plan.investor.clone())) {
            plan = plan_project(&mut prng, unit, &weights, year, month, amount, plans.len());
        }
        plans.push(plan);
    }
    plans
}

fn plan_project(
    rng: &mut Rng,
    unit: &UnitProfile,
    weights: &[f64],
    year: i32,
    month: u32,
    amount: i64,
    index: usize,
) -> Plan {
    let industry = if unit.industries.is_empty() {
        "其他".to_string()
    } else {
        unit.industries[rng.weighted(weights)].0.clone()
    };
    let words = vocab::industry_words(&industry);
    let kind = if rng.chance(0.15) {
        ProjectKind::Expansion
    } else {
        ProjectKind::New
    };
    let source = match rng.unit() {
        x if x < 0.25 => FundsSource::WithinCity,
        x if x < 0.95 => FundsSource::OutOfProvince,
        _ => FundsSource::Abroad,
    };
    let brand = vocab::brand(rng);
    let investor_word = match words {
        Some(w) => *rng.pick(w.investor_words),
        None => *rng.pick(vocab::GENERIC_INVESTOR_WORDS),
    };
    let mut fortune500 = false;
    let (origin, investor) = match source {
        FundsSource::Abroad => {
            let (place, names, suffix) = rng.pick(vocab::FOREIGN_ORIGINS);
            fortune500 = amount >= 100_000 && rng.chance(0.3);
            (
                place.to_string(),
                format!("{}{investor_word}{suffix}", rng.pick(names)),
            )
        }
        FundsSource::WithinCity => {
            let (place, prefix) = vocab::HOME_ORIGIN;
            (
                place.to_string(),
                format!("{prefix}{brand}{investor_word}{}", company_suffix(rng)),
            )
        }
        _ if amount >= 200_000 && rng.chance(0.25) => {
            fortune500 = true;
            (
                "北京市".to_string(),
                format!("中国{brand}{investor_word}集团有限公司"),
            )
        }
        _ => {
            let (place, prefix) = rng.pick(vocab::DOMESTIC_ORIGINS);
            (
                place.to_string(),
                format!("{prefix}{brand}{investor_word}{}", company_suffix(rng)),
            )
        }
    };
    let name = project_name(rng, words, &industry, &brand, kind);

    let signed_period = Period { year, month };
    let day = rng.range(1, i64::from(signed_period.last_day().day())) as u32;
    let signed_on =
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_else(|| signed_period.first_day());
    let negotiating_from = add_months(signed_period, -(rng.range(1, 6) as i32));
    // 亿元以上 projects start within six months of signing (the bureaus chase them, and the
    // contract warns otherwise), but for a few that start late or never; most small ones
    // start within eleven months, the rest never do. A project that never starts is
    // terminated; one that starts goes into production. Either by the end of the second
    // year after signing, so that a pool reaches two years ahead and no further.
    let deadline = NaiveDate::from_ymd_opt(year + 2, 12, 20).unwrap_or(signed_on);
    let big = amount >= YI.0 / 100;
    let started_on = if big && rng.chance(STALLED_SHARE) {
        rng.chance(0.5)
            .then(|| plus_days(signed_on, rng.range(200, 420)))
    } else if big {
        Some(plus_days(signed_on, rng.range(20, 170)))
    } else if rng.chance(1.0 - NEVER_STARTED_SHARE) {
        Some(plus_days(signed_on, rng.range(30, 330)))
    } else {
        None
    };
    let producing_on = started_on.map(|d| {
        plus_days(d, rng.range(240, 600))
            .min(deadline)
            .max(plus_days(d, 30))
    });
    let terminated_on = match started_on {
        None => Some(plus_days(signed_on, rng.range(270, 600)).min(deadline)),
        Some(_) => None,
    };
    let settled = period_of(producing_on.or(terminated_on).unwrap_or(deadline));

    // Funds: 10–36% of the contract, every month from (about) the signing month until
    // production (a terminated project's stop the month before), at most 30 months; a few
    // started projects' stop for three to seven months on end after the start.
    let total_cents = (amount as f64 * 100.0 * rng.uniform(0.10, 0.36)) as i64;
    let first = add_months(signed_period, rng.range(0, 2) as i32);
    let last = if terminated_on.is_some() {
        add_months(settled, -1)
    } else {
        settled
    };
    let mut months: Vec<Period> = (0..30)
        .map(|k| add_months(first, k))
        .filter(|p| *p <= last)
        .collect();
    if let (Some(start), true) = (started_on, rng.chance(FUNDS_GAP_SHARE)) {
        let from = add_months(period_of(start), rng.range(1, 6) as i32);
        let gap = rng.range(3, 7) as i32;
        let until = add_months(from, gap - 1);
        months.retain(|p| *p < from || *p > until);
    }
    let shares: Vec<f64> = months.iter().map(|_| rng.uniform(0.4, 1.6)).collect();
    let share_total: f64 = shares.iter().sum();
    let fdi_share = rng.uniform(0.5, 1.0);
    let to_usd = |cents: i64| UsdWan((cents as f64 / USD_RATE * fdi_share).round() as i64);
    let mut left = total_cents;
    let mut funds = Vec::with_capacity(months.len());
    for (i, (p, s)) in months.iter().zip(&shares).enumerate() {
        let cents = if i + 1 == months.len() {
            left
        } else {
            ((total_cents as f64 * s / share_total) as i64).min(left)
        };
        left -= cents;
        let fdi = if source == FundsSource::Abroad {
            to_usd(cents)
        } else {
            UsdWan::ZERO
        };
        funds.push((*p, Wan(cents), fdi));
    }
    let contract_fdi = if source == FundsSource::Abroad {
        to_usd(amount * 100)
    } else {
        UsdWan::ZERO
    };

    let note = if kind == ProjectKind::Expansion {
        Some("增资扩产部分".to_string())
    } else if month == 5 && rng.chance(0.5) {
        Some("西洽会签约项目".to_string())
    } else if (8..=9).contains(&month) && rng.chance(0.4) {
        Some("智博会签约项目".to_string())
    } else if amount >= 500_000 {
        Some("市级重点项目".to_string())
    } else if source == FundsSource::Abroad {
        Some("外资项目".to_string())
    } else {
        None
    };

    // A few projects are renamed once, between signing and settling (a county renames one
    // when its scope or its company changes), and are then reported as 「原名：…」.
    let renamed = match (
        rng.chance(RENAMED_SHARE),
        add_months(signed_period, rng.range(1, 12) as i32),
    ) {
        (true, from) if from < settled => {
            let mut new_name = project_name(rng, words, &industry, &brand, kind);
            while new_name == name {
                let other_brand = vocab::brand(rng);
                new_name = project_name(rng, words, &industry, &other_brand, kind);
            }
            Some((from, new_name))
        }
        _ => None,
    };

    Plan {
        id: format!("{}-{year}-{:03}", unit.code, index + 1),
        numbered: renamed.is_none(),
        name,
        investor,
        origin,
        funds_source: source,
        industry,
        kind,
        negotiating_from,
        signed_on,
        amount: Wan::from_units(amount),
        contract_fdi,
        started_on,
        producing_on,
        terminated_on,
        renamed,
        funds,
        fortune500,
        note,
    }
}

fn company_suffix(rng: &mut Rng) -> &'static str {
    [
        "有限公司",
        "有限公司",
        "有限公司",
        "股份有限公司",
        "集团有限公司",
    ][rng.range(0, 4) as usize]
}

/// A project name in the styles offices use: `年产20万吨锂电池正极材料项目`,
/// `龙湾智能网联汽车零部件产业园项目`, `悦溪康养旅游度假区项目`.
fn project_name(
    rng: &mut Rng,
    words: Option<&IndustryWords>,
    industry: &str,
    brand: &str,
    kind: ProjectKind,
) -> String {
    let Some(w) = words else {
        return format!(
            "{brand}{industry}{}项目",
            rng.pick(vocab::GENERIC_FACILITIES)
        );
    };
    let expansion = kind == ProjectKind::Expansion;
    if w.products.is_empty() || rng.chance(0.2) {
        let facility = rng.pick(w.facilities);
        let place = vocab::place(rng);
        return if expansion {
            format!("{place}{facility}二期项目")
        } else {
            format!("{place}{facility}项目")
        };
    }
    let (product, unit) = rng.pick(w.products);
    if expansion {
        return match rng.range(0, 1) {
            0 => format!("{brand}{product}扩能技改项目"),
            _ => format!("年产{}{unit}{product}扩产项目", rng.pick(vocab::CAPACITIES)),
        };
    }
    match rng.range(0, 5) {
        0 | 1 => format!("年产{}{unit}{product}项目", rng.pick(vocab::CAPACITIES)),
        2 => format!("{brand}{product}生产基地项目"),
        3 => format!("{product}智能制造项目"),
        _ => format!("{product}研发及产业化项目"),
    }
}

/// A unit's signings over the years a run needs, drawn once: the report year, the one
/// after (projects already under negotiation) and three before (projects carried over,
/// and last year's figures for 上年同期累计). The years drawn are the same for every
/// period of [`BASE_YEAR`] and the year before it, so that a run for 2024-11 and one for
/// 2025-06 make names unique ([`disambiguate`]) over the same projects and agree on them.
#[derive(Debug, Clone)]
pub struct History {
    /// The seed the signings were drawn with.
    pub seed: u64,
    /// Whose history it is.
    pub unit: UnitProfile,
    /// Signings by year.
    pub years: BTreeMap<i32, Vec<Plan>>,
}

impl History {
    /// The history a return for `period` and its 上年同期 figures draw on.
    pub fn for_period(seed: u64, unit: &UnitProfile, period: Period) -> History {
        let first = period.year.min(BASE_YEAR - 1) - 3;
        let last = period.year.max(BASE_YEAR) + 1;
        let years = (first..=last)
            .map(|y| (y, signings(seed, unit, y)))
            .collect();
        History {
            seed,
            unit: unit.clone(),
            years,
        }
    }

    /// The signings of `year`: drawn in advance, or drawn now if the run did not need them.
    pub fn plans(&self, year: i32) -> Cow<'_, [Plan]> {
        match self.years.get(&year) {
            Some(p) => Cow::Borrowed(p.as_slice()),
            None => Cow::Owned(signings(self.seed, &self.unit, year)),
        }
    }

    /// The rows of the ledger for report month `period`, in the order an office lists
    /// them: this year's signings by date, then projects signed in earlier years and not
    /// settled before this one (结转项目), then projects under negotiation. `row` is left 0
    /// for the writer to set.
    pub fn ledger(&self, period: Period) -> Vec<Project> {
        let year = period.year;
        let end = period.last_day();
        let mut signed = Vec::new();
        let mut carried = Vec::new();
        let mut negotiating = Vec::new();
        for plan in self
            .plans(year - 2)
            .iter()
            .chain(self.plans(year - 1).iter())
        {
            if plan.carried_into(year) {
                carried.push(plan.row(period, false));
            }
        }
        for plan in self.plans(year).iter().chain(self.plans(year + 1).iter()) {
            if plan.signed_on <= end {
                signed.push((plan.signed_on, plan.row(period, false)));
            } else if plan.negotiating_from <= period {
                negotiating.push((plan.negotiating_from, plan.row(period, true)));
            }
        }
        signed.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        negotiating.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        signed
            .into_iter()
            .map(|(_, p)| p)
            .chain(carried)
            .chain(negotiating.into_iter().map(|(_, p)| p))
            .collect()
    }
}

#[cfg(test)]
/// The ledger of `unit` for `period` on its own (tests and one-off use).
pub fn ledger(seed: u64, unit: &UnitProfile, period: Period) -> Vec<Project> {
    History::for_period(seed, unit, period).ledger(period)
}

/// Makes (项目名称, 投资方) unique across all histories of a run, so that no project is
/// reported twice in a return or by two units. Names are compared as the tool compares
/// them ([`normalize_key`]); a later duplicate (by year, then roster order, then signing
/// order) becomes its `二期`, `三期`… project. Deterministic for a given roster, seed and
/// set of years, which is what keeps two months of one year in agreement.
pub fn disambiguate(histories: &mut [History]) {
    let years: std::collections::BTreeSet<i32> = histories
        .iter()
        .flat_map(|h| h.years.keys().copied())
        .collect();
    let mut seen = HashSet::new();
    for year in years {
        for h in histories.iter_mut() {
            let Some(plans) = h.years.get_mut(&year) else {
                continue;
            };
            for plan in plans.iter_mut() {
                let investor = normalize_key(&plan.investor);
                let base = plan.name.clone();
                let mut phase = 1;
                while !seen.insert((normalize_key(&plan.name), investor.clone())) {
                    phase += 1;
                    plan.name = with_phase(&base, phase);
                }
                if let Some((_, new_name)) = &mut plan.renamed {
                    let base = new_name.clone();
                    let mut phase = 1;
                    while !seen.insert((normalize_key(new_name), investor.clone())) {
                        phase += 1;
                        *new_name = with_phase(&base, phase);
                    }
                }
            }
        }
    }
}

/// `年产20万吨X项目` → `年产20万吨X（三期）项目` for phase 3.
fn with_phase(name: &str, phase: u32) -> String {
    const NUMERALS: [&str; 9] = ["二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let numeral = NUMERALS
        .get(phase as usize - 2)
        .map_or_else(|| phase.to_string(), |n| n.to_string());
    match name.strip_suffix("项目") {
        Some(stem) => format!("{stem}（{numeral}期）项目"),
        None => format!("{name}（{numeral}期）"),
    }
}

/// 外出招商活动次数 and 接待客商批次 of each month of `year`: counts the ledger cannot
/// give, drawn per month so that year-to-date sums agree across months.
pub fn activity(seed: u64, unit: &UnitProfile, year: i32) -> [(i64, i64); 12] {
    let mut rng = Rng::keyed(seed, &[&unit.code, "activity", &year.to_string()]);
    let trips_max = 3 + (5.0 * unit.size).round() as i64;
    let visitors_max = 6 + (30.0 * unit.size).round() as i64;
    let mut out = [(0, 0); 12];
    for m in &mut out {
        *m = (rng.range(1, trips_max), rng.range(3, visitors_max));
    }
    out
}

/// One indicator row of 主要指标 as written: month, year to date and the same period of
/// last year, in whole counts or hundredths of 万元 / 万美元.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryRow {
    /// Which of the twelve indicators.
    pub indicator: Indicator,
    /// 本月
    pub month: i64,
    /// 1-N月累计
    pub ytd: i64,
    /// 上年同期累计
    pub last_year: i64,
}

/// Everything one return says.
#[derive(Debug, Clone)]
pub struct UnitReturn {
    /// 填报单位
    pub unit_name: String,
    /// 行政区划代码
    pub unit_code: String,
    /// 报告期
    pub period: Period,
    /// 填报人
    pub preparer: String,
    /// 联系电话
    pub phone: String,
    /// 审核人
    pub reviewer: String,
    /// 填报日期; also the workbook's creation date, which keeps the bytes reproducible.
    pub filled_on: NaiveDate,
    /// 项目明细, in sheet order.
    pub projects: Vec<Project>,
    /// Last year's year-to-date figures at the same month (上年同期累计).
    pub last_year: Figures,
    /// This year's (外出招商活动次数, 接待客商批次) by month.
    pub activity: [(i64, i64); 12],
    /// Last year's activity counts by month.
    pub activity_last_year: [(i64, i64); 12],
    /// 主要指标, derived from `projects` by [`UnitReturn::refresh_summary`].
    pub summary: Vec<SummaryRow>,
}

impl UnitReturn {
    /// The return the unit of `history` would send for `period`.
    pub fn build(history: &History, period: Period) -> UnitReturn {
        let (seed, unit) = (history.seed, &history.unit);
        let mut clerk = Rng::keyed(seed, &[&unit.code, "clerk"]);
        let preparer = vocab::person(&mut clerk);
        let phone = vocab::phone(&mut clerk);
        let mut reviewer = vocab::person(&mut clerk);
        while reviewer == preparer {
            reviewer = vocab::person(&mut clerk);
        }
        let mut day = Rng::keyed(seed, &[&unit.code, "filled", &period.to_string()]);
        let filled_on = plus_days(period.next().first_day(), day.range(0, 4));
        let last = period.year_earlier();
        let last_year = PeriodFigures::from_ledger(&history.ledger(last), last).ytd;
        let mut ret = UnitReturn {
            unit_name: unit.name.clone(),
            unit_code: unit.code.clone(),
            period,
            preparer,
            phone,
            reviewer,
            filled_on,
            projects: history.ledger(period),
            last_year,
            activity: activity(seed, unit, period.year),
            activity_last_year: activity(seed, unit, period.year - 1),
            summary: Vec::new(),
        };
        ret.refresh_summary();
        ret
    }

    /// Recomputes 主要指标 from the projects, with the ledger derivation of the model, so
    /// that the summary agrees with the ledger by construction.
    pub fn refresh_summary(&mut self) {
        let f = PeriodFigures::from_ledger(&self.projects, self.period);
        let m = self.period.month as usize;
        let sum =
            |a: &[(i64, i64)], pick: fn(&(i64, i64)) -> i64| a[..m].iter().map(pick).sum::<i64>();
        self.summary = Indicator::ALL
            .iter()
            .map(|&indicator| {
                let (month, ytd, last_year) = match indicator {
                    Indicator::OutboundTrips => (
                        self.activity[m - 1].0,
                        sum(&self.activity, |x| x.0),
                        sum(&self.activity_last_year, |x| x.0),
                    ),
                    Indicator::VisitorsReceived => (
                        self.activity[m - 1].1,
                        sum(&self.activity, |x| x.1),
                        sum(&self.activity_last_year, |x| x.1),
                    ),
                    _ => (
                        indicator.derived(&f.month).unwrap_or(0),
                        indicator.derived(&f.ytd).unwrap_or(0),
                        indicator.derived(&self.last_year).unwrap_or(0),
                    ),
                };
                SummaryRow {
                    indicator,
                    month,
                    ytd,
                    last_year,
                }
            })
            .collect();
    }

    /// The file name of the return: `<单位名>-<YYYY-MM>.xlsx`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.xlsx", self.unit_name, self.period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(target: f64) -> UnitProfile {
        let names: Vec<String> = vocab::INDUSTRIES
            .iter()
            .map(|i| i.name.to_string())
            .collect();
        UnitProfile::new("500112", "渝北区", target, &names)
    }

    fn p(y: i32, m: u32) -> Period {
        Period { year: y, month: m }
    }

    #[test]
    fn consecutive_months_agree() {
        let unit = profile(12_000_000.0);
        for m in 2..=12 {
            let before = ledger(7, &unit, p(2025, m - 1));
            let now = ledger(7, &unit, p(2025, m));
            for old in &before {
                let new = now
                    .iter()
                    .find(|n| n.id == old.id)
                    .expect("no project vanishes");
                assert!(new.funds_ytd >= old.funds_ytd, "YTD never falls");
                assert!(new.fdi_ytd >= old.fdi_ytd);
                if old.stage != Stage::Negotiating {
                    assert_eq!(new.signed_on, old.signed_on);
                    assert_ne!(new.stage, Stage::Negotiating);
                }
            }
            let fb = PeriodFigures::from_ledger(&before, p(2025, m - 1)).ytd;
            let fnow = PeriodFigures::from_ledger(&now, p(2025, m));
            assert_eq!(
                fb.signed_amount + fnow.month.signed_amount,
                fnow.ytd.signed_amount
            );
            assert_eq!(
                fb.funds_in_place + fnow.month.funds_in_place,
                fnow.ytd.funds_in_place
            );
        }
    }

    #[test]
    fn ledger_rows_keep_the_contract_rules() {
        for target in [800_000.0, 6_000_000.0, 27_000_000.0] {
            let unit = profile(target);
            for period in [p(2024, 6), p(2025, 5), p(2025, 6), p(2025, 12)] {
                let rows = ledger(7, &unit, period);
                let mut ids = std::collections::HashSet::new();
                let mut keys = std::collections::HashSet::new();
                let mut late_big = 0;
                let mut big = 0;
                for r in &rows {
                    if let Some(id) = &r.id {
                        assert!(ids.insert(id.clone()), "duplicate id");
                    }
                    assert!(
                        keys.insert((r.name.clone(), r.investor.clone())),
                        "duplicate name and investor"
                    );
                    assert!(r.funds_ytd >= r.funds_month);
                    assert!(r.fdi_ytd >= r.fdi_month);
                    assert!(r.funds_ytd <= r.contract_amount.unwrap_or_default());
                    if let Some(s) = r.signed_on {
                        assert!(s <= period.last_day(), "signed after the report month");
                        let six_months_on = add_months(
                            Period {
                                year: s.year(),
                                month: s.month(),
                            },
                            6,
                        );
                        if r.contract_amount.unwrap_or_default() >= YI && six_months_on < period {
                            big += 1;
                            if r.started_on.is_none() {
                                late_big += 1;
                            }
                        }
                    } else {
                        assert_eq!(r.stage, Stage::Negotiating);
                        assert!(r.funds_ytd.is_zero());
                    }
                    if matches!(r.stage, Stage::Started | Stage::InProduction) {
                        assert!(r.started_on.is_some_and(|d| d <= period.last_day()));
                    }
                }
                // The stalled projects of the 督办 list are a few, not the rule.
                assert!(
                    late_big <= 2 + big / 10,
                    "{late_big} of {big} 亿元以上 projects not started after six months"
                );
            }
        }
    }

    /// Whether a row's 备注 says the project is terminated or its 项目进展 in production.
    fn settled(r: &Project) -> bool {
        r.stage == Stage::InProduction || r.note.as_deref().is_some_and(|n| n.contains("终止"))
    }

    /// The row of `rows` that is `old` a month later: the same 项目编号, or the same name
    /// and investor, or a 备注「原名：」 giving its name, with the same investor.
    fn same_project<'a>(rows: &'a [Project], old: &Project) -> Option<&'a Project> {
        rows.iter().find(|n| match (&n.id, &old.id) {
            (Some(a), Some(b)) => a == b,
            _ => {
                n.investor == old.investor
                    && (n.name == old.name
                        || n.note.as_deref() == Some(format!("原名：{}", old.name).as_str()))
            }
        })
    }

    #[test]
    fn carried_over_projects_cross_the_year_boundary_until_settled() {
        let mut left = 0;
        let mut crossed = 0;
        for target in [3_000_000.0, 27_000_000.0] {
            let unit = profile(target);
            for year in [2024, 2025] {
                let december = ledger(7, &unit, p(year, 12));
                let january = ledger(7, &unit, p(year + 1, 1));
                for old in december.iter().filter(|r| r.signed_on.is_some()) {
                    match same_project(&january, old) {
                        Some(new) => {
                            assert!(!settled(old), "settled in December, still listed: {old:?}");
                            assert_eq!(new.signed_on, old.signed_on, "{old:?}");
                            assert_eq!(new.contract_amount, old.contract_amount);
                            // January's year-to-date funds are January's own.
                            assert_eq!(new.funds_ytd, new.funds_month);
                            crossed += 1;
                        }
                        None => {
                            assert!(settled(old), "vanished unsettled: {old:?}");
                            left += 1;
                        }
                    }
                }
                // Nothing signed in January is a carried project's row.
                for new in &january {
                    if let Some(d) = new.signed_on {
                        if d.year() < year + 1 {
                            assert!(
                                same_project(&december, new).is_some()
                                    || new.note.as_deref().is_some_and(|n| n.starts_with("原名"))
                            );
                        }
                    }
                }
            }
        }
        assert!(left > 0 && crossed > 0, "left {left}, crossed {crossed}");
    }

    #[test]
    fn every_plan_settles_within_two_years_and_its_funds_stop_there() {
        let unit = profile(27_000_000.0);
        let (mut big, mut stalled, mut renamed, mut terminated) = (0, 0, 0, 0);
        for year in 2022..=2025 {
            for plan in signings(7, &unit, year) {
                let settled = plan.settled().expect("every plan settles");
                assert!(settled <= p(year + 2, 12), "{plan:?}");
                assert!(settled >= period_of(plan.signed_on));
                match (plan.started_on, plan.producing_on, plan.terminated_on) {
                    (Some(s), Some(prod), None) => assert!(s < prod),
                    (None, None, Some(_)) => terminated += 1,
                    other => panic!("started, producing, terminated: {other:?}"),
                }
                let last_funds = plan.funds.last().map(|f| f.0);
                assert!(last_funds.is_none_or(|m| m <= settled));
                let total = plan.funds.iter().fold(Wan::ZERO, |a, f| a + f.1);
                assert!(total <= plan.amount);
                if let Some((from, name)) = &plan.renamed {
                    assert!(!plan.numbered && *from < settled && *name != plan.name);
                    renamed += 1;
                }
                if plan.amount >= YI {
                    big += 1;
                    let six = add_months(period_of(plan.signed_on), 6).last_day();
                    if plan.started_on.is_none_or(|s| s > six) {
                        stalled += 1;
                    }
                }
            }
        }
        assert!(
            stalled > 0 && stalled * 10 < big,
            "{stalled} of {big} stalled"
        );
        assert!(terminated > 0);
        assert!(renamed <= 20);
    }

    #[test]
    fn pools_are_deterministic() {
        let unit = profile(5_000_000.0);
        let a = ledger(42, &unit, p(2025, 6));
        let b = ledger(42, &unit, p(2025, 6));
        assert_eq!(a, b);
        assert_ne!(a, ledger(43, &unit, p(2025, 6)));
    }

    #[test]
    fn add_months_crosses_years() {
        assert_eq!(add_months(p(2025, 1), -1), p(2024, 12));
        assert_eq!(add_months(p(2025, 11), 3), p(2026, 2));
        assert_eq!(add_months(p(2025, 6), -18), p(2023, 12));
    }
}
