//! The bulletin's wording: handlebars templates a clerk can edit.
//!
//! Every sentence of the bulletin lives in a template in `templates/*.hbs`, embedded in the
//! binary with `include_str!` (as mdBook embeds its theme), so a fresh workspace needs no
//! files. A file of the same name in the workspace's templates folder
//! (`[paths] templates`, default `templates/` beside `tongbao.toml`) replaces the built-in
//! one, and only that one. A `.hbs` file there with a name we do not know is an error, as a
//! misspelt key in the config is: a clerk who saves `titel.hbs` must not be left wondering
//! why the title did not change.
//!
//! The registry runs in strict mode, so a misspelt variable is an error naming the file,
//! line and column rather than a silent gap in a published document; `if` and `unless` are
//! replaced by strict versions too, because handlebars' own treat a missing variable as
//! false. The templates see only the serialisable context built by
//! [`crate::render::compose`], and the helpers below for printing figures.
//!
//! Rendered text is read line by line by the composer: every non-empty line is one block;
//! a line starting with `# ` is a `一、` heading and one starting with `## ` a `（一）`
//! heading. Handlebars' standalone rule drops lines holding only a block tag or a comment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, JsonValue, Output, RenderContext,
    RenderError, RenderErrorReason, Renderable,
};
use serde::Serialize;

use crate::config::Config;
use crate::lang::Lang;

/// The built-in templates, by file name.
const EMBEDDED: [(&str, &str); 15] = [
    ("title.hbs", include_str!("../../templates/title.hbs")),
    (
        "salutation.hbs",
        include_str!("../../templates/salutation.hbs"),
    ),
    ("intro.hbs", include_str!("../../templates/intro.hbs")),
    ("overall.hbs", include_str!("../../templates/overall.hbs")),
    ("groups.hbs", include_str!("../../templates/groups.hbs")),
    ("projects.hbs", include_str!("../../templates/projects.hbs")),
    ("progress.hbs", include_str!("../../templates/progress.hbs")),
    ("problems.hbs", include_str!("../../templates/problems.hbs")),
    (
        "next_steps.hbs",
        include_str!("../../templates/next_steps.hbs"),
    ),
    (
        "data_notes.hbs",
        include_str!("../../templates/data_notes.hbs"),
    ),
    (
        "attachments.hbs",
        include_str!("../../templates/attachments.hbs"),
    ),
    (
        "signature.hbs",
        include_str!("../../templates/signature.hbs"),
    ),
    ("colophon.hbs", include_str!("../../templates/colophon.hbs")),
    ("captions.hbs", include_str!("../../templates/captions.hbs")),
    ("brief.hbs", include_str!("../../templates/brief.hbs")),
];

/// The file names of every template, in the order the bulletin uses them.
pub fn names() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _)| *name)
}

/// The built-in text of a template, e.g. for `init` to copy into a workspace.
pub fn embedded_text(name: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Where a template's text came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Built into tongbao.
    Embedded(&'static str),
    /// A file of the workspace that replaces the built-in text.
    File(PathBuf),
}

impl Origin {
    /// Where the template came from, in the reader's language.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Origin::Embedded(name), Lang::Zh) => format!("内置模板 {name}"),
            (Origin::Embedded(name), Lang::En) => format!("built-in template {name}"),
            (Origin::File(path), _) => path.display().to_string(),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::Zh))
    }
}

/// Why a template could not be loaded or filled in.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The templates folder or a file in it cannot be read.
    #[error("{path}: 无法读取模板文件：{}", crate::messages::io_reason(.source, Lang::Zh), path = .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: 模板文件名未知，不会被使用（可用的文件名：{known}）",
        path = .path.display()
    )]
    /// A `.hbs` file in the templates folder whose name is not a template's.
    UnknownFile { path: PathBuf, known: String },
    /// Handlebars syntax error, with the position handlebars gives.
    #[error("{origin}{}: 模板语法错误：{}", position(*.line, *.column, Lang::Zh), reason_in(.reason, Lang::Zh))]
    Syntax {
        origin: Origin,
        line: Option<usize>,
        column: Option<usize>,
        reason: String,
    },
    /// The template parsed but could not be filled in (a misspelt variable, a helper given
    /// the wrong kind of value).
    #[error("{origin}{}: 模板填写失败：{}", position(*.line, *.column, Lang::Zh), reason_in(.reason, Lang::Zh))]
    Render {
        origin: Origin,
        line: Option<usize>,
        column: Option<usize>,
        reason: String,
    },
    /// The data for the templates could not be serialised (a bug, not a user error).
    #[error("模板数据无法生成：{0}")]
    Data(String),
    /// The composer asked for a template that does not exist (a bug, not a user error).
    #[error("没有名为 {0} 的模板")]
    NotFound(String),
}

