//! The shared vocabulary of every stage: periods, money, projects, returns and their
//! derived figures. Plain data, no I/O.
//!
//! Money is never a float: amounts are integers of 0.01 万元 so that sums are exact and
//! independent of order, and foreign capital (万美元) is a separate type that cannot be
//! added to RMB by mistake.

use std::fmt;
use std::ops::{Add, AddAssign};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// A reporting month (报告期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    /// A period, if the month is 1–12 and the year plausible for a return.
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1990..=2100).contains(&year))
            .then_some(Period { year, month })
    }

    /// Parses the canonical `YYYY-MM` form used on the command line and in JSON.
    pub fn parse_canonical(s: &str) -> Option<Period> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return None;
        }
        Period::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("Period is always a valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a month has a last day")
    }

    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The same month a year earlier (上年同期).
    pub fn year_earlier(self) -> Period {
        Period {
            year: self.year - 1,
            month: self.month,
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        date.year() == self.year && date.month() == self.month
    }

    /// Whether `date` falls between 1 January and the end of this month (1—N月).
    pub fn ytd_contains(self, date: NaiveDate) -> bool {
        date.year() == self.year && date.month() <= self.month
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

macro_rules! cents_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl $name {
            pub const ZERO: $name = $name(0);

            /// From a whole number of units (万元 or 万美元).
            pub fn from_units(units: i64) -> $name {
                $name(units * 100)
            }

            /// Hundredths of the unit: the exact stored value.
            pub fn cents(self) -> i64 {
                self.0
            }

            /// The value as a float, for JSON and display only (exact to 0.01).
            pub fn as_f64(self) -> f64 {
                self.0 as f64 / 100.0
            }

            pub fn is_zero(self) -> bool {
                self.0 == 0
            }

            pub fn abs_diff(self, other: $name) -> $name {
                $name((self.0 - other.0).abs())
            }
        }

        impl Add for $name {
            type Output = $name;
            fn add(self, rhs: $name) -> $name {
                $name(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: $name) {
                self.0 += rhs.0;
            }
        }

        impl std::ops::Sub for $name {
            type Output = $name;
            fn sub(self, rhs: $name) -> $name {
                $name(self.0 - rhs.0)
            }
        }

        impl std::ops::SubAssign for $name {
            fn sub_assign(&mut self, rhs: $name) {
                self.0 -= rhs.0;
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = $name>>(iter: I) -> $name {
                $name(iter.map(|m| m.0).sum())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let sign = if self.0 < 0 { "-" } else { "" };
                let a = self.0.unsigned_abs();
                write!(f, "{sign}{}.{:02}", a / 100, a % 100)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_f64(self.as_f64())
            }
        }
    };
}

cents_type!(
    /// An RMB amount in 万元, held as an integer of 0.01 万元 (100 元).
    Wan
);
cents_type!(
    /// A foreign-capital amount in 万美元, held as an integer of 0.01 万美元. Never added
    /// to RMB.
    UsdWan
);

/// 10000 万元: the 亿元以上 threshold.
pub const YI: Wan = Wan(10_000 * 100);

/// 项目进展: the stage of a project in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Stage {
    /// 在谈
    Negotiating,
    /// 已签约
    Signed,
    /// 已开工
    Started,
    /// 已投产
    InProduction,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Negotiating => "在谈",
            Stage::Signed => "已签约",
            Stage::Started => "已开工",
            Stage::InProduction => "已投产",
        }
    }
    pub const ALL: [Stage; 4] = [
        Stage::Negotiating,
        Stage::Signed,
        Stage::Started,
        Stage::InProduction,
    ];
}

/// 资金来源: where the money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FundsSource {
    /// 市内
    WithinCity,
    /// 省内市外
    WithinProvince,
    /// 省外境内
    OutOfProvince,
    /// 境外
    Abroad,
}

