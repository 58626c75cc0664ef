//! A batch of files through read → parse → validate, in parallel, each file on its own:
//! one file's failure (even a panic inside a parser) is that file's diagnostic, and the
//! batch goes on. The exit code is decided at the end from the reports.

use std::cell::Cell;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics, Severity};
use crate::lang::Lang;
pub use crate::model::Verdict;
use crate::model::{Period, PeriodFigures};
use crate::parse::{parse_return, ParsedReturn, UnitRef};
use crate::read::{load, read_bytes, ImageKind, RawWorkbook, ReadError};
use crate::validate::{validate, Subject};

/// The outcome for one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    /// sha256 of the bytes, when they could be read.
    pub sha256: Option<String>,
    pub parsed: Option<ParsedReturn>,
    /// Every finding: reading, parsing and the rules.
    pub diagnostics: Diagnostics,
    /// Month and year-to-date figures derived from the ledger, when it could be read.
    pub figures: Option<PeriodFigures>,
    /// The file's bytes, kept when the batch is to be archived.
    pub bytes: Option<Vec<u8>>,
    /// When the file was last written (nanoseconds since 1970), when known: of two files
    /// with the same bytes as versions of a return, the newer was received later.
    pub modified: Option<i64>,
}

impl FileReport {
    /// The report of a file nothing is known of yet.
    pub(crate) fn empty(path: &Path) -> FileReport {
        FileReport {
            path: path.to_path_buf(),
            sha256: None,
            parsed: None,
            diagnostics: Diagnostics::default(),
            figures: None,
            bytes: None,
            modified: None,
        }
    }

    /// The return counts as it stands: no error and nothing held for verification.
    pub fn accepted(&self) -> bool {
        self.verdict() == Verdict::Accepted
    }
    /// At least one error.
    pub fn rejected(&self) -> bool {
        self.diagnostics.has_errors()
    }
    pub fn verdict(&self) -> Verdict {
        if self.diagnostics.has_errors() {
            Verdict::Rejected
        } else if self.diagnostics.count(Severity::Hold) > 0 {
            Verdict::Held
        } else {
            Verdict::Accepted
        }
    }
    pub fn unit(&self) -> Option<&UnitRef> {
        self.parsed.as_ref().and_then(|p| p.unit.as_ref())
    }
    pub fn period(&self) -> Option<Period> {
        self.parsed.as_ref().and_then(|p| p.period)
    }
}

/// All files of one run, sorted by path, and the period they were checked against.
#[derive(Debug, Clone)]
pub struct Batch {
    pub period: Option<Period>,
    pub files: Vec<FileReport>,
}

impl Batch {
    pub fn accepted(&self) -> usize {
        self.files.iter().filter(|f| f.accepted()).count()
    }
    pub fn held(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.verdict() == Verdict::Held)
            .count()
    }
    pub fn rejected(&self) -> usize {
        self.files.iter().filter(|f| f.rejected()).count()
    }
    pub fn count(&self, sev: Severity) -> usize {
        self.files.iter().map(|f| f.diagnostics.count(sev)).sum()
    }
}

/// Expands the command line's paths: files as given, folders walked recursively (hidden
/// files and Office lock files `~$…` are not returns and are passed over). Paths that do
/// not exist are kept, so that they are reported as unreadable rather than forgotten.
///
/// A folder named like a workbook (`报表.xlsx/`, as some unzip tools leave an .xlsx) is
/// not walked but reported: it is almost certainly a return that arrived broken.
///
/// A folder reached twice (a symbolic link back to a parent, or two links to one folder)
/// is walked once, so a link loop neither recurses until the path is too long nor
/// reports the same files hundreds of times.
pub fn collect_paths(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in inputs {
        if p.is_dir() && !named_like_a_workbook(p) {
            walk(p, &mut out, &mut seen);
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether the name ends in a spreadsheet extension.
fn named_like_a_workbook(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "et"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) {
    // A folder that cannot be resolved is still listed once under its own name.
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf());
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        let path = entry.path();
        if path.is_dir() && !named_like_a_workbook(&path) {
            walk(&path, out, seen);
        } else {
            out.push(path);
        }
    }
}

thread_local! {
    /// Set while a file is being read or parsed, so the panic hook stays quiet for panics
    /// that are caught and reported as that file's error.
    static IN_FILE_WORK: Cell<bool> = const { Cell::new(false) };
}

/// Installs a panic hook that is silent for panics inside file work (they become
/// E-FILE-INTERNAL) and prints every other panic as usual.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_FILE_WORK.with(Cell::get) {
            default(info);
        }
    }));
}