/// Our helpers word their errors in both languages, Chinese then English, apart by a
/// unit separator (handlebars carries a reason as one string); other reasons are shown as
/// they come.
const REASON_SEP: char = '\u{1f}';

/// A reason in the reader's language.
fn reason_in(reason: &str, lang: Lang) -> &str {
    match (reason.split_once(REASON_SEP), lang) {
        (Some((zh, _)), Lang::Zh) => zh,
        (Some((_, en)), Lang::En) => en,
        (None, _) => reason,
    }
}

fn position(line: Option<usize>, column: Option<usize>, lang: Lang) -> String {
    match (line, column, lang) {
        (Some(l), Some(c), Lang::Zh) => format!(":{l}:{c}（第{l}行第{c}列）"),
        (Some(l), None, Lang::Zh) => format!(":{l}（第{l}行）"),
        (Some(l), Some(c), Lang::En) => format!(":{l}:{c}"),
        (Some(l), None, Lang::En) => format!(":{l}"),
        _ => String::new(),
    }
}

impl TemplateError {
    /// The error in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::Zh {
            return self.to_string();
        }
        match self {
            TemplateError::Read { path, source } => {
                format!(
                    "{}: cannot read the template file: {source}",
                    path.display()
                )
            }
            TemplateError::UnknownFile { path, known } => format!(
                "{}: unknown template name, not used; known names: {known}",
                path.display()
            ),
            TemplateError::Syntax {
                origin,
                line,
                column,
                reason,
            } => format!(
                "{}{}: template syntax error: {}",
                origin.text(lang),
                position(*line, *column, lang),
                reason_in(reason, lang)
            ),
            TemplateError::Render {
                origin,
                line,
                column,
                reason,
            } => format!(
                "{}{}: cannot fill in the template: {}",
                origin.text(lang),
                position(*line, *column, lang),
                reason_in(reason, lang)
            ),
            TemplateError::Data(e) => format!("the templates' data could not be made: {e}"),
            TemplateError::NotFound(name) => format!("no template named {name}"),
        }
    }
}

/// The template registry: built-in texts, replaced where the workspace has a file.
pub struct Templates {
    registry: Handlebars<'static>,
    origins: BTreeMap<&'static str, Origin>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Templates")
            .field("origins", &self.origins)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// The built-in templates only.
    pub fn embedded() -> Result<Templates, TemplateError> {
        Templates::with_overrides(&[])
    }

