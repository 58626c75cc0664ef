//! The archive: every submission, accepted or rejected, kept in an embedded SQLite file
//! with its original bytes, its typed projects and its diagnostics; and the clerk's own
//! records: confirmations of held returns and links between entries of the project
//! register.
//!
//! A resubmission for the same unit and period becomes the current version; earlier
//! versions stay, each pointing at the one that superseded it. The same bytes again are a
//! no-op. One file's store is one transaction, so a killed ingest leaves either the whole
//! return or nothing. Writers take an exclusive lock file beside the database for the
//! length of a run: a second writer waits for it, then gives up with a clear message.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::diag::{Diagnostic, Severity};
use crate::lang::Lang;
use crate::model::{a1, PeriodFigures, ReportedIndicator};
use crate::model::{
    FundsSource, Indicator, Period, Project, ProjectKind, ReturnHeader, Stage, Unstated, UsdWan,
    Verdict, Wan,
};
use crate::parse::vocab::Field;
use crate::parse::Ledger;

pub mod accounts;
pub mod backup;
pub(crate) mod checksum;
mod shared;
pub(crate) use checksum::hex;
mod wording;

pub use shared::{LastReturn, SharedMonth};

/// A migration step SQL cannot express, run in the migration's transaction.
type MigrationFn = fn(&Transaction, &Path) -> Result<(), ArchiveError>;

/// One step of the schema: SQL, then (for steps that must compute something SQL cannot,
/// such as a checksum) a function run in the same transaction.
struct Migration {
    sql: &'static str,
    then: Option<MigrationFn>,
}

/// The schema migrations, in order; the archive's `user_version` is how many were applied.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("schema.sql"),
        then: None,
    },
    // 2: loading a return looks its indicators and warnings up by submission, and every
    // submission list counts diagnostics per submission; without these indexes each was
    // a scan of the whole table (quadratic in the archive's size: 2,850 units a month).
    Migration {
        sql: "CREATE INDEX indicator_by_submission ON indicator(submission_id);
              CREATE INDEX diagnostic_by_submission ON diagnostic(submission_id, severity);",
        then: None,
    },
    Migration {
        sql: HOLDS_AND_RESENDS,
        then: None,
    },
    Migration {
        sql: LEDGER_PLACE_MIGRATION,
        then: None,
    },
    // 5: the checksums of each submission's typed rows (see checksum.rs), computed for the
    // submissions already stored so that older archives stay readable.
    Migration {
        sql: "ALTER TABLE submission ADD COLUMN rows_sha256 TEXT;
              ALTER TABLE submission ADD COLUMN figures_sha256 TEXT;",
        then: Some(backfill_checksums),
    },
    Migration {
        sql: PROJECT_LINKS,
        then: None,
    },
    // 7: the web intake's accounts, sessions and audit log (see accounts.rs).
    Migration {
        sql: accounts::ACCOUNTS,
        then: None,
    },
    // 8: each return's projects' normalised 项目名称|投资方 (the cross-unit rule's keys),
    // kept with the submission rather than worked out again from every project of the
    // month at every upload; computed here for the returns stored before.
    Migration {
        sql: "",
        then: Some(backfill_cross_keys),
    },
    // 9: a county's answers to a held return's question (see accounts.rs).
    Migration {
        sql: accounts::HELD_ANSWERS,
        then: None,
    },
    // 10: the project register of the months before the latest, kept so that `build`
    // need not read them again (aggregate/register/checkpoint.rs). Derived data: a row
    // is used only when its fingerprint is the one the archive gives at that moment.
    Migration {
        sql: REGISTER_CHECKPOINT,
        then: None,
    },
];

/// 10: the register checkpoint (one row: the latest written replaces the others). `IF NOT
/// EXISTS`: an archive rolled back to an earlier schema version keeps it, and its
/// fingerprint still decides whether it is used.
const REGISTER_CHECKPOINT: &str = "
    CREATE TABLE IF NOT EXISTS register_checkpoint (
        before_period TEXT PRIMARY KEY,  -- the register of every counted month before this
        fingerprint   TEXT NOT NULL,     -- of the returns, links and code it was built from
        data_sha256   TEXT NOT NULL,     -- of data, checked when it is read
        data          BLOB NOT NULL
    );
";

/// 6: the clerk's links between two entries of the project register (项目库) that are one
/// project (`tongbao projects link`), e.g. a project renamed without 「原名」 in 备注. A link
/// is kept when undone (`unlinked_at` set), so that who did what stays on record. (`IF NOT
/// EXISTS`: an archive rolled back to an earlier schema version keeps its links.)
const PROJECT_LINKS: &str = "
    CREATE TABLE IF NOT EXISTS project_link (
        id          INTEGER PRIMARY KEY,
        earlier     TEXT NOT NULL,   -- register id of the entry whose history is kept
        later       TEXT NOT NULL,   -- register id of the entry that joins it
        linked_at   TEXT NOT NULL,   -- RFC 3339, UTC
        linked_by   TEXT,            -- who linked them, when known
        note        TEXT,            -- the clerk's explanation
        unlinked_at TEXT,            -- when undone (it no longer applies); NULL while it does
        unlinked_by TEXT,
        unlink_note TEXT
    );
    -- An entry joins one project at a time.
    CREATE UNIQUE INDEX IF NOT EXISTS project_link_later ON project_link(later) WHERE unlinked_at IS NULL;
";

/// Migration 3: returns held for verification (核实) and their confirmations; a file sent
/// again after a correction (A, B, then A) recorded as a new version whose bytes are the
/// earlier copy's; diagnostics' arguments kept, so a receipt can be made again from the
/// archive alone.
///
/// A held return is stored with status `accepted` (no error) and `hold = 'held'`: it is its
/// unit's current version but not counted until `hold = 'confirmed'`. (SQLite cannot widen
/// the status column's CHECK without rebuilding the table.)
const HOLDS_AND_RESENDS: &str = "
    ALTER TABLE submission ADD COLUMN hold TEXT CHECK (hold IN ('held', 'confirmed'));
    ALTER TABLE submission ADD COLUMN same_bytes_as INTEGER REFERENCES submission(id);
    CREATE TABLE confirmation (
        submission_id INTEGER NOT NULL REFERENCES submission(id),
        confirmed_at  TEXT    NOT NULL,   -- RFC 3339, UTC
        note          TEXT    NOT NULL    -- the clerk's explanation, printed in the data notes
    );
    ALTER TABLE diagnostic ADD COLUMN args_json TEXT;
    -- The figures the return does not state (JSON of model::Unstated; NULL: all stated).
    ALTER TABLE submission ADD COLUMN unstated TEXT;
    -- When the file was last written (ns since 1970), when known: tells a version sent
    -- again (a newer file) from the same inbox read twice (the same, older files).
    ALTER TABLE submission ADD COLUMN file_modified INTEGER;
";

/// The submissions that count: accepted, current, and not held for verification.
const COUNTED: &str =
    "s.status = 'accepted' AND s.superseded_by IS NULL AND (s.hold IS NULL OR s.hold = 'confirmed')";

/// 4: where each return's ledger was read — its sheet, and the column each field came
/// from — so that every figure can be traced to its cells (`tongbao explain`, the
/// workbook's 项目总表). Returns stored before have neither and are traced to their rows.
const LEDGER_PLACE_MIGRATION: &str = "ALTER TABLE submission ADD COLUMN ledger_sheet TEXT;
     CREATE TABLE ledger_column (
         submission_id INTEGER NOT NULL REFERENCES submission(id),
         field         TEXT    NOT NULL,  -- the column's title in return-format v1
         col           INTEGER NOT NULL,  -- zero-based
         PRIMARY KEY (submission_id, field)
     ) WITHOUT ROWID;";

/// How long a writer waits for another one to finish.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Settles SQLite's process-wide settings; called by the binary first thing, before any
/// archive is opened (SQLite takes them only before its first connection, and ignores
/// them after, so a library caller that never calls it loses only speed).
///
/// SQLite counts every allocation in statistics kept behind one process-wide mutex.
/// Nothing here reads them, and a batch's threads, each on a connection of its own,
/// queued on that mutex: 170 of the province ingest's waits (`perf record -e
/// sched:sched_switch`, BENCHMARKS.md).
pub fn configure_sqlite() {
    // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int; sqlite3_config only refuses
    // (SQLITE_MISUSE) once SQLite is initialised, which leaves the setting as it was.
    unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
    }
}

