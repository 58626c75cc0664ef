//! `tongbao check`: read, parse and validate files; write nothing to the archive, and a
//! receipt (回执) per file unless `--no-receipts`.

use std::io::{IsTerminal, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::batch::{check_files_with, collect_paths, Batch, BatchOptions, FileReport, Verdict};
use crate::cli::{CheckArgs, Format, GlobalArgs};
use crate::diag::{Diagnostic, DiagnosticJson, Severity};
use crate::messages::{ui, Lang, Ui};
use crate::model::{Period, PeriodFigures};
use crate::parse::UnitRef;
use crate::text::printable;

use super::progress::Progress;
use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let paths = input_paths(args, global.lang)?;
    let bar = Progress::new(paths.len(), ui(Ui::Checking, global.lang), global.quiet);
    let mut batch = check_files_with(
        &paths,
        &cfg,
        &BatchOptions {
            period: args.period,
            lang: global.lang,
            keep_bytes: false,
        },
        &|| bar.inc(),
    );
    bar.finish();
    apply_history(&cfg, &mut batch)?;
    let receipts = super::receipts::write_for_batch(
        &cfg,
        args,
        &batch,
        &[],
        global.lang,
        &super::ingest::received_now(),
    );
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let json = BatchJson::new(&batch, global.lang, &[]).with_receipts(&receipts.paths);
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        Format::Human => {
            write_human(
                &mut out,
                &batch,
                global.lang,
                args.verbose,
                global.quiet,
                Style::detect(),
                &[],
            )?;
            if let Some(line) = receipts.summary(global.lang) {
                writeln!(out, "{line}")?;
            }
        }
    }
    drop(out);
    receipts.into_result(global.lang)?;
    // A held return is not counted either: the clerk has something to act on.
    Ok(if batch.rejected() + batch.held() > 0 {
        Outcome::SomeRejected
    } else {
        Outcome::Ok
    })
}

/// Inside a workspace whose archive holds returns, the rules that compare a return with
/// its unit's last month (W-YTD-DECREASE, W-PROJECT-VANISHED, and the 核实 holds
/// V-YTD-DROP, V-PROJECTS-GONE) run as ingest would run them, so `check` says before
/// ingest what ingest will hold. Read only: no archive is created or changed.
fn apply_history(cfg: &crate::config::Config, batch: &mut Batch) -> anyhow::Result<()> {
    let path = cfg.resolve(&cfg.file.paths.archive);
    if !std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return Ok(());
    }
    // Opened once up front so a damaged archive is one clear error; then each file's last
    // month is read on the thread checking it, each thread on a connection of its own.
    drop(crate::archive::Archive::open_for_reading(&path)?);
    let readers = crate::archive::Readers::new(&path);
    let period = batch.period;
    batch.files.par_iter_mut().try_for_each(|file| {
        let prepared = readers.with(|a| super::ingest::prepare(a, cfg, period, file))?;
        file.diagnostics.0.extend(prepared.last_month_findings);
        Ok::<(), crate::archive::ArchiveError>(())
    })?;
    Ok(())
}

/// The files named on the command line, folders walked; an error when there are none.
pub fn input_paths(args: &CheckArgs, lang: Lang) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let paths = collect_paths(&args.paths);
    if paths.is_empty() {
        anyhow::bail!(match lang {
            Lang::Zh => "没有找到要检查的文件",
            Lang::En => "no files to check",
        });
    }
    Ok(paths)
}

/// The JSON of cli.md for check and ingest.
#[derive(Serialize)]
pub struct BatchJson<'a> {
    pub period: Option<Period>,
    pub files: Vec<FileJson<'a>>,
    pub summary: SummaryJson,
}

#[derive(Serialize)]
pub struct FileJson<'a> {
    pub file: String,
    pub sha256: Option<&'a str>,
    pub unit: Option<&'a UnitRef>,
    pub period: Option<Period>,
    /// `accepted`, `held` (核实: stored, not counted) or `rejected`.
    pub status: Verdict,
    pub figures: Option<&'a PeriodFigures>,
    pub diagnostics: Vec<DiagnosticJson>,
    /// What ingest did with the file (absent for check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<&'a ArchiveJson>,
    /// Where the file's receipt (回执) was written (absent when none was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// What ingest did with one file.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveJson {
    /// `new`, `superseded`, `resent` (an earlier version sent again, current again),
    /// `duplicate` or `not_stored`.
    pub stored: &'static str,
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

