//! Writing receipts (回执) for `check` and `ingest` (and, one file at a time, for a watch
//! loop): where each goes, what it is called, and the county's cells to reproduce.
//!
//! A receipt goes to `<receipts>/<YYYY-MM>/<单位>-回执.xlsx`, `<receipts>` being the
//! config's `paths.receipts` (or `--receipts DIR`). Decisions, and why:
//!
//! - The folder is the **batch** period, which is what the county was asked for; a return
//!   that says another month (E-PERIOD-MISMATCH) is answered beside the others of the batch
//!   instead of replacing its unit's receipt for that other month. Without a batch period
//!   the return's own period is used, and `未知报告期` when there is neither.
//! - The name is the roster's unit name, so a resubmission replaces the unit's receipt for
//!   the period: the folder always holds the latest word to each county. A file whose unit
//!   could not be recognised is named `未识别单位-<file stem>-回执.xlsx`. Names are Chinese
//!   in every language (see [`crate::messages::receipt_names`]).
//! - Nothing from a file's name or content reaches the file system unsanitised
//!   ([`path_safe`]): separators, characters Windows refuses, control characters and
//!   leading dots are dropped, and the length is bounded.
//! - Two files of one batch for the same unit never overwrite each other: the first in
//!   path order gets the plain name, later ones `<单位>-<file stem>-回执.xlsx`, so each
//!   file is answered and the name says which. Should that be taken too (`a.xls` and
//!   `a.xlsx`, or two unrecognised files of one stem), `…-回执-2.xlsx`, `-3`… follow.
//! - The county's sheets are reproduced from the file's bytes kept in the report (ingest)
//!   or re-read from its path (check, which does not keep bytes); either way the bytes must
//!   have the sha256 that was checked, or the receipt says the file changed and holds only
//!   its first sheet. Receipts are written in parallel, each re-reading and dropping its
//!   own workbook, so memory stays that of a few files however many are in the batch.
//! - Every receipt is written atomically ([`crate::render::write_atomic`]).

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::batch::{guarded, Batch, FileReport};
use crate::config::Config;
use crate::lang::Lang;
use crate::messages::{self, receipt_names};
use crate::model::Period;
use crate::read::{load, read_bytes, RawWorkbook};
use crate::render::receipt::{receipt_workbook, ReceiptFacts, SourceSheets};
use crate::render::{path_safe_within, write_atomic, write_atomic_all};

use crate::model::{Filed, FiledAs};
use crate::report::shown;

/// Writes receipts: where, in which language, and the time of receipt they state.
#[derive(Debug, Clone)]
pub struct ReceiptWriter<'a> {
    cfg: &'a Config,
    root: PathBuf,
    lang: Lang,
    received_at: String,
}

