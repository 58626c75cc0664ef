//! The project register (项目库): every project the counted returns have reported,
//! followed across months and years from its first report to its last, so that a signing
//! can be chased to its start and its production (`tongbao projects`).
//!
//! Identity is decided here, as a pure function over the stored returns ([`build`]): a
//! project is its unit's own (项目编号 are each unit's, and the same project reported by
//! two units is the W-PROJECT-ELSEWHERE warning's business, not a merge). Within a unit a
//! row is matched, in this order, by its 项目编号, by its normalised (项目名称, 投资方) —
//! the key the history rules use — and by a former name its 备注 gives (「原名：…」).
//! A row that could be more than one project, or a project another row of the same
//! return already took, is never merged: it opens a project of its own and is listed in
//! [`Register::ambiguous`] for the clerk.
//!
//! The clerk's links (`tongbao projects link`, stored in the archive) are applied as the
//! register is built ([`build_linked`]): the row that would open a link's later entry
//! joins the earlier project instead. Each project's 资金到位率 and how it moved since
//! last month (the register built to the month before, [`load_with_last_month`]) are
//! computed here too, as are 开工率 and 投产率 of a cohort.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;
use std::sync::Arc;

// The builder looks a key up for every row of every month: foldhash rather than SipHash
// (still seeded per process, so a county cannot pick names that collide).
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::archive::{Archive, ArchiveError, LastReturn, ProjectLink, SharedMonth, StoredReturn};
use crate::config::{Config, ProjectsSettings};
use crate::model::{FigureKey, Period, Project, Stage, Wan, YI};
use crate::text::normalize_key;

/// The register as of a period: the projects of every counted return up to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    /// The last month the register reads.
    pub period: Period,
    /// Every project, in the order of its unit's code, then of its first report (period,
    /// then ledger row).
    pub projects: Vec<RegisteredProject>,
    /// The rows that could not be matched to one project without guessing.
    pub ambiguous: Vec<AmbiguousMatch>,
    /// The register built to the month before `period` from the same archive, when it was
    /// asked for ([`load_with_last_month`]): what "since last month" compares with.
    pub last_month: Option<Box<MonthBefore>>,
    /// The clerk's links that could not be applied (the returns changed since).
    pub unapplied_links: Vec<UnappliedLink>,
}

/// Why a link of the clerk's was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkConflict {
    /// Both entries report in this month.
    SameMonth(Period),
    /// The entries are two units' projects.
    OtherUnit,
    /// The earlier entry is not in the register when the later one appears.
    EarlierMissing,
}

/// A link of the clerk's the register could not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct UnappliedLink {
    pub link: ProjectLink,
    pub reason: LinkConflict,
}

/// An entry the clerk joined to a project, and the link that did it.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    /// The entry's own id (the one it has without the link).
    pub id: String,
    pub link: ProjectLink,
}

/// The register built to the month before, with its projects looked up by id.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthBefore {
    pub register: Register,
    by_id: HashMap<String, usize>,
}

impl MonthBefore {
    pub fn new(register: Register) -> MonthBefore {
        let by_id = register
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        MonthBefore { register, by_id }
    }

    /// The project with this id, when it was in the register then.
    pub fn project(&self, id: &str) -> Option<&RegisteredProject> {
        self.by_id.get(id).map(|&i| &self.register.projects[i])
    }
}

/// Which file a report came from: one per file, shared by its reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// The submission's id in the archive.
    pub submission: i64,
    /// Shared by every report of the file.
    pub file_name: Arc<str>,
    pub version: Option<i64>,
    pub period: Period,
}

/// How a row was recognised as a project already in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The project's first report.
    First,
    /// Its 项目编号.
    Code,
    /// Its normalised (项目名称, 投资方).
    Name,
    /// A former name its 备注 gives (「原名：…」), with the same investor.
    FormerName,
    /// The clerk's link (`tongbao projects link`): the entry it opened joins the project.
    Link,
}

/// One month's report of a project: what its history needs of the row (the latest row is
/// kept whole, [`RegisteredProject::latest`]).
///
/// A national register holds millions of reports, most of them the month before's again:
/// a report keeps the fields the history reads, its file by reference, and its texts
/// shared with the report before when they did not change (a whole row, about 500 bytes
/// with its texts, made the register a national `build`'s largest part and grew it by
/// 600,000 rows a month).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub file: Arc<FileRef>,
    /// One-based sheet row.
    pub row: u32,
    pub matched_by: MatchedBy,
    pub stage: Stage,
    /// 项目名称.
    pub name: Arc<str>,
    /// 项目编号 as written.
    pub code: Option<Arc<str>>,
    /// 备注.
    pub note: Option<Arc<str>>,
    pub signed_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    /// 合同投资额, 本月到位资金 and 本年累计到位资金 ([`Self::contract_amount`],
    /// [`Self::funds_month`], [`Self::funds_ytd`]).
    amounts: Amounts,
}

/// A report's three amounts in 0.01 万元 and which of them are stated: three
/// `Option<Wan>` took twice the room, in each of a nation's millions of reports.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Amounts {
    values: [i64; 3],
    stated: u8,
}

impl Amounts {
    /// 合同投资额, 本月到位资金, 本年累计到位资金, in that order.
    fn new(contract: Option<Wan>, month: Option<Wan>, ytd: Option<Wan>) -> Amounts {
        let mut a = Amounts {
            values: [0; 3],
            stated: 0,
        };
        for (i, v) in [contract, month, ytd].into_iter().enumerate() {
            if let Some(Wan(v)) = v {
                a.values[i] = v;
                a.stated |= 1 << i;
            }
        }
        a
    }

    fn get(&self, i: usize) -> Option<Wan> {
        (self.stated & (1 << i) != 0).then_some(Wan(self.values[i]))
    }
}

impl Report {
    /// 合同投资额, `None` when the row leaves it blank.
    pub fn contract_amount(&self) -> Option<Wan> {
        self.amounts.get(0)
    }

    /// 本月到位资金, `None` when the return does not state it (no such column).
    pub fn funds_month(&self) -> Option<Wan> {
        self.amounts.get(1)
    }

    /// 本年累计到位资金, `None` when the return does not state it.
    pub fn funds_ytd(&self) -> Option<Wan> {
        self.amounts.get(2)
    }

    /// The report of row `p` of `file`, its texts shared with `before` (the project's
    /// previous report) where they are the same.
    fn of(
        p: &Project,
        file: Arc<FileRef>,
        matched_by: MatchedBy,
        (month_stated, ytd_stated): (bool, bool),
        before: Option<&Report>,
    ) -> Report {
        Report {
            file,
            row: p.row + 1,
            matched_by,
            stage: p.stage,
            name: shared(&p.name, before.map(|b| &b.name)),
            code: p
                .id
                .as_deref()
                .map(|c| shared(c, before.and_then(|b| b.code.as_ref()))),
            note: p
                .note
                .as_deref()
                .map(|n| shared(n, before.and_then(|b| b.note.as_ref()))),
            signed_on: p.signed_on,
            started_on: p.started_on,
            amounts: Amounts::new(
                p.contract_amount,
                month_stated.then_some(p.funds_month),
                ytd_stated.then_some(p.funds_ytd),
            ),
        }
    }
}

/// `now` as a shared text: `before`'s when it is the same.
fn shared(now: &str, before: Option<&Arc<str>>) -> Arc<str> {
    match before {
        Some(b) if **b == *now => Arc::clone(b),
        _ => Arc::from(now),
    }
}

/// A year's funds in place of a project: its 本年累计到位资金 at the year's last report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearFunds {
    pub year: i32,
    /// The year's last report.
    pub period: Period,
    /// `None` when that report's return does not state the figure.
    pub funds_ytd: Option<Wan>,
}

/// One project of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredProject {
    /// Stable id: the unit's code and the identity of the project's first report
    /// ([`Project::identity`]: `500113:#p001` — the 项目编号 normalised, letters in lower
    /// case — or `500113:新材料产业园|甲材料有限公司`), with `~2`, `~3`…
    /// when an ambiguous row opened a second project under the same identity.
    pub id: String,
    /// Where the unit's code ends in `id` (which starts with it): the code is not kept
    /// twice (a national register has 1.2 million projects).
    unit_len: u32,
    /// Every report, oldest first (never empty).
    pub reports: Vec<Report>,
    /// The latest report's row, whole (behind a pointer: the register's vector of a
    /// million projects is moved whole when it grows and when it is sorted; shared: the
    /// month's rows are also the bulletin's 项目总表, [`Builder::add_shared`]).
    pub latest_row: Arc<Project>,
    /// Its former names and the entries joined to it, which few projects have: kept
    /// apart, a pointer each (two empty vectors were 40 bytes of each of a national
    /// register's 1.2 million projects).
    rare: Option<Box<Rare>>,
    /// Whether it is in its unit's latest counted return up to the register's period.
    pub current: bool,
    /// When it is not current: the first of its unit's counted returns after its last
    /// report that had to list it — a later return of the same year (a ledger lists every
    /// project active in its year), or, when it was last reported in December and not 在谈,
    /// a return of the next year (a signed project not in production nor terminated is
    /// carried over).
    /// `None` when it is current, or when no such return is archived: with a gap in the
    /// archive it may have gone into production or ended in a month nobody holds, so
    /// whether it vanished is not known and it is not accused.
    pub missing_from: Option<Period>,
}

