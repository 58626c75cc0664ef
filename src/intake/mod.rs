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

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::aggregate::register::{checkpoint, Builder};
use crate::archive::{Archive, ArchiveError, Readers, SharedMonth};
use crate::batch::FileReport;
use crate::batch::{check_files_streaming, check_files_with, Batch, BatchOptions, InHand};
use crate::config::Config;
use crate::lang::Lang;
use crate::model::{Filed, Period};

pub use receipts::{
    answer_archived, write_missing, Answer, Answerer, BatchReceipts, ReceiptWriter, ReceiptsTo,
};
pub use store::{ingest_batch, ingest_batch_with, prepare, prepare_sharing, Prepared, Storer};

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

impl Run<'_> {
    /// How the batch is read; `keep_bytes` keeps each file's bytes for the archive.
    fn options(&self, keep_bytes: bool) -> BatchOptions {
        BatchOptions {
            period: self.period,
            lang: self.lang,
            keep_bytes,
        }
    }
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
    if period.is_none() {
        let mut batch = read_whole(run, paths, false, progress);
        with_last_month(cfg, &mut batch)?;
        let receipts = receipts::write_for_batch(cfg, to, &batch, &[], lang, received_at);
        return Ok(Checked { batch, receipts });
    }
    // The period is known: each file is checked, compared with last month and answered
    // while its workbook is in memory.
    let last_month = LastMonth::open(cfg)?;
    let mut answerer = answerer(cfg, to, lang, received_at, period);
    let mut claims = answerer.as_ref().map(Answerer::claims);
    progress.begin(Phase::Checking, paths.len());
    let (batch, _) = check_files_streaming(
        paths,
        cfg,
        &run.options(false),
        &|| progress.step(),
        |file: &FileReport| {
            let findings = last_month.findings(cfg, period, file);
            // A receipt shows the county's sheets only when there is something to mark.
            let marks =
                !file.diagnostics.0.is_empty() || findings.as_ref().map_or(true, |f| !f.is_empty());
            (findings, marks)
        },
        |file: &mut FileReport, findings| {
            file.diagnostics.0.extend(findings?);
            let path = claims.as_mut().map(|c| c.claim(file, None));
            Ok::<_, anyhow::Error>(((), path))
        },
        || Ok(()),
        |hand| {
            answer_window(answerer.as_mut(), hand, |()| None);
            Ok(())
        },
    )?;
    progress.end();
    let receipts = finish(answerer, batch.files.len());
    Ok(Checked { batch, receipts })
}

/// A batch read whole before it is answered: its period is the month most files are for,
/// so every file is read first (and each receipt reads its file again).
fn read_whole(run: &Run, paths: &[PathBuf], keep_bytes: bool, progress: &dyn Progress) -> Batch {
    progress.begin(Phase::Checking, paths.len());
    let batch = check_files_with(paths, run.cfg, &run.options(keep_bytes), &|| {
        progress.step()
    });
    progress.end();
    batch
}

/// The answerer of a batch whose receipts are wanted.
fn answerer<'a>(
    cfg: &'a Config,
    to: ReceiptsTo,
    lang: Lang,
    received_at: &str,
    period: Option<Period>,
) -> Option<Answerer<'a>> {
    match to {
        ReceiptsTo::Folder(root) => Some(Answerer::new(
            ReceiptWriter::new(cfg, root, lang, received_at.to_string()),
            period,
        )),
        ReceiptsTo::Nowhere => None,
    }
}

/// Answers a window of the pipeline from the workbooks in hand; `filed` finds each file's
/// outcome in the archive in what the sink made of it.
fn answer_window<S>(
    answerer: Option<&mut Answerer>,
    hand: &mut [InHand<(S, Option<PathBuf>)>],
    filed: impl for<'s> Fn(&'s S) -> Option<&'s Filed>,
) {
    if let Some(answerer) = answerer {
        let window: Vec<Answer> = hand
            .iter()
            .filter_map(|h| {
                let (sunk, path) = &h.sunk;
                Some(Answer {
                    file: &h.report,
                    workbook: h.workbook.as_ref(),
                    filed: filed(sunk),
                    path: path.clone()?,
                })
            })
            .collect();
        answerer.answer(&window);
    }
    // Answered: nothing reads the files again.
    for h in hand.iter_mut() {
        h.report.bytes = None;
    }
}