impl FundsSource {
    pub fn label(self) -> &'static str {
        match self {
            FundsSource::WithinCity => "市内",
            FundsSource::WithinProvince => "省内市外",
            FundsSource::OutOfProvince => "省外境内",
            FundsSource::Abroad => "境外",
        }
    }
    pub const ALL: [FundsSource; 4] = [
        FundsSource::WithinCity,
        FundsSource::WithinProvince,
        FundsSource::OutOfProvince,
        FundsSource::Abroad,
    ];
}

/// 项目类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ProjectKind {
    /// 新建
    New,
    /// 增资扩产: only the increase is reported.
    Expansion,
}

impl ProjectKind {
    pub fn label(self) -> &'static str {
        match self {
            ProjectKind::New => "新建",
            ProjectKind::Expansion => "增资扩产",
        }
    }
    pub const ALL: [ProjectKind; 2] = [ProjectKind::New, ProjectKind::Expansion];
}

/// Where a value was read: sheet and zero-based row/column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CellRef {
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

impl CellRef {
    /// The A1-style address, e.g. `J7`.
    pub fn a1(&self) -> String {
        a1(self.row, self.col)
    }
}

/// Column letters for a zero-based column index (0 → A, 26 → AA).
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// The zero-based (row, col) of an A1 address (`AB12`); `None` when it is not one.
pub fn parse_a1(s: &str) -> Option<(u32, u32)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut col: u64 = 0;
    for b in letters.bytes() {
        col = col.checked_mul(26)?.checked_add(u64::from(b - b'A' + 1))?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((
        row.checked_sub(1)?,
        u32::try_from(col.checked_sub(1)?).ok()?,
    ))
}

/// The A1 address of a zero-based (row, col).
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// What a return's findings make of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No error and nothing to verify: it counts.
    Accepted,
    /// No error, but a finding to verify (核实): stored, not counted until the county
    /// resubmits or the clerk confirms it.
    Held,
    /// At least one error: kept for the record, never counted.
    Rejected,
}

/// One row of 项目明细, typed. Absent optional amounts are zero, as the contract says
/// ("blank = 0"); absent dates and choices are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    /// Zero-based sheet row the project was read from.
    pub row: u32,
    pub id: Option<String>,
    pub name: String,
    pub investor: String,
    pub origin: Option<Arc<str>>,
    pub funds_source: Option<FundsSource>,
    pub industry: Arc<str>,
    pub kind: Option<ProjectKind>,
    pub stage: Stage,
    pub signed_on: Option<NaiveDate>,
    pub contract_amount: Option<Wan>,
    pub contract_fdi: UsdWan,
    pub started_on: Option<NaiveDate>,
    pub funds_month: Wan,
    pub funds_ytd: Wan,
    pub fdi_month: UsdWan,
    pub fdi_ytd: UsdWan,
    pub fortune500: Option<bool>,
    pub note: Option<String>,
}

/// The key two units' projects are compared by: the normalised 项目名称 and 投资方 (项目编号
/// are each unit's own, so they cannot match across units). The archive keeps it with
/// each stored project.
pub fn cross_unit_key(name: &str, investor: &str) -> String {
    let mut key = crate::text::normalize_key(name);
    key.push('|');
    key.push_str(&crate::text::normalize_key(investor));
    key
}

impl Project {
    /// The identity used to follow a project across months and units: its 项目编号, or
    /// the normalised (项目名称, 投资方).
    pub fn identity(&self) -> String {
        match &self.id {
            Some(id) => format!("#{}", crate::text::normalize_key(id)),
            None => self.cross_unit_key(),
        }
    }

    /// [`cross_unit_key`] of the project.
    pub fn cross_unit_key(&self) -> String {
        cross_unit_key(&self.name, &self.investor)
    }

    /// A signing in the given span: not 在谈, with a 签约日期 inside it.
    pub fn is_signing_in(&self, within: impl Fn(NaiveDate) -> bool) -> bool {
        self.stage != Stage::Negotiating && self.signed_on.is_some_and(&within)
    }
}

