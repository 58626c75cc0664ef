//! The render stage: a computed [`crate::aggregate::Bulletin`] in, files out. Every file
//! is written to a temporary name beside its destination and renamed into place, so a
//! reader never sees half a file and a crash never replaces a good output with a partial one.

pub mod compose;
pub mod form;
pub mod pdf;
pub mod receipt;
pub mod templates;
pub mod xlsx;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the destination.
///
/// The temporary name is hidden (`.name.<pid>.tmp`), so a folder listing never shows it
/// as an output. A process killed before the rename leaves its temporary file behind;
/// the next successful write of the same output removes those of processes that are gone.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut staged = Staged::create(path)?;
    staged.file().write_all(bytes)?;
    staged.commit()
}

/// An output written to its temporary name as it is made, for a file too large to make in
/// memory first (a national bulletin's workbook is 250 MB): renamed over the output, once
/// flushed to disk, by [`Staged::commit`]; removed when dropped before it, so a failure
/// anywhere leaves the output as it was.
pub struct Staged {
    path: PathBuf,
    tmp: PathBuf,
    file: std::fs::File,
    committed: bool,
}

impl Staged {
    /// Creates the temporary file of output `path` (and its folder).
    pub fn create(path: &Path) -> std::io::Result<Staged> {
        let dir = folder_of(path);
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(temp_name(&file_name_of(path), std::process::id()));
        let file = std::fs::File::create(&tmp)?;
        Ok(Staged {
            path: path.to_path_buf(),
            tmp,
            file,
            committed: false,
        })
    }

    /// The temporary file, to write the output into.
    pub fn file(&mut self) -> &mut std::fs::File {
        &mut self.file
    }

    /// Flushes the file to disk and renames it over the output.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.file.sync_all()?;
        self.rename()?;
        remove_stale_temps(folder_of(&self.path), &file_name_of(&self.path));
        Ok(())
    }

    /// Renames the file over the output, the caller having flushed it.
    fn rename(&mut self) -> std::io::Result<()> {
        std::fs::rename(&self.tmp, &self.path)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The hidden temporary name of output `name` written by process `pid`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Writes many files as [`write_atomic`] writes one ([`Staged`]), with one flush to disk
/// for them all rather than one each: every file's bytes go to its temporary name, then
/// the temporary files are flushed together ([`flush_file_system`]; where that is not
/// available, each just before its rename), then each is renamed over its output. A crash
/// at any point leaves each output old or new and whole. Results are per file, in order.
pub fn write_atomic_all(files: &[(PathBuf, Vec<u8>)]) -> Vec<std::io::Result<()>> {
    let staged: Vec<std::io::Result<Staged>> = files
        .iter()
        .map(|(path, bytes)| {
            let mut staged = Staged::create(path)?;
            staged.file().write_all(bytes)?;
            Ok(staged)
        })
        .collect();
    let flushed_together = flush_file_system(
        staged
            .iter()
            .filter_map(|s| s.as_ref().ok())
            .map(|s| &s.file),
    );
    let mut written: BTreeMap<&Path, BTreeSet<String>> = BTreeMap::new();
    let results = files
        .iter()
        .zip(staged)
        .map(|((path, _), staged)| {
            let mut staged = staged?;
            if !flushed_together {
                staged.file.sync_all()?;
            }
            staged.rename()?;
            written
                .entry(folder_of(path))
                .or_default()
                .insert(file_name_of(path));
            Ok(())
        })
        .collect();
    for (dir, names) in written {
        remove_stale_temps_of(dir, |name| names.contains(name));
    }
    results
}

/// Flushes the file system holding the staged files with one `syncfs` (Linux), which
/// writes every file's data and metadata at once: on a file system without a journal
/// each `fsync` is its own device flush, and a batch of receipts paid one per file.
/// False when the files are on several file systems or the call is not available: each
/// file is then flushed on its own.
fn flush_file_system<'f>(staged: impl Iterator<Item = &'f std::fs::File>) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::AsRawFd;
        let files: Vec<&std::fs::File> = staged.collect();
        let Some(first) = files.first() else {
            return true;
        };
        let devices: Option<BTreeSet<u64>> = files
            .iter()
            .map(|f| f.metadata().ok().map(|m| m.dev()))
            .collect();
        if devices.is_none_or(|d| d.len() != 1) {
            return false;
        }
        // SAFETY: syncfs only reads the descriptor, which `first` keeps open.
        unsafe { libc::syncfs(first.as_raw_fd()) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = staged;
        false
    }
}

/// The folder a file is written into (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Removes the temporary files of output `name` left by processes that no longer run.
/// Best effort: a file that cannot be removed is left alone.
fn remove_stale_temps(dir: &Path, name: &str) {
    remove_stale_temps_of(dir, |n| n == name);
}

