//! `tongbao.toml`: the roster (units, groups, industries), targets, scoring, bulletin
//! metadata, fonts and paths of one workspace.
//!
//! The roster core is fixed by docs/cli.md; the rest is ours, documented in
//! `samples/tongbao.toml`. Every table denies unknown keys so that a typo is an error that
//! names the key and its line, never a silently ignored setting.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::lang::{Lang, Said};
pub use crate::model::FigureKey;
use crate::text::normalize_key;

/// The file name commands look for in the current folder and its parents.
pub const CONFIG_FILE: &str = "tongbao.toml";

/// The whole configuration file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub bulletin: Bulletin,
    #[serde(default)]
    pub scoring: Scoring,
    #[serde(default)]
    pub fonts: Fonts,
    #[serde(default)]
    pub paths: Paths,
    #[serde(default)]
    pub archive: ArchiveSettings,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub verify: Verify,
    #[serde(default)]
    pub projects: ProjectsSettings,
    #[serde(default, rename = "group")]
    pub groups: Vec<Group>,
    #[serde(default, rename = "unit")]
    pub units: Vec<Unit>,
    #[serde(default, rename = "industry")]
    pub industries: Vec<Industry>,
}

/// Bulletin metadata (红头, 发文字号, wording).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Bulletin {
    /// 发文机关, printed in red at the top.
    pub issuer: String,
    /// 发文字号 pattern; `{year}` and `{number}` are filled in.
    pub doc_number: String,
    /// The area the bulletin covers, as it reads in the title: 全市, 全省.
    pub region: String,
    /// Day of the following month by which returns are due; later ones are marked late.
    pub deadline_day: u32,
    /// Optional file (relative to the config) with 存在问题 text the clerk writes.
    pub problems_file: Option<PathBuf>,
    /// Optional file with 下步工作 text.
    pub next_steps_file: Option<PathBuf>,
    /// The `{number}` of the 发文字号 for this issue; the period's month when unset.
    /// `build --number` sets it for one issue.
    pub number: Option<u32>,
    /// How many of the month's 亿元以上 projects the body names (重点项目); the full list
    /// is 附件2.
    pub key_projects: usize,
    /// 版记: the bodies the bulletin is copied to (抄送), in order. Empty: no 抄送 line.
    pub copy_to: Vec<String>,
    /// 版记: the office that prints and issues the document (印发机关); the issuer when
    /// unset.
    pub printed_by: Option<String>,
    /// The bureau's time zone, in which every time shown to a person is written (status,
    /// receipts, `watch`, the date of issue): `Asia/Shanghai` (default), `UTC` or a fixed
    /// offset such as `+08:00` (see [`crate::clock`]).
    pub time_zone: String,
}

impl Default for Bulletin {
    fn default() -> Self {
        Bulletin {
            issuer: "招商投资促进局".into(),
            doc_number: "招通〔{year}〕{number}号".into(),
            region: "全市".into(),
            deadline_day: 5,
            problems_file: None,
            next_steps_file: None,
            number: None,
            key_projects: 10,
            copy_to: Vec::new(),
            printed_by: None,
            time_zone: crate::clock::DEFAULT_TIME_ZONE.into(),
        }
    }
}

/// The league table method (赛马榜). Defaults from domain.md.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scoring {
    /// Indicators taking part and their weights, applied to year-to-date values.
    pub weights: BTreeMap<FigureKey, f64>,
    /// Units whose codes are listed here are reported but left out of the table.
    pub exclude: Vec<String>,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            weights: BTreeMap::from([
                (FigureKey::SignedAmount, 30.0),
                (FigureKey::FundsInPlace, 30.0),
                (FigureKey::BigCount, 20.0),
                (FigureKey::StartedCount, 20.0),
            ]),
            exclude: Vec::new(),
        }
    }
}

/// A font file and, for a .ttc collection, the face in it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FontFace {
    pub path: PathBuf,
    #[serde(default)]
    pub face: u32,
}