/// A set of figure keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(from = "Vec<FigureKey>", into = "Vec<FigureKey>")]
pub struct KeySet(u16);

impl KeySet {
    pub fn contains(self, k: FigureKey) -> bool {
        self.0 & (1 << k as u16) != 0
    }
    pub fn insert(&mut self, k: FigureKey) {
        self.0 |= 1 << k as u16;
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The keys in the order of [`FigureKey::ALL`].
    pub fn keys(self) -> impl Iterator<Item = FigureKey> {
        FigureKey::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

impl From<Vec<FigureKey>> for KeySet {
    fn from(keys: Vec<FigureKey>) -> KeySet {
        let mut s = KeySet::default();
        for k in keys {
            s.insert(k);
        }
        s
    }
}

impl From<KeySet> for Vec<FigureKey> {
    fn from(s: KeySet) -> Vec<FigureKey> {
        s.keys().collect()
    }
}

/// The figures a return does not state, because its ledger lacks the columns they are
/// derived from (a ledger without 本月到位资金 states no month's funds in place). They are
/// "not reported" — null in JSON, 未报 in print — never 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Unstated {
    #[serde(default)]
    pub month: KeySet,
    #[serde(default)]
    pub ytd: KeySet,
}

impl Unstated {
    /// What a ledger with these flow columns states: `has(month, rmb)` tells whether it has
    /// the month's (else the year's) funds-in-place (`rmb`) or foreign-capital column;
    /// `has_source` whether it has 资金来源.
    pub fn from_columns(has: impl Fn(bool, bool) -> bool, has_source: bool) -> Unstated {
        let mut u = Unstated::default();
        for (month, set) in [(true, &mut u.month), (false, &mut u.ytd)] {
            if !has(month, true) {
                set.insert(FigureKey::FundsInPlace);
                set.insert(FigureKey::FundsOutOfProvince);
            }
            if !has_source {
                set.insert(FigureKey::FundsOutOfProvince);
            }
            if !has(month, false) {
                set.insert(FigureKey::FdiUsd);
            }
        }
        u
    }

    pub fn is_empty(&self) -> bool {
        self.month.is_empty() && self.ytd.is_empty()
    }
}

/// The ten figures of the JSON contract, for one span (month or year to date).
///
/// A figure in `unstated` was not reported by the return: its value is 0 here but it is
/// shown as null / 未报 and never compared or ranked. A sum of several units' figures
/// (a group or area total) adds what each stated and keeps no `unstated` keys; the
/// bulletin names the units that left a figure out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub signed_count: u32,
    pub signed_amount: Wan,
    pub big_count: u32,
    pub big_amount: Wan,
    pub started_count: u32,
    pub started_investment: Wan,
    pub funds_in_place: Wan,
    pub funds_out_of_province: Wan,
    pub fdi_usd: UsdWan,
    pub negotiating_count: u32,
    /// The figures the return does not state.
    pub unstated: KeySet,
}

impl Serialize for Figures {
    /// The ten keys, each a number or null when not reported.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(FigureKey::ALL.len()))?;
        for k in FigureKey::ALL {
            let key = k.as_str();
            match self.stated(k) {
                None => map.serialize_entry(key, &None::<f64>)?,
                Some(_) if k.is_count() => map.serialize_entry(key, &self.raw(k))?,
                Some(v) => map.serialize_entry(key, &v)?,
            }
        }
        map.end()
    }
}

impl AddAssign<&Figures> for Figures {
    fn add_assign(&mut self, o: &Figures) {
        self.signed_count += o.signed_count;
        self.signed_amount += o.signed_amount;
        self.big_count += o.big_count;
        self.big_amount += o.big_amount;
        self.started_count += o.started_count;
        self.started_investment += o.started_investment;
        self.funds_in_place += o.funds_in_place;
        self.funds_out_of_province += o.funds_out_of_province;
        self.fdi_usd += o.fdi_usd;
        self.negotiating_count += o.negotiating_count;
    }
}