/// The receipts of a batch of `files` files, none when none were wanted.
fn finish(answerer: Option<Answerer>, files: usize) -> BatchReceipts {
    answerer.map_or_else(|| BatchReceipts::none(files), Answerer::finish)
}

/// Last month's returns in the workspace's archive, for the rules that compare a return
/// with its unit's last month; nothing when the workspace has no archive yet.
struct LastMonth(Option<Readers>);

impl LastMonth {
    /// Opened once up front so a damaged archive is one clear error; each file's last
    /// month is then read on the thread checking it, on a connection of its own.
    fn open(cfg: &Config) -> Result<LastMonth, ArchiveError> {
        let path = cfg.archive_path();
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() > 0) {
            return Ok(LastMonth(None));
        }
        drop(Archive::open_for_reading(&path)?);
        Ok(LastMonth(Some(Readers::new(&path))))
    }

    /// The findings of last month's rules for `file`.
    fn findings(
        &self,
        cfg: &Config,
        period: Option<Period>,
        file: &FileReport,
    ) -> Result<Vec<crate::diag::Diagnostic>, ArchiveError> {
        match &self.0 {
            Some(readers) => Ok(readers
                .with(|a| prepare(a, cfg, period, file))?
                .last_month_findings),
            None => Ok(Vec::new()),
        }
    }
}