impl ArchiveJson {
    pub fn new(stored: &'static str, version: Option<i64>) -> ArchiveJson {
        ArchiveJson {
            stored,
            version,
            replaces: None,
            same_as: None,
            stands: None,
        }
    }
}

#[derive(Serialize)]
pub struct SummaryJson {
    pub files: usize,
    pub accepted: usize,
    /// Held for verification (核实): stored, not counted.
    pub held: usize,
    pub rejected: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl<'a> BatchJson<'a> {
    /// The JSON of a batch; `archive` holds ingest's outcome per file (empty for check).
    pub fn new(batch: &'a Batch, lang: Lang, archive: &'a [ArchiveJson]) -> BatchJson<'a> {
        BatchJson {
            period: batch.period,
            files: batch
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| FileJson {
                    file: f.path.display().to_string(),
                    sha256: f.sha256.as_deref(),
                    unit: f.unit(),
                    period: f.period(),
                    status: f.verdict(),
                    figures: f.figures.as_ref(),
                    diagnostics: f
                        .diagnostics
                        .sorted()
                        .into_iter()
                        .map(|d| d.to_json(lang))
                        .collect(),
                    archive: archive.get(i),
                    receipt: None,
                })
                .collect(),
            summary: SummaryJson {
                files: batch.files.len(),
                accepted: batch.accepted(),
                held: batch.held(),
                rejected: batch.rejected(),
                errors: batch.count(Severity::Error),
                warnings: batch.count(Severity::Warning),
            },
        }
    }
}

impl BatchJson<'_> {
    /// Adds each file's receipt path (in batch order) to its JSON.
    pub fn with_receipts(mut self, paths: &[Option<std::path::PathBuf>]) -> Self {
        for (f, p) in self.files.iter_mut().zip(paths) {
            f.receipt = p.as_deref().map(super::receipts::shown);
        }
        self
    }
}