/// Fonts of the PDF bulletin; unset ones use the fonts built into tongbao.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Fonts {
    /// Title (小标宋).
    pub title: Option<FontFace>,
    /// Body text (仿宋).
    pub body: Option<FontFace>,
    /// 一、 headings (黑体).
    pub heading: Option<FontFace>,
    /// （一） headings (楷体).
    pub kai: Option<FontFace>,
}

/// Where the workspace keeps things, relative to the config file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Paths {
    pub archive: PathBuf,
    pub inbox: PathBuf,
    pub out: PathBuf,
    pub receipts: PathBuf,
    pub templates: PathBuf,
    /// Where the automatic copies of the archive go (before each ingest).
    pub backups: PathBuf,
}

/// How the archive is looked after.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveSettings {
    /// How many automatic copies to keep in the backups folder (0: make none).
    pub keep_backups: usize,
}

impl Default for ArchiveSettings {
    fn default() -> Self {
        ArchiveSettings {
            keep_backups: crate::archive::backup::DEFAULT_KEEP,
        }
    }
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            archive: "tongbao.db".into(),
            inbox: "inbox".into(),
            out: "out".into(),
            receipts: "receipts".into(),
            templates: "templates".into(),
            backups: crate::archive::backup::DEFAULT_DIR.into(),
        }
    }
}

/// Budgets that bound the work and memory one file may cost. A file over any of them is
/// rejected as that file's error.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest total of decompressed bytes of a .xlsx/.ods.
    pub max_decompressed_bytes: u64,
    /// Most cells (rows × columns of the used area) of one sheet.
    pub max_cells_per_sheet: u64,
    /// Most shared strings of a workbook.
    pub max_strings: u64,
    /// Most sheets in a workbook.
    pub max_sheets: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 << 20,
            max_decompressed_bytes: 512 << 20,
            max_cells_per_sheet: 2_000_000,
            max_strings: 2_000_000,
            max_sheets: 64,
        }
    }
}

/// Thresholds of 核实 (hold for verification): a return beyond any of them is stored as
/// 待核实 and not counted until the county resubmits or the clerk confirms it. Defaults
/// from domain.md.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Verify {
    /// A 本年累计 figure falling by more than this share of last month's (0.10 = 10 %)…
    pub ytd_drop_share: f64,
    /// …and by at least this many 万元 (amounts; 万美元 for foreign capital)…
    pub ytd_drop_min_wan: f64,
    /// …or by at least this many projects (counts).
    pub ytd_drop_min_count: u32,
    /// More than this share of last month's projects gone from the ledger.
    pub projects_gone_share: f64,
    /// Implausible magnitudes: the median 合同投资额 of signed rows below this (万元)…
    pub median_contract_min_wan: f64,
    /// …or above this (万元).
    pub median_contract_max_wan: f64,
    /// 本年累计到位资金 above this multiple of the row's 合同投资额.
    pub funds_to_contract_max: f64,
    /// One row's 合同投资额 above this (万元; default 1000 亿元): beyond any project.
    pub row_contract_max_wan: f64,
}

impl Default for Verify {
    fn default() -> Self {
        Verify {
            ytd_drop_share: 0.10,
            ytd_drop_min_wan: 10_000.0,
            ytd_drop_min_count: 1,
            projects_gone_share: 0.5,
            median_contract_min_wan: 10.0,
            median_contract_max_wan: 1_000_000.0,
            funds_to_contract_max: 100.0,
            row_contract_max_wan: 10_000_000.0,
        }
    }
}

/// The project register (项目库, `tongbao projects`) and its follow-up rule (督办).
/// Defaults from domain.md.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectsSettings {
    /// A 亿元以上 project signed this many months before the period (or more) and not
    /// started is stalled (`tongbao projects --stalled`).
    pub stalled_months: u32,
    /// A started project whose 本月到位资金 was 0 this many consecutive months up to the
    /// period is on the follow-up list (`tongbao projects --follow-up`).
    pub no_funds_months: u32,
    /// The cohort the bulletin's and briefings' 开工率 and 投产率 are over (重点项目推进情况).
    pub cohort: CohortChoice,
}