/// What few projects of the register have.
#[derive(Debug, Clone, PartialEq, Default)]
struct Rare {
    former_names: Vec<String>,
    joined: Vec<Joined>,
}

impl RegisteredProject {
    /// The code of the unit whose project it is.
    pub fn unit_code(&self) -> &str {
        &self.id[..self.unit_len as usize]
    }

    /// Names it had before the latest one, oldest first.
    pub fn former_names(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |r| &r.former_names)
    }

    /// The entries the clerk joined to it, in the order they joined.
    pub fn joined(&self) -> &[Joined] {
        self.rare.as_ref().map_or(&[], |r| &r.joined)
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// What [`Self::former_names`] and [`Self::joined`] give, kept apart only when there is
    /// something.
    fn rare_of(former_names: Vec<String>, joined: Vec<Joined>) -> Option<Box<Rare>> {
        (!former_names.is_empty() || !joined.is_empty()).then(|| {
            Box::new(Rare {
                former_names,
                joined,
            })
        })
    }

    fn last(&self) -> &Report {
        // A project is opened by its first report, so `reports` is never empty.
        &self.reports[self.reports.len() - 1]
    }

    /// The latest report's row.
    pub fn latest(&self) -> &Project {
        &self.latest_row
    }

    /// The last stated value of a field, over the reports.
    fn latest_stated<T: Copy>(&self, f: impl Fn(&Report) -> Option<T>) -> Option<T> {
        self.reports.iter().rev().find_map(f)
    }

    /// 项目编号 as last written.
    pub fn code(&self) -> Option<&str> {
        self.reports.iter().rev().find_map(|r| r.code.as_deref())
    }

    /// 合同投资额, the latest stated.
    pub fn contract_amount(&self) -> Option<Wan> {
        self.latest_stated(|r| r.contract_amount())
    }

    /// 签约日期, the latest stated.
    pub fn signed_on(&self) -> Option<NaiveDate> {
        self.latest_stated(|r| r.signed_on)
    }

    /// 开工日期, the latest stated.
    pub fn started_on(&self) -> Option<NaiveDate> {
        self.latest_stated(|r| r.started_on)
    }

    pub fn first_reported(&self) -> Period {
        self.reports[0].file.period
    }

    pub fn last_reported(&self) -> Period {
        self.last().file.period
    }

    /// The file that last reported it.
    pub fn last_file(&self) -> &FileRef {
        &self.last().file
    }

    /// The stage of its latest report.
    pub fn stage(&self) -> Stage {
        self.latest().stage
    }

    /// The first period it was reported in production: 项目进展 已投产, or 已投产 in 备注.
    pub fn in_production(&self) -> Option<Period> {
        self.reports
            .iter()
            .find(|r| {
                r.stage == Stage::InProduction
                    || r.note.as_deref().is_some_and(|n| n.contains("已投产"))
            })
            .map(|r| r.file.period)
    }

    /// The first period its 备注 said it was terminated (终止, but not 未终止).
    pub fn terminated(&self) -> Option<Period> {
        self.reports
            .iter()
            .find(|r| {
                r.note
                    .as_deref()
                    .is_some_and(|n| n.contains("终止") && !n.contains("未终止"))
            })
            .map(|r| r.file.period)
    }

    /// Its 本年累计到位资金 at each year's last report, oldest year first.
    pub fn funds_by_year(&self) -> Vec<YearFunds> {
        funds_by_year(&self.reports)
    }

    /// Funds in place accumulated across years: the sum of [`Self::funds_by_year`];
    /// `None` when a year's last report does not state the figure.
    pub fn funds_in_place(&self) -> Option<Wan> {
        funds_in_place(&self.reports)
    }

    /// 资金到位率 in tenths of a percent (see [`Self::funds_rate_pct`]).
    fn funds_rate_tenths(&self) -> Option<i64> {
        funds_rate_tenths(&self.reports)
    }

    /// 资金到位率 (domain.md): funds in place accumulated across years ÷ 合同投资额 × 100,
    /// to one decimal; `None` (not computed, never 0) when either is not stated or the
    /// amount is 0.
    pub fn funds_rate_pct(&self) -> Option<f64> {
        self.funds_rate_tenths().map(tenths_as_pct)
    }

    /// 资金到位率 as of each report, oldest first: over the reports up to it (its funds
    /// across years then, the latest 合同投资额 stated by then).
    pub fn funds_rate_by_report(&self) -> Vec<Option<f64>> {
        (1..=self.reports.len())
            .map(|n| funds_rate_tenths(&self.reports[..n]).map(tenths_as_pct))
            .collect()
    }

    /// Whole months from the month of signing to `period`.
    pub fn months_since_signed(&self, period: Period) -> Option<i64> {
        self.signed_on().map(|d| {
            (i64::from(period.year) * 12 + i64::from(period.month))
                - (i64::from(d.year()) * 12 + i64::from(d.month()))
        })
    }

    /// The 督办 rule of domain.md: a 亿元以上 project, still in its unit's ledger, signed
    /// `months` months or more before the end of `period`, neither started nor in
    /// production nor terminated.
    pub fn is_stalled(&self, period: Period, months: u32) -> bool {
        self.current
            && self.stage() == Stage::Signed
            && self.started_on().is_none()
            && self.in_production().is_none()
            && self.terminated().is_none()
            && self.contract_amount().is_some_and(|a| a >= YI)
            && self.signed_on().is_some_and(|d| {
                d.checked_add_months(chrono::Months::new(months))
                    .is_some_and(|due| due <= period.last_day())
            })
    }
}

/// Each year's 本年累计到位资金 at its last report among `reports` (oldest first).
fn funds_by_year(reports: &[Report]) -> Vec<YearFunds> {
    let mut years: BTreeMap<i32, &Report> = BTreeMap::new();
    for r in reports {
        years.insert(r.file.period.year, r);
    }
    years
        .into_iter()
        .map(|(year, r)| YearFunds {
            year,
            period: r.file.period,
            funds_ytd: r.funds_ytd(),
        })
        .collect()
}

/// Funds in place across the years of `reports`; `None` when a year's last report does
/// not state them.
fn funds_in_place(reports: &[Report]) -> Option<Wan> {
    funds_by_year(reports).iter().map(|y| y.funds_ytd).sum()
}

/// 资金到位率 over `reports`, in tenths of a percent: funds across years ÷ the latest
/// stated 合同投资额.
fn funds_rate_tenths(reports: &[Report]) -> Option<i64> {
    let contract = reports.iter().rev().find_map(|r| r.contract_amount())?;
    let funds = funds_in_place(reports)?;
    tenths_of_percent(i128::from(funds.cents()), i128::from(contract.cents()))
}

/// `num ÷ den × 100` in tenths of a percent, rounded half away from zero, computed in
/// integers so that a printed rate and its change since last month agree to the digit;
/// `None` when `den` is 0.
fn tenths_of_percent(num: i128, den: i128) -> Option<i64> {
    if den == 0 {
        return None;
    }
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let scaled = num * 1000;
    let rounded = if scaled >= 0 {
        (2 * scaled + den) / (2 * den)
    } else {
        -((-2 * scaled + den) / (2 * den))
    };
    i64::try_from(rounded).ok()
}

/// The change between two figures in tenths of a percent, in percentage points; `None`
/// when either is not computed.
fn change_pp(now: Option<i64>, before: Option<i64>) -> Option<f64> {
    Some(tenths_as_pct(now? - before?))
}

/// Tenths of a percent as the percentage with one decimal.
fn tenths_as_pct(tenths: i64) -> f64 {
    tenths as f64 / 10.0
}

/// Why a row was not matched to a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ambiguity {
    /// More than one project fits it.
    SeveralCandidates,
    /// The one project that fits it was already taken by another row of the same return.
    AlreadyTaken,
    /// A project has its name and investor but another 项目编号.
    OtherCode,
    /// Its former name (原名) is a project of another investor.
    FormerNameOtherInvestor,
}

/// A row the register could not match without guessing: it opened a project of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct AmbiguousMatch {
    pub unit_code: String,
    pub file: FileRef,
    /// One-based sheet row.
    pub row: u32,
    pub name: String,
    pub investor: String,
    pub code: Option<String>,
    pub reason: Ambiguity,
    /// The ids of the projects it could be.
    pub candidates: Vec<String>,
    /// The id of the project it opened.
    pub registered_as: String,
}

/// The former name a 备注 gives (「原名：…」), read as the history rules read it.
pub use crate::text::former_name;

pub mod checkpoint;
mod lookup;

use lookup::Lookup;