/// Runs file work with its panics caught: a panic becomes `Err(its message)`, and the
/// panic hook stays quiet about it. Receipts use it to re-read a workbook.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    IN_FILE_WORK.with(|w| w.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    IN_FILE_WORK.with(|w| w.set(false));
    r.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string())
    })
}

fn image_name(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Png => "PNG",
        ImageKind::Jpeg => "JPEG",
        ImageKind::Gif => "GIF",
        ImageKind::Bmp => "BMP",
        ImageKind::Tiff => "TIFF",
        ImageKind::Webp => "WebP",
    }
}

/// The diagnostic that says why a file could not be read.
pub fn read_error_diagnostic(e: &ReadError, path: &Path, lang: Lang) -> Diagnostic {
    let d = Diagnostic::new;
    match e {
        ReadError::Empty => d(Code::FileEmpty),
        ReadError::Html => {
            let ext = path
                .extension()
                .map(|e| format!(".{}", e.to_string_lossy()))
                .unwrap_or_default();
            d(Code::FileHtml).arg("ext", ext)
        }
        ReadError::Text => d(Code::FileText),
        ReadError::Pdf => d(Code::FilePdf),
        ReadError::Image(k) => d(Code::FileImage).arg("kind", image_name(*k)),
        ReadError::Word => d(Code::FileWord),
        ReadError::Other(what) => {
            d(Code::FileOther).arg("kind", crate::messages::not_workbook(what, lang))
        }
        ReadError::Encrypted => d(Code::FileEncrypted),
        ReadError::Truncated(damage) => {
            d(Code::FileTruncated).arg(crate::diag::damage::ARG, damage.to_arg())
        }
        ReadError::TooLarge { what, found, limit } => d(Code::FileTooLarge)
            .arg("what", crate::messages::budget(what, lang))
            .arg("found", found)
            .arg("limit", limit),
        ReadError::Io(problem) => {
            d(Code::FileUnreadable).arg("detail", crate::messages::io_problem(*problem, lang))
        }
        ReadError::Internal(detail) => d(Code::FileInternal).arg("detail", detail),
    }
}

/// How a batch is run.
#[derive(Debug, Clone, Copy, Default)]
pub struct BatchOptions {
    /// The batch period; `None` takes the period most files are for.
    pub period: Option<Period>,
    /// Language of the few details that come from the system (I/O errors).
    pub lang: Lang,
    /// Keep each file's bytes in its report (for the archive).
    pub keep_bytes: bool,
}

/// Reads and parses one file; rules come later, once the batch period is known.
fn read_and_parse(path: &Path, cfg: &Config, opts: &BatchOptions) -> FileReport {
    read_and_parse_keeping(path, cfg, opts).0
}

/// [`read_and_parse`], also returning the workbook as read (when it could be read), for
/// the file's receipt.
fn read_and_parse_keeping(
    path: &Path,
    cfg: &Config,
    opts: &BatchOptions,
) -> (FileReport, Option<RawWorkbook>) {
    let mut report = FileReport::empty(path);
    report.modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_nanos()).ok());
    let bytes = match load(path, &cfg.limits()) {
        Ok(b) => b,
        Err(e) => {
            report
                .diagnostics
                .push(read_error_diagnostic(&e, path, opts.lang));
            return (report, None);
        }
    };
    let workbook = parse_loaded(&mut report, bytes, cfg, opts);
    (report, workbook)
}