/// Which signings a conversion figure of the bulletin is over.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum CohortChoice {
    /// Projects signed in the twelve months to the period (the default).
    #[default]
    TwelveMonths,
    /// Projects signed in the period's calendar year, January to the period.
    Year,
}

impl Default for ProjectsSettings {
    fn default() -> Self {
        ProjectsSettings {
            stalled_months: 6,
            no_funds_months: 3,
            cohort: CohortChoice::TwelveMonths,
        }
    }
}

/// A group of comparable units, ranked together (e.g. 主城都市区).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: Spanned<String>,
    /// Whether the group's units are ranked; a zone group may be reported but not ranked.
    #[serde(default = "yes")]
    pub league: bool,
}

fn yes() -> bool {
    true
}

/// Annual targets of a unit (万元; 万美元 for `fdi_usd`; counts for the `_count` keys).
pub type Targets = BTreeMap<FigureKey, f64>;

/// A reporting unit of the roster.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub group: Spanned<String>,
    /// Overrides the group's `league` for this unit.
    #[serde(default)]
    pub league: Option<bool>,
    #[serde(default)]
    pub targets: Targets,
}

/// 一产 / 二产 / 三产.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Sector {
    #[serde(rename = "一产")]
    Primary,
    #[serde(rename = "二产")]
    Secondary,
    #[serde(rename = "三产")]
    Tertiary,
}

/// 工业 / 服务业.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Category {
    #[serde(rename = "工业")]
    Industry,
    #[serde(rename = "服务业")]
    Services,
}

/// One entry of the industry list (产业类别).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Industry {
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sector: Option<Sector>,
    #[serde(default)]
    pub category: Option<Category>,
}

/// A checked configuration with its lookup tables.
#[derive(Debug, Clone)]
pub struct Config {
    pub file: ConfigFile,
    /// The config file's path; relative paths in it are relative to its folder.
    pub path: PathBuf,
    unit_by_key: HashMap<String, usize>,
    /// Roster index by code exactly as configured: aggregation looks every unit up by
    /// code, and a scan of 2,850 units for each was quadratic at national scale.
    unit_by_code: HashMap<String, usize>,
    industry_by_key: HashMap<String, usize>,
    /// Industry list index by canonical name, for the 一二三产 and 工业/服务业 roll-ups.
    industry_by_name: HashMap<String, usize>,
    /// `[bulletin] time_zone`, checked.
    time_zone: chrono::FixedOffset,
}

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", not_found_text(.start, Lang::Zh))]
    NotFound { start: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// TOML syntax or schema error; the message names the line and key.
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// A rule of the roster is broken (duplicate code, undefined group, …).
    #[error("{path}:{line}: {message}", path = .path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: Said,
    },
}

impl ConfigError {
    /// The error in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ConfigError::NotFound { start } => not_found_text(start, lang),
            ConfigError::Invalid {
                path,
                line,
                message,
            } => format!("{}:{line}: {}", path.display(), message.get(lang)),
            ConfigError::Io { path, source } if lang == Lang::Zh => format!(
                "无法读取配置文件 {}（{}）",
                path.display(),
                crate::messages::io_reason(source, lang)
            ),
            other => other.to_string(),
        }
    }
}

fn not_found_text(start: &Path, lang: Lang) -> String {
    let start = start.display();
    match lang {
        Lang::Zh => format!(
            "找不到 {CONFIG_FILE}（从 {start} 向上查找）；请在工作区中运行，或用 --config 指定"
        ),
        Lang::En => format!(
            "no {CONFIG_FILE} found from {start} upwards; run inside a workspace or pass --config"
        ),
    }
}