    /// The built-in templates, each replaced by a file of the same name in `dir` if there
    /// is one. A missing `dir` means no replacements.
    pub fn load(dir: &Path) -> Result<Templates, TemplateError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Templates::embedded(),
            Err(source) => {
                return Err(TemplateError::Read {
                    path: dir.to_path_buf(),
                    source,
                })
            }
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| TemplateError::Read {
                path: dir.to_path_buf(),
                source,
            })?;
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "hbs") {
                continue;
            }
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(name) = names().find(|n| *n == file_name) else {
                return Err(TemplateError::UnknownFile {
                    path,
                    known: names().collect::<Vec<_>>().join("、"),
                });
            };
            let text = std::fs::read_to_string(&path).map_err(|source| TemplateError::Read {
                path: path.clone(),
                source,
            })?;
            files.push((name, path, text));
        }
        files.sort_by_key(|(name, _, _)| *name);
        Templates::with_overrides(&files)
    }

    /// The templates of a workspace: its templates folder, resolved beside the config.
    pub fn for_config(cfg: &Config) -> Result<Templates, TemplateError> {
        Templates::load(&cfg.resolve(&cfg.file.paths.templates))
    }

    fn with_overrides(
        files: &[(&'static str, PathBuf, String)],
    ) -> Result<Templates, TemplateError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        // The output is plain text laid out into a PDF, not HTML: escaping would print
        // `&amp;` for a company called 甲&乙 and `&quot;` for quoted project names.
        registry.register_escape_fn(handlebars::no_escape);
        register_helpers(&mut registry);
        let mut origins = BTreeMap::new();
        for (name, text) in EMBEDDED {
            let (origin, text) = match files.iter().find(|(n, _, _)| *n == name) {
                Some((_, path, text)) => (Origin::File(path.clone()), text.as_str()),
                None => (Origin::Embedded(name), text),
            };
            // A UTF-8 byte-order mark left by Notepad is not part of the wording.
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            registry
                .register_template_string(name, text)
                .map_err(|e| TemplateError::Syntax {
                    origin: origin.clone(),
                    line: e.pos().map(|p| p.0),
                    column: e.pos().map(|p| p.1),
                    reason: e.reason().to_string(),
                })?;
            origins.insert(name, origin);
        }
        Ok(Templates { registry, origins })
    }

    /// Where a template's text comes from.
    pub fn origin(&self, name: &str) -> Option<&Origin> {
        self.origins.get(name)
    }

    /// Fills in template `name` (a file name such as `title.hbs`) with `data`.
    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String, TemplateError> {
        self.render_data(name, &TemplateData::new(data)?)
    }

    /// Renders template `name` with data made once for many templates.
    pub fn render_data(&self, name: &str, data: &TemplateData) -> Result<String, TemplateError> {
        let origin = self
            .origins
            .get(name)
            .ok_or_else(|| TemplateError::NotFound(name.to_string()))?;
        self.registry
            .render_with_context(name, &data.0)
            .map_err(|e| TemplateError::Render {
                origin: origin.clone(),
                line: e.line_no,
                column: e.column_no,
                reason: render_reason(&e),
            })
    }
}

/// What templates are filled in with, serialised once: the bulletin's context holds every
/// unit, and serialising it again for each of its dozens of templates and captions was a
/// tenth of a national build.
#[derive(Debug)]
pub struct TemplateData(Context);

impl TemplateData {
    pub fn new<T: Serialize>(data: &T) -> Result<TemplateData, TemplateError> {
        Context::wraps(data)
            .map(TemplateData)
            .map_err(|e| TemplateError::Data(e.to_string()))
    }

    /// Sets a top-level variable (the data is a map, as every context here serialises).
    pub fn set(&mut self, key: &str, value: JsonValue) {
        if let Some(map) = self.0.data_mut().as_object_mut() {
            map.insert(key.to_string(), value);
        }
    }

    /// Removes a top-level variable.
    pub fn remove(&mut self, key: &str) {
        if let Some(map) = self.0.data_mut().as_object_mut() {
            map.remove(key);
        }
    }
}