/// A unit's look-ups from keys to the projects (indexes into the register) that had them.
#[derive(Default)]
struct UnitIndex {
    by_code: Lookup,
    by_pair: Lookup,
    by_name: Lookup,
}

impl UnitIndex {
    fn file(&mut self, keys: &RowKeys, at: usize) {
        if let Some(code) = &keys.code {
            self.by_code.file(code, at);
        }
        self.by_pair.file(keys.pair(), at);
        self.by_name.file(keys.name(), at);
    }
}

/// A row's keys, each normalised once ([`normalize_key`]: the costly part of matching).
struct RowKeys {
    /// 项目编号.
    code: Option<String>,
    /// The normalised (项目名称, 投资方): `name|investor`.
    pair: String,
    /// Where `name` ends in `pair`.
    name_len: usize,
}

impl RowKeys {
    fn of(p: &Project) -> RowKeys {
        let name = normalize_key(&p.name);
        let investor = normalize_key(&p.investor);
        RowKeys {
            code: p.id.as_deref().map(normalize_key),
            name_len: name.len(),
            pair: name + "|" + &investor,
        }
    }

    fn pair(&self) -> &str {
        &self.pair
    }

    fn name(&self) -> &str {
        &self.pair[..self.name_len]
    }

    fn investor(&self) -> &str {
        &self.pair[self.name_len + 1..]
    }
}

/// A row with its keys.
fn keyed(p: Arc<Project>) -> (Arc<Project>, RowKeys) {
    let keys = RowKeys::of(&p);
    (p, keys)
}

/// The keys of a return's rows, in their order ([`Builder::add_shared_keyed`]).
pub struct RowsKeys {
    /// The return's submission.
    of: i64,
    keys: Vec<RowKeys>,
}

impl RowsKeys {
    pub fn of(ret: &StoredReturn) -> RowsKeys {
        RowsKeys {
            of: ret.info.id,
            keys: ret.projects.iter().map(RowKeys::of).collect(),
        }
    }
}

/// What matching one row found.
enum Found {
    One(usize, MatchedBy),
    Ambiguous(Ambiguity, Vec<usize>),
    Nothing,
}

/// The project a row is among `candidates` (projects already in the register), given the
/// projects other rows of the same return took.
fn pick(candidates: &[usize], taken: &HashSet<usize>, how: MatchedBy) -> Found {
    let free: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|i| !taken.contains(i))
        .collect();
    match (free.len(), candidates.len()) {
        (_, 0) => Found::Nothing,
        (1, _) => Found::One(free[0], how),
        (0, _) => Found::Ambiguous(Ambiguity::AlreadyTaken, candidates.to_vec()),
        _ => Found::Ambiguous(Ambiguity::SeveralCandidates, free),
    }
}

/// Matches one row of a unit's return against the unit's projects (the rules of the
/// module's documentation).
fn match_row(
    p: &Project,
    keys: &RowKeys,
    index: &UnitIndex,
    projects: &[RegisteredProject],
    taken: &HashSet<usize>,
) -> Found {
    let code = keys.code.as_ref();
    if let Some(code) = code {
        match pick(index.by_code.get(code), taken, MatchedBy::Code) {
            Found::Nothing => {}
            found => return found,
        }
    }
    let by_pair = index.by_pair.get(keys.pair());
    // A project numbered otherwise is another project of the same name and investor (or
    // the same one renumbered): not for the register to decide.
    let numbered_otherwise =
        |i: &usize| code.is_some() && projects[*i].reports.iter().any(|r| r.code.is_some());
    let (mut others, fitting): (Vec<usize>, Vec<usize>) =
        by_pair.iter().copied().partition(numbered_otherwise);
    // Another row of the same return, numbered otherwise, is another project: the return
    // itself tells them apart.
    others.retain(|i| !taken.contains(i));
    match pick(&fitting, taken, MatchedBy::Name) {
        Found::Nothing if !others.is_empty() => {
            return Found::Ambiguous(Ambiguity::OtherCode, others)
        }
        Found::Nothing => {}
        found => return found,
    }
    let Some(old) = p.note.as_deref().and_then(former_name) else {
        return Found::Nothing;
    };
    let old = normalize_key(&old);
    let by_old = index
        .by_pair
        .get(format!("{old}|{}", keys.investor()).as_str());
    match pick(by_old, taken, MatchedBy::FormerName) {
        Found::Nothing => match index.by_name.get(old.as_str()) {
            [] => Found::Nothing,
            others => Found::Ambiguous(Ambiguity::FormerNameOtherInvestor, others.to_vec()),
        },
        found => found,
    }
}

/// The register as of `period` from counted returns (any order; those after `period` are
/// left out). Pure: the same returns give the same register.
pub fn build(returns: &[StoredReturn], period: Period) -> Register {
    build_linked(returns, period, &[])
}

/// As [`build`], applying the clerk's links (`tongbao projects link`): the row that would
/// open a link's later entry joins its earlier project instead (and so do the rows that
/// follow it, by its 项目编号 or name), reported [`MatchedBy::Link`]. A link that would put
/// two reports of one month in one project, or join two units' projects, is not applied
/// and is listed in [`Register::unapplied_links`].
pub fn build_linked(returns: &[StoredReturn], period: Period, links: &[ProjectLink]) -> Register {
    let mut order: Vec<&StoredReturn> = returns
        .iter()
        .filter(|r| r.info.unit_code.is_some() && r.info.period.is_some_and(|p| p <= period))
        .collect();
    order.sort_by(|a, b| {
        (a.info.period, &a.info.unit_code, a.info.id).cmp(&(
            b.info.period,
            &b.info.unit_code,
            b.info.id,
        ))
    });
    let mut builder = Builder::new(period, links);
    for ret in order {
        builder.add(ret);
    }
    builder.finish()
}

/// The builder's projects by id: indices into its vector, found by the id the project
/// holds (a map keyed by id held every id twice: 1.1 million of them nationally).
#[derive(Default)]
struct ById {
    table: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

impl ById {
    /// The index of the project of `projects` whose id is `id`.
    fn get(&self, projects: &[RegisteredProject], id: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |&i| projects[i].id == id).copied()
    }

    /// Takes in the last of `projects`, just pushed (its id new).
    fn push(&mut self, projects: &[RegisteredProject]) {
        let Some(at) = projects.len().checked_sub(1) else {
            return;
        };
        let hasher = &self.hasher;
        let hash = hasher.hash_one(projects[at].id.as_str());
        self.table
            .insert_unique(hash, at, |&i| hasher.hash_one(projects[i].id.as_str()));
    }

    /// Room for `more` projects beyond those taken in, so that taking them in does not
    /// hash every id again as the table grows (a checkpoint says how many it holds).
    fn reserve(&mut self, more: usize, projects: &[RegisteredProject]) {
        let hasher = &self.hasher;
        self.table
            .reserve(more, |&i| hasher.hash_one(projects[i].id.as_str()));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.table.len()
    }
}

/// A project's latest name, normalised: the key the builder keeps for it (`stored`), or
/// its latest name when it keeps none ([`kept_key`]).
fn name_key<'a>(stored: &'a Option<Box<str>>, project: &'a RegisteredProject) -> &'a str {
    stored.as_deref().unwrap_or(&project.latest_row.name)
}

/// What the builder keeps of a project's name key `key` when its latest name is `name`:
/// nothing when they are the same text.
fn kept_key(key: &str, name: &str) -> Option<Box<str>> {
    (key != name).then(|| Box::from(key))
}

/// The register built one return at a time, in the order of (period, unit, submission):
/// a month's returns can be dropped once they are added, and a return given by value
/// gives its projects rather than copies of them.
pub struct Builder {
    period: Period,
    projects: Vec<RegisteredProject>,
    /// Each project's latest name, normalised (a rename is a change of it): `None` when
    /// it is the latest name itself ([`name_key`]), as most Chinese names are. A string
    /// for each was 56 bytes of each of a national register's 1.2 million projects.
    name_keys: Vec<Option<Box<str>>>,
    ambiguous: Vec<AmbiguousMatch>,
    indexes: HashMap<String, UnitIndex>,
    /// Each unit's counted periods.
    periods: HashMap<String, BTreeSet<Period>>,
    /// The clerk's links by the entry that joins; the projects opened, and the entries
    /// joined to one, by id.
    link_of: HashMap<String, ProjectLink>,
    opened: ById,
    joined_into: HashMap<String, usize>,
    unapplied_links: Vec<UnappliedLink>,
}

impl Builder {
    /// An empty register as of `period`, applying the clerk's `links`.
    pub fn new(period: Period, links: &[ProjectLink]) -> Builder {
        // Of two links of one entry, the one listed first holds.
        let mut link_of = HashMap::new();
        for l in links.iter().rev() {
            link_of.insert(l.later.clone(), l.clone());
        }
        Builder {
            period,
            projects: Vec::new(),
            name_keys: Vec::new(),
            ambiguous: Vec::new(),
            indexes: HashMap::new(),
            periods: HashMap::new(),
            link_of,
            opened: ById::default(),
            joined_into: HashMap::new(),
            unapplied_links: Vec::new(),
        }
    }

