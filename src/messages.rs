//! The wording of the program's output outside diagnostics, in both languages, one file
//! per audience: here what the bureau's clerk reads at the terminal (batch summaries,
//! watch lines, explain, build, brief, projects); in [`county`] what a county reads (the
//! blank form and the receipt). A diagnostic's message and hint are `diag::catalogue`'s;
//! archive errors are `archive`'s own.

mod county;
pub(crate) mod help;
pub mod web;
use crate::model::{Filed, FiledAs, Verdict};
pub use county::*;

use crate::lang::Lang;

/// A period argument that is not `YYYY-MM`.
pub fn period_format(given: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("报告期应写成 YYYY-MM，如 2025-06：{given:?}"),
        Lang::En => format!("the period must be YYYY-MM, e.g. 2025-06: {given:?}"),
    }
}

/// `tongbao help NAME` for a command there is not.
pub fn unknown_command(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("没有名为“{name}”的命令；tongbao --help 列出全部命令\n"),
        Lang::En => format!("there is no command \"{name}\"; tongbao --help lists them all\n"),
    }
}

/// Why a file could not be opened, for `E-FILE-UNREADABLE`.
pub fn io_problem(p: crate::read::IoProblem, lang: Lang) -> &'static str {
    use crate::read::IoProblem::*;
    match (p, lang) {
        (NotFound, Lang::Zh) => "文件不存在",
        (NotFound, Lang::En) => "no such file",
        (PermissionDenied, Lang::Zh) => "没有读取权限",
        (PermissionDenied, Lang::En) => "permission denied",
        (IsADirectory, Lang::Zh) => "这是文件夹，不是文件",
        (IsADirectory, Lang::En) => "it is a folder, not a file",
        (NotAFile, Lang::Zh) => "这不是普通文件（是管道、设备或套接字），未打开",
        (NotAFile, Lang::En) => {
            "it is not a regular file (a pipe, device or socket) and was not opened"
        }
        (SymlinkLoop, Lang::Zh) => "这是循环指向自身的符号链接",
        (SymlinkLoop, Lang::En) => "it is a symbolic link that loops back on itself",
        (Other, Lang::Zh) => "读取出错",
        (Other, Lang::En) => "read error",
    }
}

/// Why a file or folder could not be read or written: in Chinese, the common causes in
/// words and any other by the system's error number (only an error with neither, such as
/// SQLite's carried as text, keeps its own words); in English, the system's own words.
pub fn io_reason(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    if lang == Lang::En {
        return e.to_string();
    }
    let words = match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已有同名文件",
        K::NotADirectory => "路径中有文件占了文件夹的位置",
        K::IsADirectory => "这是文件夹，不是文件",
        K::StorageFull => "磁盘空间不足",
        K::ReadOnlyFilesystem => "磁盘只读",
        K::InvalidData => "内容不是有效的文本",
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("系统错误，代码 {code}"),
                None => e.to_string(),
            }
        }
    };
    words.to_string()
}

/// What a file is that is not a workbook, for the `{kind}` of `E-FILE-OTHER`.
pub fn not_workbook(k: &crate::read::NotWorkbook, lang: Lang) -> String {
    use crate::read::NotWorkbook::*;
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    match k {
        Unknown => pick("未知格式", "unknown format"),
        Rar => pick("RAR 压缩包", "a RAR archive"),
        SevenZip => pick("7z 压缩包", "a 7z archive"),
        Gzip => pick("GZIP 压缩包", "a GZIP archive"),
        Rtf => pick("RTF 文档", "an RTF document"),
        Excel2003Xml => pick("Excel 2003 XML 表格", "an Excel 2003 XML spreadsheet"),
        Doctype(part) if zh => {
            format!("含 DOCTYPE 声明的 XML 部件“{part}”（不是 Excel 或 WPS 保存的文件）")
        }
        Doctype(part) => {
            format!("the XML part \"{part}\" declares a DOCTYPE (not saved by Excel or WPS)")
        }
        UnsupportedZip(m) if zh => format!("不支持的 ZIP 格式（{m}）"),
        UnsupportedZip(m) => format!("an unsupported ZIP format ({m})"),
        UnsupportedCompression(m) if zh => format!("不支持的 ZIP 压缩方式 {m}"),
        UnsupportedCompression(m) => format!("an unsupported ZIP compression method {m}"),
        EmptyZip => pick("空的 ZIP 压缩包", "an empty ZIP archive"),
        Xlsb => pick(
            "Excel 二进制工作簿 .xlsb",
            "an Excel binary workbook (.xlsb)",
        ),
        Numbers => pick("Apple Numbers 表格", "an Apple Numbers spreadsheet"),
        Odt => pick(
            "OpenDocument 文本文档（.odt）",
            "an OpenDocument text (.odt)",
        ),
        Odp => pick(
            "OpenDocument 演示文稿（.odp）",
            "an OpenDocument presentation (.odp)",
        ),
        PowerPoint => pick("PowerPoint 演示文稿", "a PowerPoint presentation"),
        Zip => pick("ZIP 压缩包", "a ZIP archive"),
        OutlookMessage => pick("Outlook 邮件", "an Outlook message"),
        Ole => pick(
            "OLE 复合文档（不是 Excel 工作簿）",
            "an OLE compound file (not an Excel workbook)",
        ),
    }
}

/// The name of a read budget, for the `{what}` of `E-FILE-TOO-LARGE`.
pub fn budget(b: &crate::read::Budget, lang: Lang) -> String {
    use crate::read::Budget::*;
    let fixed = |zh: &str, en: &str| match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    };
    let sheet = |name: &str, zh: &str, en: &str| match lang {
        Lang::Zh => format!("工作表“{name}”的{zh}"),
        Lang::En => format!("{en} of sheet \"{name}\""),
    };
    match b {
        FileSize => fixed("文件大小（字节）", "the file size (bytes)"),
        Decompressed => fixed("解压后大小（字节）", "the decompressed size (bytes)"),
        XmlToken => fixed(
            "XML 中单个标记或文本的长度（字节）",
            "the length of one XML tag or text run (bytes)",
        ),
        ZipEntries => fixed(
            "压缩包内的文件数",
            "the number of parts in the ZIP container",
        ),
        Sheets => fixed("工作表数", "the number of sheets"),
        Strings => fixed("共享字符串数", "the number of shared strings"),
        DeclaredStrings => fixed(
            "共享字符串表声明的字符串数（uniqueCount）",
            "the shared strings the table declares (uniqueCount)",
        ),
        StyleRecords => fixed("样式表中的样式记录数", "the number of style records"),
        WorkbookCells => fixed(
            "整个工作簿的单元格数",
            "the number of cells of the whole workbook",
        ),
        TextTotal => fixed(
            "读取后的文字总量（字节，含共享字符串的每次引用）",
            "the text read out (bytes, each shared-string use counted)",
        ),
        SheetCells(n) => sheet(
            n,
            "单元格数（含重复）",
            "the number of cells (repeats included)",
        ),
        SheetArea(n) => sheet(n, "使用区域（行×列）", "the used area (rows × columns)"),
        SheetMerges(n) => sheet(n, "合并单元格数", "the number of merged regions"),
        SheetDimensions(n) => sheet(
            n,
            "声明的尺寸（DIMENSIONS，行×列）",
            "the declared size (DIMENSIONS, rows × columns)",
        ),
        CellText(n) => sheet(
            n,
            "单个单元格的文字长度（字节，连续空格展开计算）",
            "the text of one cell (bytes, runs of spaces expanded)",
        ),
        SheetColumns(n) => sheet(n, "有内容的最远列号", "the last column with content"),
        SheetRows(n) => sheet(n, "有内容的最远行号", "the last row with content"),
    }
}

