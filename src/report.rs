//! Reporting a checked batch to the person or program that ran it: the human report (one
//! block per file, `文件 › 工作表!单元格  值  问题  怎么改`, then the totals) and the JSON
//! of docs/cli.md for `check` and `ingest`. Both are made from the typed batch and the intake's
//! typed outcomes, in the reader's language, at the moment they are shown.

use std::io::{IsTerminal, Write};
use std::path::Path;

use serde::Serialize;

use crate::batch::{Batch, FileReport, Verdict};
use crate::diag::{Diagnostic, DiagnosticJson, Severity};
use crate::lang::Lang;
use crate::messages::{ui, Ui};
use crate::model::{Filed, Period, PeriodFigures};
use crate::parse::UnitRef;
use crate::text::printable;

/// The JSON of docs/cli.md for check and ingest.
#[derive(Serialize)]
pub(crate) struct BatchJson<'a> {
    pub period: Option<Period>,
    pub files: Vec<FileJson<'a>>,
    pub summary: SummaryJson,
}

#[derive(Serialize)]
pub(crate) struct FileJson<'a> {
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
    pub archive: Option<&'a Filed>,
    /// Where the file's receipt (回执) was written (absent when none was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct SummaryJson {
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
    pub(crate) fn new(batch: &'a Batch, lang: Lang, archive: &'a [Filed]) -> BatchJson<'a> {
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
    pub(crate) fn with_receipts(mut self, paths: &[Option<std::path::PathBuf>]) -> Self {
        for (f, p) in self.files.iter_mut().zip(paths) {
            f.receipt = p.as_deref().map(shown);
        }
        self
    }
}

/// ANSI styling, used only when writing to a terminal and NO_COLOR is unset.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    on: bool,
}

impl Style {
    pub(crate) fn detect() -> Style {
        Style {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
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
        (Some(s), None, Some(r)) => crate::messages::sheet_row(s, r + 1, lang),
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
pub(crate) fn write_human(
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

/// A path as the user is shown it: relative to the current folder when inside it.
pub(crate) fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}