    /// Adds a return's rows, copied (the caller keeps the return).
    pub fn add(&mut self, ret: &StoredReturn) {
        self.add_rows(ret, ret.projects.iter().map(|p| keyed(Arc::new(p.clone()))));
    }

    /// Adds a return's rows, moved out of it and shared: they are returned, in the
    /// return's order, for the caller to keep too (the return is left without projects).
    pub fn add_shared(&mut self, ret: &mut StoredReturn) -> Vec<Arc<Project>> {
        let keys = RowsKeys::of(ret);
        self.add_shared_keyed(ret, keys)
    }

    /// [`Builder::add_shared`] with the rows' keys worked out already (on another
    /// thread: normalising them is the costly part of matching).
    pub fn add_shared_keyed(
        &mut self,
        ret: &mut StoredReturn,
        keys: RowsKeys,
    ) -> Vec<Arc<Project>> {
        // Keys of another return's rows (not a case that arises) are worked out again.
        let keys = if keys.of == ret.info.id && keys.keys.len() == ret.projects.len() {
            keys
        } else {
            RowsKeys::of(ret)
        };
        let rows: Vec<Arc<Project>> = std::mem::take(&mut ret.projects)
            .into_iter()
            .map(Arc::new)
            .collect();
        self.add_rows(ret, rows.iter().cloned().zip(keys.keys));
        rows
    }

    /// Adds a return's rows, moved out of it.
    pub fn add_owned(&mut self, mut ret: StoredReturn) {
        let rows = std::mem::take(&mut ret.projects);
        self.add_rows(&ret, rows.into_iter().map(|p| keyed(Arc::new(p))));
    }

    fn add_rows(
        &mut self,
        ret: &StoredReturn,
        rows: impl Iterator<Item = (Arc<Project>, RowKeys)>,
    ) {
        let (Some(at), Some(unit)) = (ret.info.period, ret.info.unit_code.as_deref()) else {
            return;
        };
        if at > self.period {
            return;
        }
        self.periods.entry(unit.to_string()).or_default().insert(at);
        let file = Arc::new(FileRef {
            submission: ret.info.id,
            file_name: Arc::from(ret.info.file_name.as_str()),
            version: ret.info.version,
            period: at,
        });
        let stated = (
            !ret.info.unstated.month.contains(FigureKey::FundsInPlace),
            !ret.info.unstated.ytd.contains(FigureKey::FundsInPlace),
        );
        let mut index = self.indexes.remove(unit).unwrap_or_default();
        let mut taken: HashSet<usize> = HashSet::new();
        for (p, keys) in rows {
            let found = match_row(&p, &keys, &index, &self.projects, &taken);
            let (at_index, matched_by) = match found {
                Found::One(i, how) => (i, how),
                Found::Nothing | Found::Ambiguous(..) => {
                    self.open(unit, at, &file, &p, &keys, found, &taken)
                }
            };
            taken.insert(at_index);
            index.file(&keys, at_index);
            let project = &mut self.projects[at_index];
            let stored = &mut self.name_keys[at_index];
            let renamed = name_key(stored, project) != keys.name();
            if renamed {
                let old = &project.latest_row.name;
                if !project.former_names().contains(old) {
                    let old = old.clone();
                    project.rare_mut().former_names.push(old);
                }
            }
            // The key as the row's name will have it once the row is the latest (a key
            // left out stood for the name it replaces).
            if renamed || (stored.is_none() && project.latest_row.name != p.name) {
                *stored = kept_key(keys.name(), &p.name);
            }
            let report = Report::of(&p, file.clone(), matched_by, stated, project.reports.last());
            // Most projects have a few reports: Vec's doubling would leave much of a
            // national register's memory unused (1.1 million projects). Grown by half
            // instead, one at the least.
            let reports = &mut project.reports;
            if reports.len() == reports.capacity() {
                reports.reserve_exact((reports.len() / 2).max(1));
            }
            reports.push(report);
            project.latest_row = p;
        }
        self.indexes.insert(unit.to_string(), index);
    }

    /// The project a row that matched none (or several) goes to: a new one, opened with
    /// the row as its latest (shared, not copied), or the earlier one the clerk linked its
    /// entry to.
    #[allow(clippy::too_many_arguments)]
    fn open(
        &mut self,
        unit: &str,
        at: Period,
        file: &FileRef,
        p: &Arc<Project>,
        keys: &RowKeys,
        found: Found,
        taken: &HashSet<usize>,
    ) -> (usize, MatchedBy) {
        let identity = match &keys.code {
            Some(code) => format!("#{code}"),
            None => keys.pair().to_string(),
        };
        let base = format!("{unit}:{identity}");
        let mut id = base.clone();
        let mut n = 1;
        // An id is taken by the project it opened or, when a link joined its row to
        // another project, by that entry: so every other id is the same with or without
        // links.
        while self.opened.get(&self.projects, &id).is_some() || self.joined_into.contains_key(&id) {
            n += 1;
            id = format!("{base}~{n}");
        }
        // The clerk said this entry is an earlier one: the row joins it, unless that
        // would put two reports of one month in one project.
        let joins = match self.link_of.get(id.as_str()) {
            None => None,
            Some(link) => {
                let target = self
                    .opened
                    .get(&self.projects, &link.earlier)
                    .or_else(|| self.joined_into.get(&link.earlier).copied());
                let conflict = match target {
                    None => Some(LinkConflict::EarlierMissing),
                    Some(t) if self.projects[t].unit_code() != unit => {
                        Some(LinkConflict::OtherUnit)
                    }
                    Some(t) if taken.contains(&t) || self.projects[t].last_reported() == at => {
                        Some(LinkConflict::SameMonth(at))
                    }
                    Some(_) => None,
                };
                match (target, conflict) {
                    (Some(t), None) => Some((t, link.clone())),
                    (_, Some(reason)) => {
                        self.unapplied_links.push(UnappliedLink {
                            link: link.clone(),
                            reason,
                        });
                        None
                    }
                    (None, None) => None,
                }
            }
        };
        if let Some((t, link)) = joins {
            self.joined_into.insert(id.clone(), t);
            self.projects[t].rare_mut().joined.push(Joined { id, link });
            return (t, MatchedBy::Link);
        }
        if let Found::Ambiguous(reason, candidates) = found {
            self.ambiguous.push(AmbiguousMatch {
                unit_code: unit.to_string(),
                file: file.clone(),
                row: p.row + 1,
                name: p.name.clone(),
                investor: p.investor.clone(),
                code: p.id.clone(),
                reason,
                candidates: candidates
                    .iter()
                    .map(|&i| self.projects[i].id.clone())
                    .collect(),
                registered_as: id.clone(),
            });
        }
        // A month adds a few percent of projects to the register: grown by an eighth, not
        // doubled (a national register's vector is 100 MB).
        if self.projects.len() == self.projects.capacity() {
            self.projects
                .reserve_exact((self.projects.len() / 8).max(64));
        }
        // The id starts with the unit's code (`base`).
        let unit_len = u32::try_from(unit.len()).unwrap_or(u32::MAX);
        self.projects.push(RegisteredProject {
            id,
            unit_len,
            reports: Vec::with_capacity(1),
            latest_row: Arc::clone(p),
            rare: None,
            current: false,
            missing_from: None,
        });
        self.opened.push(&self.projects);
        self.name_keys.push(kept_key(keys.name(), &p.name));
        (self.projects.len() - 1, MatchedBy::First)
    }

    /// The register.
    pub fn finish(self) -> Register {
        let Builder {
            period,
            mut projects,
            name_keys,
            ambiguous,
            indexes,
            periods,
            link_of,
            opened,
            joined_into,
            unapplied_links,
        } = self;
        // The look-ups are done with: a province's are some 300,000 strings, freed beside
        // whatever comes next rather than before it.
        crate::free_beside((name_keys, indexes, link_of, opened, joined_into));
        for p in &mut projects {
            let Some(periods) = periods.get(p.unit_code()) else {
                continue;
            };
            let last = p.last_reported();
            // Carried into the next year only when signed (W-CARRIED-VANISHED's rule): a
            // negotiation of December need not go on in January.
            let carried = last.month == 12 && p.stage() != Stage::Negotiating;
            p.current = periods.last() == Some(&last);
            p.missing_from = if p.current {
                None
            } else {
                periods
                    .range(last.next()..)
                    .copied()
                    .find(|q| q.year == last.year || (carried && q.year == last.year + 1))
            };
        }
        // Stable order: by unit, then as opened (period, unit's file, row).
        sort_by_unit(&mut projects, RegisteredProject::unit_code);
        Register {
            period,
            projects,
            ambiguous,
            last_month: None,
            unapplied_links,
        }
    }
}

