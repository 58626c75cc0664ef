//! The intake: files in; verdicts, archived versions and receipts out. This is the one
//! service `check`, `ingest` and `watch` call (and the web intake next): commands parse
//! their arguments, call it, and print what it returns.
//!
//! - [`check`]: read, parse and validate a batch (in parallel), run last month's rules
//!   read-only when the workspace's archive holds returns, and answer each file.
//! - [`ingest`]: the same, then store every file (accepted and held returns as their
//!   unit's versions, rejected ones for the record), the archive's own rules adding their
//!   findings first ([`store`]), and answer each file with the archive's outcome.
//! - [`take_one`]: one file arriving, ingested and answered at once (`watch`).
//!
//! Receipts ([`receipts`]) are placed and written here; what they look like is
//! `render::receipt`'s.

pub mod receipts;
pub mod store;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::archive::{Archive, ArchiveError, Readers};
use crate::batch::FileReport;
use crate::batch::{check_files, check_files_streaming, check_files_with, Batch, BatchOptions};
use crate::config::Config;
use crate::lang::Lang;
use crate::model::{Filed, Period};

pub use receipts::{answer_archived, write_missing, BatchReceipts, ReceiptWriter, ReceiptsTo};
pub use store::{ingest_batch, ingest_batch_with, prepare, Prepared, Storer};

/// The stages of a batch a progress bar follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading, parsing and validating (nothing stored yet).
    Checking,
    /// Checking and storing each file as soon as it is checked.
    Ingesting,
    /// Storing files already checked.
    Storing,
}

/// Told as the intake goes, for a progress bar; `()` hears nothing.
pub trait Progress: Sync {
    /// A phase over `files` files begins.
    fn begin(&self, _phase: Phase, _files: usize) {}
    /// One file of the phase is done (from any thread).
    fn step(&self) {}
    /// The phase is over.
    fn end(&self) {}
}

impl Progress for () {}

/// How a batch is taken in: against which month, answered in which language, where its
/// receipts go, and the time of receipt they and the archive state.
#[derive(Debug, Clone)]
pub struct Run<'a> {
    pub cfg: &'a Config,
    /// The batch period; `None` takes the month most files are for.
    pub period: Option<Period>,
    pub lang: Lang,
    pub receipts: ReceiptsTo<'a>,
    /// RFC 3339, normally [`crate::clock::received_now`].
    pub received_at: String,
}

/// A checked batch and its receipts.
#[derive(Debug)]
pub struct Checked {
    pub batch: Batch,
    pub receipts: BatchReceipts,
}

/// Checks `paths` against `period` (or the month most files are for) without changing the
/// archive, and writes each file's receipt. The time of receipt is now.
pub fn check(run: &Run, paths: &[PathBuf], progress: &dyn Progress) -> anyhow::Result<Checked> {
    let Run {
        cfg,
        period,
        lang,
        receipts: to,
        ref received_at,
    } = *run;
    progress.begin(Phase::Checking, paths.len());
    let opts = BatchOptions {
        period,
        lang,
        keep_bytes: false,
    };
    let mut batch = check_files_with(paths, cfg, &opts, &|| progress.step());
    progress.end();
    with_last_month(cfg, &mut batch)?;
    let receipts = receipts::write_for_batch(cfg, to, &batch, &[], lang, received_at);
    Ok(Checked { batch, receipts })
}

/// Inside a workspace whose archive holds returns, the rules that compare a return with
/// its unit's last month (W-YTD-DECREASE, W-PROJECT-VANISHED, and the 核实 holds
/// V-YTD-DROP, V-PROJECTS-GONE) run as ingest would run them, so `check` says before
/// ingest what ingest will hold. Read only: no archive is created or changed.
fn with_last_month(cfg: &Config, batch: &mut Batch) -> anyhow::Result<()> {
    let path = cfg.archive_path();
    if !std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return Ok(());
    }
    // Opened once up front so a damaged archive is one clear error; then each file's last
    // month is read on the thread checking it, each thread on a connection of its own.
    drop(Archive::open_for_reading(&path)?);
    let readers = Readers::new(&path);
    let period = batch.period;
    batch.files.par_iter_mut().try_for_each(|file| {
        let prepared = readers.with(|a| prepare(a, cfg, period, file))?;
        file.diagnostics.0.extend(prepared.last_month_findings);
        Ok::<(), ArchiveError>(())
    })?;
    Ok(())
}

/// An ingested batch: each file's outcome in the archive (in batch order), its receipts,
/// and the receipts written late (stored by an earlier run that stopped before answering).
#[derive(Debug)]
pub struct Ingested {
    pub batch: Batch,
    pub filed: Vec<Filed>,
    pub receipts: BatchReceipts,
    pub late: Vec<PathBuf>,
}