/// ANSI styling, used only when writing to a terminal and NO_COLOR is unset.
#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    pub fn detect() -> Style {
        Style {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
    pub fn plain() -> Style {
        Style { on: false }
    }
    fn paint(self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn red(self, s: &str) -> String {
        self.paint("31", s)
    }
    fn yellow(self, s: &str) -> String {
        self.paint("33", s)
    }
    fn green(self, s: &str) -> String {
        self.paint("32", s)
    }
    fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
    fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// Where a diagnostic points: `工作表!单元格`, `工作表 第7行`, or the whole file.
fn place(d: &Diagnostic, lang: Lang) -> String {
    match (&d.sheet, d.cell_a1(), d.row) {
        (Some(s), Some(c), _) => format!("{s}!{c}"),
        (Some(s), None, Some(r)) => match lang {
            Lang::Zh => format!("{s} 第{}行", r + 1),
            Lang::En => format!("{s} row {}", r + 1),
        },
        (Some(s), None, None) => s.clone(),
        (None, _, _) => "—".into(),
    }
}

fn severity_word(s: Severity, lang: Lang, style: Style) -> String {
    match (s, lang) {
        (Severity::Error, Lang::Zh) => style.red("错误"),
        (Severity::Error, Lang::En) => style.red("error"),
        (Severity::Warning, Lang::Zh) => style.yellow("警告"),
        (Severity::Warning, Lang::En) => style.yellow("warning"),
        (Severity::Hold, Lang::Zh) => style.yellow("待核实"),
        (Severity::Hold, Lang::En) => style.yellow("verify"),
        (Severity::Info, Lang::Zh) => style.dim("提示"),
        (Severity::Info, Lang::En) => style.dim("note"),
    }
}

/// The human report: one block per file, `文件 › 工作表!单元格  值  问题  怎么改`.
/// `notes` adds a line under each file (ingest says what it stored).
pub fn write_human(
    out: &mut impl Write,
    batch: &Batch,
    lang: Lang,
    verbose: bool,
    quiet: bool,
    style: Style,
    notes: &[String],
) -> std::io::Result<()> {
    for (i, f) in batch.files.iter().enumerate() {
        // Quiet: only the files someone has to act on.
        if quiet && f.accepted() && f.diagnostics.count(Severity::Warning) == 0 {
            // (a held file is not accepted, so it is always shown)
            continue;
        }
        write_file(out, f, lang, verbose, style)?;
        if let Some(note) = notes.get(i).filter(|n| !n.is_empty()) {
            writeln!(out, "  {}", style.dim(&printable(note)))?;
        }
    }
    let line = crate::messages::batch_summary(
        batch.files.len(),
        [batch.accepted(), batch.held(), batch.rejected()],
        batch.count(Severity::Error),
        batch.count(Severity::Warning),
        lang,
    );
    writeln!(out, "\n{}", style.bold(&line))?;
    for hint in roster_hints(batch, lang) {
        writeln!(out, "{}", style.yellow(&printable(&hint)))?;
    }
    Ok(())
}

/// One line per spelling of a unit the roster does not know although the return's code is
/// a roster unit's: the county's receipt says its name is unknown; the clerk may rather
/// add the spelling to the roster.
fn roster_hints(batch: &Batch, lang: Lang) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    for d in batch.files.iter().flat_map(|f| &f.diagnostics.0) {
        let arg = |k: &str| {
            d.args
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        if let (Some(written), Some(code), Some(name)) =
            (d.value.clone(), arg("roster_code"), arg("roster_name"))
        {
            seen.insert((code, written, name));
        }
    }
    seen.into_iter()
        .map(|(code, written, name)| crate::messages::roster_hint(&written, &code, &name, lang))
        .collect()
}

fn write_file(
    out: &mut impl Write,
    f: &FileReport,
    lang: Lang,
    verbose: bool,
    style: Style,
) -> std::io::Result<()> {
    let errors = f.diagnostics.count(Severity::Error);
    let holds = f.diagnostics.count(Severity::Hold);
    let warnings = f.diagnostics.count(Severity::Warning);
    let (mark, verdict) = match f.verdict() {
        Verdict::Accepted => (style.green("✓"), style.green(ui(Ui::Accepted, lang))),
        Verdict::Held => (style.yellow("?"), style.yellow(ui(Ui::Held, lang))),
        Verdict::Rejected => (style.red("✗"), style.red(ui(Ui::Rejected, lang))),
    };
    // Everything from the file (its name, cells, sheet names) is printed through
    // `printable`: a cell may hold escape sequences or line breaks that would forge lines.
    let unit = f.unit().map_or_else(
        || ui(Ui::UnitUnknownName, lang).to_string(),
        |u| printable(&u.name).into_owned(),
    );
    let period = f.period().map_or_else(
        || ui(Ui::PeriodUnknown, lang).to_string(),
        |p| p.to_string(),
    );
    let counts = match lang {
        Lang::Zh => {
            let mut counts = Vec::new();
            if errors > 0 {
                counts.push(format!("{errors} {}", ui(Ui::Errors, lang).trim()));
            }
            if holds > 0 {
                counts.push(format!("{holds} {}", ui(Ui::Holds, lang).trim()));
            }
            if warnings > 0 {
                counts.push(format!("{warnings} {}", ui(Ui::Warnings, lang).trim()));
            }
            if counts.is_empty() {
                String::new()
            } else {
                format!("（{}）", counts.join("，"))
            }
        }
        Lang::En => {
            let counts = crate::messages::finding_counts_en(errors, holds, warnings);
            if counts.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts.join(", "))
            }
        }
    };
    writeln!(
        out,
        "{mark} {}  {unit}  {period}  {verdict}{counts}",
        style.bold(&printable(&f.path.display().to_string()))
    )?;
    let name = f.path.file_name().map_or_else(
        || f.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let name = printable(&name);
    for d in f.diagnostics.sorted() {
        if d.severity() == Severity::Info && !verbose {
            continue;
        }
        let value = d
            .value
            .as_deref()
            .map(|v| format!("  「{}」", printable(v)))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {name} › {}{value}  {}  {}",
            severity_word(d.severity(), lang, style),
            printable(&place(d, lang)),
            printable(&d.message(lang)),
            style.dim(&format!("→ {}", printable(&d.hint(lang)))),
        )?;
    }
    Ok(())
}