/// A figure key of the JSON contract, usable in targets and scoring.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FigureKey {
    SignedCount,
    SignedAmount,
    BigCount,
    BigAmount,
    StartedCount,
    StartedInvestment,
    FundsInPlace,
    FundsOutOfProvince,
    FdiUsd,
    NegotiatingCount,
}

impl FigureKey {
    /// The key as the JSON contract spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKey::SignedCount => "signed_count",
            FigureKey::SignedAmount => "signed_amount",
            FigureKey::BigCount => "big_count",
            FigureKey::BigAmount => "big_amount",
            FigureKey::StartedCount => "started_count",
            FigureKey::StartedInvestment => "started_investment",
            FigureKey::FundsInPlace => "funds_in_place",
            FigureKey::FundsOutOfProvince => "funds_out_of_province",
            FigureKey::FdiUsd => "fdi_usd",
            FigureKey::NegotiatingCount => "negotiating_count",
        }
    }

    pub const ALL: [FigureKey; 10] = [
        FigureKey::SignedCount,
        FigureKey::SignedAmount,
        FigureKey::BigCount,
        FigureKey::BigAmount,
        FigureKey::StartedCount,
        FigureKey::StartedInvestment,
        FigureKey::FundsInPlace,
        FigureKey::FundsOutOfProvince,
        FigureKey::FdiUsd,
        FigureKey::NegotiatingCount,
    ];

    /// Whether the figure is a count (else an amount in hundredths).
    pub fn is_count(self) -> bool {
        self.indicator().measure() == Measure::Count
    }

    /// The unit a figure is printed in: counts in 个, foreign capital in 万美元, other
    /// amounts in 亿元 (bulletins print 万元 ÷ 10000).
    pub fn print_unit(self) -> &'static str {
        if self.is_count() {
            "个"
        } else if self == FigureKey::FdiUsd {
            "万美元"
        } else {
            "亿元"
        }
    }

    /// The indicator's name in bulletins: [`Indicator::name`], the one place the names
    /// are written.
    pub fn label(self) -> &'static str {
        self.indicator().name()
    }

    /// The indicator of 主要指标 this figure is.
    pub fn indicator(self) -> Indicator {
        match self {
            FigureKey::SignedCount => Indicator::SignedCount,
            FigureKey::SignedAmount => Indicator::SignedAmount,
            FigureKey::BigCount => Indicator::BigCount,
            FigureKey::BigAmount => Indicator::BigAmount,
            FigureKey::StartedCount => Indicator::StartedCount,
            FigureKey::StartedInvestment => Indicator::StartedInvestment,
            FigureKey::FundsInPlace => Indicator::FundsInPlace,
            FigureKey::FundsOutOfProvince => Indicator::FundsOutOfProvince,
            FigureKey::FdiUsd => Indicator::FdiUsd,
            FigureKey::NegotiatingCount => Indicator::NegotiatingCount,
        }
    }
}

impl Figures {
    /// A figure by key: a count, or hundredths of 万元 / 万美元.
    pub fn raw(&self, k: FigureKey) -> i64 {
        match k {
            FigureKey::SignedCount => self.signed_count.into(),
            FigureKey::SignedAmount => self.signed_amount.cents(),
            FigureKey::BigCount => self.big_count.into(),
            FigureKey::BigAmount => self.big_amount.cents(),
            FigureKey::StartedCount => self.started_count.into(),
            FigureKey::StartedInvestment => self.started_investment.cents(),
            FigureKey::FundsInPlace => self.funds_in_place.cents(),
            FigureKey::FundsOutOfProvince => self.funds_out_of_province.cents(),
            FigureKey::FdiUsd => self.fdi_usd.cents(),
            FigureKey::NegotiatingCount => self.negotiating_count.into(),
        }
    }

    /// A figure by key in its unit, `None` when the return does not state it.
    pub fn stated(&self, k: FigureKey) -> Option<f64> {
        (!self.unstated.contains(k)).then(|| self.value(k))
    }