/// Sorts `items` by their units' codes, stably. Each item's code is looked up once and
/// the items sorted by the units' places: compared by their codes on the heap, a nation's
/// 1.1 million projects took a quarter of adding its month to the register.
fn sort_by_unit<T>(items: &mut [T], code: impl for<'a> Fn(&'a T) -> &'a str) {
    let ranks = ranks_of(items.iter().map(code));
    // Each a unit's place above the item's own (fewer than 2^32 of either), so that
    // equal units keep their items' order.
    let mut order: Vec<u64> = ranks
        .into_iter()
        .zip(0u64..)
        .map(|(rank, at)| (u64::from(rank) << 32) | at)
        .collect();
    order.sort_unstable();
    let mut from: Vec<usize> = order
        .into_iter()
        .map(|o| (o & 0xFFFF_FFFF) as usize)
        .collect();
    permute(items, &mut from);
}

/// Each of `codes` as its place among the distinct codes in order (`["b", "a", "b"]`
/// gives `[1, 0, 1]`).
fn ranks_of<'c>(codes: impl Iterator<Item = &'c str>) -> Vec<u32> {
    // Each code numbered as first met, one look-up each; then the few distinct sorted.
    let mut first_met: HashMap<&str, u32> = HashMap::new();
    let met: Vec<u32> = codes
        .map(|code| {
            let next = u32::try_from(first_met.len()).unwrap_or(u32::MAX);
            *first_met.entry(code).or_insert(next)
        })
        .collect();
    let mut units: Vec<(&str, u32)> = first_met.into_iter().collect();
    units.sort_unstable();
    let mut rank_of_met = vec![0u32; units.len()];
    for (rank, (_, met)) in (0u32..).zip(units) {
        rank_of_met[met as usize] = rank;
    }
    met.into_iter().map(|m| rank_of_met[m as usize]).collect()
}

/// Moves `items[from[k]]` to `k` for every `k`, in place, cycle by cycle; `from` (a
/// permutation) is used up.
fn permute<T>(items: &mut [T], from: &mut [usize]) {
    debug_assert_eq!(items.len(), from.len());
    for start in 0..from.len() {
        let mut k = start;
        // Each cycle once: a place taken care of points at itself.
        while from[k] != k {
            let source = from[k];
            from[k] = k;
            if source == start {
                break;
            }
            items.swap(k, source);
            k = source;
        }
    }
}

/// The register as of `period` from the archive: every counted return of every month up
/// to it (checksums verified as they are read), one month in memory at a time.
pub fn load(archive: &Archive, period: Period) -> Result<Register, ArchiveError> {
    let links = archive.project_links()?;
    let mut builder = Builder::new(period, &links);
    add_months(archive, &mut builder, |p| p <= period)?;
    Ok(builder.finish())
}

/// Adds to `builder` the counted returns of every month `wanted`, in order, each month
/// read and dropped in turn.
pub fn add_months(
    archive: &Archive,
    builder: &mut Builder,
    wanted: impl Fn(Period) -> bool,
) -> Result<(), ArchiveError> {
    add_months_sharing(archive, builder, wanted, None)
}

/// [`add_months`], offering to `shared` the returns of its month as they are added, their
/// rows shared with the register: each unit's that is its only counted return of the
/// month (a unit with two has the last-month rules read its current one themselves).
pub fn add_months_sharing(
    archive: &Archive,
    builder: &mut Builder,
    wanted: impl Fn(Period) -> bool,
    shared: Option<&SharedMonth>,
) -> Result<(), ArchiveError> {
    for p in archive.counted_periods()? {
        if !wanted(p) {
            continue;
        }
        let returns = archive.current_returns(p)?;
        let shared = shared.filter(|s| s.period() == p);
        // In unit order, so a unit's returns are side by side: whether each is its unit's
        // only one.
        let unit_at = |i: usize| returns.get(i).map(|r| r.info.unit_code.as_deref());
        let alone: Vec<bool> = (0..returns.len())
            .map(|i| {
                let unit = unit_at(i);
                (i == 0 || unit_at(i - 1) != unit) && unit_at(i + 1) != unit
            })
            .collect();
        for (mut r, alone) in returns.into_iter().zip(alone) {
            match (shared, alone, r.info.unit_code.clone()) {
                (Some(shared), true, Some(unit)) => {
                    let rows = builder.add_shared(&mut r);
                    shared.offer(&unit, || LastReturn {
                        file_name: r.info.file_name,
                        unstated: r.info.unstated,
                        rows,
                    });
                }
                _ => builder.add_owned(r),
            }
        }
    }
    Ok(())
}

/// As [`load`], with the register built to the month before `period` from the same
/// returns attached ([`Register::last_month`]), for the movement since last month.
pub fn load_with_last_month(archive: &Archive, period: Period) -> Result<Register, ArchiveError> {
    let links = archive.project_links()?;
    let mut now = Builder::new(period, &links);
    let mut before = Builder::new(period.previous(), &links);
    for p in archive.counted_periods()? {
        if p <= period {
            for r in archive.current_returns(p)? {
                before.add(&r);
                now.add_owned(r);
            }
        }
    }
    let mut register = now.finish();
    register.last_month = Some(Box::new(MonthBefore::new(before.finish())));
    Ok(register)
}

/// How a project moved since the month before the register's period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Movement<'r> {
    /// The project in the register built to the month before; `None` when it was not
    /// reported yet then (or the register was built without its month before).
    pub last_month: Option<&'r RegisteredProject>,
    /// 资金到位率 now less last month's, in percentage points (of the one-decimal figures);
    /// `None` when either is not computed.
    pub funds_rate_change_pp: Option<f64>,
    /// Its stage last month and now, when they differ.
    pub stage_change: Option<(Stage, Stage)>,
}

impl Register {
    /// How `p` (one of this register's projects) moved since last month.
    pub fn movement<'r>(&'r self, p: &RegisteredProject) -> Movement<'r> {
        let before = self.last_month.as_deref().and_then(|m| m.project(&p.id));
        Movement {
            last_month: before,
            funds_rate_change_pp: before
                .and_then(|b| change_pp(p.funds_rate_tenths(), b.funds_rate_tenths())),
            stage_change: before
                .map(|b| (b.stage(), p.stage()))
                .filter(|(was, is)| was != is),
        }
    }
}

impl Register {
    /// The project with this id; else the projects whose 项目编号 or name (normalised) is
    /// `query`.
    pub fn find(&self, query: &str) -> Vec<&RegisteredProject> {
        let query = query.trim();
        if let Some(p) = self
            .projects
            .iter()
            .find(|p| p.id == query || p.joined().iter().any(|j| j.id == query))
        {
            return vec![p];
        }
        // Ids hold normalised (lower-case) 项目编号; `500113:#P001` is typed as often.
        let same_id: Vec<&RegisteredProject> = self
            .projects
            .iter()
            .filter(|p| {
                p.id.eq_ignore_ascii_case(query)
                    || p.joined().iter().any(|j| j.id.eq_ignore_ascii_case(query))
            })
            .collect();
        if !same_id.is_empty() {
            return same_id;
        }
        let key = normalize_key(query);
        if key.is_empty() {
            return vec![];
        }
        self.projects
            .iter()
            .filter(|p| {
                p.reports.iter().any(|r| {
                    r.code.as_deref().map(normalize_key).as_deref() == Some(&key)
                        || normalize_key(&r.name) == key
                })
            })
            .collect()
    }
}

/// Why `tongbao projects link` refuses to link two entries.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkRefusal {
    /// No project has this id (or 项目编号, or name).
    NotFound(String),
    /// Several projects have this 项目编号 or name: the query and their ids.
    Several(String, Vec<String>),
    /// Both name this one project (the same entry, or entries already linked).
    SameProject(String),
    /// Two units' projects: each id with its unit's code.
    OtherUnits((String, String), (String, String)),
    /// Both report in these months: the two ids and the months.
    SameMonth(String, String, Vec<Period>),
}

impl Register {
    /// The projects `a` and `b` name (ids as listed, or 项目编号 or name when one project
    /// has it), as (earlier, later) by first report, when the clerk may say they are one:
    /// two projects of one unit that never report in the same month.
    pub fn link_plan(
        &self,
        a: &str,
        b: &str,
    ) -> Result<(&RegisteredProject, &RegisteredProject), LinkRefusal> {
        let one = |q: &str| match self.find(q).as_slice() {
            [p] => Ok(*p),
            [] => Err(LinkRefusal::NotFound(q.trim().to_string())),
            several => Err(LinkRefusal::Several(
                q.trim().to_string(),
                several.iter().map(|p| p.id.clone()).collect(),
            )),
        };
        let (pa, pb) = (one(a)?, one(b)?);
        if pa.id == pb.id {
            return Err(LinkRefusal::SameProject(pa.id.clone()));
        }
        if pa.unit_code() != pb.unit_code() {
            return Err(LinkRefusal::OtherUnits(
                (pa.id.clone(), pa.unit_code().to_string()),
                (pb.id.clone(), pb.unit_code().to_string()),
            ));
        }
        let months_a: HashSet<Period> = pa.reports.iter().map(|r| r.file.period).collect();
        let mut both: Vec<Period> = pb
            .reports
            .iter()
            .map(|r| r.file.period)
            .filter(|m| months_a.contains(m))
            .collect();
        both.dedup();
        if !both.is_empty() {
            return Err(LinkRefusal::SameMonth(pa.id.clone(), pb.id.clone(), both));
        }
        Ok(if pa.first_reported() <= pb.first_reported() {
            (pa, pb)
        } else {
            (pb, pa)
        })
    }