/// The closing line of a check or ingest report.
pub fn batch_summary(
    files: usize,
    [accepted, held, rejected]: [usize; 3],
    errors: usize,
    warnings: usize,
    lang: Lang,
) -> String {
    // The held count is named only when there is one: most months have none.
    match (lang, held) {
        (Lang::Zh, 0) => format!("合计：{files} 个文件，{accepted} 个通过，{rejected} 个未通过；{errors} 个错误，{warnings} 个警告"),
        (Lang::Zh, _) => format!("合计：{files} 个文件，{accepted} 个通过，{held} 个待核实，{rejected} 个未通过；{errors} 个错误，{warnings} 个警告"),
        (Lang::En, 0) => format!("Total: {files} files, {accepted} accepted, {rejected} rejected; {errors} errors, {warnings} warnings"),
        (Lang::En, _) => format!("Total: {files} files, {accepted} accepted, {held} held for verification, {rejected} rejected; {errors} errors, {warnings} warnings"),
    }
}

/// A hint to the clerk, not the county: a return names its unit in a way the roster does
/// not know, but its code is a roster unit's.
pub fn roster_hint(written: &str, code: &str, name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "名册提示：有报表把代码 {code} 的单位写作“{written}”（名册为“{name}”）；如为同一单位，请在 tongbao.toml 中该单位的 aliases 里加上“{written}”"
        ),
        Lang::En => format!(
            "roster hint: a return writes the unit with code {code} as \"{written}\" (the roster says \"{name}\"); if it is the same unit, add \"{written}\" to its aliases in tongbao.toml"
        ),
    }
}

/// Labels of the human report and other fixed interface text.
#[derive(Debug, Clone, Copy)]
pub enum Ui {
    Accepted,
    /// Held for verification (核实).
    Held,
    Rejected,
    Errors,
    /// Findings to verify (核实).
    Holds,
    Warnings,
    UnitUnknownName,
    PeriodUnknown,
    /// Progress bar labels.
    Checking,
    Storing,
    /// Checking and storing at once (ingest with a known period).
    Ingesting,
}

pub fn ui(key: Ui, lang: Lang) -> &'static str {
    use Ui::*;
    match (key, lang) {
        (Accepted, Lang::Zh) => "通过",
        (Accepted, Lang::En) => "accepted",
        (Held, Lang::Zh) => "待核实",
        (Held, Lang::En) => "held for verification",
        (Rejected, Lang::Zh) => "未通过",
        (Rejected, Lang::En) => "rejected",
        (Errors, Lang::Zh) => "个错误",
        (Holds, Lang::Zh) => "项待核实",
        (Holds, Lang::En) => " to verify",
        (Errors, Lang::En) => " errors",
        (Warnings, Lang::Zh) => "个警告",
        (Warnings, Lang::En) => " warnings",
        (Checking, Lang::Zh) => "检查",
        (Checking, Lang::En) => "checking",
        (Storing, Lang::Zh) => "入库",
        (Storing, Lang::En) => "storing",
        (Ingesting, Lang::Zh) => "检查入库",
        (Ingesting, Lang::En) => "checking and storing",
        (UnitUnknownName, Lang::Zh) => "单位未知",
        (UnitUnknownName, Lang::En) => "unit unknown",
        (PeriodUnknown, Lang::Zh) => "报告期未知",
        (PeriodUnknown, Lang::En) => "period unknown",
    }
}

// ---------------------------------------------------------------------------------------
// `tongbao template` and receipts, as the clerk running the command reads them.
// ---------------------------------------------------------------------------------------

/// The line printed for each form written.
pub fn template_written(path: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已生成：{}", path.display()),
        Lang::En => format!("wrote {}", path.display()),
    }
}

/// The closing line of `tongbao template`.
pub fn template_summary(
    count: usize,
    period: crate::model::Period,
    dir: &std::path::Path,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "共生成 {count} 份 {}年{}月 空白报表（{}），请下发各单位填报",
            period.year,
            period.month,
            dir.display()
        ),
        Lang::En => format!("{count} blank returns for {period} in {}", dir.display()),
    }
}

/// The error when `--unit` names no roster unit; `roster` is every unit's name.
pub fn template_unknown_units(unknown: &[String], roster: &[&str], lang: Lang) -> String {
    const SHOWN: usize = 20;
    let more = roster.len().saturating_sub(SHOWN);
    let shown = roster.iter().take(SHOWN).copied().collect::<Vec<_>>();
    match lang {
        Lang::Zh => format!(
            "名册中没有单位：{}（名册中的单位：{}{}）；未生成任何文件",
            unknown.join("、"),
            shown.join("、"),
            if more > 0 {
                format!(" 等 {} 个", roster.len())
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "not on the roster: {} (the roster has {}{}); no file was written",
            unknown.join(", "),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    }
}

/// The error when a form cannot be made or saved.
pub fn template_failed(unit: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("无法生成“{unit}”的报表"),
        Lang::En => format!("cannot write the form of {unit}"),
    }
}

/// The line under a check or ingest report that says where the receipts went.
pub fn receipts_written(count: usize, folders: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("回执：已写入 {count} 份，位于 {folders}"),
        Lang::En => format!("Receipts: {count} written to {folders}"),
    }
}

/// A receipt that could not be written.
pub fn receipt_not_written(path: &str, problem: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("无法写入回执 {path}：{problem}"),
        Lang::En => format!("cannot write the receipt {path}: {problem}"),
    }
}

/// The error that ends a run in which some receipts could not be written.
pub fn receipts_failed(failed: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{failed} 份回执未能写入（审核结果已在上方列出）"),
        Lang::En => {
            format!("{failed} receipts could not be written (the results are listed above)")
        }
    }
}

/// Receipt file and folder names. They stay Chinese whatever `--lang` says, so that a
/// run in English replaces the unit's receipt instead of writing a second one beside it.
pub mod receipt_names {
    /// Ends every receipt's file name: `巴南区-回执.xlsx`.
    pub const SUFFIX: &str = "-回执.xlsx";
    /// Starts the name of a receipt whose unit could not be recognised.
    pub const UNKNOWN_UNIT: &str = "未识别单位";
    /// The folder of receipts whose period is unknown.
    pub const UNKNOWN_PERIOD: &str = "未知报告期";
    /// Between unit and suffix on the receipt of a rejected resubmission while an earlier
    /// version stands: `巴南区-第3版未通过-回执.xlsx` (`{}` is the version).
    pub fn rejected_version(version: i64) -> String {
        format!("-第{version}版未通过")
    }
}

/// A receipt written late: its file was archived earlier, but its receipt never written.
pub fn receipt_written_late(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("补写回执 {path}（该文件此前已入库，但回执未写成）"),
        Lang::En => format!("receipt written late: {path} (the file was archived before, its receipt never written)"),
    }
}

// ---------------------------------------------------------------------------------------
// `tongbao watch`
// ---------------------------------------------------------------------------------------