/// Why the archive could not be used. Shown in the reader's language with
/// [`ArchiveError::message`]; `Display` is the Chinese text.
#[derive(Debug)]
pub enum ArchiveError {
    /// Another writer holds the lock.
    Busy { path: PathBuf, waited: u64 },
    /// Written by a newer tongbao.
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// SQLite refused (disk full, not a database, locked, read-only, …).
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A stored value that cannot be typed again.
    Corrupt(String),
    /// There is no archive file (a reader never creates one).
    Missing { path: PathBuf },
    /// The file is empty (0 bytes) or holds no archive tables.
    Empty { path: PathBuf },
    /// A submission's rows no longer match the checksum stored with them.
    Mismatch {
        path: PathBuf,
        unit_code: Option<String>,
        period: Option<Period>,
        version: Option<i64>,
        file_name: String,
    },
    /// The archive is missing or empty although backups of it exist: a writer does not
    /// start a fresh one over a lost archive.
    Lost { path: PathBuf, newest: PathBuf },
    /// A backup copy could not be written.
    Backup {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The copy would be written over the archive itself (`tongbao backup tongbao.db`).
    BackupOntoArchive { path: PathBuf },
    /// A temporary file beside the archive `path` could not be written or read back.
    Scratch {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ArchiveError {
    /// The archive file the error is about, when known.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ArchiveError::Busy { path, .. }
            | ArchiveError::TooNew { path, .. }
            | ArchiveError::Sql { path, .. }
            | ArchiveError::Missing { path }
            | ArchiveError::Empty { path }
            | ArchiveError::Mismatch { path, .. }
            | ArchiveError::Lost { path, .. } => Some(path),
            ArchiveError::BackupOntoArchive { path } | ArchiveError::Scratch { path, .. } => {
                Some(path)
            }
            ArchiveError::Lock { .. } | ArchiveError::Corrupt(_) | ArchiveError::Backup { .. } => {
                None
            }
        }
    }

    /// What went wrong, what was stored and what to do, in `lang`; backups are looked for
    /// in the default folder beside the archive.
    pub fn message(&self, lang: Lang) -> String {
        let backups = self
            .path()
            .map(backup::default_dir)
            .unwrap_or_else(|| PathBuf::from(backup::DEFAULT_DIR));
        self.message_with(lang, &backups, &|_| None)
    }

    /// As [`ArchiveError::message`], naming the workspace's backups folder and units by
    /// their roster names (`unit_name` maps a code to a name).
    pub fn message_with(
        &self,
        lang: Lang,
        backups: &Path,
        unit_name: &dyn Fn(&str) -> Option<String>,
    ) -> String {
        wording::archive_error(self, lang, backups, unit_name)
    }
}

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Zh))
    }
}

impl std::error::Error for ArchiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ArchiveError::Sql { source, .. } => Some(source),
            ArchiveError::Lock { source, .. } | ArchiveError::Backup { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// One file to store: what the batch made of it.
#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub unit_code: Option<&'a str>,
    pub period: Option<Period>,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
    /// Accepted and held returns store their rows and become current; rejected ones are
    /// kept for the record only.
    pub verdict: Verdict,
    pub header: &'a ReturnHeader,
    pub projects: &'a [Project],
    /// [`Project::identity`] of each of `projects`, in order, as the caller computed it.
    pub identities: &'a [String],
    /// [`Project::cross_unit_key`] of each of `projects`, in order: kept with the
    /// submission, one per line, for the cross-unit rule.
    pub cross_keys: &'a [String],
    pub indicators: &'a [ReportedIndicator],
    pub diagnostics: &'a [Diagnostic],
    /// RFC 3339 time of receipt.
    pub received_at: &'a str,
    /// When the file was last written (ns since 1970), when known.
    pub file_modified: Option<i64>,
    /// The ledger the projects were read from: its sheet and columns are stored.
    pub ledger: Option<&'a Ledger>,
}

/// What storing a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A first accepted version, or a rejected one (kept, not current).
    New { id: i64, version: Option<i64> },
    /// An accepted version that supersedes `previous` (its id).
    Superseded {
        id: i64,
        version: i64,
        previous: i64,
    },
    /// An earlier, superseded version sent again (A, B, then A): stored as version
    /// `version`, sharing the bytes of `same_as` (an id), and current again.
    Resent {
        id: i64,
        version: i64,
        previous: Option<i64>,
        same_as: i64,
    },
    /// The same bytes were already stored for this unit and period (or unkeyed).
    Duplicate { id: i64, version: Option<i64> },
}

/// One submission as the status view needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionInfo {
    pub id: i64,
    pub unit_code: Option<String>,
    pub period: Option<Period>,
    pub version: Option<i64>,
    pub file_name: String,
    pub sha256: String,
    pub received_at: String,
    /// `Accepted` for a counted return (a held one once confirmed), `Held` while it waits
    /// for verification, `Rejected`.
    pub verdict: Verdict,
    pub superseded_by: Option<i64>,
    /// The figures the return does not state.
    pub unstated: Unstated,
    pub errors: i64,
    pub warnings: i64,
}

/// A stored return, read back for aggregation and the archive rules.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReturn {
    pub info: SubmissionInfo,
    pub projects: Vec<Project>,
    pub indicators: Vec<ReportedIndicator>,
    /// Warnings stored with it, rendered in both languages: (code, place, zh, en).
    pub warnings: Vec<StoredDiagnostic>,
    /// Where its ledger was read.
    pub ledger: LedgerPlace,
}

/// Where a stored return's ledger was read: the sheet, and the zero-based column of each
/// field. Empty for returns archived before tongbao kept it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerPlace {
    pub sheet: Option<String>,
    pub columns: BTreeMap<Field, u32>,
}

impl LedgerPlace {
    /// The A1 address (`K7`) of `field` on zero-based sheet `row`, when the column is known.
    pub fn cell(&self, row: u32, field: Field) -> Option<String> {
        self.columns.get(&field).map(|&col| a1(row, col))
    }
}

/// A diagnostic as stored: rendered text in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDiagnostic {
    pub severity: String,
    pub code: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub value: Option<String>,
    pub message_zh: String,
    pub message_en: String,
}

impl StoredDiagnostic {
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }
}

/// The clerk's confirmation of a return held for verification.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    pub unit_code: String,
    pub version: i64,
    /// RFC 3339, UTC.
    pub confirmed_at: String,
    pub note: String,
}

/// The clerk's link between two entries of the project register: `later` joins `earlier`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLink {
    pub id: i64,
    /// The register id of the entry whose history is kept.
    pub earlier: String,
    /// The register id of the entry whose reports join it.
    pub later: String,
    /// RFC 3339, UTC.
    pub linked_at: String,
    pub linked_by: Option<String>,
    pub note: Option<String>,
}

/// Who undid a link, when and why.
#[derive(Debug, Clone, Copy)]
pub struct Unlinking<'a> {
    /// RFC 3339, UTC.
    pub at: &'a str,
    pub by: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// An open archive.
pub struct Archive {
    conn: Connection,
    path: PathBuf,
    _lock: Option<File>,
}

impl Archive {
    /// Opens (creating and migrating if needed) the archive for reading and writing, after
    /// taking the writers' lock.
    pub fn open_for_writing(path: &Path) -> Result<Archive, ArchiveError> {
        Archive::open_for_writing_within(path, LOCK_WAIT)
    }

    /// As [`Archive::open_for_writing`], waiting at most `wait` for another writer.
    pub fn open_for_writing_within(path: &Path, wait: Duration) -> Result<Archive, ArchiveError> {
        let lock = take_lock(path, wait)?;
        let mut a = Archive::open_inner(path)?;
        a._lock = Some(lock);
        Ok(a)
    }