    /// The link in force between the entries `a` and `b` name, in either order: each an
    /// entry's id (letters in any case), or what names one project of the register.
    pub fn link_between<'l>(
        &self,
        links: &'l [ProjectLink],
        a: &str,
        b: &str,
    ) -> Option<&'l ProjectLink> {
        let ids = |q: &str| -> Vec<String> {
            let mut ids = vec![q.trim().to_lowercase()];
            ids.extend(self.find(q).iter().map(|p| p.id.to_lowercase()));
            ids
        };
        let (ia, ib) = (ids(a), ids(b));
        links.iter().find(|l| {
            let (e, l) = (l.earlier.to_lowercase(), l.later.to_lowercase());
            (ia.contains(&e) && ib.contains(&l)) || (ib.contains(&e) && ia.contains(&l))
        })
    }
}

/// `tongbao projects --json`: the register as of a period, as docs/cli.md documents it.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterDocument {
    pub period: Period,
    /// The unit asked for (`--unit`), else null.
    pub unit: Option<UnitJson>,
    /// Whether only stalled projects are listed (`--stalled`).
    pub stalled_only: bool,
    /// `[projects] stalled_months`.
    pub stalled_months: u32,
    pub projects: Vec<ProjectJson>,
    pub ambiguous: Vec<AmbiguousJson>,
    /// The clerk's links the register could not apply.
    pub unapplied_links: Vec<UnappliedLinkJson>,
}

/// A link of the clerk's, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct LinkJson {
    /// The entry whose history is kept.
    pub earlier: String,
    /// The entry that joined it.
    pub later: String,
    pub linked_at: String,
    pub linked_by: Option<String>,
    pub note: Option<String>,
}

impl From<&ProjectLink> for LinkJson {
    fn from(l: &ProjectLink) -> LinkJson {
        LinkJson {
            earlier: l.earlier.clone(),
            later: l.later.clone(),
            linked_at: l.linked_at.clone(),
            linked_by: l.linked_by.clone(),
            note: l.note.clone(),
        }
    }
}

/// A link the register could not apply, and why.
#[derive(Debug, Clone, Serialize)]
pub struct UnappliedLinkJson {
    #[serde(flatten)]
    pub link: LinkJson,
    /// `same_month`, `other_unit` or `earlier_missing`.
    pub reason: &'static str,
    /// The month both report in (`same_month`), else null.
    pub month: Option<Period>,
}

impl From<&UnappliedLink> for UnappliedLinkJson {
    fn from(u: &UnappliedLink) -> UnappliedLinkJson {
        let (reason, month) = match u.reason {
            LinkConflict::SameMonth(m) => ("same_month", Some(m)),
            LinkConflict::OtherUnit => ("other_unit", None),
            LinkConflict::EarlierMissing => ("earlier_missing", None),
        };
        UnappliedLinkJson {
            link: (&u.link).into(),
            reason,
            month,
        }
    }
}

/// A unit, by code and roster name.
#[derive(Debug, Clone, Serialize)]
pub struct UnitJson {
    pub code: String,
    pub name: String,
}

/// A file a project was reported in.
#[derive(Debug, Clone, Serialize)]
pub struct FileJson {
    pub file: String,
    pub version: Option<i64>,
    pub period: Period,
}

impl From<&FileRef> for FileJson {
    fn from(f: &FileRef) -> FileJson {
        FileJson {
            file: f.file_name.to_string(),
            version: f.version,
            period: f.period,
        }
    }
}

/// One project of the register.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectJson {
    pub id: String,
    pub unit: UnitJson,
    pub code: Option<String>,
    pub name: String,
    pub former_names: Vec<String>,
    pub investor: String,
    pub industry: String,
    pub contract_amount: Option<Wan>,
    pub first_reported: Period,
    pub last_reported: Period,
    pub current: bool,
    pub missing_from: Option<Period>,
    pub signed_on: Option<String>,
    pub started_on: Option<String>,
    pub in_production: Option<Period>,
    pub terminated: Option<Period>,
    pub stage: &'static str,
    pub funds_in_place: Option<Wan>,
    pub funds_by_year: Vec<YearFunds>,
    /// 资金到位率 %, one decimal; null when not computed.
    pub funds_rate_pct: Option<f64>,
    /// The project in the register built to the month before; null when it was not
    /// reported yet.
    pub last_month: Option<LastMonthJson>,
    /// `funds_rate_pct` less last month's, percentage points; null when either is null.
    pub funds_rate_change_pp: Option<f64>,
    /// Its stage last month and now, when it moved.
    pub stage_change: Option<StageChangeJson>,
    pub months_since_signed: Option<i64>,
    pub stalled: bool,
    pub last_file: FileJson,
    /// The entries the clerk linked to it (`tongbao projects link`).
    pub joined: Vec<LinkJson>,
}

/// A project as the register built to the month before saw it.
#[derive(Debug, Clone, Serialize)]
pub struct LastMonthJson {
    pub period: Period,
    pub funds_rate_pct: Option<f64>,
    pub stage: &'static str,
}

/// A stage change since last month.
#[derive(Debug, Clone, Serialize)]
pub struct StageChangeJson {
    pub from: &'static str,
    pub to: &'static str,
}

/// A row listed for the clerk.
#[derive(Debug, Clone, Serialize)]
pub struct AmbiguousJson {
    pub unit: UnitJson,
    pub file: FileJson,
    pub row: u32,
    pub name: String,
    pub investor: String,
    pub code: Option<String>,
    pub reason: Ambiguity,
    pub candidates: Vec<String>,
    pub registered_as: String,
}

/// A stage's key in the JSON.
pub fn stage_key(s: Stage) -> &'static str {
    match s {
        Stage::Negotiating => "negotiating",
        Stage::Signed => "signed",
        Stage::Started => "started",
        Stage::InProduction => "in_production",
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// What `tongbao projects` selects from a register.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// Only this unit's projects (its code).
    pub unit: Option<&'a str>,
    /// Only stalled projects.
    pub stalled: bool,
    /// `[projects] stalled_months`.
    pub stalled_months: u32,
}

impl Register {
    /// The projects a selection lists, in the register's order.
    pub fn select<'r>(&'r self, s: &Selection) -> Vec<&'r RegisteredProject> {
        self.projects
            .iter()
            .filter(|p| s.unit.is_none_or(|u| p.unit_code() == u))
            .filter(|p| !s.stalled || p.is_stalled(self.period, s.stalled_months))
            .collect()
    }

    /// The JSON document of a selection; units named from the roster.
    pub fn document(&self, cfg: &Config, s: &Selection) -> RegisterDocument {
        let unit = |code: &str| UnitJson {
            code: code.to_string(),
            name: cfg
                .unit_by_code(code)
                .map_or_else(|| code.to_string(), |u| u.name().to_string()),
        };
        let projects = self
            .select(s)
            .into_iter()
            .map(|p| {
                let latest = p.latest();
                let moved = self.movement(p);
                ProjectJson {
                    id: p.id.clone(),
                    unit: unit(p.unit_code()),
                    code: p.code().map(str::to_string),
                    name: latest.name.clone(),
                    former_names: p.former_names().to_vec(),
                    investor: latest.investor.clone(),
                    industry: latest.industry.to_string(),
                    contract_amount: p.contract_amount(),
                    first_reported: p.first_reported(),
                    last_reported: p.last_reported(),
                    current: p.current,
                    missing_from: p.missing_from,
                    signed_on: p.signed_on().map(ymd),
                    started_on: p.started_on().map(ymd),
                    in_production: p.in_production(),
                    terminated: p.terminated(),
                    stage: stage_key(p.stage()),
                    funds_in_place: p.funds_in_place(),
                    funds_by_year: p.funds_by_year(),
                    funds_rate_pct: p.funds_rate_pct(),
                    last_month: moved.last_month.map(|b| LastMonthJson {
                        period: self.period.previous(),
                        funds_rate_pct: b.funds_rate_pct(),
                        stage: stage_key(b.stage()),
                    }),
                    funds_rate_change_pp: moved.funds_rate_change_pp,
                    stage_change: moved.stage_change.map(|(from, to)| StageChangeJson {
                        from: stage_key(from),
                        to: stage_key(to),
                    }),
                    months_since_signed: p.months_since_signed(self.period),
                    stalled: p.is_stalled(self.period, s.stalled_months),
                    last_file: p.last_file().into(),
                    joined: p.joined().iter().map(|j| (&j.link).into()).collect(),
                }
            })
            .collect();
        let ambiguous = self
            .ambiguous
            .iter()
            .filter(|a| s.unit.is_none_or(|u| a.unit_code == u))
            .map(|a| AmbiguousJson {
                unit: unit(&a.unit_code),
                file: (&a.file).into(),
                row: a.row,
                name: a.name.clone(),
                investor: a.investor.clone(),
                code: a.code.clone(),
                reason: a.reason,
                candidates: a.candidates.clone(),
                registered_as: a.registered_as.clone(),
            })
            .collect();
        RegisterDocument {
            period: self.period,
            unit: s.unit.map(unit),
            stalled_only: s.stalled,
            stalled_months: s.stalled_months,
            projects,
            ambiguous,
            unapplied_links: self
                .unapplied_links
                .iter()
                .filter(|u| {
                    s.unit
                        .is_none_or(|code| u.link.later.split(':').next() == Some(code))
                })
                .map(Into::into)
                .collect(),
        }
    }
}