/// The first line of `watch`: what is watched and how to stop.
pub fn watch_started(dir: &str, settle: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "正在监视 {dir}：文件放入后保持 {settle} 秒不变即受理；按 Ctrl-C 停止"
        ),
        Lang::En => format!(
            "watching {dir}: a file is taken once it has stayed unchanged for {settle} s; Ctrl-C stops"
        ),
    }
}

/// One line per file taken by `watch`.
#[allow(clippy::too_many_arguments)]
pub fn watch_line(
    time: &str,
    file: &str,
    who: &str,
    verdict: crate::model::Verdict,
    errors: usize,
    warnings: usize,
    archive: &str,
    receipt: Option<&str>,
    lang: Lang,
) -> String {
    let verdict = ui(
        match verdict {
            crate::model::Verdict::Accepted => Ui::Accepted,
            crate::model::Verdict::Held => Ui::Held,
            crate::model::Verdict::Rejected => Ui::Rejected,
        },
        lang,
    );
    match lang {
        Lang::Zh => {
            let mut counts = String::new();
            if errors > 0 {
                counts.push_str(&format!("，{errors}{}", ui(Ui::Errors, lang)));
            }
            if warnings > 0 {
                counts.push_str(&format!("，{warnings}{}", ui(Ui::Warnings, lang)));
            }
            format!(
                "{time} {file} → {who}：{verdict}{counts}；{archive}{}",
                receipt.map_or_else(String::new, |r| format!("；回执 {r}"))
            )
        }
        Lang::En => format!(
            "{time} {file} → {who}: {verdict}{}; {archive}{}",
            finding_counts_en(errors, 0, warnings)
                .iter()
                .map(|c| format!(", {c}"))
                .collect::<String>(),
            receipt.map_or_else(String::new, |r| format!("; receipt {r}"))
        ),
    }
}

/// "1 error", "2 warnings": a file's findings counted in English, the nonzero ones.
pub fn finding_counts_en(errors: usize, holds: usize, warnings: usize) -> Vec<String> {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut out = Vec::new();
    if errors > 0 {
        out.push(count(errors, "error", "errors"));
    }
    if holds > 0 {
        out.push(count(holds, "finding to verify", "findings to verify"));
    }
    if warnings > 0 {
        out.push(count(warnings, "warning", "warnings"));
    }
    out
}

/// A file `watch` could not take (the archive was busy, a receipt could not be written).
pub fn watch_failed(time: &str, file: &str, problem: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{time} {file} → 未能处理：{problem}"),
        Lang::En => format!("{time} {file} → not taken: {problem}"),
    }
}

/// Files already in the archive when `watch` started, left alone.
pub fn watch_skipped(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("收件箱中已有 {count} 个文件此前已受理，不再重复处理"),
        Lang::En => format!("{count} file(s) in the inbox were taken before; left alone"),
    }
}

/// The last line of `watch`.
pub fn watch_stopped(taken: usize, [accepted, held, rejected]: [usize; 3], lang: Lang) -> String {
    // The held count is named only when there is one, as in the batch summary.
    match (lang, held) {
        (Lang::Zh, 0) => {
            format!("已停止监视：本次处理 {taken} 个文件，通过 {accepted} 个，未通过 {rejected} 个")
        }
        (Lang::Zh, _) => format!(
            "已停止监视：本次处理 {taken} 个文件，通过 {accepted} 个，待核实 {held} 个，未通过 {rejected} 个"
        ),
        (Lang::En, 0) => format!(
            "stopped watching: {taken} file(s) taken, {accepted} accepted, {rejected} rejected"
        ),
        (Lang::En, _) => format!(
            "stopped watching: {taken} file(s) taken, {accepted} accepted, {held} held, {rejected} rejected"
        ),
    }
}

/// `watch` on a folder that is not there.
pub fn watch_no_folder(dir: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("收件箱文件夹 {dir} 不存在"),
        Lang::En => format!("the inbox folder {dir} does not exist"),
    }
}

// ---------------------------------------------------------------------------------------
// `tongbao explain`: every ledger row behind a figure.
// ---------------------------------------------------------------------------------------

/// The error when `--figure` names no figure key; `known` is every key.
pub fn explain_unknown_figure(given: &str, known: &[String], lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("没有指标“{given}”；可用的指标：{}", known.join("、")),
        Lang::En => format!("no figure {given:?}; the figures are: {}", known.join(", ")),
    }
}

/// The error when `--unit` names no roster unit; `roster` is every unit's name.
pub fn explain_unknown_unit(given: &str, roster: &[&str], lang: Lang) -> String {
    const SHOWN: usize = 40;
    let shown = roster.iter().take(SHOWN).copied().collect::<Vec<_>>();
    let more = roster.len().saturating_sub(SHOWN);
    match lang {
        Lang::Zh => format!(
            "名册中没有单位“{given}”；名册中的单位：{}{}",
            shown.join("、"),
            if more > 0 {
                format!(" 等 {} 个", roster.len())
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "no unit {given:?} on the roster; the roster has: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    }
}

/// The error when the period (or the unit asked for) has no accepted return.
pub fn explain_nothing_accepted(
    period: crate::model::Period,
    unit: Option<&str>,
    lang: Lang,
) -> String {
    match (unit, lang) {
        (None, Lang::Zh) => format!(
            "{}年{}月没有已通过审核的报表，无可溯源的指标；请先用 tongbao ingest 入库报表，或用 tongbao status 查看报送情况",
            period.year, period.month
        ),
        (None, Lang::En) => format!(
            "no accepted return for {period}: nothing to explain; ingest returns first (tongbao ingest), or see tongbao status"
        ),
        (Some(u), Lang::Zh) => format!(
            "{u} 没有 {}年{}月 已通过审核的报表，无可溯源的指标；可用 tongbao status --period {period} 查看报送情况",
            period.year, period.month
        ),
        (Some(u), Lang::En) => format!(
            "{u} has no accepted return for {period}: nothing to explain; see tongbao status --period {period}"
        ),
    }
}

/// Fixed words of `tongbao explain`'s report.
#[derive(Debug, Clone, Copy)]
pub enum ExplainText {
    /// The heading of the report.
    Heading,
    /// A unit's file: before its name and version.
    Version,
    /// Sum of one unit's rows.
    Subtotal,
    /// No row adds to the figure.
    NoRows,
    /// The return does not state the figure (its ledger lacks the column).
    NotReported,
    /// In place of a sum the return does not state.
    Unstated,
    /// The place of a row whose sheet was not kept.
    RowOnly,
    Month,
}

pub fn explain_text(key: ExplainText, lang: Lang) -> &'static str {
    use ExplainText::*;
    match (key, lang) {
        (Heading, Lang::Zh) => "指标溯源",
        (Heading, Lang::En) => "where the figures come from",
        (Version, Lang::Zh) => "版",
        (Version, Lang::En) => "version",
        (Subtotal, Lang::Zh) => "小计",
        (Subtotal, Lang::En) => "sum",
        (NoRows, Lang::Zh) => "（无计入的行）",
        (NoRows, Lang::En) => "(no row counts)",
        (NotReported, Lang::Zh) => "未报：报表的项目明细中没有该指标的列，不计入合计",
        (NotReported, Lang::En) => {
            "not reported: the return's ledger has no column for this figure; not in the total"
        }
        (Unstated, Lang::Zh) => "未报",
        (Unstated, Lang::En) => "not reported",
        (RowOnly, Lang::Zh) => "行",
        (RowOnly, Lang::En) => "row",
        (Month, Lang::Zh) => "本月",
        (Month, Lang::En) => "month",
    }
}

/// The year-to-date span as the report names it: `1—6月累计` / `year to date`.
pub fn explain_ytd(period: crate::model::Period, lang: Lang) -> String {
    match lang {
        Lang::Zh if period.month == 1 => "1月累计".to_string(),
        Lang::Zh => format!("1—{}月累计", period.month),
        Lang::En => "year to date".to_string(),
    }
}

/// The unit of a figure's values: `万元` / `10k CNY`.
pub fn explain_unit(unit: &str, lang: Lang) -> &str {
    match (lang, unit) {
        (Lang::Zh, u) => u,
        (Lang::En, "万元") => "10k CNY",
        (Lang::En, "万美元") => "10k USD",
        (Lang::En, _) => "count",
    }
}

/// A value with its unit: `67000.00 万元`, `3 个` / `67000.00 (10k CNY)`, `3`.
pub fn explain_value(value: &str, unit: &str, lang: Lang) -> String {
    match (lang, unit) {
        (Lang::Zh, _) => format!("{value} {unit}"),
        (Lang::En, "万元" | "万美元") => format!("{value} ({})", explain_unit(unit, lang)),
        (Lang::En, _) => value.to_string(),
    }
}

/// The closing line of a figure's section: the sums over every unit listed.
pub fn explain_total(month: &str, ytd_label: &str, ytd: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("合计：本月 {month}；{ytd_label} {ytd}"),
        Lang::En => format!("total: month {month}; {ytd_label} {ytd}"),
    }
}

/// The line `build` prints when the bulletin is made.
pub fn built(period: crate::model::Period, counts: [usize; 4], lang: Lang) -> String {
    let [accepted, held, rejected, missing] = counts;
    match lang {
        Lang::Zh => format!("已生成 {period} 通报：{accepted} 个单位已报送，{held} 个待核实，{rejected} 个未通过审核，{missing} 个未报送"),
        Lang::En => format!("built the {period} bulletin: {accepted} units accepted, {held} held for verification, {rejected} rejected, {missing} missing"),
    }
}

/// The line `brief` prints when the briefing is written: its subject, its span (`label`
/// in Chinese, `from`–`to`), pages, and how many of its units have a return.
pub fn briefed(
    subject: &str,
    (label, from, to): (&str, crate::model::Period, crate::model::Period),
    pages: usize,
    [reported, units]: [usize; 2],
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "已生成简报：{subject}，{label}，{pages} 页；{reported}/{units} 个单位有截至{}月的报表",
            to.month
        ),
        Lang::En => format!(
            "briefing written: {subject}, {from} to {to}, {pages} page(s); {reported}/{units} units have a return for {to}"
        ),
    }
}

