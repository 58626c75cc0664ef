//! Copies of the archive: `tongbao backup DEST`, and the automatic copy into the
//! workspace's backups folder before each change (ingest; confirm), keeping the last few.
//!
//! A copy is made with SQLite's online backup API in one step, so it is one consistent
//! snapshot even while another process reads or writes; it is written under a temporary
//! name, checked (`PRAGMA quick_check`), switched to a self-contained rollback journal
//! and only then renamed into place. Automatic copies are named
//! `<archive stem>-YYYYMMDDTHHMMSSZ.db` (UTC, or `SOURCE_DATE_EPOCH`), so that their names
//! sort by time; a second copy in the same second gets `_001`, `_002`, … (which sort after).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Archive, ArchiveError, LOCK_WAIT};

/// The backups folder's default name, beside the archive (`[paths] backups`).
pub const DEFAULT_DIR: &str = "backups";

/// How many automatic copies are kept by default (`[archive] keep_backups`).
pub const DEFAULT_KEEP: usize = 10;

/// The default backups folder of an archive: `backups/` beside it.
pub fn default_dir(archive: &Path) -> PathBuf {
    archive.parent().unwrap_or(Path::new(".")).join(DEFAULT_DIR)
}

/// Copies the open archive to `dest`: a file path, or an existing folder (the copy gets a
/// time-stamped name inside it). Returns the copy's path.
pub fn copy_to(archive: &Archive, dest: &Path) -> Result<PathBuf, ArchiveError> {
    let target = if dest.is_dir() {
        unique_name(dest, &stem(archive.path()))
    } else {
        dest.to_path_buf()
    };
    if same_file(&target, archive.path()) {
        return Err(ArchiveError::BackupOntoArchive { path: target });
    }
    copy_connection(archive.connection(), archive.path(), &target)?;
    Ok(target)
}

/// The automatic copy before a change to the archive at `archive`: into `dir`, keeping the
/// newest `keep` copies there (0 turns copies off). Nothing is copied when there is no
/// archive yet; but when the archive is missing or empty while `dir` holds copies of it,
/// the change is refused ([`ArchiveError::Lost`]): the clerk restores the newest copy
/// rather than have a fresh archive started over the lost one.
pub fn before_change(
    archive: &Path,
    dir: &Path,
    keep: usize,
) -> Result<Option<PathBuf>, ArchiveError> {
    let len = match std::fs::metadata(archive) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(source) => {
            return Err(ArchiveError::Backup {
                path: archive.to_path_buf(),
                source,
            })
        }
    };
    if len == 0 {
        return match newest(dir, archive) {
            Some(newest) => Err(ArchiveError::Lost {
                path: archive.to_path_buf(),
                newest,
            }),
            None => Ok(None),
        };
    }
    if keep == 0 {
        return Ok(None);
    }
    // The archive as it is, before anything (a migration included) changes it.
    let source = Connection::open_with_flags(
        archive,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| ArchiveError::Sql {
        path: archive.to_path_buf(),
        source,
    })?;
    source
        .busy_timeout(LOCK_WAIT)
        .map_err(|source| ArchiveError::Sql {
            path: archive.to_path_buf(),
            source,
        })?;
    std::fs::create_dir_all(dir).map_err(|source| ArchiveError::Backup {
        path: dir.to_path_buf(),
        source,
    })?;
    let target = unique_name(dir, &stem(archive));
    copy_connection(&source, archive, &target)?;
    rotate(dir, &stem(archive), keep)?;
    Ok(Some(target))
}

/// The newest automatic copy of `archive` in `dir`, if any.
pub fn newest(dir: &Path, archive: &Path) -> Option<PathBuf> {
    copies(dir, &stem(archive)).ok()?.pop()
}

