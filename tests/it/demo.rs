//! `tongbao demo` can be run again: a folder holding an earlier demo is made anew, byte for
//! byte the same at the same time; a folder that holds anything else is never touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::binary::bin;

fn demo(dir: &Path, out: &str) -> Output {
    bin()
        .args(["demo", "--out", out])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1751500000")
        .output()
        .expect("run tongbao")
}

/// Every file under `root` (relative path → bytes).
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                into.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut all = BTreeMap::new();
    walk(root, root, &mut all);
    all
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_second_demo_in_the_same_folder_makes_the_same_files_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = demo(dir.path(), "d");
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let made = files(&dir.path().join("d"));
    for expected in [
        "out/2025-06/通报-2025-06.pdf",
        "out/2025-06/通报-2025-06.xlsx",
        "out/2025-06/bulletin-2025-06.json",
        "receipts/2025-06/巴南区-回执.xlsx",
        "tongbao.db",
    ] {
        assert!(made.contains_key(Path::new(expected)), "{expected}");
    }
    // Every month of the samples is ingested, in order: the archive holds each project's
    // history across the year boundary.
    let said = stdout(&first);
    let mut at = 0;
    for month in [
        "2024-06", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05",
        "2025-06",
    ] {
        let line = format!("入库 inbox/{month}：40 个文件，40 个通过");
        let line = if month == "2025-06" {
            "入库 inbox/2025-06：39 个文件，39 个通过".to_string()
        } else {
            line
        };
        let found = said[at..]
            .find(&line)
            .unwrap_or_else(|| panic!("{line} after byte {at}:\n{said}"));
        at += found + line.len();
    }
    // A file the clerk dropped into the demo's own folders goes with the rest.
    std::fs::write(dir.path().join("d/out/2025-06/stale.txt"), "old").expect("write");

    let second = demo(dir.path(), "d");
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let (said, rest) = stdout(&second)
        .split_once('\n')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .expect("lines");
    assert_eq!(said, "d 中是上次的演示，已清除后重新生成");
    assert_eq!(rest, stdout(&first), "the same run, said the same way");
    let again = files(&dir.path().join("d"));
    assert_eq!(
        again.keys().collect::<Vec<_>>(),
        made.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &made {
        assert!(again[path] == *bytes, "{} differs", path.display());
    }
}

#[test]
fn a_folder_that_is_not_a_demo_is_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A workspace of the clerk's own: a config and an inbox of real months.
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("inbox/2025-07")).expect("inbox");
    std::fs::write(ws.join("tongbao.toml"), "# mine").expect("config");
    std::fs::write(ws.join("inbox/2025-07/巴南区.xlsx"), "not yet").expect("file");
    // And a folder with one unrelated file.
    std::fs::create_dir(dir.path().join("notes")).expect("notes");
    std::fs::write(dir.path().join("notes/todo.txt"), "keep").expect("file");
    for (folder, lang, words) in [
        ("ws", "zh", "不是上次的演示文件夹，未做任何改动"),
        ("notes", "en", "holds no earlier demo; nothing was changed"),
    ] {
        let before = files(&dir.path().join(folder));
        let out = bin()
            .args(["--lang", lang, "demo", "--out", folder])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run tongbao");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{err}");
        assert_eq!(
            files(&dir.path().join(folder)),
            before,
            "{folder} untouched"
        );
    }
}