/// Removes, in one pass over `dir`, the temporary files left by processes that no longer
/// run of every output whose name `of_output` accepts.
fn remove_stale_temps_of(dir: &Path, of_output: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        // `.name.<pid>.tmp`; the name itself may hold dots.
        let Some((name, pid)) = file
            .to_str()
            .and_then(|f| f.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.rsplit_once('.'))
            .and_then(|(name, pid)| Some((name, pid.parse::<u32>().ok()?)))
        else {
            continue;
        };
        if of_output(name) && pid != std::process::id() && !process_alive(pid, &entry) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` may still be writing its temporary file: on Linux whether it
/// exists; elsewhere whether the file was touched in the last hour.
fn process_alive(pid: u32, entry: &std::fs::DirEntry) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temps_of_dead_processes_are_removed_live_ones_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        // No process has this pid.
        let dead = dir.path().join(temp_name("a.pdf", u32::MAX - 1));
        let other = dir.path().join(temp_name("b.pdf", u32::MAX - 1));
        std::fs::write(&dead, b"partial").expect("temp");
        std::fs::write(&other, b"partial").expect("temp");
        write_atomic(&dir.path().join("a.pdf"), b"whole").expect("write");
        assert_eq!(
            std::fs::read(dir.path().join("a.pdf")).expect("out"),
            b"whole"
        );
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "a dead process's temp is removed");
        }
        assert!(other.exists(), "another output's temp is not touched");
    }

    #[test]
    fn a_staged_output_replaces_the_old_only_when_committed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("通报-2025-06.xlsx");
        std::fs::write(&out, b"last month's").expect("old output");
        let names = || -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir.path())
                .expect("list")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };

        // Dropped half written (a later output failed): the old file stays, no temp left.
        let mut staged = Staged::create(&out).expect("staged");
        staged.file().write_all(b"half").expect("write");
        assert_eq!(names().len(), 2, "the temporary file beside the output");
        drop(staged);
        assert_eq!(std::fs::read(&out).expect("out"), b"last month's");
        assert_eq!(names(), ["通报-2025-06.xlsx"]);

        // Committed: the new file in place, nothing else.
        let mut staged = Staged::create(&out).expect("staged");
        staged.file().write_all(b"whole").expect("write");
        staged.commit().expect("commit");
        assert_eq!(std::fs::read(&out).expect("out"), b"whole");
        assert_eq!(names(), ["通报-2025-06.xlsx"]);
    }

    #[test]
    fn many_files_are_written_whole_with_stale_temps_removed_and_failures_kept_apart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dead = dir.path().join(temp_name("r1.xlsx", u32::MAX - 1));
        let unrelated = dir.path().join(temp_name("other.xlsx", u32::MAX - 1));
        std::fs::write(&dead, b"partial").expect("temp");
        std::fs::write(&unrelated, b"partial").expect("temp");
        std::fs::write(dir.path().join("r1.xlsx"), b"old").expect("old output");
        // A folder stands where the third output's parent folder should be.
        std::fs::write(dir.path().join("blocked"), b"a file").expect("file");
        let files = vec![
            (dir.path().join("r1.xlsx"), b"new one".to_vec()),
            (dir.path().join("sub/r2.xlsx"), b"new two".to_vec()),
            (dir.path().join("blocked/r3.xlsx"), b"never".to_vec()),
        ];
        let results = write_atomic_all(&files);
        assert!(results[0].is_ok() && results[1].is_ok());
        assert!(results[2].is_err());
        assert_eq!(std::fs::read(&files[0].0).expect("r1"), b"new one");
        assert_eq!(std::fs::read(&files[1].0).expect("r2"), b"new two");
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "a dead process's temp is removed");
        }
        assert!(unrelated.exists(), "another output's temp is not touched");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(&format!(".{}.tmp", std::process::id())))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// A name made safe as one component of a file name on any system: path separators, the
/// characters Windows refuses (`: * ? " < > |`) and control characters become `_`; leading
/// dots and spaces and trailing ones (Windows drops them) go; it is cut to 120 bytes on a
/// character boundary, a name Windows reserves (`CON`, `NUL`, `COM1`…) gets `_` in front,
/// and it is never empty. Names from rosters and files reach file names only through
/// this, so a unit called `../x` cannot write outside the output folder.
pub fn path_safe(name: &str) -> String {
    path_safe_within(name, 120)
}

/// [`path_safe`], cut to `max_bytes`.
pub fn path_safe_within(name: &str, max_bytes: usize) -> String {
    let replaced: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let mut out = String::new();
    for c in replaced.trim_start_matches(['.', ' ']).chars() {
        if out.len() + c.len_utf8() > max_bytes {
            break;
        }
        out.push(c);
    }
    let out = out.trim_end_matches(['.', ' ']);
    if out.is_empty() {
        return "_".into();
    }
    let base = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((base.starts_with("COM") || base.starts_with("LPT"))
            && base.len() == 4
            && base.as_bytes()[3].is_ascii_digit());
    if reserved {
        format!("_{out}")
    } else {
        out.to_string()
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn path_safe_keeps_names_inside_their_folder() {
        assert_eq!(path_safe("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(path_safe("..\\..\\x"), "_.._x");
        assert_eq!(path_safe("a:b*c?\"d<e>f|g"), "a_b_c__d_e_f_g");
        assert_eq!(path_safe("  .hidden. "), "hidden");
        assert_eq!(path_safe("a\u{0}b\nc"), "a_b_c");
        assert_eq!(path_safe("..."), "_");
        assert_eq!(path_safe("CON"), "_CON");
        assert_eq!(path_safe("com1.txt"), "_com1.txt");
        assert_eq!(path_safe("巴南区"), "巴南区");
        let long = path_safe(&"县".repeat(100));
        assert_eq!((long.len(), long.chars().count()), (120, 40));
    }
}