/// Why there is nothing to publish for `period`: no return of the roster counts.
pub fn nothing_counted(period: crate::model::Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{period} 没有已通过审核、可计入统计的报表，不生成通报（以免把未报数据印成 0）；请先入库报表，或用 tongbao status --period {period} 查看报送情况"
        ),
        Lang::En => format!(
            "no return for {period} is accepted and counted, so nothing is built (missing figures would print as 0); ingest returns first, or see tongbao status --period {period}"
        ),
    }
}

/// `demo --out DIR` given a folder that is neither empty nor an earlier demo's.
pub fn demo_folder_taken(dir: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{} 不是空文件夹，也不是上次的演示文件夹，未做任何改动；请用 --out 指定一个新文件夹",
            dir.display()
        ),
        Lang::En => format!(
            "{} is not empty and holds no earlier demo; nothing was changed. Choose a new folder with --out",
            dir.display()
        ),
    }
}

/// The first line of `explain`: the period and the heading.
pub fn explain_heading(period: crate::model::Period, heading: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月 {heading}\n", period.year, period.month),
        Lang::En => format!("{period}: {heading}\n"),
    }
}

/// A figure's section title in `explain`: 新签约合同投资额（signed_amount，万元）.
pub fn explain_section_title(label: &str, key: &str, unit: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{label}（{key}，{unit}）\n"),
        Lang::En => format!("{key} ({})\n", explain_unit(unit, lang)),
    }
}

/// The version after a file's name in `explain`: ` 第 2 版` / `, version 2`.
pub fn explain_version(version: i64, word: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(" 第 {version} {word}"),
        Lang::En => format!(", {word} {version}"),
    }
}

/// The version after a file's name in `projects show`: （第2版） / (v2).
pub fn file_version(version: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（第{version}版）"),
        Lang::En => format!(" (v{version})"),
    }
}

/// A rate with what it counts: 62.5%（5/8）.
pub fn rate_of(percent: f64, count: usize, of: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{percent:.1}%（{count}/{of}）"),
        Lang::En => format!("{percent:.1}% ({count}/{of})"),
    }
}

/// Where a finding is when it has a row but no cell: 项目明细 第5行 / 项目明细 row 5
/// (`row` one-based).
pub fn sheet_row(sheet: &str, row: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{sheet} 第{row}行"),
        Lang::En => format!("{sheet} row {row}"),
    }
}

/// `check`/`ingest` given no file (folders empty or only hidden files).
pub fn no_files_to_check(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "没有找到要检查的文件",
        Lang::En => "no files to check",
    }
}

/// One line saying what happened to a file in the archive.
pub fn filed_line(o: &Filed, verdict: Verdict, lang: Lang) -> String {
    let line = filed_store(o, verdict, lang);
    match (verdict, o.stands, lang) {
        (Verdict::Held, _, Lang::Zh) => format!("{line}；待核实，暂不计入统计"),
        (Verdict::Held, _, Lang::En) => {
            format!("{line}; held for verification, not counted for now")
        }
        // A rejected resubmission: the version that still counts is named, so nobody
        // reads the rejection as the unit having no return.
        (Verdict::Rejected, Some(v), Lang::Zh) => format!("{line}；已入库的第 {v} 版仍然有效"),
        (Verdict::Rejected, Some(v), Lang::En) => {
            format!("{line}; archived version {v} still stands")
        }
        _ => line,
    }
}