impl<'a> ReceiptWriter<'a> {
    /// A writer into `root` (default: the config's `paths.receipts`), stating
    /// `received_at` (RFC 3339) as the time of receipt.
    pub fn new(
        cfg: &'a Config,
        root: Option<&Path>,
        lang: Lang,
        received_at: String,
    ) -> ReceiptWriter<'a> {
        ReceiptWriter {
            cfg,
            root: root.map_or_else(|| cfg.resolve(&cfg.file.paths.receipts), Path::to_path_buf),
            lang,
            received_at,
        }
    }

    /// The folder receipts go to, above the period folders.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `file`'s receipt goes when nothing else in its batch claims the name. The
    /// unit's name always carries its current verdict: a rejected resubmission while an
    /// earlier version stands is answered under a name of its own (`巴南区-第3版未通过-回执.xlsx`).
    pub fn path_for(
        &self,
        file: &FileReport,
        batch_period: Option<Period>,
        archive: Option<&Filed>,
    ) -> PathBuf {
        let rejected_over = archive
            .filter(|a| file.rejected() && a.stands.is_some())
            .map(|a| a.version.unwrap_or(0));
        self.path_of(
            file.unit().map(|u| u.name.as_str()),
            &file.path,
            batch_period.or_else(|| file.period()),
            rejected_over,
        )
    }

    /// [`ReceiptWriter::path_for`] from the facts it depends on: the unit's name (if
    /// recognised), the file's name, the period folder, and — for a rejected
    /// resubmission while an earlier version stands — this file's version.
    fn path_of(
        &self,
        unit: Option<&str>,
        file: &Path,
        period: Option<Period>,
        rejected_over: Option<i64>,
    ) -> PathBuf {
        let folder = period.map_or_else(
            || receipt_names::UNKNOWN_PERIOD.to_string(),
            |p| p.to_string(),
        );
        let base = name_base(unit, file);
        let name = match (unit, rejected_over) {
            (Some(_), Some(v)) => format!(
                "{base}{}{}",
                receipt_names::rejected_version(v),
                receipt_names::SUFFIX
            ),
            _ => format!("{base}{}", receipt_names::SUFFIX),
        };
        self.root.join(folder).join(name)
    }

    /// Writes `file`'s receipt to its usual place, replacing an earlier one; returns the
    /// path. This is the call for one file at a time (a watch loop); `workbook` is the
    /// file's workbook as read, when still in memory.
    pub fn write_one(
        &self,
        file: &FileReport,
        workbook: Option<&RawWorkbook>,
        batch_period: Option<Period>,
        archive: Option<&Filed>,
    ) -> io::Result<PathBuf> {
        let path = self.path_for(file, batch_period, archive);
        write_atomic(&path, &self.make(file, workbook, batch_period, archive)?)?;
        Ok(path)
    }

    /// Writes one receipt per file of `batch`, every workbook read again; `archive`
    /// holds ingest's outcome per file (empty for check). This is for a batch read whole
    /// before its period was known; a batch read in a pipeline is answered window by
    /// window with its workbooks in memory ([`Answerer`]).
    pub fn write_batch(self, batch: &Batch, archive: &[Filed]) -> BatchReceipts {
        const CHUNK: usize = 64;
        let mut answerer = Answerer::new(self, batch.period);
        let mut claims = answerer.claims();
        let paths: Vec<PathBuf> = batch
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| claims.claim(f, archive.get(i)))
            .collect();
        let items: Vec<Answer> = batch
            .files
            .iter()
            .zip(paths)
            .enumerate()
            .map(|(i, (file, path))| Answer {
                file,
                workbook: None,
                filed: archive.get(i),
                path,
            })
            .collect();
        for chunk in items.chunks(CHUNK) {
            answerer.answer(chunk);
        }
        answerer.finish()
    }

    /// One receipt's workbook, the county's sheets taken from `workbook` when given (the
    /// workbook read when the file was checked) and otherwise read again.
    fn make(
        &self,
        file: &FileReport,
        workbook: Option<&RawWorkbook>,
        batch_period: Option<Period>,
        archive: Option<&Filed>,
    ) -> io::Result<Vec<u8>> {
        let archive = archive.map(|a| messages::filed_line(a, file.verdict(), self.lang));
        let facts = ReceiptFacts {
            file,
            batch_period,
            received_at: &self.received_at,
            time_zone: self.cfg.time_zone(),
            issuer: self.cfg.file.bulletin.issuer.trim(),
            archive: archive.as_deref(),
        };
        let made = if file.diagnostics.0.is_empty() {
            receipt_workbook(&facts, SourceSheets::Clean, self.lang)
        } else if let Some(wb) = workbook {
            receipt_workbook(&facts, SourceSheets::Read(wb), self.lang)
        } else {
            match self.source(file) {
                Some(Ok(wb)) => receipt_workbook(&facts, SourceSheets::Read(&wb), self.lang),
                Some(Err(())) => receipt_workbook(&facts, SourceSheets::Changed, self.lang),
                None => receipt_workbook(&facts, SourceSheets::Unreadable, self.lang),
            }
        };
        made.map_err(io::Error::other)
    }

    /// The county's workbook read again (for a batch checked whole before its period was
    /// known): `None` when it never could be read, `Err` when the bytes at hand are not
    /// those that were checked.
    fn source(&self, file: &FileReport) -> Option<Result<RawWorkbook, ()>> {
        file.parsed.as_ref()?;
        let limits = self.cfg.limits();
        let loaded;
        let bytes: &[u8] = match &file.bytes {
            Some(b) => b,
            None => match load(&file.path, &limits) {
                Ok(b) => {
                    loaded = b;
                    &loaded
                }
                Err(_) => return Some(Err(())),
            },
        };
        let sha: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if file.sha256.as_deref() != Some(sha.as_str()) {
            return Some(Err(()));
        }
        Some(match guarded(|| read_bytes(bytes, &limits)) {
            Ok(Ok(wb)) => Ok(wb),
            _ => Err(()),
        })
    }
}

/// One file to answer: its report, its workbook if still in memory, its outcome in the
/// archive (ingest), and the path claimed for its receipt.
pub struct Answer<'f> {
    pub file: &'f FileReport,
    pub workbook: Option<&'f RawWorkbook>,
    pub filed: Option<&'f Filed>,
    pub path: PathBuf,
}

/// A batch's receipts as it goes: each file's name claimed in path order (two files of
/// one batch never overwrite each other, see the module docs), then each window of files
/// answered together — receipts made in parallel, written with one flush to disk
/// ([`write_atomic_all`]) — so only a window of receipts is ever held in memory.
pub struct Answerer<'a> {
    writer: ReceiptWriter<'a>,
    batch_period: Option<Period>,
    out: BatchReceipts,
}