/// Checks `paths` and stores every file in the workspace's archive (created if need be;
/// the caller makes the backup first), then answers each file. With a `period`, each file
/// is stored as soon as it has been checked, while the files after it are read; without
/// one, the batch period is the month most files are for, so every file is read first.
pub fn ingest(run: &Run, paths: &[PathBuf], progress: &dyn Progress) -> anyhow::Result<Ingested> {
    let Run {
        cfg,
        period,
        lang,
        receipts: to,
        ref received_at,
    } = *run;
    let opts = BatchOptions {
        period,
        lang,
        keep_bytes: true,
    };
    let archive_path = cfg.archive_path();
    let (mut batch, filed) = match period {
        Some(_) => {
            let mut archive = Archive::open_for_writing(&archive_path)?;
            // Last month's returns are read on the reading threads, each on a connection
            // of its own: with a period given, no file of this batch can change them.
            let readers = Readers::new(&archive_path);
            progress.begin(Phase::Ingesting, paths.len());
            let mut storer = Storer::new(&mut archive, cfg, received_at);
            let mut filed = Vec::with_capacity(paths.len());
            let batch = check_files_streaming(
                paths,
                cfg,
                &opts,
                &|| progress.step(),
                |file: &FileReport| readers.with(|a| prepare(a, cfg, period, file)),
                |file: &mut FileReport, prepared| {
                    filed.push(storer.store_prepared(file, prepared?)?);
                    Ok::<(), ArchiveError>(())
                },
            )?;
            progress.end();
            (batch, filed)
        }
        None => {
            progress.begin(Phase::Checking, paths.len());
            let mut batch = check_files_with(paths, cfg, &opts, &|| progress.step());
            progress.end();
            let mut archive = Archive::open_for_writing(&archive_path)?;
            progress.begin(Phase::Storing, paths.len());
            let filed = ingest_batch_with(&mut archive, cfg, &mut batch, received_at, &|| {
                progress.step()
            })?;
            progress.end();
            (batch, filed)
        }
    };
    // After the archive: the receipt states the archive's outcome and its rules' findings.
    let receipts = receipts::write_for_batch(cfg, to, &batch, &filed, lang, received_at);
    // Receipts lost to an earlier stop (stored, never answered) are written too.
    let mut late = Vec::new();
    if let (Some(period), ReceiptsTo::Folder(root)) = (batch.period, to) {
        let archive = Archive::open_for_reading(&archive_path)?;
        late = write_missing(cfg, &archive, period, root, lang)?;
    }
    for f in &mut batch.files {
        f.bytes = None;
    }
    Ok(Ingested {
        batch,
        filed,
        receipts,
        late,
    })
}

/// What became of one file taken by [`take_one`].
#[derive(Debug)]
pub enum Taken {
    /// A file that was there before (the caller said so) and is already archived; the
    /// receipt it lacked, if any, was written.
    AlreadyArchived { late_receipt: Option<PathBuf> },
    /// Checked, stored and answered.
    Done {
        file: Box<FileReport>,
        filed: Filed,
        receipt: Option<PathBuf>,
    },
}

/// Checks, stores and answers one file that has just arrived. `was_there` says the file
/// was in the inbox before the watch started: if the archive already holds its bytes, it
/// is not stored again (only a receipt it lacks is written).
pub fn take_one(
    cfg: &Config,
    path: &Path,
    period: Option<Period>,
    lang: Lang,
    to: ReceiptsTo,
    was_there: bool,
) -> anyhow::Result<Taken> {
    let mut batch = check_files(
        &[path.to_path_buf()],
        cfg,
        &BatchOptions {
            period,
            lang,
            keep_bytes: true,
        },
    );
    let mut archive = Archive::open_for_writing(&cfg.archive_path())?;
    if was_there {
        let sha = batch.files.first().and_then(|f| f.sha256.as_deref());
        if let Some(id) = sha
            .map(|s| archive.latest_with_sha256(s))
            .transpose()?
            .flatten()
        {
            // Taken before — but a watch stopped between storing it and answering it left
            // it without a receipt: write it now, from the archive.
            let late_receipt = match to {
                ReceiptsTo::Folder(root) => answer_archived(cfg, &archive, id, period, root, lang)?,
                ReceiptsTo::Nowhere => None,
            };
            return Ok(Taken::AlreadyArchived { late_receipt });
        }
    }
    let received_at = crate::clock::received_now();
    let filed = ingest_batch(&mut archive, cfg, &mut batch, &received_at)?;
    drop(archive);
    let (Some(mut file), Some(filed)) = (batch.files.pop(), filed.into_iter().next()) else {
        anyhow::bail!("no report for {}", path.display());
    };
    let receipt = match to {
        ReceiptsTo::Folder(root) => {
            Some(ReceiptWriter::new(cfg, root, lang, received_at).write_one(
                &file,
                batch.period,
                Some(&filed),
            )?)
        }
        ReceiptsTo::Nowhere => None,
    };
    file.bytes = None;
    Ok(Taken::Done {
        file: Box::new(file),
        filed,
        receipt,
    })
}