fn filed_store(o: &Filed, verdict: Verdict, lang: Lang) -> String {
    let v = |n: Option<i64>| n.map_or_else(String::new, |n| n.to_string());
    match (o.stored, lang) {
        // A rejected return is stored only for the record; "已入库（第 1 版）" would read as
        // accepted to the county.
        (FiledAs::New | FiledAs::Superseded, _) if verdict == Verdict::Rejected => {
            receipt_kept_on_file(lang).to_string()
        }
        (FiledAs::Resent, Lang::Zh) => format!(
            "与第 {} 版相同，作为第 {} 版重新入库{}",
            v(o.same_as),
            v(o.version),
            o.replaces
                .map_or_else(String::new, |r| format!("，替代第 {r} 版"))
        ),
        (FiledAs::Resent, Lang::En) => format!(
            "the same as version {}, archived again as version {}{}",
            v(o.same_as),
            v(o.version),
            o.replaces
                .map_or_else(String::new, |r| format!(", replacing version {r}"))
        ),
        (FiledAs::New, Lang::Zh) if o.version.is_some() => {
            format!("已入库（第 {} 版）", v(o.version))
        }
        (FiledAs::New, Lang::Zh) => "已存档（未能确定单位或报告期）".into(),
        (FiledAs::New, Lang::En) if o.version.is_some() => {
            format!("archived (version {})", v(o.version))
        }
        (FiledAs::New, Lang::En) => "archived (unit or period unknown)".into(),
        (FiledAs::Superseded, Lang::Zh) => format!(
            "已入库（第 {} 版，替代第 {} 版）",
            v(o.version),
            v(o.replaces)
        ),
        (FiledAs::Superseded, Lang::En) => format!(
            "archived (version {}, replaces version {})",
            v(o.version),
            v(o.replaces)
        ),
        (FiledAs::Duplicate, Lang::Zh) => {
            format!("与已入库的第 {} 版完全相同，未重复入库", v(o.version))
        }
        (FiledAs::Duplicate, Lang::En) => format!(
            "identical to archived version {}; not stored again",
            v(o.version)
        ),
        (_, Lang::Zh) => "未入库（文件无法读取）".into(),
        (_, Lang::En) => "not archived (the file could not be read)".into(),
    }
}

// ---------------------------------------------------------------------------------------
// `tongbao projects`: the project register (项目库) and one project's history.
// ---------------------------------------------------------------------------------------

/// Fixed words of `tongbao projects`: column titles and fill-ins.
#[derive(Debug, Clone, Copy)]
pub enum ProjectsText {
    Id,
    Unit,
    Name,
    Investor,
    Industry,
    Contract,
    FirstReported,
    Signed,
    Started,
    InProduction,
    FundsInPlace,
    Stage,
    LastFile,
    MonthsSigned,
    Period,
    File,
    Row,
    FundsMonth,
    FundsYtd,
    Note,
    MatchedBy,
    /// A figure the return does not state.
    Unstated,
    /// No date, no period.
    Nothing,
    /// After a project no longer in its unit's latest return.
    NotCurrent,
    Reason,
    /// The months a follow-up rule counts.
    Months,
    MonthsOverdue,
    CohortSigned,
    StartRate,
    ProductionRate,
    MedianMonthsToStart,
    /// The whole area in English (Chinese uses `[bulletin] region`).
    Area,
    /// 资金到位率: funds in place across years ÷ 合同投资额.
    FundsRate,
    /// 资金到位率 in the register built to the month before.
    LastMonthFundsRate,
    /// A change since last month, in percentage points.
    ChangePp,
    /// 项目进展 last month → now.
    StageChange,
    /// A project not in last month's register.
    NewThisMonth,
    LastMonthStartRate,
    StartRateChange,
    LastMonthProductionRate,
    ProductionRateChange,
}

pub fn projects_text(key: ProjectsText, lang: Lang) -> &'static str {
    use ProjectsText::*;
    match (key, lang) {
        (Id, Lang::Zh) => "项目ID",
        (Id, Lang::En) => "id",
        (Unit, Lang::Zh) => "单位",
        (Unit, Lang::En) => "unit",
        (Name, Lang::Zh) => "项目名称",
        (Name, Lang::En) => "project",
        (Investor, Lang::Zh) => "投资方",
        (Investor, Lang::En) => "investor",
        (Industry, Lang::Zh) => "产业类别",
        (Industry, Lang::En) => "industry",
        (Contract, Lang::Zh) => "合同投资额（万元）",
        (Contract, Lang::En) => "contract (10k CNY)",
        (FirstReported, Lang::Zh) => "首次报送",
        (FirstReported, Lang::En) => "first reported",
        (Signed, Lang::Zh) => "签约日期",
        (Signed, Lang::En) => "signed",
        (Started, Lang::Zh) => "开工日期",
        (Started, Lang::En) => "started",
        (InProduction, Lang::Zh) => "投产",
        (InProduction, Lang::En) => "in production",
        (FundsInPlace, Lang::Zh) => "累计到位资金（万元）",
        (FundsInPlace, Lang::En) => "funds in place (10k CNY)",
        (Stage, Lang::Zh) => "项目进展",
        (Stage, Lang::En) => "stage",
        (LastFile, Lang::Zh) => "最近报送文件",
        (LastFile, Lang::En) => "last reported in",
        (MonthsSigned, Lang::Zh) => "签约月数",
        (MonthsSigned, Lang::En) => "months since signing",
        (Period, Lang::Zh) => "报告期",
        (Period, Lang::En) => "period",
        (File, Lang::Zh) => "文件",
        (File, Lang::En) => "file",
        (Row, Lang::Zh) => "行",
        (Row, Lang::En) => "row",
        (FundsMonth, Lang::Zh) => "本月到位（万元）",
        (FundsMonth, Lang::En) => "funds, month (10k CNY)",
        (FundsYtd, Lang::Zh) => "本年累计到位（万元）",
        (FundsYtd, Lang::En) => "funds, year to date (10k CNY)",
        (Note, Lang::Zh) => "备注",
        (Note, Lang::En) => "note",
        (MatchedBy, Lang::Zh) => "识别依据",
        (MatchedBy, Lang::En) => "matched by",
        (Unstated, Lang::Zh) => "未报",
        (Unstated, Lang::En) => "not reported",
        (Nothing, _) => "—",
        (NotCurrent, Lang::Zh) => "（已不在最近一期报表中）",
        (NotCurrent, Lang::En) => " (not in its unit's latest return)",
        (Reason, Lang::Zh) => "督办事由",
        (Reason, Lang::En) => "reason",
        (Months, Lang::Zh) => "月数",
        (Months, Lang::En) => "months",
        (MonthsOverdue, Lang::Zh) => "超期月数",
        (MonthsOverdue, Lang::En) => "months overdue",
        (CohortSigned, Lang::Zh) => "签约项目",
        (CohortSigned, Lang::En) => "signed",
        (StartRate, Lang::Zh) => "开工率",
        (StartRate, Lang::En) => "start rate",
        (ProductionRate, Lang::Zh) => "投产率",
        (ProductionRate, Lang::En) => "production rate",
        (MedianMonthsToStart, Lang::Zh) => "签约至开工月数（中位数）",
        (MedianMonthsToStart, Lang::En) => "median months to start",
        (Area, Lang::Zh) => "全市",
        (Area, Lang::En) => "whole area",
        (FundsRate, Lang::Zh) => "资金到位率",
        (FundsRate, Lang::En) => "funds / contract",
        (LastMonthFundsRate, Lang::Zh) => "上月资金到位率",
        (LastMonthFundsRate, Lang::En) => "last month",
        (ChangePp, Lang::Zh) => "较上月（百分点）",
        (ChangePp, Lang::En) => "change (points)",
        (StageChange, Lang::Zh) => "进展变化",
        (StageChange, Lang::En) => "stage change",
        (NewThisMonth, Lang::Zh) => "本月新报送",
        (NewThisMonth, Lang::En) => "new this month",
        (LastMonthStartRate, Lang::Zh) => "上月开工率",
        (LastMonthStartRate, Lang::En) => "start rate last month",
        (StartRateChange, Lang::Zh) => "开工率增减（百分点）",
        (StartRateChange, Lang::En) => "change (points)",
        (LastMonthProductionRate, Lang::Zh) => "上月投产率",
        (LastMonthProductionRate, Lang::En) => "production rate last month",
        (ProductionRateChange, Lang::Zh) => "投产率增减（百分点）",
        (ProductionRateChange, Lang::En) => "change (points)",
    }
}