/// A month's place on one line: months since year 0, so that two periods subtract.
fn month_number(year: i32, month: u32) -> i64 {
    i64::from(year) * 12 + i64::from(month)
}

/// Why a project is on the follow-up list (督办清单).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpReason {
    /// 亿元以上, signed `stalled_months` or more months ago and not started
    /// ([`RegisteredProject::is_stalled`]).
    Stalled,
    /// Started, and no funds in place (本月到位资金 0) for `no_funds_months` consecutive
    /// months up to the period.
    NoFunds,
    /// In an earlier counted return of its unit, not in a later one that had to list it
    /// ([`RegisteredProject::missing_from`]), and no 备注 said 终止 or 已投产.
    Vanished,
}

/// One entry of the follow-up list.
#[derive(Debug, Clone, Copy)]
pub struct FollowUp<'r> {
    pub project: &'r RegisteredProject,
    pub reason: FollowUpReason,
    /// The months the rule counts: since signing (stalled), without funds (no funds);
    /// `None` for a vanished project.
    pub months: Option<i64>,
    /// How many of them are past the rule's threshold (0: it fell due this month);
    /// `None` for a vanished project.
    pub months_overdue: Option<i64>,
}

impl RegisteredProject {
    /// The consecutive months, counting back from `period`, in which it was started (its
    /// 开工日期 in or before the month) and reported with 本月到位资金 stated as 0. A month
    /// it was not reported in, or whose return does not state the figure, ends the count:
    /// what nobody stated is not taken for 0.
    pub fn months_without_funds(&self, period: Period) -> i64 {
        let Some(started) = self.started_on() else {
            return 0;
        };
        let started = month_number(started.year(), started.month());
        let mut month = period;
        let mut count = 0;
        loop {
            if month_number(month.year, month.month) < started {
                return count;
            }
            let zero = self
                .reports
                .iter()
                .rev()
                .find(|r| r.file.period == month)
                .and_then(|r| r.funds_month())
                .is_some_and(Wan::is_zero);
            if !zero {
                return count;
            }
            count += 1;
            month = month.previous();
        }
    }

    /// Why it is on the follow-up list as of `period`, if it is (the three rules are
    /// exclusive: stalled is not started, no funds is started, both are still reported).
    pub fn follow_up(&self, period: Period, s: &ProjectsSettings) -> Option<FollowUp<'_>> {
        let settled = self.in_production().is_some() || self.terminated().is_some();
        if self.is_stalled(period, s.stalled_months) {
            let months = self.months_since_signed(period)?;
            return Some(FollowUp {
                project: self,
                reason: FollowUpReason::Stalled,
                months: Some(months),
                months_overdue: Some(months - i64::from(s.stalled_months)),
            });
        }
        if !self.current {
            return (!settled && self.missing_from.is_some()).then_some(FollowUp {
                project: self,
                reason: FollowUpReason::Vanished,
                months: None,
                months_overdue: None,
            });
        }
        let without = self.months_without_funds(period);
        (!settled
            && self.stage() != Stage::InProduction
            && without > 0
            && without >= i64::from(s.no_funds_months))
        .then_some(FollowUp {
            project: self,
            reason: FollowUpReason::NoFunds,
            months: Some(without),
            months_overdue: Some(without - i64::from(s.no_funds_months)),
        })
    }
}

impl Register {
    /// The follow-up list (督办清单) as of the register's period, in the register's order,
    /// of one unit's projects or of all.
    pub fn follow_ups(&self, unit: Option<&str>, s: &ProjectsSettings) -> Vec<FollowUp<'_>> {
        self.projects
            .iter()
            .filter(|p| unit.is_none_or(|u| p.unit_code() == u))
            .filter_map(|p| p.follow_up(self.period, s))
            .collect()
    }
}

/// The projects a conversion figure is over: those signed in these months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cohort {
    /// The calendar year asked for (`--cohort`), else null: the twelve months to the
    /// period.
    pub year: Option<i32>,
    /// The first month of signing.
    pub from: Period,
    /// The last month of signing (never after the period).
    pub to: Period,
}

impl Cohort {
    /// Projects signed in `year` (up to `period`), or in the twelve months to `period`.
    pub fn new(year: Option<i32>, period: Period) -> Cohort {
        match year {
            Some(y) => {
                let first = Period { year: y, month: 1 };
                let last = Period { year: y, month: 12 };
                Cohort {
                    year: Some(y),
                    from: first,
                    to: last.min(period),
                }
            }
            None => {
                let mut from = period;
                for _ in 0..11 {
                    from = from.previous();
                }
                Cohort {
                    year: None,
                    from,
                    to: period,
                }
            }
        }
    }

    /// Whether `p` is in it: signed in its months.
    pub fn has(&self, p: &RegisteredProject) -> bool {
        p.signed_on().is_some_and(|d| self.contains(d))
    }

    fn contains(&self, d: NaiveDate) -> bool {
        let m = month_number(d.year(), d.month());
        month_number(self.from.year, self.from.month) <= m
            && m <= month_number(self.to.year, self.to.month)
    }
}

/// A count out of a cohort and its share; the share is `None` when the cohort is empty.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub count: usize,
    pub of: usize,
    /// `count / of`, between 0 and 1; null when `of` is 0.
    pub rate: Option<f64>,
}

impl Rate {
    fn new(count: usize, of: usize) -> Rate {
        Rate {
            count,
            of,
            rate: (of > 0).then(|| count as f64 / of as f64),
        }
    }

    /// The share in tenths of a percent, rounded half away from zero.
    fn tenths(&self) -> Option<i64> {
        tenths_of_percent(self.count as i128, self.of as i128)
    }

    /// The share as a percentage with one decimal; `None` when the cohort is empty.
    pub fn percent(&self) -> Option<f64> {
        self.tenths().map(tenths_as_pct)
    }
}

/// How 开工率 and 投产率 moved, in percentage points of the one-decimal percentages; each
/// `None` when either month's rate is not computed (an empty cohort).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateChange {
    pub started: Option<f64>,
    pub in_production: Option<f64>,
}

impl RateChange {
    /// From `before` to `now`; all `None` without `before`.
    pub fn between(now: &Conversion, before: Option<&Conversion>) -> RateChange {
        RateChange {
            started: before.and_then(|b| change_pp(now.started.tenths(), b.started.tenths())),
            in_production: before
                .and_then(|b| change_pp(now.in_production.tenths(), b.in_production.tenths())),
        }
    }
}

/// The conversion figures of a set of projects of a cohort.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Conversion {
    /// 开工率: started by the period (开工日期 stated, or reported started or in production).
    pub started: Rate,
    /// 投产率: in production by the period.
    pub in_production: Rate,
    /// The median of whole months from the month of signing to the month of 开工日期, over
    /// the started projects that state both; null when none does.
    pub median_months_to_start: Option<f64>,
}

impl RegisteredProject {
    /// Whether it was started by the register's period: a 开工日期, or a report of it
    /// started or in production.
    pub fn is_started(&self) -> bool {
        self.started_on().is_some()
            || self.in_production().is_some()
            || self
                .reports
                .iter()
                .any(|r| matches!(r.stage, Stage::Started | Stage::InProduction))
    }
}

/// The conversion figures of these projects (all of one cohort).
pub fn conversion<'r>(projects: impl IntoIterator<Item = &'r RegisteredProject>) -> Conversion {
    let projects: Vec<&RegisteredProject> = projects.into_iter().collect();
    let started = projects.iter().filter(|p| p.is_started()).count();
    let in_production = projects
        .iter()
        .filter(|p| p.in_production().is_some())
        .count();
    let mut months: Vec<i64> = projects
        .iter()
        .filter_map(|p| {
            let (s, b) = (p.signed_on()?, p.started_on()?);
            Some(month_number(b.year(), b.month()) - month_number(s.year(), s.month()))
        })
        .collect();
    months.sort_unstable();
    let n = months.len();
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => Some(months[n / 2] as f64),
        _ => Some((months[n / 2 - 1] + months[n / 2]) as f64 / 2.0),
    };
    Conversion {
        started: Rate::new(started, projects.len()),
        in_production: Rate::new(in_production, projects.len()),
        median_months_to_start: median,
    }
}