/// Inside a workspace whose archive holds returns, the rules that compare a return with
/// its unit's last month (W-YTD-DECREASE, W-PROJECT-VANISHED, and the 核实 holds
/// V-YTD-DROP, V-PROJECTS-GONE) run as ingest would run them, so `check` says before
/// ingest what ingest will hold. Read only: no archive is created or changed.
fn with_last_month(cfg: &Config, batch: &mut Batch) -> anyhow::Result<()> {
    let last_month = LastMonth::open(cfg)?;
    if last_month.0.is_none() {
        return Ok(());
    }
    let period = batch.period;
    batch.files.par_iter_mut().try_for_each(|file| {
        let findings = last_month.findings(cfg, period, file)?;
        file.diagnostics.0.extend(findings);
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

/// Checks `paths` and stores every file in the workspace's archive (created if need be),
/// then answers each file. With a `period`, each file is stored as soon as it has been
/// checked, while the files after it are read; without one, the batch period is the month
/// most files are for, so every file is read first. `backup` is the copy of the archive
/// being made meanwhile ([`BackupBeside::start`], or [`BackupBeside::none`]): nothing is
/// written to the archive until it is made, and if it cannot be, nothing is.
pub fn ingest(
    run: &Run,
    paths: &[PathBuf],
    progress: &dyn Progress,
    mut backup: BackupBeside,
) -> anyhow::Result<Ingested> {
    let Run {
        cfg,
        period,
        lang,
        receipts: to,
        ref received_at,
    } = *run;
    let opts = run.options(true);
    let archive_path = cfg.archive_path();
    let (mut batch, filed, receipts) = match period {
        Some(batch_period) => {
            // Opening writes nothing while the copy is being made (`BackupBeside::start`).
            let mut archive = Archive::open_for_writing(&archive_path)?;
            // The register checkpoint of the months before the batch's (which no file of
            // it can change) is worked out beside it, on a connection of its own. The
            // returns of last month it reads are handed to the last-month rules of the
            // batch's files, which read them from the archive only when they come first.
            let last_month = Arc::new(SharedMonth::new(batch_period.previous()));
            let register = RefCell::new(Checkpoint::preparing(prepare_register(
                &archive_path,
                batch_period,
                Arc::clone(&last_month),
            )));
            // Last month's returns are read on the reading threads, each on a connection
            // of its own: with a period given, no file of this batch can change them.
            let readers = Readers::new(&archive_path);
            progress.begin(Phase::Ingesting, paths.len());
            let storer = RefCell::new(Storer::new(&mut archive, cfg, received_at));
            let mut answerer = answerer(cfg, to, lang, received_at, period);
            let mut claims = answerer.as_ref().map(Answerer::claims);
            // Each file is stored as soon as it has been checked, while the files after it
            // are read, and answered (after the archive: its receipt states the archive's
            // outcome and its rules' findings) while its workbook is in memory. The files
            // answered together are stored in one transaction, committed before any of
            // them is answered: a receipt is only ever written for a stored file.
            let (batch, sunk) = check_files_streaming(
                paths,
                cfg,
                &opts,
                &|| progress.step(),
                |file: &FileReport| {
                    let prepared =
                        readers.with(|a| prepare_sharing(a, cfg, period, file, Some(&last_month)));
                    // A receipt shows the county's sheets only when there is something to
                    // mark; should the archive's own rules find something in a file whose
                    // workbook was let go, its receipt reads the file again.
                    let marks = !file.diagnostics.0.is_empty()
                        || prepared
                            .as_ref()
                            .map_or(true, |p| !p.last_month_findings.is_empty());
                    (prepared, marks)
                },
                |file: &mut FileReport, prepared| {
                    backup.wait()?;
                    let mut storer = storer.borrow_mut();
                    storer.begin_group()?;
                    let filed = storer.store_prepared(file, prepared?)?;
                    let path = claims.as_mut().map(|c| c.claim(file, Some(&filed)));
                    Ok::<_, ArchiveError>((filed, path))
                },
                || {
                    let mut storer = storer.borrow_mut();
                    storer.commit_group()?;
                    register.borrow_mut().write_if_ready(storer.archive_mut());
                    Ok(())
                },
                |hand| {
                    answer_window(answerer.as_mut(), hand, |f: &Filed| Some(f));
                    Ok(())
                },
            )?;
            storer.borrow_mut().commit_group()?;
            progress.end();
            // What no file of the batch took (units without one) is let go.
            drop(last_month);
            let receipts = finish(answerer, batch.files.len());
            let filed = sunk.into_iter().map(|(f, _)| f).collect();
            storer.into_inner().finish();
            // No file stored (an empty batch): the copy is still the command's to make.
            backup.wait()?;
            register.into_inner().finish(&mut archive);
            (batch, filed, receipts)
        }
        None => {
            let mut batch = read_whole(run, paths, true, progress);
            backup.wait()?;
            let mut archive = Archive::open_for_writing(&archive_path)?;
            progress.begin(Phase::Storing, paths.len());
            let filed = ingest_batch_with(&mut archive, cfg, &mut batch, received_at, &|| {
                progress.step()
            })?;
            progress.end();
            let receipts = receipts::write_for_batch(cfg, to, &batch, &filed, lang, received_at);
            refresh_register(&mut archive);
            (batch, filed, receipts)
        }
    };
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

/// After a change to what counts (returns stored, a return confirmed, a link made or
/// undone): the archive's register checkpoint brought up to date
/// ([`crate::aggregate::register::checkpoint`]), so that the next `build` need not read
/// the earlier months again. It is only ever a faster way to the same register, so a
/// failure here leaves the change standing and is not the command's: `build` then reads
/// the returns themselves, and meets and reports whatever stopped this.
pub fn refresh_register(archive: &mut Archive) {
    let _ = checkpoint::refresh(archive);
}

/// The thread working the checkpoint out ([`prepare_register`]).
type PreparingThread =
    std::thread::JoinHandle<Result<Option<(checkpoint::Prepared, Builder)>, ArchiveError>>;

/// The register checkpoint a batch works out beside its files ([`checkpoint::prepare`]),
/// written once it is made and a file of the batch's month is stored — at the next commit
/// of the batch's files, on the thread that stores them, which has time to spare there
/// and none at the end. Its failure is not the batch's ([`refresh_register`]).
struct Checkpoint {
    state: Making,
    /// The register the checkpoint was made from, let go once the batch is done (see
    /// [`checkpoint::prepare`]).
    register: Option<Builder>,
}

/// Where the checkpoint is: being worked out, made, or in the archive.
enum Making {
    Preparing(PreparingThread),
    /// Made, not yet wanted (no file of the month stored yet).
    Made(Option<checkpoint::Prepared>),
    Written,
}

impl Checkpoint {
    fn preparing(thread: PreparingThread) -> Checkpoint {
        Checkpoint {
            state: Making::Preparing(thread),
            register: None,
        }
    }

    /// Writes the checkpoint if it is made and wanted (see above); otherwise keeps it.
    fn write_if_ready(&mut self, archive: &mut Archive) {
        self.state = match std::mem::replace(&mut self.state, Making::Written) {
            Making::Preparing(made) if !made.is_finished() => Making::Preparing(made),
            Making::Preparing(made) => {
                let prepared = self.joined(made);
                Checkpoint::write(archive, prepared)
            }
            Making::Made(prepared) => Checkpoint::write(archive, prepared),
            Making::Written => Making::Written,
        };
    }

    /// What the preparing thread made; nothing when it failed or panicked (the archive
    /// is then brought up to date otherwise).
    fn joined(&mut self, made: PreparingThread) -> Option<checkpoint::Prepared> {
        let (prepared, register) = made.join().ok().and_then(Result::ok).flatten()?;
        self.register = Some(register);
        Some(prepared)
    }

    fn write(archive: &mut Archive, prepared: Option<checkpoint::Prepared>) -> Making {
        let Some(prepared) = prepared else {
            return Making::Made(None);
        };
        match checkpoint::put_if_wanted(archive, prepared) {
            Ok(None) => Making::Written,
            Ok(Some(prepared)) => Making::Made(Some(prepared)),
            // Worked out again once the batch is stored.
            Err(_) => Making::Made(None),
        }
    }

    /// Once the batch is stored: the checkpoint written, or the archive's brought up to
    /// date otherwise; the register it was made from let go beside what follows.
    fn finish(mut self, archive: &mut Archive) {
        let prepared = match std::mem::replace(&mut self.state, Making::Written) {
            Making::Written => None,
            Making::Made(prepared) => Some(prepared),
            Making::Preparing(made) => Some(self.joined(made)),
        };
        if let Some(register) = self.register.take() {
            crate::free_beside(register);
        }
        if let Some(prepared) = prepared {
            let _ = checkpoint::refresh_with(archive, prepared);
        }
    }
}

/// [`checkpoint::prepare`] on a thread of its own, for a batch of `period`'s
/// returns (see [`refresh_register`] for why its failure is not the batch's).
fn prepare_register(path: &Path, period: Period, last_month: Arc<SharedMonth>) -> PreparingThread {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let archive = Archive::open_for_reading(&path)?;
        checkpoint::prepare(&archive, period, Some(&last_month))
    })
}

/// The automatic copy of the archive before a change to it (ingest, confirm, a link, a
/// confirmation from the web intake): into the workspace's backups folder, keeping
/// `[archive] keep_backups` copies. Refuses the change when the archive is missing or
/// empty while copies of it exist.
pub fn backup_before_change(cfg: &Config) -> Result<Option<PathBuf>, ArchiveError> {
    crate::archive::backup::before_change(
        &cfg.archive_path(),
        &cfg.backups_dir(),
        cfg.file.archive.keep_backups,
    )
}

/// The automatic copy of the archive before a batch changes it ([`backup_before_change`]),
/// made on a thread of its own while the batch's first files are read, when nothing opened
/// meanwhile can write to the archive: it exists and needs no migration. Otherwise it is
/// made at once, before anything else, as the other commands make theirs. The copy is of
/// the archive as it was when the copy began (SQLite's backup API reads one snapshot).
pub struct BackupBeside(Option<std::thread::JoinHandle<Result<Option<PathBuf>, ArchiveError>>>);

impl BackupBeside {
    /// Starts the copy (or makes it, see above). An error is the copy's, made at once.
    pub fn start(cfg: &Config) -> Result<BackupBeside, ArchiveError> {
        let archive = cfg.archive_path();
        if !Archive::is_current(&archive) {
            backup_before_change(cfg)?;
            return Ok(BackupBeside(None));
        }
        let (dir, keep) = (cfg.backups_dir(), cfg.file.archive.keep_backups);
        Ok(BackupBeside(Some(std::thread::spawn(move || {
            crate::archive::backup::before_change(&archive, &dir, keep)
        }))))
    }

    /// No copy (the demo's workspace, made from its samples).
    pub fn none() -> BackupBeside {
        BackupBeside(None)
    }

    /// Waits for the copy: an error means the archive must not be changed. Once it is
    /// made, waiting again returns at once.
    pub fn wait(&mut self) -> Result<(), ArchiveError> {
        match self.0.take() {
            None => Ok(()),
            Some(copying) => copying
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                .map(drop),
        }
    }
}

impl Drop for BackupBeside {
    /// A batch that stops before its first write still lets the copy finish: a process
    /// ending meanwhile would leave its temporary file behind.
    fn drop(&mut self) {
        if let Some(copying) = self.0.take() {
            let _ = copying.join();
        }
    }
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
    match take_guarded(cfg, path, period, lang, to, was_there, None)? {
        Guarded::Taken(t) => Ok(t),
        // No unit was required, so none is refused.
        Guarded::OtherUnit(unit) => Err(anyhow::anyhow!("refused: {}", unit.code)),
    }
}

/// What became of one file sent for one unit ([`take_for_unit`]).
#[derive(Debug)]
pub enum ForUnit {
    /// The return names another unit: nothing was stored and no receipt was written.
    OtherUnit(crate::parse::UnitRef),
    /// Checked, stored and answered (as by [`take_one`]).
    Taken(Taken),
}

/// Checks, stores and answers one file sent on behalf of the unit `unit_code` (a county
/// logged in to the web intake): a return that names another roster unit is refused
/// after it is read and before anything is stored. A file whose unit cannot be read at
/// all is stored for the record like any rejected file (it counts for no unit).
pub fn take_for_unit(
    cfg: &Config,
    path: &Path,
    period: Option<Period>,
    lang: Lang,
    to: ReceiptsTo,
    unit_code: &str,
) -> anyhow::Result<ForUnit> {
    Ok(
        match take_guarded(cfg, path, period, lang, to, false, Some(unit_code))? {
            Guarded::Taken(t) => ForUnit::Taken(t),
            Guarded::OtherUnit(unit) => ForUnit::OtherUnit(unit),
        },
    )
}

enum Guarded {
    Taken(Taken),
    OtherUnit(crate::parse::UnitRef),
}

/// [`take_one`], refusing before it is stored a file whose return names a unit other
/// than `only_unit` when one is given.
fn take_guarded(
    cfg: &Config,
    path: &Path,
    period: Option<Period>,
    lang: Lang,
    to: ReceiptsTo,
    was_there: bool,
    only_unit: Option<&str>,
) -> anyhow::Result<Guarded> {
    let opts = BatchOptions {
        period,
        lang,
        keep_bytes: true,
    };
    let mut archive = Archive::open_for_writing(&cfg.archive_path())?;
    let received_at = crate::clock::received_now();
    let mut storer = Storer::for_single_files(&mut archive, cfg, &received_at);
    let writer = match to {
        ReceiptsTo::Folder(root) => Some(ReceiptWriter::new(cfg, root, lang, received_at.clone())),
        ReceiptsTo::Nowhere => None,
    };
    let (mut already, mut done, mut refused) = (None, None, None);
    check_files_streaming(
        std::slice::from_ref(&path.to_path_buf()),
        cfg,
        &opts,
        &|| {},
        |_: &FileReport| ((), true),
        |file: &mut FileReport, ()| -> anyhow::Result<Option<Filed>> {
            if let (Some(wanted), Some(unit)) = (only_unit, file.unit()) {
                if unit.code != wanted {
                    refused = Some(unit.clone());
                    return Ok(None);
                }
            }
            if was_there {
                let archive = storer.archive();
                let sha = file.sha256.as_deref();
                if let Some(id) = sha
                    .map(|s| archive.latest_with_sha256(s))
                    .transpose()?
                    .flatten()
                {
                    // Taken before — but a watch stopped between storing it and answering
                    // it left it without a receipt: write it now, from the archive.
                    let late_receipt = match to {
                        ReceiptsTo::Folder(root) => {
                            answer_archived(cfg, archive, id, period, root, lang)?
                        }
                        ReceiptsTo::Nowhere => None,
                    };
                    already = Some(Taken::AlreadyArchived { late_receipt });
                    return Ok(None);
                }
            }
            Ok(Some(storer.store(period, file)?))
        },
        || Ok(()),
        |hand| {
            let Some(h) = hand.first_mut() else {
                return Ok(());
            };
            let Some(filed) = h.sunk.clone() else {
                return Ok(());
            };
            let receipt = writer
                .as_ref()
                .map(|w| w.write_one(&h.report, h.workbook.as_ref(), period, Some(&filed)))
                .transpose()?;
            let mut file = std::mem::replace(&mut h.report, FileReport::empty(path));
            file.bytes = None;
            done = Some(Taken::Done {
                file: Box::new(file),
                filed,
                receipt,
            });
            Ok(())
        },
    )?;
    if let Some(unit) = refused {
        return Ok(Guarded::OtherUnit(unit));
    }
    drop(storer);
    if done.is_some() {
        refresh_register(&mut archive);
    }
    already
        .or(done)
        .map(Guarded::Taken)
        .ok_or_else(|| anyhow::anyhow!("no report for {}", path.display()))
}