/// Why a project is on the follow-up list.
pub fn follow_up_reason_label(
    r: crate::aggregate::register::FollowUpReason,
    lang: Lang,
) -> &'static str {
    use crate::aggregate::register::FollowUpReason::*;
    match (r, lang) {
        (Stalled, Lang::Zh) => "签约超期未开工",
        (Stalled, Lang::En) => "signed, not started",
        (NoFunds, Lang::Zh) => "已开工无到位资金",
        (NoFunds, Lang::En) => "started, no funds in place",
        (Vanished, Lang::Zh) => "项目消失（未说明终止或已投产）",
        (Vanished, Lang::En) => "gone without 终止 or 已投产 in 备注",
    }
}

/// The first line of `--follow-up`.
pub fn projects_follow_up_heading(
    period: crate::model::Period,
    (stalled_months, no_funds_months): (u32, u32),
    count: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "截至{}年{}月的督办清单：{count} 个项目（签约满 {stalled_months} 个月未开工的亿元以上项目；已开工连续 {no_funds_months} 个月无到位资金的项目；从本单位最近一期报表中消失且备注未说明终止或已投产的项目）",
            period.year, period.month
        ),
        Lang::En => format!(
            "Follow-up list (督办清单) as of {period}: {count} projects (亿元以上 signed {stalled_months}+ months ago and not started; started with no funds in place for {no_funds_months} months; gone from their unit's latest return without 终止 or 已投产 in 备注)"
        ),
    }
}

/// The first line of `--conversion`: the cohort.
pub fn projects_conversion_heading(
    period: crate::model::Period,
    year: Option<i32>,
    (from, to): (crate::model::Period, crate::model::Period),
    lang: Lang,
) -> String {
    match (year, lang) {
        (Some(y), Lang::Zh) => format!(
            "{y}年签约项目截至{}年{}月的转化情况（签约月份 {from} 至 {to}）",
            period.year, period.month
        ),
        (None, Lang::Zh) => format!(
            "截至{}年{}月的 12 个月内签约项目的转化情况（签约月份 {from} 至 {to}）",
            period.year, period.month
        ),
        (Some(y), Lang::En) => format!(
            "Conversion as of {period} of the projects signed in {y} (signed {from} to {to})"
        ),
        (None, Lang::En) => format!(
            "Conversion as of {period} of the projects signed in the twelve months to it (signed {from} to {to})"
        ),
    }
}

/// The second line of `--conversion`: what last month's figures are over.
pub fn projects_conversion_last_month(
    period: crate::model::Period,
    (from, to): (crate::model::Period, crate::model::Period),
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "上月数据为截至{}年{}月同一口径的项目（签约月份 {from} 至 {to}）；增减为两月百分比之差（百分点）",
            period.year, period.month
        ),
        Lang::En => format!(
            "Last month's figures are as of {period} over the cohort of the same definition (signed {from} to {to}); changes are the difference of the two percentages, in points"
        ),
    }
}

/// 项目进展 in the reader's language.
pub fn stage_label(stage: crate::model::Stage, lang: Lang) -> &'static str {
    use crate::model::Stage::*;
    match (stage, lang) {
        (s, Lang::Zh) => s.label(),
        (Negotiating, Lang::En) => "negotiating",
        (Signed, Lang::En) => "signed",
        (Started, Lang::En) => "started",
        (InProduction, Lang::En) => "in production",
    }
}

/// How a report was recognised as the project's.
pub fn matched_by_label(m: crate::aggregate::register::MatchedBy, lang: Lang) -> &'static str {
    use crate::aggregate::register::MatchedBy::*;
    match (m, lang) {
        (First, Lang::Zh) => "首次报送",
        (First, Lang::En) => "first report",
        (Code, Lang::Zh) => "项目编号",
        (Code, Lang::En) => "项目编号",
        (Name, Lang::Zh) => "项目名称和投资方",
        (Name, Lang::En) => "name and investor",
        (FormerName, Lang::Zh) => "备注中的原名",
        (FormerName, Lang::En) => "former name in 备注",
        (Link, Lang::Zh) => "经办人关联",
        (Link, Lang::En) => "linked by the clerk",
    }
}

/// Why a row was listed for the clerk rather than matched.
pub fn ambiguity_label(a: crate::aggregate::register::Ambiguity, lang: Lang) -> &'static str {
    use crate::aggregate::register::Ambiguity::*;
    match (a, lang) {
        (SeveralCandidates, Lang::Zh) => "可能是以下多个项目中的任何一个",
        (SeveralCandidates, Lang::En) => "it could be any of several projects",
        (AlreadyTaken, Lang::Zh) => "对应的项目已被同一份报表的另一行占用",
        (AlreadyTaken, Lang::En) => "the project it fits is already another row of the same return",
        (OtherCode, Lang::Zh) => "项目名称和投资方与已有项目相同，但项目编号不同",
        (OtherCode, Lang::En) => "a project has the same name and investor but another 项目编号",
        (FormerNameOtherInvestor, Lang::Zh) => "备注中的原名是另一投资方的项目",
        (FormerNameOtherInvestor, Lang::En) => {
            "the former name in 备注 is a project of another investor"
        }
    }
}

/// The first line of the register: the period, how many projects, how many still reported.
pub fn projects_heading(
    period: crate::model::Period,
    total: usize,
    current: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "截至{}年{}月的项目库：{total} 个项目，其中 {current} 个在各单位最近一期报表中",
            period.year, period.month
        ),
        Lang::En => format!(
            "Project register as of {period}: {total} projects, {current} of them in their unit's latest return"
        ),
    }
}

/// The first line of `--stalled`.
pub fn projects_stalled_heading(
    period: crate::model::Period,
    months: u32,
    count: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "截至{}年{}月签约满 {months} 个月仍未开工的亿元以上项目（督办）：{count} 个",
            period.year, period.month
        ),
        Lang::En => format!(
            "亿元以上 projects signed {months} months or more before {period} and not started (督办): {count}"
        ),
    }
}

/// The heading of the rows listed for the clerk.
pub fn projects_ambiguous_heading(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("需经办人核对的行（无法确定是哪个项目，未自动合并，已单独登记）：{count} 行"),
        Lang::En => format!(
            "Rows for the clerk to check (which project they are is unclear; not merged, registered on their own): {count}"
        ),
    }
}

/// One row listed for the clerk: where it is, what it says, why, the candidates and the
/// id it was registered under.
pub fn projects_ambiguous_line(
    (period, unit, file, row): (crate::model::Period, &str, &str, u32),
    (name, investor): (&str, &str),
    reason: &str,
    candidates: &[String],
    registered_as: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "  {period} {unit} {file} 第 {row} 行「{name}」（{investor}）：{reason}：{}；已登记为 {registered_as}",
            candidates.join("、")
        ),
        Lang::En => format!(
            "  {period} {unit} {file} row {row} \"{name}\" ({investor}): {reason}: {}; registered as {registered_as}",
            candidates.join(", ")
        ),
    }
}