    /// A figure by key in its unit (count, 万元 or 万美元); 0 for a figure not stated (see
    /// [`Figures::stated`] wherever that matters).
    pub fn value(&self, k: FigureKey) -> f64 {
        let raw = self.raw(k) as f64;
        if k.is_count() {
            raw
        } else {
            raw / 100.0
        }
    }
}

/// Month and year-to-date figures of one return.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PeriodFigures {
    pub month: Figures,
    pub ytd: Figures,
}

impl PeriodFigures {
    /// Marks the figures the return does not state.
    pub fn with_unstated(mut self, u: &Unstated) -> PeriodFigures {
        self.month.unstated = u.month;
        self.ytd.unstated = u.ytd;
        self
    }

    /// Derives the figures of a ledger for report month `period`, exactly as
    /// return-format.md defines them.
    pub fn from_ledger<'a>(
        projects: impl IntoIterator<Item = &'a Project> + Copy,
        period: Period,
    ) -> PeriodFigures {
        PeriodFigures {
            month: Figures::over(projects, Span::Month.within(period), Span::Month.flows()),
            ytd: Figures::over(projects, Span::Ytd.within(period), Span::Ytd.flows()),
        }
    }
}

/// The two spans a return's figures cover: the report month (本月) and the year to it
/// (1—N月累计).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    Month,
    Ytd,
}

impl Span {
    pub const ALL: [Span; 2] = [Span::Month, Span::Ytd];

    /// Whether a date (签约日期, 开工日期) falls in this span of report month `period`.
    pub fn within(self, period: Period) -> impl Fn(NaiveDate) -> bool + Copy {
        move |d| match self {
            Span::Month => period.contains(d),
            Span::Ytd => period.ytd_contains(d),
        }
    }

    /// The flows (到位资金, 实际使用外资) a ledger row reports for this span.
    pub fn flows(self) -> fn(&Project) -> (Wan, UsdWan) {
        match self {
            Span::Month => |p| (p.funds_month, p.fdi_month),
            Span::Ytd => |p| (p.funds_ytd, p.fdi_ytd),
        }
    }
}

impl Figures {
    /// The figures of a set of ledger rows: signings and starts dated `within`, the flows
    /// (funds in place, foreign capital) that `flows` picks from each row, and the rows
    /// still 在谈. [`PeriodFigures::from_ledger`] and the briefing's spans share it; it is
    /// the sum of each row's [`Project::share`].
    pub fn over<'a>(
        projects: impl IntoIterator<Item = &'a Project>,
        within: impl Fn(NaiveDate) -> bool + Copy,
        flows: impl Fn(&Project) -> (Wan, UsdWan),
    ) -> Figures {
        let mut f = Figures::default();
        for p in projects {
            f += &p.share(within, &flows);
        }
        f
    }
}

impl Project {
    /// What this one ledger row adds to each figure (see [`Figures::over`]): 1 to each
    /// count it is counted in, its amount to each sum it is part of. The only place the
    /// derivations of return-format.md are written, so that a figure and the list of
    /// rows behind it (`tongbao explain`, the workbook's 项目总表) cannot disagree.
    pub fn share(
        &self,
        within: impl Fn(NaiveDate) -> bool + Copy,
        flows: impl Fn(&Project) -> (Wan, UsdWan),
    ) -> Figures {
        let mut f = Figures::default();
        let amount = self.contract_amount.unwrap_or_default();
        if self.is_signing_in(within) {
            f.signed_count = 1;
            f.signed_amount = amount;
            if amount >= YI {
                f.big_count = 1;
                f.big_amount = amount;
            }
        }
        if self.started_on.is_some_and(within) {
            f.started_count = 1;
            f.started_investment = amount;
        }
        let (funds, fdi) = flows(self);
        f.funds_in_place = funds;
        if self.funds_source == Some(FundsSource::OutOfProvince) {
            f.funds_out_of_province = funds;
        }
        f.fdi_usd = fdi;
        if self.stage == Stage::Negotiating {
            f.negotiating_count = 1;
        }
        f
    }
}