/// The automatic copies of an archive in `dir`, oldest first (their names sort by time).
pub fn copies(dir: &Path, stem: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if let Some(name) = name.to_str() {
            if is_copy_name(name, stem) {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `<stem>-YYYYMMDDTHHMMSSZ.db` or `<stem>-YYYYMMDDTHHMMSSZ_NNN.db`.
fn is_copy_name(name: &str, stem: &str) -> bool {
    let Some(rest) = name
        .strip_prefix(stem)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_suffix(".db"))
    else {
        return false;
    };
    let b = rest.as_bytes();
    let stamp_ok = b.len() >= 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z';
    stamp_ok
        && (b.len() == 16
            || (b.len() > 17 && b[16] == b'_' && b[17..].iter().all(u8::is_ascii_digit)))
}

/// Removes the oldest automatic copies beyond `keep`.
fn rotate(dir: &Path, stem: &str, keep: usize) -> Result<(), ArchiveError> {
    let io = |source| ArchiveError::Backup {
        path: dir.to_path_buf(),
        source,
    };
    let all = copies(dir, stem).map_err(io)?;
    let surplus = all.len().saturating_sub(keep);
    for old in &all[..surplus] {
        std::fs::remove_file(old).map_err(|source| ArchiveError::Backup {
            path: old.clone(),
            source,
        })?;
    }
    Ok(())
}

/// The archive's file stem (`tongbao` for `tongbao.db`).
fn stem(archive: &Path) -> String {
    archive
        .file_stem()
        .map_or_else(|| "tongbao".into(), |s| s.to_string_lossy().into_owned())
}

/// A time-stamped copy name in `dir` not yet taken.
fn unique_name(dir: &Path, stem: &str) -> PathBuf {
    let stamp = crate::clock::now_utc().format("%Y%m%dT%H%M%SZ").to_string();
    let first = dir.join(format!("{stem}-{stamp}.db"));
    if !first.exists() {
        return first;
    }
    (1..)
        .map(|n| dir.join(format!("{stem}-{stamp}_{n:03}.db")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Copies the database behind `source` to `target` through a temporary file beside it.
fn copy_connection(source: &Connection, archive: &Path, target: &Path) -> Result<(), ArchiveError> {
    let name = target
        .file_name()
        .map_or_else(|| "tongbao.db".into(), |n| n.to_string_lossy().into_owned());
    let tmp = target.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = copy_into(source, archive, &tmp).and_then(|()| {
        std::fs::rename(&tmp, target).map_err(|source| ArchiveError::Backup {
            path: target.to_path_buf(),
            source,
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn copy_into(source: &Connection, archive: &Path, tmp: &Path) -> Result<(), ArchiveError> {
    let at_target = |e: rusqlite::Error| ArchiveError::Backup {
        path: tmp.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    };
    let _ = std::fs::remove_file(tmp);
    let mut dst = Connection::open(tmp).map_err(at_target)?;
    {
        let backup = Backup::new(source, &mut dst).map_err(at_target)?;
        // One step copies every page under one read transaction: a consistent snapshot.
        let start = Instant::now();
        loop {
            match backup.step(-1) {
                Ok(StepResult::Done) => break,
                Ok(StepResult::More) => {}
                Ok(_) if start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Ok(_) => {
                    return Err(ArchiveError::Busy {
                        path: archive.to_path_buf(),
                        waited: LOCK_WAIT.as_secs(),
                    })
                }
                Err(source) => {
                    return Err(ArchiveError::Sql {
                        path: archive.to_path_buf(),
                        source,
                    })
                }
            }
        }
    }
    // The copy stands alone: no -wal or -shm file beside it.
    dst.pragma_update(None, "journal_mode", "DELETE")
        .map_err(at_target)?;
    let check: String = dst
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(at_target)?;
    if check != "ok" {
        return Err(ArchiveError::Backup {
            path: tmp.to_path_buf(),
            source: std::io::Error::other(format!("quick_check: {check}")),
        });
    }
    dst.close().map_err(|(_, e)| at_target(e))?;
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|source| ArchiveError::Backup {
            path: tmp.to_path_buf(),
            source,
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_copy_name;

    #[test]
    fn copy_names_are_recognised_and_sort_by_time() {
        assert!(is_copy_name("tongbao-20250703T091500Z.db", "tongbao"));
        assert!(is_copy_name("tongbao-20250703T091500Z_002.db", "tongbao"));
        assert!(!is_copy_name("tongbao-latest.db", "tongbao"));
        assert!(!is_copy_name("other-20250703T091500Z.db", "tongbao"));
        let mut names = vec![
            "tongbao-20250703T091500Z_001.db",
            "tongbao-20250703T091501Z.db",
            "tongbao-20250703T091500Z.db",
        ];
        names.sort();
        assert_eq!(
            names,
            vec![
                "tongbao-20250703T091500Z.db",
                "tongbao-20250703T091500Z_001.db",
                "tongbao-20250703T091501Z.db",
            ]
        );
    }
}
