//! `tongbao watch [DIR]`: the clerk leaves it running; counties' files dropped into the
//! inbox (by hand, a mail client or a shared folder) are ingested one by one as they
//! arrive, each gets its receipt, and each gives one line on the screen.
//!
//! A file is taken only once its size and modification time have stayed the same for
//! `--settle` seconds, so a file still being copied is left until it is whole. Office
//! lock files (`~$…`, `.~lock…#`) and partial downloads (`.part`, `.crdownload`, `.tmp`)
//! are never taken. A file is taken again only when it changes (a county resubmits under
//! the same name); files already in the archive when the watch starts are left alone, so
//! restarting the watch repeats nothing. A bad file is reported and the watch goes on;
//! Ctrl-C (or SIGTERM) lets the file in hand finish, then stops.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::archive::Archive;
use crate::batch::collect_paths;
use crate::cli::{GlobalArgs, WatchArgs};
use crate::config::Config;
use crate::diag::Severity;
use crate::intake::{self, write_missing, ReceiptsTo};
use crate::lang::Lang;
use crate::messages::{self, ui, Ui};
use crate::model::Verdict;
use crate::report::shown;
use crate::text::printable;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &WatchArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| cfg.resolve(&cfg.file.paths.inbox));
    if !dir.is_dir() {
        anyhow::bail!(messages::watch_no_folder(&shown(&dir), lang));
    }
    let seconds = |s: f64, what: &str| -> anyhow::Result<Duration> {
        Duration::try_from_secs_f64(s)
            .ok()
            .filter(|d| *d <= Duration::from_secs(3600))
            .ok_or_else(|| anyhow::anyhow!("--{what}: 0–3600"))
    };
    let settle = seconds(args.settle, "settle")?;
    let interval = seconds(args.interval, "interval")?.max(Duration::from_millis(50));

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))?;
    }
    println!(
        "{}",
        messages::watch_started(&shown(&dir), args.settle, lang)
    );

    // Receipts lost to an earlier stop (stored, never answered) are written first.
    if let (Some(period), false) = (args.period, args.no_receipts) {
        let path = cfg.resolve(&cfg.file.paths.archive);
        if path.is_file() {
            let archive = Archive::open_for_reading(&path)?;
            for p in write_missing(&cfg, &archive, period, args.receipts.as_deref(), lang)? {
                println!("{}", messages::receipt_written_late(&shown(&p), lang));
            }
        }
    }
    let mut inbox = Inbox::new(settle);
    let mut tally = Tally::default();
    let mut first_scan: Option<HashSet<PathBuf>> = None;
    let mut skipped = 0usize;
    loop {
        let ready = inbox.scan(&dir, Instant::now());
        let first = first_scan.get_or_insert_with(|| inbox.known());
        for path in ready {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            inbox.taken(&path);
            match take(&cfg, args, lang, &dir, &path, first.contains(&path)) {
                Taken::AlreadyArchived => skipped += 1,
                Taken::Done { verdict } => tally.count(verdict),
                Taken::Failed => tally.failed += 1,
            }
        }
        if skipped > 0 {
            println!("{}", messages::watch_skipped(skipped, lang));
            skipped = 0;
        }
        if stop.load(Ordering::SeqCst) || (args.once && inbox.waiting() == 0) {
            break;
        }
        // Sleep in short steps, so Ctrl-C is answered at once.
        let until = Instant::now() + interval;
        while Instant::now() < until && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50).min(interval));
        }
    }
    println!(
        "{}",
        messages::watch_stopped(
            tally.taken(),
            [tally.accepted, tally.held, tally.rejected],
            lang
        )
    );
    // Stopped by the clerk: a clean end. A one-shot run reports like ingest.
    Ok(
        if args.once && tally.rejected + tally.held + tally.failed > 0 {
            Outcome::SomeRejected
        } else {
            Outcome::Ok
        },
    )
}

#[derive(Debug, Default)]
struct Tally {
    accepted: usize,
    held: usize,
    rejected: usize,
    failed: usize,
}

impl Tally {
    fn count(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Accepted => self.accepted += 1,
            Verdict::Held => self.held += 1,
            Verdict::Rejected => self.rejected += 1,
        }
    }

    fn taken(&self) -> usize {
        self.accepted + self.held + self.rejected + self.failed
    }
}

enum Taken {
    /// A file that was in the inbox when the watch started and is already archived.
    AlreadyArchived,
    Done {
        verdict: Verdict,
    },
    Failed,
}

