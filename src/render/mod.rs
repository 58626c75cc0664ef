//! The render stage: a computed [`crate::aggregate::Bulletin`] in, files out. Every file
//! is written to a temporary name beside its destination and renamed into place, so a
//! reader never sees half a file and a crash never replaces a good output with a partial one.

pub mod compose;
pub mod form;
pub mod pdf;
pub mod receipt;
pub mod templates;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the destination.
///
/// The temporary name is hidden (`.name.<pid>.tmp`), so a folder listing never shows it
/// as an output. A process killed before the rename leaves its temporary file behind;
/// the next successful write of the same output removes those of processes that are gone.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(temp_name(&name, std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        remove_stale_temps(dir, &name);
    }
    result
}

/// The hidden temporary name of output `name` written by process `pid`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Removes the temporary files of output `name` left by processes that no longer run.
/// Best effort: a file that cannot be removed is left alone.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid, &entry) {
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