/// The first lines of `projects show`: the project, its unit, number and former names.
pub fn project_show_heading(
    id: &str,
    unit: &str,
    (name, investor, code): (&str, &str, Option<&str>),
    former_names: &[String],
    lang: Lang,
) -> String {
    let mut out = match lang {
        Lang::Zh => format!("项目 {id}：{unit} {name}（投资方：{investor}）"),
        Lang::En => format!("Project {id}: {unit} {name} (investor: {investor})"),
    };
    if let Some(code) = code {
        out.push_str(&match lang {
            Lang::Zh => format!("，项目编号 {code}"),
            Lang::En => format!(", 项目编号 {code}"),
        });
    }
    if !former_names.is_empty() {
        out.push_str(&match lang {
            Lang::Zh => format!("\n曾用名：{}", former_names.join("、")),
            Lang::En => format!("\nformer names: {}", former_names.join(", ")),
        });
    }
    out
}

/// The closing line of `projects show`: the register's figures of the project.
pub fn project_show_summary(
    reports: usize,
    (funds, rate): (&str, &str),
    stage: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "共 {reports} 次报送；跨年累计到位资金 {funds} 万元，资金到位率 {rate}；当前进展：{stage}"
        ),
        Lang::En => format!(
            "{reports} report(s); funds in place across years {funds} (10k CNY), {rate} of the contract amount; current stage: {stage}"
        ),
    }
}

/// `projects show` given an id that matches no project.
pub fn project_not_found(query: &str, period: crate::model::Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "截至 {period} 的项目库中没有项目“{query}”；可用 tongbao projects --period {period} 查看项目ID"
        ),
        Lang::En => format!(
            "no project {query:?} in the register as of {period}; tongbao projects --period {period} lists the ids"
        ),
    }
}

/// `projects show` given a number or name several projects have.
pub fn project_several(query: &str, ids: &[&str], lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("“{query}”对应多个项目，请给出项目ID：{}", ids.join("、")),
        Lang::En => format!(
            "{query:?} is several projects; give one id: {}",
            ids.join(", ")
        ),
    }
}

/// `projects` when the archive has no counted return up to the period.
pub fn projects_nothing_counted(period: Option<crate::model::Period>, lang: Lang) -> String {
    let Some(period) = period else {
        return match lang {
            Lang::Zh => "档案库中没有已计入统计的报表，项目库为空；请先用 tongbao ingest 入库报表".into(),
            Lang::En => "the archive has no counted return: the register is empty; ingest returns first (tongbao ingest)".into(),
        };
    };
    match lang {
        Lang::Zh => format!(
            "档案库中没有截至 {period} 已计入统计的报表，项目库为空；请先用 tongbao ingest 入库报表"
        ),
        Lang::En => format!(
            "the archive has no counted return up to {period}: the register is empty; ingest returns first (tongbao ingest)"
        ),
    }
}

// ---------------------------------------------------------------------------------------
// `tongbao projects link` / `unlink`: the clerk's links between register entries.
// ---------------------------------------------------------------------------------------

/// An id as typed in a command line: quoted when it holds anything a shell would read
/// (`|` of a name and investor, spaces).
pub fn command_id(id: &str) -> String {
    let plain = id
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ':' | '#' | '.' | '_' | '-' | '~'));
    if plain {
        id.to_string()
    } else {
        format!("\"{id}\"")
    }
}

/// `projects link` done.
pub fn project_link_done(earlier: &str, later: &str, unit: &str, lang: Lang) -> String {
    let (e, l) = (command_id(earlier), command_id(later));
    match lang {
        Lang::Zh => format!(
            "已关联：{unit}的 {later} 并入 {earlier}，按同一项目统计（{later} 的报送记录并入 {earlier}）；查看：tongbao projects show {e}；撤销：tongbao projects unlink {e} {l}"
        ),
        Lang::En => format!(
            "linked: {unit}'s {later} joins {earlier} as one project (its reports join the earlier entry's history); see tongbao projects show {e}; undo with tongbao projects unlink {e} {l}"
        ),
    }
}

/// `projects unlink` done.
pub fn project_unlink_done(earlier: &str, later: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "已撤销关联：{later} 不再并入 {earlier}，两者重新按两个项目统计（关联记录仍保存在档案库中）"
        ),
        Lang::En => format!(
            "unlinked: {later} no longer joins {earlier}; they are two projects again (the link stays on record in the archive)"
        ),
    }
}

/// Why `projects link` refused; nothing was changed. `unit_name` names a unit's code.
pub fn project_link_refused(
    r: &crate::aggregate::register::LinkRefusal,
    unit_name: &dyn Fn(&str) -> String,
    lang: Lang,
) -> String {
    use crate::aggregate::register::LinkRefusal::*;
    let reason = match (r, lang) {
        (NotFound(q), Lang::Zh) => format!(
            "项目库中没有项目“{q}”（可用 tongbao projects --period YYYY-MM 查看项目ID）"
        ),
        (NotFound(q), Lang::En) => format!(
            "no project {q:?} in the register (tongbao projects --period YYYY-MM lists the ids)"
        ),
        (Several(q, ids), Lang::Zh) => {
            format!("“{q}”对应多个项目，请给出项目ID：{}", ids.join("、"))
        }
        (Several(q, ids), Lang::En) => {
            format!("{q:?} is several projects; give one id: {}", ids.join(", "))
        }
        (SameProject(id), Lang::Zh) => format!("两者已是同一个项目 {id}"),
        (SameProject(id), Lang::En) => format!("both are already one project, {id}"),
        (OtherUnits((a, ua), (b, ub)), Lang::Zh) => format!(
            "{a} 是{}的项目，{b} 是{}的项目：不同单位的项目不能关联（同一项目由两个单位填报属于 W-PROJECT-ELSEWHERE 提示的情形）",
            unit_name(ua),
            unit_name(ub)
        ),
        (OtherUnits((a, ua), (b, ub)), Lang::En) => format!(
            "{a} is {}'s project and {b} is {}'s: two units' projects cannot be linked (one project reported by two units is what W-PROJECT-ELSEWHERE warns about)",
            unit_name(ua),
            unit_name(ub)
        ),
        (SameMonth(a, b, months), Lang::Zh) => format!(
            "{a} 与 {b} 在 {} 都有报送，同一个月的两行不可能是同一个项目",
            months
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、")
        ),
        (SameMonth(a, b, months), Lang::En) => format!(
            "{a} and {b} both report in {}: two rows of one month cannot be one project",
            months
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    match lang {
        Lang::Zh => format!("未关联，档案库未作改动：{reason}"),
        Lang::En => format!("not linked, the archive is unchanged: {reason}"),
    }
}

/// `projects unlink` without such a link.
pub fn project_unlink_not_found(a: &str, b: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{a} 与 {b} 之间没有生效的关联，档案库未作改动（tongbao projects show 项目ID 列出并入该项目的条目）"
        ),
        Lang::En => format!(
            "no link in force between {a} and {b}; the archive is unchanged (tongbao projects show ID lists the entries joined to a project)"
        ),
    }
}

/// Under the rows listed for the clerk: how to resolve one.
pub fn projects_ambiguous_hint(lang: Lang) -> String {
    match lang {
        Lang::Zh => "核实后如某行与某个候选项目是同一项目，用 tongbao projects link 候选项目ID 已登记ID [--note 说明] 关联；不是同一项目则无需处理".into(),
        Lang::En => "once checked, if a row is one of its candidates, link them with tongbao projects link CANDIDATE_ID REGISTERED_ID [--note TEXT]; if it is not, nothing needs doing".into(),
    }
}

