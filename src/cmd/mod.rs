//! One module per subcommand, each a thin `run`: its arguments, the workspace's settings,
//! a call to a service (`intake`, `publish`, the archive, `aggregate`), and what it prints.
//! No command imports another; what several share is here.

pub mod accounts;
pub mod backup;
pub mod brief;
pub mod build;
pub mod check;
pub mod confirm;
pub mod demo;
pub mod explain;
pub mod ingest;
pub mod init;
pub mod progress;
pub mod projects;
pub mod serve;
pub mod status;
pub mod template;
pub mod verify;
pub mod watch;

use std::path::Path;

use anyhow::Context;

use crate::archive::{Archive, ArchiveError};
use crate::cli::GlobalArgs;
use crate::config::Config;

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything accepted (warnings allowed): exit 0.
    Ok,
    /// Some input was rejected, the rest processed: exit 1.
    SomeRejected,
}

impl Outcome {
    /// Exit 1 when some file of a checked batch was rejected or held: a held return is
    /// not counted either, so the clerk has something to act on.
    pub fn of_batch(batch: &crate::batch::Batch) -> Outcome {
        if batch.rejected() + batch.held() > 0 {
            Outcome::SomeRejected
        } else {
            Outcome::Ok
        }
    }
}

/// The files named on the command line, folders walked; an error when there are none.
pub fn input_paths(
    inputs: &[std::path::PathBuf],
    lang: crate::lang::Lang,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let paths = crate::batch::collect_paths(inputs);
    if paths.is_empty() {
        anyhow::bail!(crate::messages::no_files_to_check(lang));
    }
    Ok(paths)
}

/// The settings of a `check` or `ingest` run: the batch period, where receipts go, and
/// now as the time of receipt.
pub fn intake_run<'a>(
    cfg: &'a Config,
    args: &'a crate::cli::CheckArgs,
    lang: crate::lang::Lang,
) -> crate::intake::Run<'a> {
    crate::intake::Run {
        cfg,
        period: args.period,
        lang,
        receipts: if args.no_receipts {
            crate::intake::ReceiptsTo::Nowhere
        } else {
            crate::intake::ReceiptsTo::Folder(args.receipts.as_deref())
        },
        received_at: crate::clock::received_now(),
    }
}

/// Loads the workspace config: `--config`, else `tongbao.toml` here or in a parent.
pub fn load_config(global: &GlobalArgs) -> anyhow::Result<Config> {
    let path = match &global.config {
        Some(p) => p.clone(),
        None => {
            let here = std::env::current_dir().context("current folder")?;
            Config::discover(&here)?
        }
    };
    Ok(Config::load(Path::new(&path))?)
}

/// Opens the workspace's archive to read. A missing or empty archive is an error that
/// says what to do; nothing is created (readers call this before touching any output).
pub fn open_archive(cfg: &Config) -> Result<Archive, ArchiveError> {
    Archive::open_for_reading(&cfg.archive_path())
}

pub use crate::intake::backup_before_change;

/// The text of a command's failure in the reader's language. An archive error is worded
/// with the workspace's backups folder and roster names when the config can be read;
/// otherwise each cause of the chain is shown, ours in the reader's language.
pub fn describe_error(e: &anyhow::Error, global: &GlobalArgs) -> String {
    let lang = global.lang;
    if let Some(archive_error) = e.chain().find_map(|c| c.downcast_ref::<ArchiveError>()) {
        return match load_config(global) {
            Ok(cfg) => archive_error.message_with(lang, &cfg.backups_dir(), &|code| {
                cfg.unit_by_code(code).map(|u| u.name().to_string())
            }),
            Err(_) => archive_error.message(lang),
        };
    }
    let mut parts: Vec<String> = Vec::new();
    let mut after_ours = false;
    for cause in e.chain() {
        // Our errors word their own file-system cause in the reader's language: it is not
        // repeated after them in the system's words.
        if after_ours && cause.downcast_ref::<std::io::Error>().is_some() {
            continue;
        }
        let ours = localized(cause, lang);
        after_ours = ours.is_some();
        let text = ours.unwrap_or_else(|| cause.to_string());
        // A cause whose text its parent already printed (`{source}` in the message) is
        // not repeated.
        if parts.last().is_some_and(|p| p.ends_with(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

/// One of our errors worded in the reader's language; `None` for others' errors.
fn localized(cause: &(dyn std::error::Error + 'static), lang: crate::lang::Lang) -> Option<String> {
    use crate::render::templates::TemplateError;
    if let Some(c) = cause.downcast_ref::<crate::config::ConfigError>() {
        return Some(c.message(lang));
    }
    if let Some(c) = cause.downcast_ref::<crate::render::compose::ComposeError>() {
        return Some(c.message(lang));
    }
    if let Some(t) = cause.downcast_ref::<TemplateError>() {
        return Some(t.message(lang));
    }
    if let Some(s) = cause.downcast_ref::<crate::aggregate::brief::SpanError>() {
        return Some(s.message(lang));
    }
    if let Some(p) = cause.downcast_ref::<crate::render::pdf::PdfError>() {
        return Some(p.message(lang));
    }
    if let Some(w) = cause.downcast_ref::<crate::render::xlsx::WorkbookError>() {
        return Some(w.message(lang));
    }
    if let Some(f) = cause.downcast_ref::<crate::render::form::FormError>() {
        return Some(f.message(lang));
    }
    if let Some(r) = cause.downcast_ref::<crate::render::receipt::ReceiptError>() {
        return Some(r.message(lang));
    }
    None
}

/// Says on stderr which characters the fonts lack (they were drawn from a fallback).
pub fn report_missing_glyphs(
    missing: &[crate::render::pdf::MissingGlyph],
    lang: crate::lang::Lang,
) {
    for m in missing {
        eprintln!("{}", crate::messages::missing_glyph(m.ch, &m.text, lang));
    }
}