impl Register {
    /// The projects of a cohort: signed (latest stated 签约日期) in its months.
    pub fn cohort<'r>(&'r self, c: &Cohort) -> impl Iterator<Item = &'r RegisteredProject> {
        let c = *c;
        self.projects.iter().filter(move |p| c.has(p))
    }

    /// The conversion table: every roster unit in roster order, then the whole area; with
    /// the register's month before ([`Register::last_month`]), the same figures then, over
    /// the cohort of the same definition as of that month, and the change.
    pub fn conversion_document(&self, cfg: &Config, cohort: Cohort) -> ConversionDocument {
        let before = self.last_month.as_deref().map(|m| {
            let r = &m.register;
            (r, Cohort::new(cohort.year, r.period))
        });
        let of_unit = |r: &Register, c: &Cohort, code: &str| {
            conversion(r.cohort(c).filter(|p| p.unit_code() == code))
        };
        let units = cfg
            .file
            .units
            .iter()
            .map(|u| {
                let figures = of_unit(self, &cohort, u.code());
                let last_month = before.map(|(r, c)| of_unit(r, &c, u.code()));
                ConversionJson {
                    unit: UnitJson {
                        code: u.code().to_string(),
                        name: u.name().to_string(),
                    },
                    figures,
                    change_pp: RateChange::between(&figures, last_month.as_ref()),
                    last_month,
                }
            })
            .collect();
        let area = conversion(self.cohort(&cohort));
        let area_last_month = before.map(|(r, c)| conversion(r.cohort(&c)));
        ConversionDocument {
            period: self.period,
            cohort,
            units,
            area,
            last_month: before.map(|(r, c)| MonthBeforeJson {
                period: r.period,
                cohort: c,
            }),
            area_change_pp: RateChange::between(&area, area_last_month.as_ref()),
            area_last_month,
        }
    }

    /// The follow-up list as JSON.
    pub fn follow_up_document(
        &self,
        cfg: &Config,
        unit: Option<&str>,
        s: &ProjectsSettings,
    ) -> FollowUpDocument {
        let unit_json = |code: &str| UnitJson {
            code: code.to_string(),
            name: cfg
                .unit_by_code(code)
                .map_or_else(|| code.to_string(), |u| u.name().to_string()),
        };
        FollowUpDocument {
            period: self.period,
            unit: unit.map(unit_json),
            stalled_months: s.stalled_months,
            no_funds_months: s.no_funds_months,
            follow_up: self
                .follow_ups(unit, s)
                .into_iter()
                .map(|f| {
                    let p = f.project;
                    FollowUpJson {
                        unit: unit_json(p.unit_code()),
                        id: p.id.clone(),
                        name: p.latest().name.clone(),
                        investor: p.latest().investor.clone(),
                        reason: f.reason,
                        months: f.months,
                        months_overdue: f.months_overdue,
                        contract_amount: p.contract_amount(),
                        last_file: p.last_file().into(),
                    }
                })
                .collect(),
        }
    }
}

/// `tongbao projects --follow-up --json`: the follow-up list (督办清单).
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpDocument {
    pub period: Period,
    pub unit: Option<UnitJson>,
    pub stalled_months: u32,
    pub no_funds_months: u32,
    pub follow_up: Vec<FollowUpJson>,
}

/// One entry of the follow-up list.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpJson {
    pub unit: UnitJson,
    pub id: String,
    pub name: String,
    pub investor: String,
    pub reason: FollowUpReason,
    pub months: Option<i64>,
    pub months_overdue: Option<i64>,
    pub contract_amount: Option<Wan>,
    pub last_file: FileJson,
}

/// `tongbao projects --conversion --json`: 开工率, 投产率 and months to start of a cohort.
#[derive(Debug, Clone, Serialize)]
pub struct ConversionDocument {
    pub period: Period,
    pub cohort: Cohort,
    /// Every roster unit, in roster order.
    pub units: Vec<ConversionJson>,
    /// The whole area.
    pub area: Conversion,
    /// The month before and its cohort (the same definition as of that month); null when
    /// the register was built without its month before.
    pub last_month: Option<MonthBeforeJson>,
    /// The whole area's figures last month.
    pub area_last_month: Option<Conversion>,
    /// How the area's rates moved since, in percentage points.
    pub area_change_pp: RateChange,
}

/// The month a movement is measured from.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MonthBeforeJson {
    pub period: Period,
    pub cohort: Cohort,
}

/// One unit's conversion figures.
#[derive(Debug, Clone, Serialize)]
pub struct ConversionJson {
    pub unit: UnitJson,
    #[serde(flatten)]
    pub figures: Conversion,
    /// Its figures last month, over last month's cohort.
    pub last_month: Option<Conversion>,
    /// How its rates moved since, in percentage points.
    pub change_pp: RateChange,
}

#[cfg(test)]
mod tests {
    use super::{
        former_name, permute, ranks_of, sort_by_unit, tenths_of_percent, Amounts, Arc, FileRef,
        MatchedBy, Period, Report, Stage, Wan,
    };

    /// The register's projects are put in order of their units as a stable sort by the
    /// units' codes would put them.
    #[test]
    fn projects_are_ordered_by_unit_as_a_stable_sort_orders_them() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for len in [0, 1, 2, 3, 10, 100, 5_000] {
            let units = ["500112", "500101", "500113", "900000", "5001", "500101x"];
            // (unit, the project's place as opened)
            let projects: Vec<(&str, usize)> = (0..len)
                .map(|at| (units[next(units.len() as u64) as usize], at))
                .collect();
            let mut sorted = projects.clone();
            sorted.sort_by(|a, b| a.0.cmp(b.0));

            let mut permuted = projects.clone();
            sort_by_unit(&mut permuted, |p| p.0);
            assert_eq!(permuted, sorted, "{len} projects");
        }
        assert_eq!(
            ranks_of(["b", "a", "b", "c", "a"].into_iter()),
            [1, 0, 1, 2, 0]
        );
    }

    #[test]
    fn a_permutation_moves_each_item_where_it_is_wanted() {
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 7, 64, 1_000] {
            let mut from: Vec<usize> = (0..len).collect();
            // Fisher–Yates with a small generator.
            for i in (1..len).rev() {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                from.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let items: Vec<usize> = (0..len).map(|i| i * 10).collect();
            let want: Vec<usize> = from.iter().map(|&f| items[f]).collect();
            let mut got = items.clone();
            permute(&mut got, &mut from.clone());
            assert_eq!(got, want, "{len}");
        }
    }

    /// A report keeps its amounts packed: a zero stated stays a zero, an amount not stated
    /// stays not stated, and any amount is kept exactly.
    #[test]
    fn a_reports_amounts_are_kept_stated_or_not() {
        for (contract, month, ytd) in [
            (Some(Wan(0)), None, Some(Wan(-5))),
            (None, Some(Wan(i64::MIN)), Some(Wan(i64::MAX))),
            (None, None, None),
            (Some(Wan(123_456)), Some(Wan(0)), None),
        ] {
            let r = Report {
                file: Arc::new(FileRef {
                    submission: 1,
                    file_name: Arc::from("a.xlsx"),
                    version: None,
                    period: Period::new(2025, 6).expect("period"),
                }),
                row: 5,
                matched_by: MatchedBy::First,
                stage: Stage::Signed,
                name: Arc::from("项目"),
                code: None,
                note: None,
                signed_on: None,
                started_on: None,
                amounts: Amounts::new(contract, month, ytd),
            };
            assert_eq!(
                (r.contract_amount(), r.funds_month(), r.funds_ytd()),
                (contract, month, ytd)
            );
        }
    }

    #[test]
    fn a_percentage_is_rounded_half_away_from_zero_in_integers() {
        assert_eq!(tenths_of_percent(1, 3), Some(333));
        assert_eq!(tenths_of_percent(2, 3), Some(667));
        // 1/16 = 6.25 %: the half rounds up (a float's {:.1} would print 6.2).
        assert_eq!(tenths_of_percent(1, 16), Some(63));
        assert_eq!(tenths_of_percent(-1, 16), Some(-63));
        assert_eq!(tenths_of_percent(500_000, 5_200_000), Some(96));
        assert_eq!(tenths_of_percent(3, 0), None);
        assert_eq!(tenths_of_percent(0, 7), Some(0));
    }

    #[test]
    fn a_former_name_is_read_from_the_note() {
        assert_eq!(former_name("原名：软件园").as_deref(), Some("软件园"));
        assert_eq!(
            former_name("市级重点；原名: “软件园”。").as_deref(),
            Some("软件园")
        );
        assert_eq!(
            former_name("原项目名称：年产5万吨（一期）项目，已更名").as_deref(),
            Some("年产5万吨（一期）项目")
        );
        assert_eq!(former_name("原名未变"), None);
        assert_eq!(former_name("原名："), None);
        assert_eq!(former_name("市级重点项目"), None);
    }
}
