//! The words of damaged files, worded when shown: a refused file's detail reads as it did
//! when the reader still wrote it in both languages itself, and the archive keeps the
//! damage as data, so each language's stored message is in that language alone.
//!
//! The expected sentences are the output of `tongbao check --format json` (and
//! `--lang en`) on these files by the code before damages became data (commit 2acfbab),
//! copied here.

use std::path::Path;

use serde_json::Value;

use crate::binary::{repo, run_reproducibly, sample_workspace};

/// The (file name, code, message) of every whole-file error `check` reports in `dir`.
fn file_errors(dir: &Path, lang: &str) -> Vec<(String, String, String)> {
    let config = repo().join("samples/tongbao.toml");
    let config = config.to_str().expect("utf-8 path");
    let folder = dir.to_str().expect("utf-8 path");
    let out = run_reproducibly(
        &[
            "--lang",
            lang,
            "check",
            "--config",
            config,
            "--no-receipts",
            "--format",
            "json",
            folder,
        ],
        &repo(),
    );
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut found = Vec::new();
    for file in json["files"].as_array().expect("files") {
        let name = file["file"].as_str().expect("file");
        let name = name.rsplit('/').next().unwrap_or(name).to_string();
        for d in file["diagnostics"].as_array().expect("diagnostics") {
            let code = d["code"].as_str().expect("code");
            if code.starts_with("E-FILE") {
                let message = d["message"].as_str().expect("message").to_string();
                found.push((name.clone(), code.to_string(), message));
            }
        }
    }
    found
}

fn has(found: &[(String, String, String)], file: &str, code: &str, message: &str) -> bool {
    found
        .iter()
        .any(|(f, c, m)| f == file && c == code && m == message)
}

#[test]
fn the_flawed_samples_damage_reads_as_before_in_both_languages() {
    let flawed = repo().join("samples/flawed");
    let file = "E-FILE-TRUNCATED-忠县-2025-06.xlsx";
    let zh = file_errors(&flawed, "zh");
    assert!(
        has(
            &zh,
            file,
            "E-FILE-TRUNCATED",
            "文件已损坏或不完整（ZIP 压缩包损坏：压缩包的目录损坏或不完整）"
        ),
        "{zh:#?}"
    );
    let en = file_errors(&flawed, "en");
    assert!(
        has(
            &en,
            file,
            "E-FILE-TRUNCATED",
            "the file is damaged or incomplete (damaged ZIP archive: the archive's directory is damaged or cut short)"
        ),
        "{en:#?}"
    );
}

#[test]
fn the_fuzz_findings_damage_reads_as_before_in_both_languages() {
    let fuzz = repo().join("tests/fixtures/fuzz");
    let file = "read_xls-mergecells-short.xls";
    let zh = file_errors(&fuzz, "zh");
    assert!(
        has(
            &zh,
            file,
            "E-FILE-TRUNCATED",
            "文件已损坏或不完整（工作簿数据流中的记录被截断）"
        ),
        "{zh:#?}"
    );
    let en = file_errors(&fuzz, "en");
    assert!(
        has(
            &en,
            file,
            "E-FILE-TRUNCATED",
            "the file is damaged or incomplete (a record of the workbook stream is cut short)"
        ),
        "{en:#?}"
    );
}

#[test]
fn the_archive_keeps_a_damage_as_data_and_words_each_language_alone() {
    let (ws, inbox) = sample_workspace();
    let name = "E-FILE-TRUNCATED-忠县-2025-06.xlsx";
    std::fs::copy(repo().join("samples/flawed").join(name), inbox.join(name)).expect("copy");
    // Ingested in Chinese: before, the detail was stored worded in Chinese and the
    // English message carried it.
    let out = run_reproducibly(
        &["ingest", "--period", "2025-06", "--no-receipts", "inbox"],
        ws.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The sample config's archive, `tongbao.db` in the workspace.
    let db = rusqlite::Connection::open(ws.path().join("tongbao.db")).expect("archive");
    let (zh, en, args): (String, String, String) = db
        .query_row(
            "SELECT message_zh, message_en, args_json FROM diagnostic WHERE code = 'E-FILE-TRUNCATED'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the damage is stored");
    assert_eq!(
        zh,
        "文件已损坏或不完整（ZIP 压缩包损坏：压缩包的目录损坏或不完整）"
    );
    assert_eq!(
        en,
        "the file is damaged or incomplete (damaged ZIP archive: the archive's directory is damaged or cut short)"
    );
    let args: Vec<(String, String)> = serde_json::from_str(&args).expect("arguments");
    assert_eq!(
        args,
        [(
            "damage".to_string(),
            r#"{"zip":{"problem":"directory"}}"#.to_string()
        )],
        "stored as a kind and its facts, not as words"
    );
}