/// A render error's reason in words a clerk can act on.
fn render_reason(e: &RenderError) -> String {
    match e.reason() {
        RenderErrorReason::MissingVariable(Some(var)) => format!(
            "没有变量“{var}”（是否拼写有误？可用的变量见文件开头的注释）\u{1f}no variable `{var}` (misspelt? the comment at the top of the file lists them)"
        ),
        RenderErrorReason::MissingVariable(None) => {
            "引用了不存在的变量\u{1f}a variable that does not exist".to_string()
        }
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Printing figures. The helpers and the composer's tables share these, so a figure reads
// the same in a sentence and in a table.
// ---------------------------------------------------------------------------------------

/// What is printed where a figure cannot be given.
pub const DASH: &str = "—";

/// Hundredths of a value, rounded half away from zero (values come to us exact to 0.01).
fn hundredths(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// A number of hundredths as text with two decimals.
fn two_decimals(h: i64) -> String {
    let sign = if h < 0 { "-" } else { "" };
    let a = h.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Divides hundredths by 10000, rounding half away from zero.
fn div_10000(h: i64) -> i64 {
    let q = h.abs() / 10_000;
    let r = h.abs() % 10_000;
    let q = if r >= 5_000 { q + 1 } else { q };
    if h < 0 {
        -q
    } else {
        q
    }
}

/// 万元 → 亿元 with two decimals, without the unit: 132099100 → `13209.91`.
pub fn yi(wan: f64) -> String {
    two_decimals(div_10000(hundredths(wan)))
}

/// The 亿元 value as a number rounded to two decimals, for charts.
pub fn yi_value(wan: f64) -> f64 {
    div_10000(hundredths(wan)) as f64 / 100.0
}

/// 万美元 with two decimals and no unit, for table cells under a 万美元 header.
pub fn usd_number(wan_usd: f64) -> String {
    two_decimals(hundredths(wan_usd))
}

/// Foreign capital with its unit: `120.00万美元`, or `1.25亿美元` from 10000 万美元 up.
pub fn usd(wan_usd: f64) -> String {
    let h = hundredths(wan_usd);
    if h.abs() >= 10_000 * 100 {
        format!("{}亿美元", two_decimals(div_10000(h)))
    } else {
        format!("{}万美元", two_decimals(h))
    }
}

/// Foreign capital in a document's chosen unit (`亿美元` or `万美元`), with it; any other
/// (or no) unit lets the amount pick its own, as [`usd`] does.
pub fn usd_in(wan_usd: f64, unit: Option<&str>) -> String {
    match unit {
        Some("亿美元") => format!("{}亿美元", two_decimals(div_10000(hundredths(wan_usd)))),
        Some("万美元") => format!("{}万美元", two_decimals(hundredths(wan_usd))),
        _ => usd(wan_usd),
    }
}

/// Foreign capital as a table cell in a document's chosen unit, without it.
pub fn usd_cell(wan_usd: f64, unit: &str) -> String {
    if unit == "亿美元" {
        two_decimals(div_10000(hundredths(wan_usd)))
    } else {
        usd_number(wan_usd)
    }
}

/// Rounds to one decimal, giving 0.0 for anything that rounds to zero (never `-0.0`).
fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

fn one_decimal(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let a = t.unsigned_abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}

/// A percentage with one decimal: `63.2%`; `—` for none.
pub fn pct(x: Option<f64>) -> String {
    x.map_or_else(
        || DASH.to_string(),
        |x| format!("{}%", one_decimal(tenths(x))),
    )
}

/// 同比 phrasing: `增长12.3%`, `下降4.5%`, `持平`; `none` (e.g. `—`) when not computable.
///
/// Official documents set no space between Chinese and figures, so none is printed.
pub fn growth(x: Option<f64>, none: &str) -> String {
    match x.map(tenths) {
        None => none.to_string(),
        Some(0) => "持平".to_string(),
        Some(t) if t > 0 => format!("增长{}%", one_decimal(t)),
        Some(t) => format!("下降{}%", one_decimal(-t)),
    }
}

/// 完成率 against 序时进度: `超序时进度3.2个百分点`, `低于序时进度3.2个百分点`,
/// `与序时进度持平`; `—` when there is no 完成率.
pub fn schedule(completion_pct: Option<f64>, elapsed_pct: f64) -> String {
    let Some(c) = completion_pct else {
        return DASH.to_string();
    };
    match tenths(c) - tenths(elapsed_pct) {
        0 => "与序时进度持平".to_string(),
        d if d > 0 => format!("超序时进度{}个百分点", one_decimal(d)),
        d => format!("低于序时进度{}个百分点", one_decimal(-d)),
    }
}

/// `第2名`; `—` for none.
pub fn rank(n: Option<u64>) -> String {
    n.map_or_else(|| DASH.to_string(), |n| format!("第{n}名"))
}

/// `2025-07-08` → `2025年7月8日` (公文 dates use Arabic numerals without leading zeros).
pub fn cn_date(iso: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(iso.trim(), "%Y-%m-%d").ok()?;
    Some(cn_date_of(d))
}

/// A date as a bulletin prints it: `2025年7月8日`.
pub fn cn_date_of(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Chinese numerals for section numbers: 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (to 99;
/// larger numbers stay in Arabic digits).
pub fn cn_ordinal(n: u64) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u64| DIGITS[(d % 10) as usize];
    match n {
        1..=9 => digit(n).to_string(),
        10..=19 => format!("十{}", digit(n)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n)),
        _ => n.to_string(),
    }
}

/// The span of the year to date: `1—6月`, or `1月` in January.
pub fn span(month: u32) -> String {
    if month <= 1 {
        "1月".to_string()
    } else {
        format!("1—{month}月")
    }
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A helper's work: its parameters and the root of the context in, text out.
type Format = fn(&[&JsonValue], &JsonValue) -> Result<String, String>;

/// A helper that prints text computed from its parameters. In strict mode a parameter
/// naming a variable that does not exist is an error, as it is in `{{name}}`.
struct TextHelper {
    name: &'static str,
    min: usize,
    max: usize,
    format: Format,
}

impl HelperDef for TextHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let params = h.params();
        if params.len() < self.min || params.len() > self.max {
            let wanted = if self.min == self.max {
                self.min.to_string()
            } else {
                format!("{}–{}", self.min, self.max)
            };
            return Err(RenderErrorReason::Other(format!(
                "{} 需要 {wanted} 个参数，写了 {} 个\u{1f}`{}` takes {wanted} parameter(s), got {}",
                self.name,
                params.len(),
                self.name,
                params.len()
            ))
            .into());
        }
        if r.strict_mode() {
            if let Some(p) = params.iter().find(|p| p.is_value_missing()) {
                return Err(RenderError::strict_error(p.relative_path()));
            }
        }
        let values: Vec<&JsonValue> = params.iter().map(|p| p.value()).collect();
        let text = (self.format)(&values, ctx.data())
            .map_err(|m| RenderErrorReason::Other(format!("{}: {m}", self.name)))?;
        out.write(&text)?;
        Ok(())
    }
}

/// `if` / `unless` that, in strict mode, refuse a variable that does not exist: the
/// built-in ones take it as false, which would silently drop a clause of the bulletin.
struct StrictIf {
    positive: bool,
}

impl HelperDef for StrictIf {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let name = if self.positive { "if" } else { "unless" };
        let param = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?;
        if r.strict_mode() && param.is_value_missing() {
            return Err(RenderError::strict_error(param.relative_path()));
        }
        let include_zero = h
            .hash_get("includeZero")
            .and_then(|v| v.value().as_bool())
            .unwrap_or(false);
        let value = truthy(param.value(), include_zero) == self.positive;
        match if value { h.template() } else { h.inverse() } {
            Some(t) => t.render(r, ctx, rc, out),
            None => Ok(()),
        }
    }
}

/// Handlebars' truthiness: empty strings, arrays, null, false and (unless asked) zero are
/// false.
fn truthy(v: &JsonValue, include_zero: bool) -> bool {
    match v {
        JsonValue::Bool(b) => *b,
        JsonValue::Null => false,
        JsonValue::Number(n) => include_zero || n.as_f64().is_some_and(|f| f != 0.0),
        JsonValue::String(s) => !s.is_empty(),
        JsonValue::Array(a) => !a.is_empty(),
        JsonValue::Object(_) => true,
    }
}

fn number(v: &JsonValue) -> Result<Option<f64>, String> {
    match v {
        JsonValue::Null => Ok(None),
        JsonValue::Number(n) => Ok(n.as_f64()),
        other => Err(format!(
            "应为数字，得到 {other}\u{1f}expected a number, got {other}"
        )),
    }
}

fn required(v: &JsonValue) -> Result<f64, String> {
    number(v)?.ok_or_else(|| "应为数字，得到 null\u{1f}expected a number, got null".to_string())
}

fn text(v: &JsonValue) -> Result<String, String> {
    match v {
        JsonValue::String(s) => Ok(s.clone()),
        other => Err(format!(
            "应为文字，得到 {other}\u{1f}expected text, got {other}"
        )),
    }
}

fn register_helpers(registry: &mut Handlebars<'static>) {
    let helpers: [(&'static str, usize, usize, Format); 9] = [
        ("yi", 1, 1, |a, _| {
            Ok(number(a[0])?.map_or_else(|| DASH.into(), yi))
        }),
        // A document that chose its unit of foreign capital (`usd_unit` in its context)
        // prints every amount in it; otherwise each amount picks its own.
        ("usd", 1, 1, |a, root| {
            let unit = root.get("usd_unit").and_then(JsonValue::as_str);
            Ok(number(a[0])?.map_or_else(|| DASH.into(), |v| usd_in(v, unit)))
        }),
        ("pct", 1, 1, |a, _| Ok(pct(number(a[0])?))),
        ("growth", 1, 2, |a, _| {
            let none = match a.get(1) {
                Some(v) => text(v)?,
                None => DASH.to_string(),
            };
            Ok(growth(number(a[0])?, &none))
        }),
        ("schedule", 2, 2, |a, _| {
            Ok(schedule(number(a[0])?, required(a[1])?))
        }),
        ("rank", 1, 1, |a, _| {
            Ok(rank(number(a[0])?.map(|n| n.round().max(0.0) as u64)))
        }),
        ("cn_date", 1, 1, |a, _| {
            let s = text(a[0])?;
            cn_date(&s).ok_or_else(|| {
                format!("“{s}”不是 YYYY-MM-DD 日期\u{1f}{s:?} is not a YYYY-MM-DD date")
            })
        }),
        ("cn_ordinal", 1, 1, |a, _| {
            let n = required(a[0])?;
            if n < 0.0 || n.fract() != 0.0 {
                return Err(format!("{n} 不是序号\u{1f}{n} is not an ordinal"));
            }
            Ok(cn_ordinal(n as u64))
        }),
        // `{{span}}` without a parameter is the bulletin's own span: a helper's name wins
        // over a variable's in handlebars, so this keeps `{{span}}` meaning what a clerk
        // expects while `{{span "2025-03"}}` still works for any period.
        ("span", 0, 1, |a, root| {
            match a.first().copied().unwrap_or(&root["period"]) {
                JsonValue::String(s) => crate::model::Period::parse_canonical(s)
                    .map(|p| span(p.month))
                    .ok_or_else(|| {
                        format!("“{s}”不是 YYYY-MM 报告期\u{1f}{s:?} is not a YYYY-MM period")
                    }),
                other => {
                    let m = required(other)?;
                    if !(1.0..=12.0).contains(&m) || m.fract() != 0.0 {
                        return Err(format!("{m} 不是月份\u{1f}{m} is not a month"));
                    }
                    Ok(span(m as u32))
                }
            }
        }),
    ];
    for (name, min, max, format) in helpers {
        registry.register_helper(
            name,
            Box::new(TextHelper {
                name,
                min,
                max,
                format,
            }),
        );
    }
    registry.register_helper("if", Box::new(StrictIf { positive: true }));
    registry.register_helper("unless", Box::new(StrictIf { positive: false }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fill(template: &str, data: JsonValue) -> Result<String, String> {
        let mut r = Handlebars::new();
        r.set_strict_mode(true);
        r.register_escape_fn(handlebars::no_escape);
        register_helpers(&mut r);
        r.render_template(template, &data)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn yi_converts_wan_to_yi_with_two_decimals() {
        assert_eq!(yi(132_099_100.0), "13209.91");
        assert_eq!(yi(15_000.0), "1.50");
        assert_eq!(yi(12_345.0), "1.23");
        assert_eq!(yi(12_350.0), "1.24", "half rounds away from zero");
        assert_eq!(yi(0.0), "0.00");
        assert_eq!(yi(-12_350.0), "-1.24");
        assert_eq!(yi(31_250.5), "3.13");
        assert_eq!(yi_value(31_250.5), 3.13);
    }

    #[test]
    fn usd_switches_to_yi_meiyuan_from_ten_thousand_wan() {
        assert_eq!(usd(120.0), "120.00万美元");
        assert_eq!(usd(9_999.99), "9999.99万美元");
        assert_eq!(usd(10_000.0), "1.00亿美元");
        assert_eq!(usd(12_500.0), "1.25亿美元");
        assert_eq!(usd_number(35.5), "35.50");
    }

    #[test]
    fn growth_phrases_increase_decrease_flat_and_none() {
        assert_eq!(growth(Some(12.3), DASH), "增长12.3%");
        assert_eq!(growth(Some(-4.5), DASH), "下降4.5%");
        assert_eq!(growth(Some(0.0), DASH), "持平");
        assert_eq!(growth(Some(-0.04), DASH), "持平", "rounds to 0.0");
        assert_eq!(growth(None, DASH), "—");
        assert_eq!(growth(None, "无可比数据"), "无可比数据");
        assert_eq!(growth(Some(250.0), DASH), "增长250.0%");
    }

    #[test]
    fn pct_prints_one_decimal() {
        assert_eq!(pct(Some(63.25)), "63.3%");
        assert_eq!(pct(Some(50.0)), "50.0%");
        assert_eq!(pct(Some(-0.01)), "0.0%");
        assert_eq!(pct(None), "—");
    }

    #[test]
    fn schedule_compares_completion_with_elapsed_share() {
        assert_eq!(schedule(Some(53.2), 50.0), "超序时进度3.2个百分点");
        assert_eq!(schedule(Some(41.0), 50.0), "低于序时进度9.0个百分点");
        assert_eq!(schedule(Some(50.0), 50.0), "与序时进度持平");
        assert_eq!(schedule(None, 50.0), "—");
    }

    #[test]
    fn rank_dates_ordinals_and_spans() {
        assert_eq!(rank(Some(2)), "第2名");
        assert_eq!(rank(None), "—");
        assert_eq!(cn_date("2025-07-08").as_deref(), Some("2025年7月8日"));
        assert_eq!(cn_date("2025-7-8").as_deref(), Some("2025年7月8日"));
        assert_eq!(cn_date("8/7/2025"), None);
        let ordinals: Vec<String> = [1, 2, 5, 10, 11, 20, 21, 99, 100]
            .into_iter()
            .map(cn_ordinal)
            .collect();
        assert_eq!(
            ordinals,
            [
                "一",
                "二",
                "五",
                "十",
                "十一",
                "二十",
                "二十一",
                "九十九",
                "100"
            ]
        );
        assert_eq!(span(1), "1月");
        assert_eq!(span(6), "1—6月");
    }

    #[test]
    fn helpers_work_inside_templates() {
        let data = json!({
            "amount": 132_099_100.0, "fdi": 12_500.0, "yoy": -4.5, "none": null,
            "done": 53.2, "elapsed": 50.0, "n": 4, "r": 2, "d": "2025-07-08",
            "period": "2025-06", "jan": "2025-01"
        });
        let out = fill(
            "{{yi amount}}|{{usd fdi}}|{{growth yoy}}|{{growth none}}|{{growth none \"无可比数据\"}}|{{pct done}}|{{schedule done elapsed}}|{{rank r}}|{{cn_date d}}|{{cn_ordinal n}}|{{span period}}|{{span jan}}|{{span 3}}",
            data,
        )
        .expect("renders");
        assert_eq!(
            fill(
                "{{span}}|{{#each xs}}{{span}}{{/each}}",
                json!({"period": "2025-06", "xs": [1]})
            ),
            Ok("1—6月|1—6月".to_string()),
            "without a parameter, the bulletin's own span"
        );
        assert_eq!(
            out,
            "13209.91|1.25亿美元|下降4.5%|—|无可比数据|53.2%|超序时进度3.2个百分点|第2名|2025年7月8日|四|1—6月|1月|1—3月"
        );
    }

    #[test]
    fn helpers_refuse_missing_variables_and_wrong_kinds() {
        let err = fill("{{yi amout}}", json!({"amount": 1.0})).expect_err("misspelt");
        assert!(err.contains("amout"), "{err}");
        let err = fill("{{cn_date d}}", json!({"d": "July"})).expect_err("not a date");
        assert!(err.contains("YYYY-MM-DD"), "{err}");
        let err = fill("{{pct s}}", json!({"s": "x"})).expect_err("not a number");
        assert!(err.contains("expected a number"), "{err}");
        let err = fill("{{schedule a}}", json!({"a": 1.0})).expect_err("arity");
        assert!(err.contains("takes 2"), "{err}");
    }

    #[test]
    fn strict_if_refuses_a_missing_variable_but_accepts_null_and_false() {
        let data = json!({"a": null, "b": false, "c": 0.0, "d": [1]});
        assert_eq!(
            fill("{{#if a}}x{{else}}y{{/if}}{{#unless b}}z{{/unless}}{{#if c}}1{{/if}}{{#if c includeZero=true}}0{{/if}}{{#if d}}d{{/if}}", data.clone()),
            Ok("yz0d".to_string())
        );
        let err = fill("{{#if has_targte}}x{{/if}}", data).expect_err("misspelt");
        assert!(err.contains("has_targte"), "{err}");
    }

    #[test]
    fn every_embedded_template_parses() {
        let t = Templates::embedded().expect("built-in templates parse");
        for name in names() {
            assert_eq!(t.origin(name), Some(&Origin::Embedded(name)));
        }
    }

    #[test]
    fn no_escaping_of_ampersands_or_quotes() {
        assert_eq!(
            fill("{{x}}", json!({"x": "甲&乙\"<公司>\""})),
            Ok("甲&乙\"<公司>\"".to_string())
        );
    }
}