/// Checks, ingests and answers one file, printing its line.
fn take(
    cfg: &Config,
    args: &WatchArgs,
    lang: Lang,
    dir: &Path,
    path: &Path,
    was_there_at_start: bool,
) -> Taken {
    let time = crate::clock::time_of_day_now(cfg.time_zone());
    // File names and unit names come from outside: printed through `printable`.
    let name =
        printable(&path.strip_prefix(dir).unwrap_or(path).display().to_string()).into_owned();
    let to = if args.no_receipts {
        ReceiptsTo::Nowhere
    } else {
        ReceiptsTo::Folder(args.receipts.as_deref())
    };
    let taken = match intake::take_one(cfg, path, args.period, lang, to, was_there_at_start) {
        Ok(t) => t,
        Err(e) => {
            println!(
                "{}",
                messages::watch_failed(&time, &name, &printable(&e.to_string()), lang)
            );
            return Taken::Failed;
        }
    };
    let (file, filed, receipt) = match taken {
        intake::Taken::AlreadyArchived { late_receipt } => {
            if let Some(p) = late_receipt {
                println!("{}", messages::receipt_written_late(&shown(&p), lang));
            }
            return Taken::AlreadyArchived;
        }
        intake::Taken::Done {
            file,
            filed,
            receipt,
        } => (file, filed, receipt),
    };
    let who = match (file.unit(), file.period()) {
        (Some(u), Some(p)) => format!("{} {p}", printable(&u.name)),
        (Some(u), None) => printable(&u.name).into_owned(),
        (None, _) => ui(Ui::UnitUnknownName, lang).to_string(),
    };
    let receipt = receipt.map(|p| shown(&p));
    println!(
        "{}",
        messages::watch_line(
            &time,
            &name,
            &who,
            file.verdict(),
            file.diagnostics.count(Severity::Error),
            file.diagnostics.count(Severity::Warning),
            &messages::filed_line(&filed, file.verdict(), lang),
            receipt.as_deref(),
            lang,
        )
    );
    Taken::Done {
        verdict: file.verdict(),
    }
}

/// What the watch has seen of each file in the inbox.
struct Inbox {
    settle: Duration,
    files: HashMap<PathBuf, Seen>,
}

struct Seen {
    /// Size and modification time at the last look.
    stamp: (u64, Option<SystemTime>),
    /// When `stamp` was first seen.
    since: Instant,
    taken: bool,
}

impl Inbox {
    fn new(settle: Duration) -> Inbox {
        Inbox {
            settle,
            files: HashMap::new(),
        }
    }

    /// Looks at the inbox; returns the files that have stayed unchanged for the settle time
    /// and have not been taken in this state, in path order.
    fn scan(&mut self, dir: &Path, now: Instant) -> Vec<PathBuf> {
        let mut present = HashSet::new();
        let mut ready = Vec::new();
        for path in collect_paths(&[dir.to_path_buf()]) {
            if is_transient(&path) {
                continue;
            }
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let stamp = (meta.len(), meta.modified().ok());
            present.insert(path.clone());
            match self.files.get_mut(&path) {
                None => {
                    self.files.insert(
                        path,
                        Seen {
                            stamp,
                            since: now,
                            taken: false,
                        },
                    );
                }
                Some(seen) if seen.stamp != stamp => {
                    *seen = Seen {
                        stamp,
                        since: now,
                        taken: false,
                    };
                }
                Some(seen) if !seen.taken && now.duration_since(seen.since) >= self.settle => {
                    ready.push(path);
                }
                Some(_) => {}
            }
        }
        self.files.retain(|p, _| present.contains(p));
        ready.sort();
        ready
    }

    fn taken(&mut self, path: &Path) {
        if let Some(seen) = self.files.get_mut(path) {
            seen.taken = true;
        }
    }

    /// Files seen but not yet taken.
    fn waiting(&self) -> usize {
        self.files.values().filter(|s| !s.taken).count()
    }

    fn known(&self) -> HashSet<PathBuf> {
        self.files.keys().cloned().collect()
    }
}

/// Files that are someone's work in progress, never a return: Office and LibreOffice lock
/// files, partial downloads and copies, hidden files.
fn is_transient(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.starts_with("~$")
        || name.starts_with('.')
        || [".part", ".crdownload", ".tmp", ".download", ".partial"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files_and_partial_downloads_are_never_taken() {
        for name in [
            "~$巴南区.xlsx",
            ".~lock.巴南区.xlsx#",
            "巴南区.xlsx.part",
            "a.crdownload",
            "x.TMP",
        ] {
            assert!(is_transient(Path::new(name)), "{name}");
        }
        for name in ["巴南区.xlsx", "巴南区.xls", "returns.ods", "~巴南区.xlsx"] {
            assert!(!is_transient(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn a_file_is_ready_once_it_stays_unchanged_for_the_settle_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let f = dir.path().join("a.xlsx");
        std::fs::write(&f, b"12").expect("write");
        let mut inbox = Inbox::new(Duration::from_secs(2));
        let t0 = Instant::now();
        assert!(inbox.scan(dir.path(), t0).is_empty(), "first sight");
        assert!(inbox
            .scan(dir.path(), t0 + Duration::from_secs(1))
            .is_empty());
        // It grows: the clock starts again.
        std::fs::write(&f, b"1234").expect("write");
        assert!(inbox
            .scan(dir.path(), t0 + Duration::from_secs(2))
            .is_empty());
        assert!(inbox
            .scan(dir.path(), t0 + Duration::from_secs(3))
            .is_empty());
        assert_eq!(
            inbox.scan(dir.path(), t0 + Duration::from_secs(4)),
            std::slice::from_ref(&f)
        );
        inbox.taken(&f);
        assert_eq!(inbox.waiting(), 0);
        assert!(
            inbox
                .scan(dir.path(), t0 + Duration::from_secs(9))
                .is_empty(),
            "taken once"
        );
        // Replaced by a resubmission under the same name: taken again once settled.
        std::fs::write(&f, b"123456").expect("write");
        assert!(inbox
            .scan(dir.path(), t0 + Duration::from_secs(10))
            .is_empty());
        assert_eq!(inbox.scan(dir.path(), t0 + Duration::from_secs(12)), [f]);
    }
}
