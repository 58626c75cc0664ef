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
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
mod tests {
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