impl Config {
    /// Finds `tongbao.toml` in `start` or its parents.
    pub fn discover(start: &Path) -> Result<PathBuf, ConfigError> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE);
            if candidate.is_file() {
                return Ok(candidate);
            }
            dir = d.parent();
        }
        Err(ConfigError::NotFound {
            start: start.to_path_buf(),
        })
    }

    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_str(&text, path)
    }

    /// Parses and checks configuration text; `path` is used for messages and relative paths.
    pub fn from_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let invalid = |span: std::ops::Range<usize>, message: Said| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: text[..span.start.min(text.len())].matches('\n').count() + 1,
            message,
        };

        check_settings(text, &file).map_err(|(span, message)| invalid(span, message))?;
        let time_zone =
            time_zone_of(text, &file).map_err(|(span, message)| invalid(span, message))?;
        if file.units.is_empty() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: 1,
                message: Said::new(
                    "名册为空：至少需要一个 [[unit]]",
                    "the roster has no [[unit]]",
                ),
            });
        }
        let mut groups = HashMap::new();
        for g in &file.groups {
            if groups.insert(g.name.get_ref().clone(), g.league).is_some() {
                return Err(invalid(
                    g.name.span(),
                    Said::new(
                        format!("分组“{}”重复定义", g.name.get_ref()),
                        format!("group {:?} is defined twice", g.name.get_ref()),
                    ),
                ));
            }
        }
        let mut unit_by_key = HashMap::new();
        let mut codes = HashMap::new();
        for (i, u) in file.units.iter().enumerate() {
            let code = u.code.get_ref().trim();
            if code.is_empty() {
                return Err(invalid(
                    u.code.span(),
                    Said::new("单位代码为空", "empty unit code"),
                ));
            }
            if codes.insert(code.to_string(), i).is_some() {
                return Err(invalid(
                    u.code.span(),
                    Said::new(
                        format!("单位代码 {code} 重复"),
                        format!("unit code {code} is used twice"),
                    ),
                ));
            }
            if !groups.contains_key(u.group.get_ref()) {
                let known: Vec<&str> = file
                    .groups
                    .iter()
                    .map(|g| g.name.get_ref().as_str())
                    .collect();
                return Err(invalid(
                    u.group.span(),
                    Said::new(
                        format!(
                            "单位“{}”的分组“{}”未在 [[group]] 中定义（已定义：{}）",
                            u.name.get_ref(),
                            u.group.get_ref(),
                            known.join("、")
                        ),
                        format!(
                            "the group {:?} of unit {:?} is not defined in [[group]] (defined: {})",
                            u.group.get_ref(),
                            u.name.get_ref(),
                            known.join(", ")
                        ),
                    ),
                ));
            }
            for key in std::iter::once(u.name.get_ref().as_str())
                .chain(u.aliases.iter().map(String::as_str))
                .map(normalize_key)
                .chain(std::iter::once(code.to_string()))
            {
                if let Some(&other) = unit_by_key.get(&key) {
                    let other: usize = other;
                    if other != i {
                        return Err(invalid(
                            u.name.span(),
                            Said::new(
                                format!(
                                    "单位“{}”的名称或别名“{key}”与单位“{}”重复",
                                    u.name.get_ref(),
                                    file.units[other].name.get_ref()
                                ),
                                format!(
                                    "the name or alias {key:?} of unit {:?} is also unit {:?}'s",
                                    u.name.get_ref(),
                                    file.units[other].name.get_ref()
                                ),
                            ),
                        ));
                    }
                }
                unit_by_key.insert(key, i);
            }
        }
        let mut industry_by_key = HashMap::new();
        for (i, ind) in file.industries.iter().enumerate() {
            for key in std::iter::once(ind.name.get_ref().as_str())
                .chain(ind.aliases.iter().map(String::as_str))
                .map(normalize_key)
            {
                if industry_by_key
                    .insert(key, i)
                    .is_some_and(|other| other != i)
                {
                    return Err(invalid(
                        ind.name.span(),
                        Said::new(
                            format!("产业类别“{}”重复", ind.name.get_ref()),
                            format!("industry {:?} is listed twice", ind.name.get_ref()),
                        ),
                    ));
                }
            }
        }
        let unit_by_code = file
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.get_ref().clone(), i))
            .collect();
        let industry_by_name = file
            .industries
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.name.get_ref().clone(), i))
            .collect();
        Ok(Config {
            file,
            path: path.to_path_buf(),
            unit_by_key,
            unit_by_code,
            industry_by_key,
            industry_by_name,
            time_zone,
        })
    }

    /// The bureau's time zone (`[bulletin] time_zone`): every time shown to a person is
    /// written in it.
    pub fn time_zone(&self) -> chrono::FixedOffset {
        self.time_zone
    }

    /// The roster unit a name, alias or code written in a return refers to.
    pub fn find_unit(&self, written: &str) -> Option<&Unit> {
        let key = normalize_key(written);
        self.unit_by_key.get(&key).map(|&i| &self.file.units[i])
    }

    /// The roster unit with this code, exactly as configured.
    pub fn unit_by_code(&self, code: &str) -> Option<&Unit> {
        self.unit_by_code.get(code).map(|&i| &self.file.units[i])
    }

    /// The industry of the list with this canonical name (as [`Config::find_industry`]
    /// gives it).
    pub fn industry_named(&self, name: &str) -> Option<&Industry> {
        self.industry_by_name
            .get(name)
            .map(|&i| &self.file.industries[i])
    }

    /// The canonical industry name a written 产业类别 refers to.
    pub fn find_industry(&self, written: &str) -> Option<&str> {
        // Most ledgers write the configured name itself, which normalises to its own
        // entry: looked up as written first, every project's 产业类别 is not normalised.
        self.industry_by_name
            .get(written)
            .or_else(|| self.industry_by_key.get(&normalize_key(written)))
            .map(|&i| self.file.industries[i].name.get_ref().as_str())
    }

    /// Whether an industry list is configured (without one, any 产业类别 text is accepted).
    pub fn has_industries(&self) -> bool {
        !self.file.industries.is_empty()
    }

    pub fn industry_names(&self) -> Vec<&str> {
        self.file
            .industries
            .iter()
            .map(|i| i.name.get_ref().as_str())
            .collect()
    }

    /// Resolves a path of the config relative to the config's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.parent() {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    pub fn limits(&self) -> Limits {
        self.file.limits
    }

    /// The archive file.
    pub fn archive_path(&self) -> PathBuf {
        self.resolve(&self.file.paths.archive)
    }

    /// The folder of the archive's automatic copies.
    pub fn backups_dir(&self) -> PathBuf {
        self.resolve(&self.file.paths.backups)
    }

    /// The last day returns for `period` are on time (see [`deadline`]).
    pub fn deadline(&self, period: crate::model::Period) -> chrono::NaiveDate {
        deadline(period, self.file.bulletin.deadline_day)
    }
}