/// The ledger rows behind figure `key` of `span` for report month `period`, each with what
/// it adds: 1 for a count, hundredths of 万元 / 万美元 for an amount. A row that adds
/// nothing (a zero flow, a signing without an amount) is left out. The rows are chosen by
/// [`Project::share`], as [`Figures::over`] counts them, so the values always sum to the
/// figure of [`PeriodFigures::from_ledger`].
pub fn contributions<'a>(
    projects: impl IntoIterator<Item = &'a Project>,
    period: Period,
    span: Span,
    key: FigureKey,
) -> Vec<(&'a Project, i64)> {
    let within = span.within(period);
    let flows = span.flows();
    projects
        .into_iter()
        .map(|p| (p, p.share(within, flows).raw(key)))
        .filter(|(_, v)| *v != 0)
        .collect()
}

/// Who reported (基本信息).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReturnHeader {
    /// Roster code of the unit, once matched.
    pub unit_code: Option<String>,
    /// The name as written in the return.
    pub unit_name_written: Option<String>,
    pub period: Option<Period>,
    pub preparer: Option<String>,
    pub phone: Option<String>,
    pub reviewer: Option<String>,
    pub filled_on: Option<String>,
    /// The figures the return does not state (its ledger lacks their columns).
    pub unstated: Unstated,
}

/// The indicators of 主要指标 (return-format v1, sheet 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 新签约项目数
    SignedCount,
    /// 新签约合同投资额
    SignedAmount,
    /// 其中：亿元以上项目数
    BigCount,
    /// 其中：亿元以上项目合同投资额
    BigAmount,
    /// 新开工项目数
    StartedCount,
    /// 新开工项目计划总投资
    StartedInvestment,
    /// 实际到位资金
    FundsInPlace,
    /// 其中：省外境内到位资金
    FundsOutOfProvince,
    /// 实际使用外资 (万美元)
    FdiUsd,
    /// 在谈项目数
    NegotiatingCount,
    /// 外出招商活动次数 (not derivable)
    OutboundTrips,
    /// 接待客商批次 (not derivable)
    VisitorsReceived,
}

/// What an indicator counts, which decides its unit and how its cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A whole number of projects or events.
    Count,
    /// 万元
    Rmb,
    /// 万美元
    Usd,
}

impl Indicator {
    pub const ALL: [Indicator; 12] = [
        Indicator::SignedCount,
        Indicator::SignedAmount,
        Indicator::BigCount,
        Indicator::BigAmount,
        Indicator::StartedCount,
        Indicator::StartedInvestment,
        Indicator::FundsInPlace,
        Indicator::FundsOutOfProvince,
        Indicator::FdiUsd,
        Indicator::NegotiatingCount,
        Indicator::OutboundTrips,
        Indicator::VisitorsReceived,
    ];