/// After a listed row with one candidate: the command that links them.
pub fn projects_ambiguous_link(candidate: &str, registered_as: &str, lang: Lang) -> String {
    let (c, r) = (command_id(candidate), command_id(registered_as));
    match lang {
        Lang::Zh => format!("；如为同一项目：tongbao projects link {c} {r}"),
        Lang::En => format!("; if they are one: tongbao projects link {c} {r}"),
    }
}

/// The heading of the clerk's links the register could not apply.
pub fn projects_unapplied_heading(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("未能应用的项目关联（报表已有变化）：{count} 条"),
        Lang::En => {
            format!("Links of the clerk's not applied (the returns changed since): {count}")
        }
    }
}

/// One link not applied, why, and how to undo it.
pub fn projects_unapplied_line(
    earlier: &str,
    later: &str,
    reason: crate::aggregate::register::LinkConflict,
    lang: Lang,
) -> String {
    use crate::aggregate::register::LinkConflict::*;
    let why = match (reason, lang) {
        (SameMonth(m), Lang::Zh) => format!("两者在 {m} 都有报送"),
        (SameMonth(m), Lang::En) => format!("both report in {m}"),
        (OtherUnit, Lang::Zh) => "两者属于不同单位".to_string(),
        (OtherUnit, Lang::En) => "they are two units' projects".to_string(),
        (EarlierMissing, Lang::Zh) => format!("{earlier} 已不在项目库中"),
        (EarlierMissing, Lang::En) => format!("{earlier} is no longer in the register"),
    };
    let (e, l) = (command_id(earlier), command_id(later));
    match lang {
        Lang::Zh => format!(
            "  {later} → {earlier}：{why}，按两个项目统计；撤销：tongbao projects unlink {e} {l}"
        ),
        Lang::En => format!(
            "  {later} → {earlier}: {why}; counted as two projects; undo with tongbao projects unlink {e} {l}"
        ),
    }
}

/// In `projects show`: an entry the clerk joined to the project.
pub fn project_show_joined(
    id: &str,
    (at, by): (&str, Option<&str>),
    note: Option<&str>,
    lang: Lang,
) -> String {
    let mut out = match (by, lang) {
        (Some(by), Lang::Zh) => format!("经办人关联：{id} 并入本项目（{at}，{by}"),
        (None, Lang::Zh) => format!("经办人关联：{id} 并入本项目（{at}"),
        (Some(by), Lang::En) => format!("linked by the clerk: {id} joins this project ({at}, {by}"),
        (None, Lang::En) => format!("linked by the clerk: {id} joins this project ({at}"),
    };
    if let Some(note) = note {
        out.push_str(&match lang {
            Lang::Zh => format!("；说明：{note}"),
            Lang::En => format!("; note: {note}"),
        });
    }
    out.push_str(match lang {
        Lang::Zh => "）",
        Lang::En => ")",
    });
    out
}

/// `brief` given a unit (or group, or industry) the roster does not know; `known` lists
/// what it does know.
pub fn roster_has_no(what: RosterEntry, name: &str, known: &[String], lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            let what = match what {
                RosterEntry::Unit => "单位",
                RosterEntry::Group => "分组",
                RosterEntry::Industry => "产业类别",
            };
            format!("名册中没有{what}“{name}”；可选：{}", known.join("、"))
        }
        Lang::En => {
            let what = match what {
                RosterEntry::Unit => "unit",
                RosterEntry::Group => "group",
                RosterEntry::Industry => "industry",
            };
            format!(
                "the roster has no {what} '{name}'; known: {}",
                known.join("、")
            )
        }
    }
}

/// What a name on the command line was taken for, in [`roster_has_no`].
#[derive(Debug, Clone, Copy)]
pub enum RosterEntry {
    Unit,
    Group,
    Industry,
}

/// `confirm` given a unit the roster does not know; `roster` lists its units.
pub fn confirm_unknown_unit(given: &str, roster: &[&str], lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "名册中没有单位“{given}”；名册中的单位：{}",
            roster.join("、")
        ),
        Lang::En => format!(
            "no unit \"{given}\" on the roster; the roster has: {}",
            roster.join(", ")
        ),
    }
}

/// `confirm` without a note that says anything.
pub fn confirm_needs_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请用 --note 写明核实情况（会印在通报的数据说明中）",
        Lang::En => {
            "say what was verified with --note (it is printed in the bulletin's data notes)"
        }
    }
}

/// `confirm` for a unit and period with no held return.
pub fn confirm_nothing_held(unit: &str, period: crate::model::Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{unit} {period} 没有待核实的报表（可用 tongbao status --period {period} 查看）"
        ),
        Lang::En => format!(
            "{unit} has no return held for verification for {period} (see tongbao status --period {period})"
        ),
    }
}

/// `confirm` done.
pub fn confirmed(unit: &str, period: crate::model::Period, version: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "已确认 {unit} {period} 第 {version} 版，计入统计；核实说明将印在通报的数据说明中"
        ),
        Lang::En => format!(
            "confirmed {unit} {period} version {version}: it counts now; the note is printed in the bulletin's data notes"
        ),
    }
}

/// `backup` done: `submissions` stored, `size` of the copy.
pub fn backed_up(from: &str, to: &str, submissions: usize, size: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已备份档案库 {from} → {to}（{submissions} 份报送，{size}）"),
        Lang::En => format!("backed up {from} to {to} ({submissions} submissions, {size})"),
    }
}

/// `init` (or `demo`) where a workspace's config already is.
pub fn workspace_exists(config: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{config} 已存在，未做任何改动"),
        Lang::En => format!("{config} already exists; nothing was changed"),
    }
}

/// What `init` made: the workspace, its config, its folders and (when asked) the
/// templates' folder, one line each.
pub fn workspace_created(
    dir: &str,
    config: &str,
    folders: &[String],
    templates: Option<&str>,
    lang: Lang,
) -> String {
    let mut lines = Vec::with_capacity(folders.len() + 3);
    match lang {
        Lang::Zh => {
            lines.push(format!("已新建工作区：{dir}"));
            lines.push(format!(
                "  {config}  （名册、产业目录、目标、通报设置，请按本地情况修改）"
            ));
        }
        Lang::En => {
            lines.push(format!("created a workspace in {dir}"));
            lines.push(format!(
                "  {config}  (roster, industries, targets, bulletin settings: edit for your area)"
            ));
        }
    }
    lines.extend(folders.iter().map(|f| format!("  {f}/")));
    if let Some(t) = templates {
        lines.push(match lang {
            Lang::Zh => format!("  {t}/  （通报措辞模板，修改后下次 build 生效）"),
            Lang::En => format!("  {t}/  (the bulletin's wording; edits apply at the next build)"),
        });
    }
    lines.join("\n")
}

/// A character the PDF's fonts lack, drawn from a fallback font, in `text`.
pub fn missing_glyph(ch: char, text: &str, lang: Lang) -> String {
    let code = ch as u32;
    match lang {
        Lang::Zh => format!("注意：字体缺少“{ch}”（U+{code:04X}），已用备用字体绘制：{text}"),
        Lang::En => {
            format!("note: the font lacks '{ch}' (U+{code:04X}); drawn from a fallback: {text}")
        }
    }
}