/// The due date of returns for `period`: `day` of the month after it (the configuration
/// allows 1 to 28, a day every month has; a larger one is taken as the month's last day).
pub fn deadline(period: crate::model::Period, day: u32) -> chrono::NaiveDate {
    let next = period.next();
    let last = chrono::Datelike::day(&next.last_day());
    chrono::NaiveDate::from_ymd_opt(next.year, next.month, day.clamp(1, last))
        .unwrap_or_else(|| next.first_day())
}

impl Unit {
    pub fn code(&self) -> &str {
        self.code.get_ref()
    }
    pub fn name(&self) -> &str {
        self.name.get_ref()
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）", self.name(), self.code())
    }
}

/// Where the settings that must be checked by value were written: the same file read
/// again with the positions of those values (serde ignores every other key here; the
/// typed [`ConfigFile`] has already refused unknown ones).
#[derive(Deserialize)]
struct Positions {
    #[serde(default)]
    bulletin: Option<BulletinPositions>,
    #[serde(default)]
    scoring: Option<Spanned<ScoringPositions>>,
    #[serde(default)]
    verify: Option<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
    #[serde(default, rename = "unit")]
    units: Vec<NamedPositions>,
    #[serde(default, rename = "industry")]
    industries: Vec<NamedPositions>,
}