/// The receipts' paths of a batch, claimed file by file in path order (on the thread that
/// takes the files in order, while earlier files are answered on another).
pub struct Claims<'a> {
    writer: ReceiptWriter<'a>,
    batch_period: Option<Period>,
    taken: HashSet<String>,
}

impl<'a> Answerer<'a> {
    pub fn new(writer: ReceiptWriter<'a>, batch_period: Option<Period>) -> Answerer<'a> {
        Answerer {
            writer,
            batch_period,
            out: BatchReceipts::default(),
        }
    }

    /// The batch's claims of receipt paths (one per batch: two claims never give one path).
    pub fn claims(&self) -> Claims<'a> {
        Claims {
            writer: self.writer.clone(),
            batch_period: self.batch_period,
            taken: HashSet::new(),
        }
    }
}

impl Claims<'_> {
    /// Claims the receipt's path for the next file of the batch.
    pub fn claim(&mut self, file: &FileReport, archive: Option<&Filed>) -> PathBuf {
        let mut claim = |p: &Path| self.taken.insert(p.to_string_lossy().to_lowercase());
        let usual = self.writer.path_for(file, self.batch_period, archive);
        if claim(&usual) {
            return usual;
        }
        let dir = usual.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        // A recognised unit's name says nothing of the file: add the file's stem. An
        // unrecognised one already carries it, so only a number can help.
        let named = match file.unit() {
            Some(u) => dir.join(format!(
                "{}-{}{}",
                name_base(Some(&u.name), &file.path),
                path_safe_within(&file_stem(&file.path), STEM_MAX_BYTES),
                receipt_names::SUFFIX
            )),
            None => usual.clone(),
        };
        if claim(&named) {
            return named;
        }
        let stem = named
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = stem.strip_suffix(".xlsx").unwrap_or(&stem).to_string();
        (2..)
            .map(|n| dir.join(format!("{stem}-{n}.xlsx")))
            .find(|p| claim(p))
            .unwrap_or(named)
    }
}

impl Answerer<'_> {
    /// Makes and writes the receipts of a window of files, in batch order.
    pub fn answer(&mut self, window: &[Answer]) {
        let made: Vec<io::Result<Vec<u8>>> = window
            .par_iter()
            .map(|a| {
                self.writer
                    .make(a.file, a.workbook, self.batch_period, a.filed)
            })
            .collect();
        // Those made go to disk together; a receipt that could not be made keeps its error.
        let mut to_write = Vec::new();
        let made: Vec<io::Result<()>> = window
            .iter()
            .zip(made)
            .map(|(a, bytes)| bytes.map(|b| to_write.push((a.path.clone(), b))))
            .collect();
        let mut written = write_atomic_all(&to_write).into_iter();
        for (a, made) in window.iter().zip(made) {
            let result = made.and_then(|()| {
                written
                    .next()
                    .unwrap_or_else(|| Err(io::Error::other("receipt not written")))
            });
            self.out.record(&a.path, result, self.writer.lang);
        }
    }

    /// What was written, and what could not be.
    pub fn finish(self) -> BatchReceipts {
        self.out
    }
}