/// Hashes, reads and parses bytes already loaded into `report`'s file; returns the
/// workbook read.
fn parse_loaded(
    report: &mut FileReport,
    bytes: Vec<u8>,
    cfg: &Config,
    opts: &BatchOptions,
) -> Option<RawWorkbook> {
    let path = report.path.clone();
    let path = path.as_path();
    report.sha256 = Some(hex(&Sha256::digest(&bytes)));
    let limits = cfg.limits();
    let outcome = guarded(|| {
        #[cfg(debug_assertions)]
        panic_if_asked(path);
        read_bytes(&bytes, &limits).map(|wb| {
            let parsed = parse_return(&wb, cfg);
            (parsed, wb)
        })
    });
    let mut workbook = None;
    match outcome {
        Ok(Ok((parsed, wb))) => {
            report.parsed = Some(parsed);
            workbook = Some(wb);
        }
        Ok(Err(e)) => report
            .diagnostics
            .push(read_error_diagnostic(&e, path, opts.lang)),
        Err(panic) => report.diagnostics.push(read_error_diagnostic(
            &ReadError::Internal(panic),
            path,
            opts.lang,
        )),
    }
    if opts.keep_bytes {
        report.bytes = Some(bytes);
    }
    workbook
}

/// The environment variable of the fault-injection hook ([`panic_if_asked`]).
#[cfg(debug_assertions)]
const FAULT_PANIC_ON: &str = "TONGBAO_FAULT_PANIC_ON";

/// Fault injection, in debug builds only (`cargo build`/`cargo test`; a release build has
/// no such code): when `TONGBAO_FAULT_PANIC_ON` is set to a non-empty text that the file's
/// name contains, reading the file panics inside its panic fence, as a bug in a parser
/// would. tests/it/serve_hostile.rs uses it to show that such a panic is answered as
/// that file's error (`E-FILE-INTERNAL`) while the server goes on.
#[cfg(debug_assertions)]
fn panic_if_asked(path: &Path) {
    let Some(wanted) = std::env::var_os(FAULT_PANIC_ON).filter(|w| !w.is_empty()) else {
        return;
    };
    let wanted = wanted.to_string_lossy();
    if path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains(wanted.as_ref()))
    {
        panic!("fault injected by {FAULT_PANIC_ON}");
    }
}

/// Checks a file's bytes already in memory (an archived original) as a batch of one
/// against `opts.period`: read, parse and the file's own rules. The report is named `name`.
pub fn check_bytes(name: &Path, bytes: Vec<u8>, cfg: &Config, opts: &BatchOptions) -> FileReport {
    check_bytes_keeping(name, bytes, cfg, opts).0
}