#[derive(Deserialize)]
struct BulletinPositions {
    #[serde(default)]
    deadline_day: Option<Spanned<toml::Value>>,
    #[serde(default)]
    number: Option<Spanned<toml::Value>>,
    #[serde(default)]
    time_zone: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
struct ScoringPositions {
    #[serde(default)]
    weights: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
}

#[derive(Deserialize)]
struct NamedPositions {
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    targets: BTreeMap<String, Spanned<f64>>,
}

type Span = std::ops::Range<usize>;

/// Whether a name can tell one unit (or industry) from another: it has a letter, digit
/// or CJK character. `""`, `·` or `-` normalise to nothing and would match any return
/// whose 填报单位 is blank or a dash.
fn is_meaningful_name(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// `[bulletin] time_zone` as an offset, or the error naming the key and its position.
fn time_zone_of(text: &str, file: &ConfigFile) -> Result<chrono::FixedOffset, (Span, Said)> {
    let name = &file.bulletin.time_zone;
    crate::clock::parse_time_zone(name).ok_or_else(|| {
        let span = toml::from_str::<Positions>(text)
            .ok()
            .and_then(|p| p.bulletin)
            .and_then(|b| b.time_zone)
            .map_or(0..0, |z| z.span());
        (
            span,
            Said::new(
                format!(
                    "[bulletin] time_zone = {name:?}：无法识别的时区。请写 \"Asia/Shanghai\"（北京时间，默认）、\"UTC\"，或固定时差如 \"+08:00\""
                ),
                format!(
                    "[bulletin] time_zone = {name:?} is not a time zone tongbao knows: write \"Asia/Shanghai\" (Beijing time, the default), \"UTC\" or a fixed offset such as \"+08:00\""
                ),
            ),
        )
    })
}

/// The settings that cannot rank or cannot tell units apart, refused at load with the
/// key and its position: scoring weights, targets, names and aliases, the deadline day
/// and the [verify] thresholds.
fn check_settings(text: &str, file: &ConfigFile) -> Result<(), (Span, Said)> {
    let Ok(pos) = toml::from_str::<Positions>(text) else {
        // The typed parse succeeded, so this cannot fail; if it did, the values are
        // still checked below where they carry their own positions.
        return Ok(());
    };
    if let Some(scoring) = &pos.scoring {
        if let Some(weights) = &scoring.get_ref().weights {
            for (key, w) in weights.get_ref() {
                let v = *w.get_ref();
                if !v.is_finite() || v < 0.0 {
                    return Err((
                        w.span(),
                        Said::new(
                            format!("[scoring] weights.{key} = {v}：权重须为不小于 0 的有限数"),
                            format!("[scoring] weights.{key} must be a finite number, 0 or more"),
                        ),
                    ));
                }
            }
            if weights.get_ref().values().all(|w| *w.get_ref() == 0.0) {
                return Err((
                    weights.span(),
                    Said::new(
                        "[scoring] weights 为空或全部为 0，无法排名：至少一项指标的权重须大于 0",
                        "[scoring] weights is empty or all zero: no ranking is possible; give at least one indicator a weight above 0",
                    ),
                ));
            }
        }
    }
    for (unit, u) in pos.units.iter().zip(&file.units) {
        for (key, t) in &unit.targets {
            let v = *t.get_ref();
            if !v.is_finite() || v < 1.0 {
                return Err((
                    t.span(),
                    Said::new(
                        format!(
                            "单位“{}”的目标 targets.{key} = {v}：目标须为不小于 1 的有限数（金额以万元计，个数以个计）；没有目标就不写这一项",
                            u.name.get_ref()
                        ),
                        format!(
                            "targets.{key} of unit {} must be a finite number of at least 1 (万元 for amounts, a count for counts); leave it out when there is none",
                            u.code.get_ref()
                        ),
                    ),
                ));
            }
        }
    }
    for (what_zh, what_en, named) in [
        ("单位", "unit", &pos.units),
        ("产业类别", "industry", &pos.industries),
    ] {
        for n in named {
            if !is_meaningful_name(n.name.get_ref()) {
                return Err((
                    n.name.span(),
                    Said::new(
                        format!(
                            "{what_zh}名称 {:?} 不含文字或数字，无法与报表中的写法对应",
                            n.name.get_ref()
                        ),
                        format!(
                            "the {what_en} name {:?} has no letter, digit or Chinese character",
                            n.name.get_ref()
                        ),
                    ),
                ));
            }
            for a in &n.aliases {
                if !is_meaningful_name(a.get_ref()) {
                    return Err((
                        a.span(),
                        Said::new(
                            format!(
                                "{what_zh}“{}”的别名 {:?} 不含文字或数字：它会与填写为空或“-”的报表对应上；请删去",
                                n.name.get_ref(),
                                a.get_ref()
                            ),
                            format!(
                                "the alias {:?} of {what_en} {} has no letter, digit or Chinese character and would match a return whose name is blank or a dash; remove it",
                                a.get_ref(),
                                n.name.get_ref()
                            ),
                        ),
                    ));
                }
            }
        }
    }
    let day = file.bulletin.deadline_day;
    if !(1..=28).contains(&day) {
        let span = pos
            .bulletin
            .as_ref()
            .and_then(|b| b.deadline_day.as_ref())
            .map_or(0..0, |d| d.span());
        return Err((
            span,
            Said::new(
                format!("[bulletin] deadline_day = {day}：须在 1 到 28 之间（每个月都有的日子）"),
                "[bulletin] deadline_day must be between 1 and 28 (a day every month has)"
                    .to_string(),
            ),
        ));
    }
    if file.bulletin.number == Some(0) {
        let span = pos
            .bulletin
            .as_ref()
            .and_then(|b| b.number.as_ref())
            .map_or(0..0, |d| d.span());
        return Err((
            span,
            Said::new(
                "[bulletin] number = 0：发文字号的序号从 1 起".to_string(),
                "[bulletin] number = 0: a document number starts from 1".to_string(),
            ),
        ));
    }
    let v = &file.verify;
    let verify_span = |key: &str| {
        pos.verify.as_ref().map_or(0..0, |t| {
            t.get_ref().get(key).map_or_else(|| t.span(), |x| x.span())
        })
    };
    let shares = [
        ("ytd_drop_share", v.ytd_drop_share),
        ("projects_gone_share", v.projects_gone_share),
    ];
    for (key, x) in shares {
        if !x.is_finite() || !(0.0..=1.0).contains(&x) {
            return Err((
                verify_span(key),
                Said::new(
                    format!("[verify] {key} = {x}：比例须在 0 到 1 之间（0.10 即 10%）"),
                    format!("[verify] {key} must be a share between 0 and 1 (0.10 = 10 %)"),
                ),
            ));
        }
    }
    let amounts = [
        ("ytd_drop_min_wan", v.ytd_drop_min_wan),
        ("median_contract_min_wan", v.median_contract_min_wan),
        ("median_contract_max_wan", v.median_contract_max_wan),
        ("funds_to_contract_max", v.funds_to_contract_max),
        ("row_contract_max_wan", v.row_contract_max_wan),
    ];
    for (key, x) in amounts {
        if !x.is_finite() || x < 0.0 {
            return Err((
                verify_span(key),
                Said::new(
                    format!("[verify] {key} = {x}：须为不小于 0 的有限数"),
                    format!("[verify] {key} must be a finite number, 0 or more"),
                ),
            ));
        }
    }
    if v.median_contract_min_wan > v.median_contract_max_wan {
        return Err((
            verify_span("median_contract_max_wan"),
            Said::new(
                format!(
                    "[verify] median_contract_max_wan（{}）小于 median_contract_min_wan（{}）",
                    v.median_contract_max_wan, v.median_contract_min_wan
                ),
                format!(
                    "[verify] median_contract_max_wan ({}) is below median_contract_min_wan ({})",
                    v.median_contract_max_wan, v.median_contract_min_wan
                ),
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_is_the_configured_day_of_the_next_month() {
        let p = |y, m| crate::model::Period::new(y, m).expect("period");
        assert_eq!(
            deadline(p(2025, 6), 5),
            chrono::NaiveDate::from_ymd_opt(2025, 7, 5).expect("date")
        );
        assert_eq!(
            deadline(p(2025, 12), 10),
            chrono::NaiveDate::from_ymd_opt(2026, 1, 10).expect("date")
        );
        assert_eq!(
            deadline(p(2025, 1), 31),
            chrono::NaiveDate::from_ymd_opt(2025, 2, 28).expect("date")
        );
        assert_eq!(
            deadline(p(2025, 6), 0),
            chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
        );
    }
}