/// The receipt of an archived submission, made again from the archive alone (its stored
/// bytes and findings) and written where ingest would have written it — unless a file is
/// there already. Returns the path written, `None` when none was needed. This is how a
/// receipt lost to a stop between storing a file and answering it (a watch killed, a
/// crash) is still written.
pub fn answer_archived(
    cfg: &Config,
    archive: &crate::archive::Archive,
    id: i64,
    batch_period: Option<Period>,
    root: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<Option<PathBuf>> {
    let Some(info) = archive.submission(id)? else {
        return Ok(None);
    };
    let period = batch_period.or(info.period);
    let writer = ReceiptWriter::new(cfg, root, lang, info.received_at.clone());
    let unit = info
        .unit_code
        .as_deref()
        .and_then(|c| cfg.unit_by_code(c))
        .map(|u| u.name().to_string());
    // For a rejected submission, the unit's version that stands (if another does).
    let stands = match (&info.unit_code, info.period, info.verdict) {
        (Some(code), Some(p), crate::model::Verdict::Rejected) => archive
            .current_version(code, p)?
            .filter(|v| Some(*v) != info.version),
        _ => None,
    };
    let rejected_over = stands.map(|_| info.version.unwrap_or(0));
    // Most submissions have their receipt: that is known without reading the file.
    let path = writer.path_of(
        unit.as_deref(),
        Path::new(&info.file_name),
        period,
        rejected_over,
    );
    if path.exists() {
        return Ok(None);
    }
    let bytes = archive.bytes(id)?;
    let (mut report, workbook) = crate::batch::check_bytes_keeping(
        Path::new(&info.file_name),
        bytes,
        cfg,
        &crate::batch::BatchOptions {
            period,
            lang,
            keep_bytes: false,
        },
    );
    // The findings as they were when it was stored, the archive's rules included.
    if let Some(stored) = archive.diagnostics_of(id)? {
        report.diagnostics = crate::diag::Diagnostics(stored);
    }
    let mut json = Filed::new(FiledAs::New, info.version);
    json.stands = stands;
    let receipt = writer.make(&report, workbook.as_ref(), period, Some(&json))?;
    write_atomic(&path, &receipt)?;
    Ok(Some(path))
}

/// Writes the receipt of every unit's latest submission for `period` that has none (see
/// [`answer_archived`]); returns the paths written.
pub fn write_missing(
    cfg: &Config,
    archive: &crate::archive::Archive,
    period: Period,
    root: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<Vec<PathBuf>> {
    let subs = archive.submissions(period)?;
    let mut latest: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for s in &subs {
        if let Some(code) = s.unit_code.as_deref() {
            latest.insert(code, s.id);
        }
    }
    let mut written = Vec::new();
    for id in latest.into_values() {
        if let Some(p) = answer_archived(cfg, archive, id, Some(period), root, lang)? {
            written.push(p);
        }
    }
    Ok(written)
}

/// Where a batch's receipts go.
#[derive(Debug, Clone, Copy)]
pub enum ReceiptsTo<'a> {
    /// None are written (`--no-receipts`).
    Nowhere,
    /// Into this folder (`--receipts DIR`), or the config's `paths.receipts` when `None`.
    Folder(Option<&'a Path>),
}

/// What `check` and `ingest` did about receipts.
#[derive(Debug, Default)]
pub struct BatchReceipts {
    /// Per file, in batch order: where its receipt went (`None` when not written).
    pub paths: Vec<Option<PathBuf>>,
    /// One line per receipt that could not be written.
    pub failures: Vec<String>,
    /// The folders written to, for the summary line.
    folders: Vec<PathBuf>,
}

impl BatchReceipts {
    /// No receipt for any of `files` files.
    pub fn none(files: usize) -> BatchReceipts {
        BatchReceipts {
            paths: vec![None; files],
            ..BatchReceipts::default()
        }
    }

    /// Notes the outcome of one file's receipt, in batch order.
    fn record(&mut self, path: &Path, result: io::Result<()>, lang: Lang) {
        match result {
            Ok(()) => {
                if let Some(dir) = path.parent() {
                    if !self.folders.iter().any(|f| f == dir) {
                        self.folders.push(dir.to_path_buf());
                    }
                }
                self.paths.push(Some(path.to_path_buf()));
            }
            Err(e) => {
                let shown = path.display().to_string();
                self.failures
                    .push(messages::receipt_not_written(&shown, &e.to_string(), lang));
                self.paths.push(None);
            }
        }
    }

    /// The line under the human report saying where the receipts went.
    pub fn summary(&self, lang: Lang) -> Option<String> {
        let written = self.paths.iter().flatten().count();
        if written == 0 {
            return None;
        }
        let folders: Vec<String> = self.folders.iter().map(|f| shown(f)).collect();
        Some(messages::receipts_written(
            written,
            &folders.join(", "),
            lang,
        ))
    }

    /// An error (exit code 2) when some receipt could not be written, after the report has
    /// been printed: the results are not lost, but a script notices.
    pub fn into_result(self, lang: Lang) -> anyhow::Result<()> {
        for f in &self.failures {
            eprintln!("tongbao: {f}");
        }
        if self.failures.is_empty() {
            Ok(())
        } else {
            anyhow::bail!(messages::receipts_failed(self.failures.len(), lang))
        }
    }
}

/// Receipts for a whole batch: none for [`ReceiptsTo::Nowhere`], else into the folder
/// given or the config's, stating `received_at`.
pub fn write_for_batch(
    cfg: &Config,
    to: ReceiptsTo,
    batch: &Batch,
    archive: &[Filed],
    lang: Lang,
    received_at: &str,
) -> BatchReceipts {
    let ReceiptsTo::Folder(root) = to else {
        return BatchReceipts::none(batch.files.len());
    };
    ReceiptWriter::new(cfg, root, lang, received_at.into()).write_batch(batch, archive)
}

/// The longest name part taken from a file name or a unit name, in bytes (file systems
/// allow 255 bytes per name; a CJK character is 3).
const STEM_MAX_BYTES: usize = 120;

/// `<单位>` for a recognised unit, `未识别单位-<file stem>` otherwise.
fn name_base(unit: Option<&str>, file: &Path) -> String {
    match unit {
        Some(name) => path_safe_within(name, STEM_MAX_BYTES),
        None => format!(
            "{}-{}",
            receipt_names::UNKNOWN_UNIT,
            path_safe_within(&file_stem(file), STEM_MAX_BYTES)
        ),
    }
}

fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