    /// The indicator's name, as bulletins, workbooks and messages print it.
    pub fn name(self) -> &'static str {
        match self {
            Indicator::SignedCount => "新签约项目数",
            Indicator::SignedAmount => "新签约合同投资额",
            Indicator::BigCount => "亿元以上项目数",
            Indicator::BigAmount => "亿元以上项目合同投资额",
            Indicator::StartedCount => "新开工项目数",
            Indicator::StartedInvestment => "新开工项目计划总投资",
            Indicator::FundsInPlace => "实际到位资金",
            Indicator::FundsOutOfProvince => "省外境内到位资金",
            Indicator::FdiUsd => "实际使用外资",
            Indicator::NegotiatingCount => "在谈项目数",
            Indicator::OutboundTrips => "外出招商活动次数",
            Indicator::VisitorsReceived => "接待客商批次",
        }
    }

    /// Whether the form prints it as a part of the indicator above it (其中：…).
    pub fn is_part(self) -> bool {
        matches!(
            self,
            Indicator::BigCount | Indicator::BigAmount | Indicator::FundsOutOfProvince
        )
    }

    /// The label the form prints: the name, after 其中： for a part.
    pub fn label(self) -> std::borrow::Cow<'static, str> {
        if self.is_part() {
            std::borrow::Cow::Owned(format!("其中：{}", self.name()))
        } else {
            std::borrow::Cow::Borrowed(self.name())
        }
    }

    pub fn measure(self) -> Measure {
        match self {
            Indicator::SignedAmount
            | Indicator::BigAmount
            | Indicator::StartedInvestment
            | Indicator::FundsInPlace
            | Indicator::FundsOutOfProvince => Measure::Rmb,
            Indicator::FdiUsd => Measure::Usd,
            _ => Measure::Count,
        }
    }

    /// The unit name printed beside the indicator.
    pub fn unit_label(self) -> &'static str {
        match self.measure() {
            Measure::Rmb => "万元",
            Measure::Usd => "万美元",
            Measure::Count => match self {
                Indicator::OutboundTrips | Indicator::VisitorsReceived => "次",
                _ => "个",
            },
        }
    }

    /// The ledger-derived value of this indicator in `f`, if it is derivable: counts as
    /// whole numbers, amounts in hundredths.
    pub fn derived(self, f: &Figures) -> Option<i64> {
        self.figure_key()
            .filter(|k| !f.unstated.contains(*k))
            .map(|k| f.raw(k))
    }

    /// The figure of the JSON contract this indicator is, when the ledger derives it.
    pub fn figure_key(self) -> Option<FigureKey> {
        Some(match self {
            Indicator::SignedCount => FigureKey::SignedCount,
            Indicator::SignedAmount => FigureKey::SignedAmount,
            Indicator::BigCount => FigureKey::BigCount,
            Indicator::BigAmount => FigureKey::BigAmount,
            Indicator::StartedCount => FigureKey::StartedCount,
            Indicator::StartedInvestment => FigureKey::StartedInvestment,
            Indicator::FundsInPlace => FigureKey::FundsInPlace,
            Indicator::FundsOutOfProvince => FigureKey::FundsOutOfProvince,
            Indicator::FdiUsd => FigureKey::FdiUsd,
            Indicator::NegotiatingCount => FigureKey::NegotiatingCount,
            Indicator::OutboundTrips | Indicator::VisitorsReceived => return None,
        })
    }
}

/// One indicator row of 主要指标, as reported (absent cells are `None`). Values are whole
/// counts for count indicators and hundredths of 万元 / 万美元 for amounts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportedIndicator {
    pub indicator: Indicator,
    pub month: Option<i64>,
    pub ytd: Option<i64>,
    pub last_year_ytd: Option<i64>,
    /// Where the month and YTD values were read.
    pub month_cell: Option<CellRef>,
    pub ytd_cell: Option<CellRef>,
}

/// How a file went into the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FiledAs {
    /// A first version, or one not yet seen.
    New,
    /// A new version that replaced the unit's current one.
    Superseded,
    /// An earlier version sent again: stored as a new version, current again.
    Resent,
    /// The same bytes as the current version (or an older file): not stored again.
    Duplicate,
    /// Not stored: the file could not be read.
    NotStored,
}

/// What storing one file in the archive did (`archive` in the JSON of docs/cli.md for ingest).
#[derive(Debug, Clone, Serialize)]
pub struct Filed {
    pub stored: FiledAs,
    pub version: Option<i64>,
    /// The version this one replaced, for `superseded` and `resent`.
    pub replaces: Option<i64>,
    /// For `resent`: the earlier version whose bytes these are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as: Option<i64>,
    /// For a rejected file: the unit's version that still stands (counts or is held).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stands: Option<i64>,
}

impl Filed {
    pub fn new(stored: FiledAs, version: Option<i64>) -> Filed {
        Filed {
            stored,
            version,
            replaces: None,
            same_as: None,
            stands: None,
        }
    }
}