    /// Whether the file at `path` is an archive of this version's schema: opening it then
    /// writes nothing (no file made, no migration). Read only; false on any doubt.
    pub fn is_current(path: &Path) -> bool {
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0) {
            return false;
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let Ok(conn) = Connection::open_with_flags(path, flags) else {
            return false;
        };
        let _ = conn.busy_timeout(LOCK_WAIT);
        let version = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0));
        let journal = conn.pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0));
        matches!(version, Ok(v) if v == MIGRATIONS.len() as i64)
            && journal.is_ok_and(|j| j.eq_ignore_ascii_case("wal"))
    }

    /// Opens an existing archive to read (migrating it if it is older). Never creates a
    /// file: a missing archive is [`ArchiveError::Missing`], an empty one (0 bytes, or no
    /// archive tables) [`ArchiveError::Empty`] — reading either as "no returns" would
    /// publish a bulletin where every unit is missing.
    pub fn open_for_reading(path: &Path) -> Result<Archive, ArchiveError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ArchiveError::Missing {
                    path: path.to_path_buf(),
                })
            }
            Ok(m) if m.is_file() && m.len() == 0 => {
                return Err(ArchiveError::Empty {
                    path: path.to_path_buf(),
                })
            }
            // Other cases (a folder, no permission) are SQLite's to report on opening.
            _ => {}
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| ArchiveError::Sql {
                path: path.to_path_buf(),
                source,
            })?;
        Archive::prepare(conn, path, false)
    }

    fn open_inner(path: &Path) -> Result<Archive, ArchiveError> {
        let conn = Connection::open(path).map_err(|source| ArchiveError::Sql {
            path: path.to_path_buf(),
            source,
        })?;
        Archive::prepare(conn, path, true)
    }

    /// Sets a new connection up and brings its schema up to date; `create` makes the
    /// tables of a new archive, otherwise a file without them is [`ArchiveError::Empty`].
    fn prepare(conn: Connection, path: &Path, create: bool) -> Result<Archive, ArchiveError> {
        let sql = |source| ArchiveError::Sql {
            path: path.to_path_buf(),
            source,
        };
        conn.busy_timeout(LOCK_WAIT).map_err(sql)?;
        if !create {
            // Before any pragma that could write: a file without our tables stays as it is.
            let tables: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'submission'",
                    [],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            if tables == 0 {
                return Err(ArchiveError::Empty {
                    path: path.to_path_buf(),
                });
            }
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql)?;
        let mut a = Archive {
            conn,
            path: path.to_path_buf(),
            _lock: None,
        };
        a.migrate()?;
        Ok(a)
    }

    /// The archive file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open connection (for the backup copy).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> ArchiveError + '_ {
        move |source| ArchiveError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    fn migrate(&mut self) -> Result<(), ArchiveError> {
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sql {
            path: path.clone(),
            source,
        };
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql)?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(ArchiveError::TooNew {
                path: path.clone(),
                found: version,
                supported,
            });
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction().map_err(sql)?;
            tx.execute_batch(m.sql).map_err(sql)?;
            if let Some(then) = m.then {
                then(&tx, &path)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
        }
        Ok(())
    }

    /// Starts a group of stores written in one transaction, committed by
    /// [`Archive::commit_group`] (each store is still all or nothing within it). A batch
    /// stores its files in groups, each group committed before its files are answered: a
    /// commit per file wrote the pages every file touches again each time (a province's
    /// month wrote 11,000 pages to the log for 4,200 of data). Nothing when one is open.
    pub fn begin_group(&mut self) -> Result<(), ArchiveError> {
        if self.conn.is_autocommit() {
            // Each store's savepoint keeps what it would undo in memory (a few pages),
            // not in a temporary file: in files, a province's month wrote 14,700 pages to
            // the temporary folder.
            self.conn
                .execute_batch(
                    "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384; BEGIN IMMEDIATE",
                )
                .map_err(self.sql())?;
        }
        Ok(())
    }

    /// Commits the group [`Archive::begin_group`] started; nothing when none is open. A
    /// group never committed (the batch stopped) is rolled back when the archive is
    /// closed.
    pub fn commit_group(&mut self) -> Result<(), ArchiveError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT").map_err(self.sql())?;
        }
        Ok(())
    }

    /// Stores one submission in one transaction (a savepoint of the group's, when one is
    /// open: [`Archive::begin_group`]).
    pub fn store(&mut self, s: &NewSubmission) -> Result<Stored, ArchiveError> {
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sql {
            path: path.clone(),
            source,
        };
        let tx = if self.conn.is_autocommit() {
            Tx::Own(
                self.conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(sql)?,
            )
        } else {
            Tx::InGroup(self.conn.savepoint().map_err(sql)?)
        };
        let period = s.period.map(|p| p.to_string());
        let keyed = s.unit_code.is_some() && s.period.is_some();
        let counts = s.verdict != Verdict::Rejected;
        // The unit's current version (counted or held), which a new one supersedes, and
        // when its file was written.
        let (current, current_modified): (Option<i64>, Option<i64>) = if keyed {
            tx.query_row(
                "SELECT id, file_modified FROM submission WHERE unit_code = ?1 AND period = ?2 AND status = 'accepted' AND superseded_by IS NULL",
                params![s.unit_code, period],
                |r| Ok((Some(r.get(0)?), r.get(1)?)),
            )
            .optional()
            .map_err(sql)?
            .unwrap_or((None, None))
        } else {
            (None, None)
        };
        // The same bytes for the same unit and period. Nothing to do when they are the
        // current version, were rejected, or the file names no unit or period; but an
        // earlier version sent again after a correction (A, B, then A) means the county
        // withdrew the correction: it becomes the current version again, stored as a new
        // version that shares the earlier copy's bytes. A file older than the current
        // version's is not sent again but read again (an inbox holding A and B ingested
        // twice): nothing to do either, so a second run changes nothing.
        let dup: Option<(i64, Option<i64>, String)> = tx
            .query_row(
                "SELECT id, version, status FROM submission WHERE sha256 = ?1 AND unit_code IS ?2 AND period IS ?3 ORDER BY id DESC LIMIT 1",
                params![s.sha256, s.unit_code, period],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(sql)?;
        let mut same_bytes_as = None;
        if let Some((id, version, status)) = dup {
            let older = matches!((s.file_modified, current_modified), (Some(m), Some(c)) if m <= c);
            if !keyed || !counts || status != "accepted" || current == Some(id) || older {
                return Ok(Stored::Duplicate { id, version });
            }
            same_bytes_as = Some(id);
        }
        let version: Option<i64> = if keyed {
            let max: Option<i64> = tx
                .query_row(
                    "SELECT MAX(version) FROM submission WHERE unit_code = ?1 AND period = ?2",
                    params![s.unit_code, period],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            Some(max.unwrap_or(0) + 1)
        } else {
            None
        };
        let previous = current.filter(|_| counts);
        let header_json =
            serde_json::to_string(s.header).map_err(|e| ArchiveError::Corrupt(e.to_string()))?;
        let key = checksum::Key {
            unit_code: s.unit_code,
            period: period.as_deref(),
            version,
        };
        let rows_sha256 = checksum::rows(key, s.projects, s.indicators);
        let figures_sha256 = checksum::figures(key, s.projects);
        tx.execute(
            "INSERT INTO submission (unit_code, period, version, file_name, sha256, received_at, status, header_json, bytes,
                                     hold, same_bytes_as, unstated, file_modified, rows_sha256, figures_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                s.unit_code,
                period,
                version,
                s.file_name,
                s.sha256,
                s.received_at,
                if counts { "accepted" } else { "rejected" },
                header_json,
                // One copy of the bytes: a resent version points at the first.
                if same_bytes_as.is_some() { &[][..] } else { s.bytes },
                (s.verdict == Verdict::Held).then_some("held"),
                same_bytes_as,
                (!s.header.unstated.is_empty())
                    .then(|| serde_json::to_string(&s.header.unstated).ok())
                    .flatten(),
                s.file_modified,
                rows_sha256,
                figures_sha256,
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        insert_children(&tx, id, s).map_err(sql)?;
        if let Some(ledger) = s.ledger {
            insert_ledger_place(&tx, id, ledger).map_err(sql)?;
        }
        if let Some(prev) = previous {
            tx.execute(
                "UPDATE submission SET superseded_by = ?1 WHERE id = ?2",
                params![id, prev],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(match (previous, version) {
            (previous, Some(version)) if same_bytes_as.is_some() => Stored::Resent {
                id,
                version,
                previous,
                same_as: same_bytes_as.unwrap_or(id),
            },
            (Some(previous), Some(version)) => Stored::Superseded {
                id,
                version,
                previous,
            },
            _ => Stored::New { id, version },
        })
    }

    /// Every submission for a period, oldest first.
    pub fn submissions(&self, period: Period) -> Result<Vec<SubmissionInfo>, ArchiveError> {
        self.query_infos(
            "WHERE s.period = ?1 ORDER BY s.id",
            params![period.to_string()],
        )
    }

    fn query_infos(
        &self,
        tail: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<SubmissionInfo>, ArchiveError> {
        let q = format!(
            "SELECT s.id, s.unit_code, s.period, s.version, s.file_name, s.sha256, s.received_at, s.status, s.superseded_by, s.hold, s.unstated,
                    (SELECT COUNT(*) FROM diagnostic d WHERE d.submission_id = s.id AND d.severity = 'error'),
                    (SELECT COUNT(*) FROM diagnostic d WHERE d.submission_id = s.id AND d.severity = 'warning')
             FROM submission s {tail}"
        );
        let mut stmt = self.conn.prepare_cached(&q).map_err(self.sql())?;
        let rows = stmt
            .query_map(p, |r| {
                let period: Option<String> = r.get(2)?;
                let status: String = r.get(7)?;
                let hold: Option<String> = r.get(9)?;
                Ok(SubmissionInfo {
                    id: r.get(0)?,
                    unit_code: r.get(1)?,
                    period: period.as_deref().and_then(Period::parse_canonical),
                    version: r.get(3)?,
                    file_name: r.get(4)?,
                    sha256: r.get(5)?,
                    received_at: r.get(6)?,
                    verdict: match (status.as_str(), hold.as_deref()) {
                        ("accepted", Some("held")) => Verdict::Held,
                        ("accepted", _) => Verdict::Accepted,
                        _ => Verdict::Rejected,
                    },
                    superseded_by: r.get(8)?,
                    unstated: {
                        let json: Option<String> = r.get(10)?;
                        match json {
                            Some(j) => serde_json::from_str(&j).map_err(|e| {
                                rusqlite::Error::FromSqlConversionFailure(
                                    10,
                                    rusqlite::types::Type::Text,
                                    Box::new(e),
                                )
                            })?,
                            None => Unstated::default(),
                        }
                    },
                    errors: r.get(11)?,
                    warnings: r.get(12)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// Every project of the returns that count for `period`, as (unit code, the project's
    /// [`cross_unit_key`](crate::model::cross_unit_key)), in unit order: what
    /// W-PROJECT-ELSEWHERE compares a batch's returns with. Read from the keys kept with
    /// each submission (one narrow row per return): reading the month back whole for it
    /// (every column, findings, checksums, the keys worked out again) made a month of web
    /// uploads cost the square of its units. The rows' checksums are verified where
    /// figures are counted; a warning's rule reads the keys only.
    pub fn cross_unit_keys(&self, period: Period) -> Result<Vec<(String, String)>, ArchiveError> {
        self.cross_keys_where(period, |_| true)
    }

    /// [`Archive::cross_unit_keys`] of the given keys only: what one return (a web upload,
    /// a file `watch` takes) is compared with, without an index of the month.
    pub fn reporters_of(
        &self,
        period: Period,
        keys: &[String],
    ) -> Result<Vec<(String, String)>, ArchiveError> {
        let wanted: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
        self.cross_keys_where(period, |key| wanted.contains(key))
    }

    /// The (unit code, key) pairs of the month's counted returns whose key passes `keep`.
    fn cross_keys_where(
        &self,
        period: Period,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<(String, String)>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT COALESCE(s.unit_code, ''), s.cross_keys FROM submission s
                 WHERE s.period = ?1 AND {COUNTED} AND s.cross_keys IS NOT NULL
                 ORDER BY s.unit_code, s.id"
            ))
            .map_err(self.sql())?;
        let mut rows = stmt
            .query(params![period.to_string()])
            .map_err(self.sql())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(self.sql())? {
            let code: String = row.get(0).map_err(self.sql())?;
            let keys = row.get_ref(1).map_err(self.sql())?;
            let keys = keys.as_str().map_err(|e| self.sql()(e.into()))?;
            for key in keys.split('\n').filter(|k| keep(k)) {
                out.push((code.clone(), key.to_string()));
            }
        }
        Ok(out)
    }

    /// The current (latest accepted) return of every unit for a period, by unit code.
    pub fn current_returns(&self, period: Period) -> Result<Vec<StoredReturn>, ArchiveError> {
        // A national month is 600,000 projects; a city's is read faster than a second
        // connection opens.
        self.current_returns_split(period, 256)
    }

    /// [`Archive::current_returns`], loading the returns in two halves at once when there
    /// are at least `split_from` of them, the second half on a connection of its own
    /// (readers never wait for each other). The order is the same either way.
    pub fn current_returns_split(
        &self,
        period: Period,
        split_from: usize,
    ) -> Result<Vec<StoredReturn>, ArchiveError> {
        let mut infos = self.current_infos(period)?;
        if infos.len() < split_from.max(2) {
            return infos.into_iter().map(|i| self.load_return(i)).collect();
        }
        let second = infos.split_off(infos.len() / 2);
        let other = Archive::open_for_reading(&self.path)?;
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(move || {
                second
                    .into_iter()
                    .map(|i| other.load_return(i))
                    .collect::<Result<Vec<_>, _>>()
            });
            let first = infos
                .into_iter()
                .map(|i| self.load_return(i))
                .collect::<Result<Vec<_>, _>>();
            (first, second.join())
        });
        let mut all = first?;
        all.extend(second.map_err(|_| ArchiveError::Corrupt("a loading thread panicked".into()))??);
        Ok(all)
    }

    /// The counted submissions of every month before `before`, in the order the register
    /// adds them (period, unit, id), with the checksum of their rows: what a register
    /// checkpoint's fingerprint is made of.
    pub fn counted_before(
        &self,
        before: Period,
    ) -> Result<Vec<(i64, Option<String>)>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT s.id, s.rows_sha256 FROM submission s
                 WHERE s.period IS NOT NULL AND s.unit_code IS NOT NULL AND s.period < ?1 AND {COUNTED}
                 ORDER BY s.period, s.unit_code, s.id"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([before.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        Ok(rows)
    }

    /// The register checkpoint, given to `read` as its period, its fingerprint, its length
    /// and its data as a stream (a national checkpoint is 300 MB: read whole, it was the
    /// largest part of `build`'s peak). What `read` makes of it is returned only when the
    /// data it was given, read to the end, are the row's whole data with their recorded
    /// sha256: a damaged row, or one replaced while it was read, is as good as none.
    pub fn with_register_checkpoint<T>(
        &self,
        read: impl FnOnce(Period, &str, usize, &mut dyn std::io::Read) -> Option<T>,
    ) -> Result<Option<T>, ArchiveError> {
        let row = self
            .conn
            .query_row(
                "SELECT rowid, before_period, fingerprint, data_sha256, typeof(data), length(data)
                 FROM register_checkpoint ORDER BY before_period DESC LIMIT 1",
                [],
                |r| {
                    // A value of another type is a damaged row: as good as none.
                    let text = |i| {
                        r.get_ref(i)
                            .ok()
                            .and_then(|v| v.as_str().ok())
                            .map(str::to_string)
                    };
                    Ok((
                        r.get::<_, i64>(0)?,
                        text(1).as_deref().and_then(Period::parse_canonical),
                        text(2),
                        text(3),
                        text(4).is_some_and(|t| t == "blob"),
                        r.get::<_, Option<i64>>(5)?,
                    ))
                },
            )
            .optional()
            .map_err(self.sql())?;
        let Some((rowid, Some(before), Some(fingerprint), Some(sha), true, Some(len))) = row else {
            return Ok(None);
        };
        let Ok(len) = usize::try_from(len) else {
            return Ok(None);
        };
        // The row may have been replaced since: then its blob cannot be opened, or its
        // bytes do not match the checksum read with it.
        let Ok(blob) = self.conn.blob_open(
            rusqlite::MAIN_DB,
            "register_checkpoint",
            "data",
            rowid,
            true,
        ) else {
            return Ok(None);
        };
        let mut data = checksum::Hashing::new(blob);
        let Some(made) = read(before, &fingerprint, len, &mut data) else {
            return Ok(None);
        };
        Ok(data.finish_hex().is_some_and(|h| h == sha).then_some(made))
    }

    /// Whether the register checkpoint of the months before `before` has `fingerprint`.
    pub fn has_register_checkpoint(
        &self,
        before: Period,
        fingerprint: &str,
    ) -> Result<bool, ArchiveError> {
        self.conn
            .query_row(
                "SELECT 1 FROM register_checkpoint WHERE before_period = ?1 AND fingerprint = ?2",
                params![before.to_string(), fingerprint],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(self.sql())
    }

    /// Keeps `data` (`len` bytes whose sha256 is `sha256`, streamed in) as the register
    /// checkpoint of the months before `before`, in place of any other; the earlier one
    /// stays when fewer bytes come.
    pub fn put_register_checkpoint(
        &mut self,
        before: Period,
        fingerprint: &str,
        sha256: &str,
        len: u64,
        data: &mut dyn std::io::Read,
    ) -> Result<(), ArchiveError> {
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sql {
            path: path.clone(),
            source,
        };
        let scratch = |source| ArchiveError::Scratch {
            path: self.path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute("DELETE FROM register_checkpoint", [])
            .map_err(sql)?;
        // The row is made with room for the data, which are then streamed into it (a
        // national checkpoint is 300 MB: not held in memory to be bound as a value).
        tx.execute(
            "INSERT INTO register_checkpoint (before_period, fingerprint, data_sha256, data)
             VALUES (?1, ?2, ?3, zeroblob(?4))",
            params![
                before.to_string(),
                fingerprint,
                sha256,
                i64::try_from(len).unwrap_or(i64::MAX)
            ],
        )
        .map_err(sql)?;
        let rowid = tx.last_insert_rowid();
        {
            let mut blob = tx
                .blob_open(
                    rusqlite::MAIN_DB,
                    "register_checkpoint",
                    "data",
                    rowid,
                    false,
                )
                .map_err(sql)?;
            let copied = std::io::copy(data, &mut blob).map_err(scratch)?;
            if copied != len {
                // Dropped uncommitted: the archive keeps the checkpoint it had.
                return Err(scratch(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("{copied} of {len} bytes"),
                )));
            }
        }
        tx.commit().map_err(sql)
    }

    /// The current accepted submissions for `period`, in unit order (a unit's later
    /// submission after its earlier).
    fn current_infos(&self, period: Period) -> Result<Vec<SubmissionInfo>, ArchiveError> {
        self.query_infos(
            &format!("WHERE s.period = ?1 AND {COUNTED} ORDER BY s.unit_code, s.id"),
            params![period.to_string()],
        )
    }

    /// Hands the figures of each current accepted return for `period` to `f` — the
    /// figures its ledger gives for report month `figures_for` — one return at a time, in
    /// unit order (a unit's later submission after its earlier), so that a whole month is
    /// never held at once. Only the columns the figures are derived from are
    /// read (no names, investors or notes), which is what the bulletin needs of last
    /// year's returns and of the trend's months: a third of the work of loading them.
    pub fn each_current_figures(
        &self,
        period: Period,
        figures_for: Period,
        mut f: impl FnMut(&SubmissionInfo, PeriodFigures),
    ) -> Result<(), ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT row, stage, funds_source, signed_on, contract_amount, started_on,
                        funds_month, funds_ytd, fdi_month, fdi_ytd
                 FROM project WHERE submission_id = ?1 ORDER BY row",
            )
            .map_err(self.sql())?;
        let mut ledger = Vec::new();
        for info in self.current_infos(period)? {
            ledger.clear();
            match self.read_ledger(&mut stmt, &info, &mut ledger) {
                Ok(()) => {}
                Err(ArchiveError::Corrupt(_)) => return Err(self.mismatch(&info)),
                Err(e) => return Err(e),
            }
            let stored = self.stored_checksums(info.id)?.1;
            if stored.as_deref() != Some(&checksum::figures(key_of(&info).as_key(), &ledger)) {
                return Err(self.mismatch(&info));
            }
            let figures = PeriodFigures::from_ledger(&ledger, figures_for);
            f(&info, figures.with_unstated(&info.unstated));
        }
        Ok(())
    }

    /// The figure columns of one submission's projects, into `ledger`.
    fn read_ledger(
        &self,
        stmt: &mut rusqlite::CachedStatement,
        info: &SubmissionInfo,
        ledger: &mut Vec<Project>,
    ) -> Result<(), ArchiveError> {
        {
            let mut rows = stmt.query([info.id]).map_err(self.sql())?;
            while let Some(r) = rows.next().map_err(self.sql())? {
                let column = |e| self.sql()(e);
                let stage = text_req(r, 1).map_err(column)?;
                let funds_source = text_ref(r, 2).map_err(column)?;
                ledger.push(Project {
                    row: r.get(0).map_err(column)?,
                    id: None,
                    name: String::new(),
                    investor: String::new(),
                    origin: None,
                    funds_source: funds_source.map(typed_funds_source).transpose()?,
                    industry: Arc::from(""),
                    kind: None,
                    stage: typed_stage(stage)?,
                    signed_on: typed_date(text_ref(r, 3).map_err(column)?)?,
                    contract_amount: r.get::<_, Option<i64>>(4).map_err(column)?.map(Wan),
                    contract_fdi: UsdWan(0),
                    started_on: typed_date(text_ref(r, 5).map_err(column)?)?,
                    funds_month: Wan(r.get(6).map_err(column)?),
                    funds_ytd: Wan(r.get(7).map_err(column)?),
                    fdi_month: UsdWan(r.get(8).map_err(column)?),
                    fdi_ytd: UsdWan(r.get(9).map_err(column)?),
                    fortune500: None,
                    note: None,
                });
            }
        }
        Ok(())
    }

    /// The checksums stored with a submission: (rows, figures).
    fn stored_checksums(&self, id: i64) -> Result<(Option<String>, Option<String>), ArchiveError> {
        self.conn
            .prepare_cached("SELECT rows_sha256, figures_sha256 FROM submission WHERE id = ?1")
            .and_then(|mut stmt| stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))
            .map_err(self.sql())
    }

    fn mismatch(&self, info: &SubmissionInfo) -> ArchiveError {
        ArchiveError::Mismatch {
            path: self.path.clone(),
            unit_code: info.unit_code.clone(),
            period: info.period,
            version: info.version,
            file_name: info.file_name.clone(),
        }
    }

    /// Every submission in the archive, oldest first.
    pub fn all_submissions(&self) -> Result<Vec<SubmissionInfo>, ArchiveError> {
        self.query_infos("ORDER BY s.id", [])
    }

    /// A submission's stored projects and indicators as they are, without checking them
    /// against its checksum (for `tongbao verify`, which reports rather than refuses).
    pub fn stored_rows(
        &self,
        info: &SubmissionInfo,
    ) -> Result<(Vec<Project>, Vec<ReportedIndicator>), ArchiveError> {
        let sql = self.sql();
        Ok((
            read_projects(&self.conn, info.id, &sql)?,
            read_indicators(&self.conn, info.id, &sql)?,
        ))
    }

    /// Whether a submission's stored rows still give the checksums stored with them.
    pub fn checksums_agree(
        &self,
        info: &SubmissionInfo,
        projects: &[Project],
        indicators: &[ReportedIndicator],
    ) -> Result<bool, ArchiveError> {
        let (rows, figures) = self.stored_checksums(info.id)?;
        let key = key_of(info);
        Ok(
            rows.as_deref() == Some(&checksum::rows(key.as_key(), projects, indicators))
                && figures.as_deref() == Some(&checksum::figures(key.as_key(), projects)),
        )
    }

    /// The current return of one unit for a period.
    pub fn current_return(
        &self,
        unit_code: &str,
        period: Period,
    ) -> Result<Option<StoredReturn>, ArchiveError> {
        let mut infos = self.query_infos(
            &format!("WHERE s.period = ?1 AND s.unit_code = ?2 AND {COUNTED}"),
            params![period.to_string(), unit_code],
        )?;
        match infos.pop() {
            Some(info) => self.load_return(info).map(Some),
            None => Ok(None),
        }
    }

    /// The current versions of a period that are held for verification (核实), by unit.
    pub fn held(&self, period: Period) -> Result<Vec<SubmissionInfo>, ArchiveError> {
        self.query_infos(
            "WHERE s.period = ?1 AND s.status = 'accepted' AND s.superseded_by IS NULL AND s.hold = 'held' ORDER BY s.unit_code",
            params![period.to_string()],
        )
    }

    /// The findings a held submission is held for (its `V-…` diagnostics).
    pub fn hold_reasons(&self, id: i64) -> Result<Vec<StoredDiagnostic>, ArchiveError> {
        self.stored_diagnostics(id, "hold")
    }

    /// Confirms the unit's current held return for `period` with the clerk's explanation:
    /// from now on it counts. `None` when the unit has no held return for that period.
    pub fn confirm(
        &mut self,
        unit_code: &str,
        period: Period,
        note: &str,
        confirmed_at: &str,
    ) -> Result<Option<SubmissionInfo>, ArchiveError> {
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM submission WHERE unit_code = ?1 AND period = ?2 AND status = 'accepted' AND superseded_by IS NULL AND hold = 'held'",
                params![unit_code, period.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        let Some(id) = id else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE submission SET hold = 'confirmed' WHERE id = ?1",
            [id],
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT INTO confirmation (submission_id, confirmed_at, note) VALUES (?1, ?2, ?3)",
            params![id, confirmed_at, note],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        let mut info = self.query_infos("WHERE s.id = ?1", [id])?;
        Ok(info.pop())
    }

    /// The clerk's confirmations of the period's counted returns, by unit.
    pub fn confirmations(&self, period: Period) -> Result<Vec<Confirmation>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT s.unit_code, s.version, c.confirmed_at, c.note
                 FROM confirmation c JOIN submission s ON s.id = c.submission_id
                 WHERE s.period = ?1 AND {COUNTED} ORDER BY s.unit_code, c.rowid"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([period.to_string()], |r| {
                Ok(Confirmation {
                    unit_code: r.get(0)?,
                    version: r.get(1)?,
                    confirmed_at: r.get(2)?,
                    note: r.get(3)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// The links in force between entries of the project register, oldest first.
    pub fn project_links(&self) -> Result<Vec<ProjectLink>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, earlier, later, linked_at, linked_by, note FROM project_link
                 WHERE unlinked_at IS NULL ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ProjectLink {
                    id: r.get(0)?,
                    earlier: r.get(1)?,
                    later: r.get(2)?,
                    linked_at: r.get(3)?,
                    linked_by: r.get(4)?,
                    note: r.get(5)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// Records that the register entry `link.later` is the project `link.earlier` (its
    /// `id` is ignored); returns the new link's id.
    pub fn link_projects(&mut self, link: &ProjectLink) -> Result<i64, ArchiveError> {
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        tx.execute(
            "INSERT INTO project_link (earlier, later, linked_at, linked_by, note)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                link.earlier,
                link.later,
                link.linked_at,
                link.linked_by,
                link.note
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// Undoes the link `id` (kept on record with who, when and why); `false` when no such
    /// link is in force.
    pub fn unlink_projects(&mut self, id: i64, u: Unlinking) -> Result<bool, ArchiveError> {
        let changed = self
            .conn
            .execute(
                "UPDATE project_link SET unlinked_at = ?2, unlinked_by = ?3, unlink_note = ?4
                 WHERE id = ?1 AND unlinked_at IS NULL",
                params![id, u.at, u.by, u.note],
            )
            .map_err(self.sql())?;
        Ok(changed == 1)
    }

    /// The unit's current version for a period (counted or held), if any.
    pub fn current_version(
        &self,
        unit_code: &str,
        period: Period,
    ) -> Result<Option<i64>, ArchiveError> {
        self.conn
            .query_row(
                "SELECT version FROM submission WHERE unit_code = ?1 AND period = ?2 AND status = 'accepted' AND superseded_by IS NULL",
                params![unit_code, period.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())
    }

    /// The periods that have at least one counted return (accepted, current, not held for
    /// verification), oldest first: the months the project register (项目库) follows.
    pub fn counted_periods(&self) -> Result<Vec<Period>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT DISTINCT s.period FROM submission s
                 WHERE s.period IS NOT NULL AND {COUNTED} ORDER BY s.period"
            ))
            .map_err(self.sql())?;
        let texts = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        texts
            .into_iter()
            .map(|t| {
                Period::parse_canonical(&t)
                    .ok_or_else(|| ArchiveError::Corrupt(format!("stored period {t:?}")))
            })
            .collect()
    }

    /// One submission, by id.
    pub fn submission(&self, id: i64) -> Result<Option<SubmissionInfo>, ArchiveError> {
        Ok(self.query_infos("WHERE s.id = ?1", [id])?.pop())
    }

    /// The latest submission with these bytes, if any.
    pub fn latest_with_sha256(&self, sha256: &str) -> Result<Option<i64>, ArchiveError> {
        self.conn
            .query_row(
                "SELECT MAX(id) FROM submission WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .map_err(self.sql())
    }

    /// Every diagnostic stored with a submission, as it was found (so a receipt can be
    /// made again from the archive alone); `None` when one of them was stored before
    /// their arguments were kept (archives from before migration 3).
    pub fn diagnostics_of(&self, id: i64) -> Result<Option<Vec<Diagnostic>>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT code, sheet, cell, row, value, args_json FROM diagnostic
                 WHERE submission_id = ?1 ORDER BY rowid",
            )
            .map_err(self.sql())?;
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<u32>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = stmt
            .query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .map_err(self.sql())?
            .collect::<Result<_, _>>()
            .map_err(self.sql())?;
        let mut out = Vec::with_capacity(rows.len());
        for (code, sheet, cell, row, value, args) in rows {
            let (Some(code), Some(args)) = (Diagnostic::code_from_str(&code), args) else {
                return Ok(None);
            };
            let args: Vec<(String, String)> = serde_json::from_str(&args)
                .map_err(|e| ArchiveError::Corrupt(format!("diagnostic arguments: {e}")))?;
            out.push(Diagnostic {
                code,
                sheet,
                cell: cell.as_deref().and_then(crate::model::parse_a1),
                row: row.and_then(|r| r.checked_sub(1)),
                value,
                args: args.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            });
        }
        Ok(Some(out))
    }

    /// The version number of a submission.
    pub fn version_of(&self, id: i64) -> Result<Option<i64>, ArchiveError> {
        self.conn
            .query_row("SELECT version FROM submission WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(self.sql())
    }

    /// The original bytes of a submission (a resent version's are its first copy's).
    pub fn bytes(&self, id: i64) -> Result<Vec<u8>, ArchiveError> {
        self.conn
            .query_row(
                "SELECT COALESCE(o.bytes, s.bytes) FROM submission s
                 LEFT JOIN submission o ON o.id = s.same_bytes_as WHERE s.id = ?1",
                [id],
                |r| r.get(0),
            )
            .map_err(self.sql())
    }

    /// Loads a return for aggregation, checking its rows against the checksum stored with
    /// them: a row that cannot be typed again or no longer matches is
    /// [`ArchiveError::Mismatch`], never a silently different figure.
    fn load_return(&self, info: SubmissionInfo) -> Result<StoredReturn, ArchiveError> {
        let (projects, indicators) = match self.stored_rows(&info) {
            Ok(rows) => rows,
            Err(ArchiveError::Corrupt(_)) => return Err(self.mismatch(&info)),
            Err(e) => return Err(e),
        };
        // The rows checksum covers every column read here (the figures one is a subset).
        let stored = self.stored_checksums(info.id)?.0;
        let key = key_of(&info);
        if stored.as_deref() != Some(&checksum::rows(key.as_key(), &projects, &indicators)) {
            return Err(self.mismatch(&info));
        }

        let warnings = self.stored_diagnostics(info.id, "warning")?;
        let ledger = self.ledger_place(info.id)?;
        Ok(StoredReturn {
            info,
            projects,
            indicators,
            warnings,
            ledger,
        })
    }

    /// A submission's stored diagnostics of one severity, in the order found.
    fn stored_diagnostics(
        &self,
        id: i64,
        severity: &str,
    ) -> Result<Vec<StoredDiagnostic>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT severity, code, sheet, cell, value, message_zh, message_en FROM diagnostic
                 WHERE submission_id = ?1 AND severity = ?2 ORDER BY rowid",
            )
            .map_err(self.sql())?;
        let found = stmt
            .query_map(params![id, severity], |r| {
                Ok(StoredDiagnostic {
                    severity: r.get(0)?,
                    code: r.get(1)?,
                    sheet: r.get(2)?,
                    cell: r.get(3)?,
                    value: r.get(4)?,
                    message_zh: r.get(5)?,
                    message_en: r.get(6)?,
                })
            })
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        Ok(found)
    }

    /// Where the ledger of submission `id` was read (empty when not stored).
    pub fn ledger_place(&self, id: i64) -> Result<LedgerPlace, ArchiveError> {
        let sheet: Option<String> = self
            .conn
            .query_row(
                "SELECT ledger_sheet FROM submission WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())?
            .flatten();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT field, col FROM ledger_column WHERE submission_id = ?1")
            .map_err(self.sql())?;
        let columns = stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?
            .into_iter()
            // A title this version does not know (a later format's field) is passed over.
            .filter_map(|(title, col)| {
                Field::ALL
                    .into_iter()
                    .find(|f| f.title() == title)
                    .map(|f| (f, col))
            })
            .collect();
        Ok(LedgerPlace { sheet, columns })
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, ArchiveError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(self.sql())
    }
}

/// Read connections to one archive, shared by threads that read beside its writer: each
/// read takes an idle connection (opening one when none is idle) and gives it back.
pub struct Readers {
    path: PathBuf,
    idle: std::sync::Mutex<Vec<Archive>>,
}

impl Readers {
    pub fn new(path: &Path) -> Readers {
        Readers {
            path: path.to_path_buf(),
            idle: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` on a read connection.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Archive) -> Result<T, ArchiveError>,
    ) -> Result<T, ArchiveError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let archive = match idle {
            Some(a) => a,
            None => Archive::open_for_reading(&self.path)?,
        };
        let result = f(&archive);
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(archive);
        }
        result
    }
}

/// Takes the writers' lock file beside the database, waiting up to `wait`.
fn take_lock(db: &Path, wait: Duration) -> Result<File, ArchiveError> {
    let mut lock_path = db.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| ArchiveError::Lock {
            path: lock_path.clone(),
            source,
        })?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(TryLockError::WouldBlock) => {
                return Err(ArchiveError::Busy {
                    path: db.to_path_buf(),
                    waited: wait.as_secs(),
                });
            }
            Err(TryLockError::Error(source)) => {
                return Err(ArchiveError::Lock {
                    path: lock_path,
                    source,
                })
            }
        }
    }
}

/// The stored projects of a submission, typed again, in row order.
///
/// Hot: `build` and `ingest` read every month's returns (28,000 rows a province month).
/// The columns that are labels or dates are typed where SQLite holds them rather than
/// copied into strings first.
fn read_projects(
    conn: &Connection,
    id: i64,
    sql: &dyn Fn(rusqlite::Error) -> ArchiveError,
) -> Result<Vec<Project>, ArchiveError> {
    let mut stmt = conn
            .prepare_cached(
                "SELECT row, project_code, name, investor, origin, funds_source, industry, kind, stage, signed_on,
                        contract_amount, contract_fdi, started_on, funds_month, funds_ytd, fdi_month, fdi_ytd, fortune500, note
                 FROM project WHERE submission_id = ?1 ORDER BY row",
            )
            .map_err(sql)?;
    // The rows' industries and places, each held once (a month's rows are shared with
    // the register, a nation's 1.2 million projects).
    let mut words = crate::text::Words::default();
    let rows = stmt
        .query_map([id], |r| {
            // A value of another type is SQLite's error, as `get` gives it; a value of
            // the right type that the archive never writes is corrupt, said after.
            let stage = text_req(r, 8)?;
            let (funds_source, kind) = (text_ref(r, 5)?, text_ref(r, 7)?);
            let (signed_on, started_on) = (text_ref(r, 9)?, text_ref(r, 12)?);
            let labels = (|| {
                Ok::<_, ArchiveError>((
                    typed_stage(stage)?,
                    funds_source.map(typed_funds_source).transpose()?,
                    kind.map(typed_kind).transpose()?,
                    typed_date(signed_on)?,
                    typed_date(started_on)?,
                ))
            })();
            let (stage, funds_source, kind, signed_on, started_on) = match labels {
                Ok(labels) => labels,
                Err(corrupt) => return Ok(Err(corrupt)),
            };
            Ok(Ok(Project {
                row: r.get(0)?,
                id: r.get(1)?,
                name: r.get(2)?,
                investor: r.get(3)?,
                origin: text_ref(r, 4)?.map(|o| words.get(o)),
                funds_source,
                industry: words.get(text_req(r, 6)?),
                kind,
                stage,
                signed_on,
                contract_amount: r.get::<_, Option<i64>>(10)?.map(Wan),
                contract_fdi: UsdWan(r.get(11)?),
                started_on,
                funds_month: Wan(r.get(13)?),
                funds_ytd: Wan(r.get(14)?),
                fdi_month: UsdWan(r.get(15)?),
                fdi_ytd: UsdWan(r.get(16)?),
                fortune500: r.get(17)?,
                note: r.get(18)?,
            }))
        })
        .map_err(sql)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql)?;
    rows.into_iter().collect()
}

/// A text column that may not be NULL, as SQLite holds it.
fn text_req<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    text_ref(r, i)?.ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(
            i,
            r.as_ref().column_name(i).unwrap_or("?").to_string(),
            rusqlite::types::Type::Null,
        )
    })
}

/// A text column as SQLite holds it (`None` for NULL); another type is the error `get`
/// gives for it.
fn text_ref<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    match r.get_ref(i)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        rusqlite::types::ValueRef::Text(t) => std::str::from_utf8(t).map(Some).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        }),
        other => Err(rusqlite::Error::InvalidColumnType(
            i,
            r.as_ref().column_name(i).unwrap_or("?").to_string(),
            other.data_type(),
        )),
    }
}

/// A stored date: `YYYY-MM-DD` as the archive writes it, read without chrono's general
/// parser; any other form through it.
fn stored_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
        }
    }
    t.parse::<NaiveDate>().ok()
}

/// The stored indicators of a submission, in the order they were reported.
fn read_indicators(
    conn: &Connection,
    id: i64,
    sql: &dyn Fn(rusqlite::Error) -> ArchiveError,
) -> Result<Vec<ReportedIndicator>, ArchiveError> {
    let mut stmt = conn
            .prepare_cached("SELECT indicator, month, ytd, last_year_ytd FROM indicator WHERE submission_id = ?1 ORDER BY rowid")
            .map_err(sql)?;
    let raw = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })
        .map_err(sql)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql)?;
    raw.into_iter()
        .map(|(name, month, ytd, last_year_ytd)| {
            let indicator = indicator_from_key(&name)
                .ok_or_else(|| ArchiveError::Corrupt(format!("indicator {name}")))?;
            Ok(ReportedIndicator {
                indicator,
                month,
                ytd,
                last_year_ytd,
                month_cell: None,
                ytd_cell: None,
            })
        })
        .collect::<Result<Vec<_>, ArchiveError>>()
}

/// A submission's key as its checksums take it.
struct OwnedKey {
    unit_code: Option<String>,
    period: Option<String>,
    version: Option<i64>,
}

impl OwnedKey {
    fn as_key(&self) -> checksum::Key<'_> {
        checksum::Key {
            unit_code: self.unit_code.as_deref(),
            period: self.period.as_deref(),
            version: self.version,
        }
    }
}

fn key_of(info: &SubmissionInfo) -> OwnedKey {
    OwnedKey {
        unit_code: info.unit_code.clone(),
        period: info.period.map(|p| p.to_string()),
        version: info.version,
    }
}

/// Migration 8: each submission's cross-unit keys, a column added (unless an archive set
/// back to an earlier schema version has it already) and filled for the submissions
/// stored before it was kept.
fn backfill_cross_keys(tx: &Transaction, path: &Path) -> Result<(), ArchiveError> {
    let sql = |source| ArchiveError::Sql {
        path: path.to_path_buf(),
        source,
    };
    let has_column: bool = tx
        .query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info('submission') WHERE name = 'cross_keys'",
            [],
            |r| r.get(0),
        )
        .map_err(sql)?;
    if !has_column {
        tx.execute_batch("ALTER TABLE submission ADD COLUMN cross_keys TEXT;")
            .map_err(sql)?;
    }
    let rows: Vec<(i64, String, String)> = tx
        .prepare(
            "SELECT p.submission_id, p.name, p.investor FROM project p
             JOIN submission s ON s.id = p.submission_id
             WHERE s.cross_keys IS NULL ORDER BY p.submission_id, p.row",
        )
        .and_then(|mut stmt| {
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(sql)?;
    let mut update = tx
        .prepare("UPDATE submission SET cross_keys = ?1 WHERE id = ?2")
        .map_err(sql)?;
    for rows in rows.chunk_by(|a, b| a.0 == b.0) {
        let keys: Vec<String> = rows
            .iter()
            .map(|(_, name, investor)| crate::model::cross_unit_key(name, investor))
            .collect();
        update
            .execute(params![keys.join("\n"), rows[0].0])
            .map_err(sql)?;
    }
    Ok(())
}

/// Migration 3: the checksums of the submissions stored before there were any.
fn backfill_checksums(tx: &Transaction, path: &Path) -> Result<(), ArchiveError> {
    let sql = |source| ArchiveError::Sql {
        path: path.to_path_buf(),
        source,
    };
    let keys: Vec<(i64, OwnedKey)> = tx
        .prepare("SELECT id, unit_code, period, version FROM submission ORDER BY id")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    OwnedKey {
                        unit_code: r.get(1)?,
                        period: r.get(2)?,
                        version: r.get(3)?,
                    },
                ))
            })?
            .collect()
        })
        .map_err(sql)?;
    let mut update = tx
        .prepare("UPDATE submission SET rows_sha256 = ?1, figures_sha256 = ?2 WHERE id = ?3")
        .map_err(sql)?;
    for (id, key) in keys {
        let projects = read_projects(tx, id, &sql)?;
        let indicators = read_indicators(tx, id, &sql)?;
        let key = key.as_key();
        update
            .execute(params![
                checksum::rows(key, &projects, &indicators),
                checksum::figures(key, &projects),
                id
            ])
            .map_err(sql)?;
    }
    Ok(())
}

/// A store's transaction: its own, or a savepoint of a group's ([`Archive::begin_group`]).
enum Tx<'c> {
    Own(Transaction<'c>),
    InGroup(rusqlite::Savepoint<'c>),
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Tx::Own(t) => t,
            Tx::InGroup(s) => s,
        }
    }
}

impl Tx<'_> {
    fn commit(self) -> rusqlite::Result<()> {
        match self {
            Tx::Own(t) => t.commit(),
            Tx::InGroup(s) => s.commit(),
        }
    }
}

fn insert_children(tx: &Connection, id: i64, s: &NewSubmission) -> rusqlite::Result<()> {
    let mut p_stmt = tx.prepare_cached(
        "INSERT INTO project (submission_id, row, identity, project_code, name, investor, origin, funds_source, industry, kind,
                              stage, signed_on, contract_amount, contract_fdi, started_on, funds_month, funds_ytd, fdi_month,
                              fdi_ytd, fortune500, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?;
    debug_assert_eq!(s.projects.len(), s.identities.len());
    debug_assert_eq!(s.projects.len(), s.cross_keys.len());
    if !s.projects.is_empty() {
        tx.execute(
            "UPDATE submission SET cross_keys = ?1 WHERE id = ?2",
            params![s.cross_keys.join("\n"), id],
        )?;
    }
    for (p, identity) in s.projects.iter().zip(s.identities) {
        p_stmt.execute(params![
            id,
            p.row,
            identity,
            p.id,
            p.name,
            p.investor,
            p.origin,
            p.funds_source.map(FundsSource::label),
            p.industry,
            p.kind.map(ProjectKind::label),
            p.stage.label(),
            p.signed_on.map(|d| d.to_string()),
            p.contract_amount.map(Wan::cents),
            p.contract_fdi.cents(),
            p.started_on.map(|d| d.to_string()),
            p.funds_month.cents(),
            p.funds_ytd.cents(),
            p.fdi_month.cents(),
            p.fdi_ytd.cents(),
            p.fortune500,
            p.note,
        ])?;
    }
    let mut i_stmt =
        tx.prepare_cached("INSERT INTO indicator (submission_id, indicator, month, ytd, last_year_ytd) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for ind in s.indicators {
        i_stmt.execute(params![
            id,
            indicator_key(ind.indicator),
            ind.month,
            ind.ytd,
            ind.last_year_ytd
        ])?;
    }
    let mut d_stmt = tx.prepare_cached(
        "INSERT INTO diagnostic (submission_id, severity, code, sheet, cell, row, value, message_zh, hint_zh, message_en, hint_en, args_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for d in s.diagnostics {
        let severity = match d.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hold => "hold",
            Severity::Info => "info",
        };
        d_stmt.execute(params![
            id,
            severity,
            d.code.as_str(),
            d.sheet,
            d.cell_a1(),
            d.row.map(|r| r + 1),
            d.value,
            d.message(Lang::Zh),
            d.hint(Lang::Zh),
            d.message(Lang::En),
            d.hint(Lang::En),
            serde_json::to_string(&d.args).ok(),
        ])?;
    }
    Ok(())
}

/// Stores where a return's ledger was read (see [`LedgerPlace`]).
fn insert_ledger_place(tx: &Connection, id: i64, ledger: &Ledger) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE submission SET ledger_sheet = ?1 WHERE id = ?2",
        params![ledger.sheet, id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO ledger_column (submission_id, field, col) VALUES (?1, ?2, ?3)",
    )?;
    for (field, column) in &ledger.header.columns {
        stmt.execute(params![id, field.title(), column.col])?;
    }
    Ok(())
}

fn indicator_key(i: Indicator) -> String {
    serde_json::to_value(i)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn indicator_from_key(k: &str) -> Option<Indicator> {
    Indicator::ALL.into_iter().find(|i| indicator_key(*i) == k)
}

/// A stored date (`YYYY-MM-DD`).
fn typed_date(s: Option<&str>) -> Result<Option<NaiveDate>, ArchiveError> {
    s.map(|s| stored_date(s).ok_or_else(|| ArchiveError::Corrupt(format!("date {s:?}"))))
        .transpose()
}

/// A stored 项目进展 label.
fn typed_stage(label: &str) -> Result<Stage, ArchiveError> {
    Stage::ALL
        .into_iter()
        .find(|st| st.label() == label)
        .ok_or_else(|| ArchiveError::Corrupt(format!("stage {label:?}")))
}

/// A stored 项目类型 label.
fn typed_kind(label: &str) -> Result<ProjectKind, ArchiveError> {
    ProjectKind::ALL
        .into_iter()
        .find(|x| x.label() == label)
        .ok_or_else(|| ArchiveError::Corrupt(format!("kind {label:?}")))
}

/// A stored 资金来源 label.
fn typed_funds_source(label: &str) -> Result<FundsSource, ArchiveError> {
    FundsSource::ALL
        .into_iter()
        .find(|x| x.label() == label)
        .ok_or_else(|| ArchiveError::Corrupt(format!("funds source {label:?}")))
}

#[cfg(test)]
mod tests {
    use super::stored_date;

    #[test]
    fn an_archive_is_current_only_when_opening_it_writes_nothing() {
        use super::{Archive, MIGRATIONS};
        let folder = tempfile::tempdir().expect("folder");
        let path = folder.path().join("tongbao.db");
        // No file, or an empty one: opening would make the archive.
        assert!(!Archive::is_current(&path));
        std::fs::write(&path, b"").expect("empty file");
        assert!(!Archive::is_current(&path));
        std::fs::remove_file(&path).expect("removed");
        drop(Archive::open_for_writing(&path).expect("archive"));
        assert!(Archive::is_current(&path));
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        // An archive of the schema before: opening would migrate it.
        conn.pragma_update(None, "user_version", MIGRATIONS.len() as i64 - 1)
            .expect("version");
        assert!(!Archive::is_current(&path));
        conn.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
            .expect("version");
        assert!(Archive::is_current(&path));
        // Not in WAL mode: opening would switch it.
        conn.pragma_update(None, "journal_mode", "DELETE")
            .expect("journal");
        assert!(!Archive::is_current(&path));
        drop(conn);
        // Not a database.
        std::fs::write(&path, vec![0x5a; 8192]).expect("garbage");
        assert!(!Archive::is_current(&path));
    }

    #[test]
    fn a_stored_date_is_read_as_chrono_reads_it() {
        let mut texts: Vec<String> = [
            "2025-06-15",
            "2024-02-29",
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-06-31",
            "0000-01-01",
            "9999-12-31",
            "2025-6-15",
            "2025/06/15",
            "+2025-06-15",
            " 2025-06-15",
            "2025-06-1x",
            "２０２５-06-15",
            "",
            "2025-06-150",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every day of four years, as the archive writes them.
        let mut d = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("a date");
        while d.format("%Y").to_string() != "2027" {
            texts.push(d.to_string());
            d = d.succ_opt().expect("a next day");
        }
        for t in &texts {
            assert_eq!(stored_date(t), t.parse::<chrono::NaiveDate>().ok(), "{t:?}");
        }
    }
}