/// [`check_bytes`], also returning the workbook as read, for the file's receipt.
pub fn check_bytes_keeping(
    name: &Path,
    bytes: Vec<u8>,
    cfg: &Config,
    opts: &BatchOptions,
) -> (FileReport, Option<RawWorkbook>) {
    let mut report = FileReport::empty(name);
    let workbook = parse_loaded(&mut report, bytes, cfg, opts);
    apply_rules(&mut report, cfg, opts.period, opts.lang);
    (report, workbook)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The period most returns of the batch are for (the later one on a tie): without
/// `--period`, that is the month the batch is checked against.
pub fn majority_period(files: &[FileReport]) -> Option<Period> {
    let mut counts: Vec<(Period, usize)> = Vec::new();
    for p in files.iter().filter_map(FileReport::period) {
        match counts.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => counts.push((p, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(p, n)| (*n, *p))
        .map(|(p, _)| p)
}

/// Checks every file: read, parse and validate, in parallel.
pub fn check_files(paths: &[PathBuf], cfg: &Config, opts: &BatchOptions) -> Batch {
    check_files_with(paths, cfg, opts, &|| {})
}

/// [`check_files`], calling `on_read` as each file has been read and parsed (from any
/// thread), for a progress bar.
pub fn check_files_with(
    paths: &[PathBuf],
    cfg: &Config,
    opts: &BatchOptions,
    on_read: &(dyn Fn() + Sync),
) -> Batch {
    let mut files: Vec<FileReport> = paths
        .par_iter()
        .map(|p| {
            let report = read_and_parse(p, cfg, opts);
            on_read();
            report
        })
        .collect();
    let period = opts.period.or_else(|| majority_period(&files));
    files
        .par_iter_mut()
        .for_each(|f| apply_rules(f, cfg, period, opts.lang));
    Batch { period, files }
}

/// How many files [`check_files_streaming`] reads at a time: enough to keep every core
/// busy, few enough that only a handful of files' bytes are held.
fn stream_window() -> usize {
    (rayon::current_num_threads() * 4).max(8)
}

/// How many files [`check_files_streaming`] reads ahead of the sink: six windows. Two
/// would keep the readers busy while the sink kept pace, but the sink stops now and then
/// for longer than two windows take to read (committing a window of stores, writing the
/// register's checkpoint in `ingest`), and with room for two only the cores idled
/// meanwhile: a national `ingest`'s last third ran on 1.4–1.7 cores of 2, and took 0.7 s
/// longer (BENCHMARKS.md). Six windows are 48 files on two cores, a few MB of returns.
fn read_ahead() -> usize {
    stream_window() * 6
}

/// How many files [`check_files_streaming`] answers at once: their receipts are made in
/// parallel and written with one flush to disk, so a window much smaller than this spends
/// its time handing work over and waiting for the disk; the workbooks of a window are held
/// until it is answered (a return's workbook is a few hundred KB).
const ANSWER_WINDOW: usize = 64;

/// The windows [`check_files_streaming`]'s readers take, and how many files they may have
/// read beyond the last one the sink took: a reader takes the next window only when there
/// is room for all its files, so windows are given room in the order of their files (a
/// later window holding the room an earlier one waits for would stop the sink for good).
struct Ahead {
    /// Files' room left; whether stopped; the next window.
    state: std::sync::Mutex<(usize, bool, usize)>,
    changed: std::sync::Condvar,
}

impl Ahead {
    fn new(files: usize) -> Ahead {
        Ahead {
            state: std::sync::Mutex::new((files, false, 0)),
            changed: std::sync::Condvar::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, (usize, bool, usize)> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next window of `files` files, `window` at a time, once there is room for it;
    /// `None` once they are all taken, or once stopped.
    fn next_window(&self, files: usize, window: usize) -> Option<std::ops::Range<usize>> {
        let mut state = self.state();
        loop {
            let (free, stopped, next) = *state;
            let first = next.saturating_mul(window);
            if stopped || first >= files {
                return None;
            }
            let len = window.min(files - first);
            if free >= len {
                *state = (free - len, false, next + 1);
                return Some(first..first + len);
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// Gives back the room of one file the sink took.
    fn leave(&self) {
        self.state().0 += 1;
        self.changed.notify_all();
    }

    /// Stops every reader, waiting or not, when the value returned is dropped.
    fn stop_on_drop(&self) -> impl Drop + '_ {
        Stop {
            ahead: self,
            only_panicking: false,
        }
    }

    /// Stops every reader if the value returned is dropped by a panic.
    fn stop_if_panicking(&self) -> impl Drop + '_ {
        Stop {
            ahead: self,
            only_panicking: true,
        }
    }

    fn stop(&self) {
        self.state().1 = true;
        self.changed.notify_all();
    }
}

struct Stop<'a> {
    ahead: &'a Ahead,
    only_panicking: bool,
}

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        if !self.only_panicking || std::thread::panicking() {
            self.ahead.stop();
        }
    }
}

/// One file in hand in [`check_files_streaming`]: its report, what the sink made of it,
/// and the workbook as read (kept only until the file has been answered).
pub struct InHand<S> {
    pub report: FileReport,
    pub sunk: S,
    pub workbook: Option<RawWorkbook>,
}

/// [`check_files_with`] as a pipeline, for a batch whose period is known beforehand
/// (`opts.period`): each file is read and checked on the thread pool; `prepare` runs
/// there too, on the checked report, and says besides whether the file's workbook is to
/// be kept for `answer` (a file without findings has a receipt without its sheets, so
/// its workbook is dropped at once); `sink` takes each report in path order on the
/// calling thread (the archive's writes, for ingest) while the files after it are still
/// being read; `settle` runs on the calling thread before each window of files the sink
/// has had goes on to be answered (ingest commits the window's files there); and `answer`
/// gets each window, on a thread of its own while the sink goes on with the files after
/// it, with their workbooks still in memory (their receipts), before the workbooks are
/// dropped. So each file is read once, the sink's work overlaps the reading and the
/// answering instead of following them, and what is held at once is bounded: the files
/// read ahead of the sink ([`read_ahead`]) and three answering windows of workbooks (one
/// being answered, one waiting for it, one being filled), besides what the sink keeps.
///
/// Whatever the sink needs that does not depend on the files before it is worked out in
/// `prepare`, so that the calling thread, which every file passes through, only does what
/// must be done in order. An error from `sink`, `settle` or `answer` stops the batch
/// there: no further report reaches them (the window being answered is answered), and the
/// error is returned. The reports are returned as the sink left them, with what `sink`
/// returned for each.
#[allow(clippy::too_many_arguments)]
pub fn check_files_streaming<P: Send, S: Send, E: Send>(
    paths: &[PathBuf],
    cfg: &Config,
    opts: &BatchOptions,
    on_read: &(dyn Fn() + Sync),
    prepare: impl Fn(&FileReport) -> (P, bool) + Sync,
    mut sink: impl FnMut(&mut FileReport, P) -> Result<S, E>,
    mut settle: impl FnMut() -> Result<(), E>,
    mut answer: impl FnMut(&mut [InHand<S>]) -> Result<(), E> + Send,
) -> Result<(Batch, Vec<S>), E> {
    let period = opts.period;
    type Read<P> = (FileReport, P, Option<RawWorkbook>);
    // Files are read a window at a time on the thread pool, two windows at once, each
    // from a thread of its own (one window alone waited for its slowest file while a core
    // idled), at most `ahead` files beyond the last one the sink took. The pool's threads
    // never wait for the sink: only the two windows' threads do.
    let window = stream_window();
    let ahead = Ahead::new(read_ahead());
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Read<P>)>();
    // One window waits for the answering thread while it answers another, so the sink
    // goes on to the next window instead of waiting for the answers (and their flush to
    // disk) whenever it has sunk a window first.
    let (to_answer, answering) = std::sync::mpsc::sync_channel::<Vec<InHand<S>>>(1);
    let prepare = &prepare;
    std::thread::scope(|scope| {
        for _ in 0..2 {
            let (tx, ahead) = (tx.clone(), &ahead);
            scope.spawn(move || {
                // A reader that panics stops the other (the scope then panics with it)
                // rather than leaving the sink waiting for its files.
                let _stop = ahead.stop_if_panicking();
                while let Some(files) = ahead.next_window(paths.len(), window) {
                    let first = files.start;
                    let read: Vec<Read<P>> = paths[files]
                        .par_iter()
                        .map(|p| {
                            let (mut report, workbook) = read_and_parse_keeping(p, cfg, opts);
                            apply_rules(&mut report, cfg, period, opts.lang);
                            let (prepared, keep) = prepare(&report);
                            on_read();
                            (report, prepared, workbook.filter(|_| keep))
                        })
                        .collect();
                    for (i, r) in (first..).zip(read) {
                        // A closed channel means the sink failed: stop reading.
                        if tx.send((i, r)).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(tx);
        // However the sink ends, the readers waiting for room are let go.
        let _stop = ahead.stop_on_drop();
        let answerer = scope.spawn(move || -> Result<(Vec<FileReport>, Vec<S>), E> {
            let mut files = Vec::with_capacity(paths.len());
            let mut sunk = Vec::with_capacity(paths.len());
            // An error drops the channel: the calling thread's next hand-over fails.
            for mut hand in answering {
                answer(&mut hand)?;
                for h in hand {
                    files.push(h.report);
                    sunk.push(h.sunk);
                }
            }
            Ok((files, sunk))
        });
        let mut hand: Vec<InHand<S>> = Vec::with_capacity(ANSWER_WINDOW);
        let mut hand_over = move |hand: &mut Vec<InHand<S>>| -> Result<bool, E> {
            settle()?;
            let window = std::mem::replace(hand, Vec::with_capacity(ANSWER_WINDOW));
            // Refused: the answering stopped on an error, returned when it is joined.
            Ok(to_answer.send(window).is_ok())
        };
        let sunk = (|| -> Result<(), E> {
            // Files come as they are read; they are sunk in path order.
            let mut early: std::collections::BTreeMap<usize, Read<P>> = Default::default();
            let mut wanted = 0;
            for (i, read) in rx {
                early.insert(i, read);
                while let Some((mut report, prepared, workbook)) = early.remove(&wanted) {
                    wanted += 1;
                    let s = sink(&mut report, prepared)?;
                    ahead.leave();
                    hand.push(InHand {
                        report,
                        sunk: s,
                        workbook,
                    });
                    if hand.len() >= ANSWER_WINDOW && !hand_over(&mut hand)? {
                        return Ok(());
                    }
                }
            }
            if !hand.is_empty() {
                hand_over(&mut hand)?;
            }
            Ok(())
        })();
        drop(hand_over);
        let answered = answerer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        sunk?;
        let (files, sunk) = answered?;
        Ok((Batch { period, files }, sunk))
    })
}

/// Applies the rules to one read file against the batch period, and derives its figures.
fn apply_rules(f: &mut FileReport, cfg: &Config, period: Option<Period>, lang: Lang) {
    let Some(parsed) = &f.parsed else { return };
    let rule_findings = guarded(|| {
        validate(&Subject {
            ret: parsed,
            cfg,
            batch_period: period,
        })
    });
    let mut diags = parsed.diagnostics.clone();
    match rule_findings {
        Ok(found) => diags.0.extend(found),
        Err(panic) => diags.push(read_error_diagnostic(
            &ReadError::Internal(panic),
            &f.path,
            lang,
        )),
    }
    f.diagnostics.0.extend(diags.0);
    let figures_period = parsed.period.or(period);
    if let (Some(ledger), Some(p)) = (&parsed.ledger, figures_period) {
        f.figures = Some(
            PeriodFigures::from_ledger(&ledger.projects, p).with_unstated(&parsed.header.unstated),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_file_work_becomes_that_files_error() {
        install_panic_hook();
        let r: Result<(), String> = guarded(|| panic!("parser exploded at J7"));
        assert_eq!(r, Err("parser exploded at J7".to_string()));
        let d = read_error_diagnostic(
            &ReadError::Internal("parser exploded".into()),
            Path::new("a.xlsx"),
            Lang::Zh,
        );
        assert_eq!(d.code, Code::FileInternal);
        assert!(d.message(Lang::Zh).contains("parser exploded"));
    }

    #[test]
    fn streaming_hands_reports_over_in_order_and_stops_at_the_sinks_error() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = Config::load(&root.join("samples/tongbao.toml")).expect("sample config");
        let dir = tempfile::tempdir().expect("temp dir");
        // Files that cannot be read still get a report each, cheaply; two real returns
        // among them are read, and their workbooks reach `answer`.
        let mut paths: Vec<PathBuf> = (0..50)
            .map(|i| dir.path().join(format!("{i:02}.xlsx")))
            .collect();
        let june = root.join("samples/returns/2025-06");
        // The first is read but its workbook not kept.
        paths[7] = june.join("万州区-2025-06.xlsx");
        paths[31] = june.join("巴南区-2025-06.xlsx");
        let opts = BatchOptions {
            period: Period::new(2025, 6),
            ..BatchOptions::default()
        };
        let mut seen = Vec::new();
        let mut answered = Vec::new();
        let (batch, sunk) = check_files_streaming(
            &paths,
            &cfg,
            &opts,
            &|| {},
            |f| (f.path.clone(), f.path != paths[7]),
            |f, prepared| {
                assert_eq!(prepared, f.path, "each file with what was prepared for it");
                seen.push(f.path.clone());
                Ok::<usize, ()>(seen.len())
            },
            || Ok(()),
            |hand| {
                for h in hand.iter() {
                    assert_eq!(paths[h.sunk - 1], h.report.path, "answered after its sink");
                    answered.push((h.report.path.clone(), h.workbook.is_some()));
                }
                Ok(())
            },
        )
        .expect("no sink error");
        assert_eq!(seen, paths);
        assert_eq!(sunk, (1..=50).collect::<Vec<_>>());
        let reported: Vec<PathBuf> = batch.files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(reported, paths);
        let read: Vec<usize> = (0..50).filter(|&i| answered[i].1).collect();
        assert_eq!(read, vec![31], "a workbook for each file read and kept");
        assert!(answered.iter().map(|(p, _)| p).eq(paths.iter()));
        assert!(batch.files[7].parsed.is_some() && batch.files[31].parsed.is_some());
        assert!(batch.files[0].parsed.is_none());

        // The batch with nothing prepared and every workbook kept, stopped by `sink`,
        // `settle` or `answer`.
        let stopped =
            |sink: &mut dyn FnMut() -> Result<(), &'static str>,
             settle: &mut dyn FnMut() -> Result<(), &'static str>,
             answer: &mut (dyn FnMut(usize) -> Result<(), &'static str> + Send)| {
                check_files_streaming(
                    &paths,
                    &cfg,
                    &opts,
                    &|| {},
                    |_| ((), true),
                    |_, ()| sink(),
                    settle,
                    |hand| answer(hand.len()),
                )
                .err()
            };
        let mut taken = 0;
        let mut sink = || {
            taken += 1;
            if taken == 3 {
                Err("archive full")
            } else {
                Ok(())
            }
        };
        assert_eq!(
            stopped(&mut sink, &mut || Ok(()), &mut |_| Ok(())),
            Some("archive full")
        );
        assert_eq!(taken, 3);
        assert_eq!(
            stopped(&mut || Ok(()), &mut || Ok(()), &mut |_| Err("disk full")),
            Some("disk full")
        );
        // The commit before a window is answered failing stops the batch too, before the
        // window is answered.
        let mut answered = 0;
        let mut answer = |files| {
            answered += files;
            Ok(())
        };
        assert_eq!(
            stopped(&mut || Ok(()), &mut || Err("commit failed"), &mut answer),
            Some("commit failed")
        );
        assert_eq!(answered, 0);
    }

    #[test]
    fn a_reader_that_panics_ends_the_batch_in_a_panic_not_a_wait() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = Config::load(&root.join("samples/tongbao.toml")).expect("sample config");
        let dir = tempfile::tempdir().expect("temp dir");
        // More files than are read ahead of the sink, so that the other readers wait for
        // room while the sink waits for the file whose reader panicked.
        let paths: Vec<PathBuf> = (0..read_ahead() * 3)
            .map(|i| dir.path().join(format!("{i:03}.xlsx")))
            .collect();
        let doomed = paths[5].clone();
        let opts = BatchOptions {
            period: Period::new(2025, 6),
            ..BatchOptions::default()
        };
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                check_files_streaming(
                    &paths,
                    &cfg,
                    &opts,
                    &|| {},
                    |f| {
                        assert!(
                            f.path != doomed,
                            "a defect in preparing {}",
                            f.path.display()
                        );
                        ((), true)
                    },
                    |_, _| Ok::<(), ()>(()),
                    || Ok(()),
                    |_| Ok(()),
                )
            }));
            let _ = done.send(outcome.is_err());
        });
        // Bounded: a batch that waits forever fails here instead of hanging the tests.
        let panicked = finished
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("the batch ends");
        assert!(panicked, "the reader's panic reaches the caller");
    }

    #[test]
    fn the_majority_period_wins_and_ties_go_to_the_later_month() {
        let report = |p: Option<Period>| FileReport {
            path: PathBuf::new(),
            sha256: None,
            parsed: p.map(|p| ParsedReturn {
                header: Default::default(),
                unit: None,
                period: Some(p),
                period_cell: None,
                ledger: None,
                summary: None,
                diagnostics: Diagnostics::default(),
            }),
            diagnostics: Diagnostics::default(),
            figures: None,
            bytes: None,
            modified: None,
        };
        let (may, june) = (Period::new(2025, 5), Period::new(2025, 6));
        assert_eq!(
            majority_period(&[report(may), report(may), report(june)]),
            may
        );
        assert_eq!(
            majority_period(&[report(may), report(june), report(None)]),
            june
        );
        assert_eq!(majority_period(&[report(None)]), None);
    }
}
