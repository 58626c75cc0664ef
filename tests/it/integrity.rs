//! The archive is never silently wrong: readers refuse a missing or empty archive, every
//! read for aggregation checks the rows' checksums, `verify` re-reads the originals,
//! `backup` and the automatic copies, and configuration that cannot rank is refused.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tongbao::archive::Archive;

use crate::binary::run_reproducibly as run;
use crate::support::*;

fn workspace_with_config(config: &str) -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), config).expect("config");
    std::fs::create_dir(ws.path().join("inbox")).expect("inbox");
    ws
}

/// A workspace whose archive holds 巴南区's June return.
fn ingested() -> tempfile::TempDir {
    let ws = workspace_with_config(CONFIG);
    std::fs::write(ws.path().join("inbox/巴南区.xlsx"), Form::valid().xlsx()).expect("file");
    let out = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    ws
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn db(ws: &tempfile::TempDir) -> PathBuf {
    ws.path().join("tongbao.db")
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn build_on_an_emptied_archive_exits_2_and_keeps_the_earlier_bulletin() {
    let ws = ingested();
    let first = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let out_dir = ws.path().join("out/2025-06");
    let before = snapshot(&out_dir);
    assert_eq!(before.len(), 3);

    std::fs::write(db(&ws), b"").expect("empty the archive");
    let again = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(again.status.code(), Some(2), "{}", stdout(&again));
    let text = stderr(&again);
    assert!(
        text.contains("tongbao.db") && text.contains("空的"),
        "{text}"
    );
    assert!(text.contains("tongbao ingest"), "{text}");
    assert_eq!(snapshot(&out_dir), before, "earlier outputs untouched");
    assert_eq!(std::fs::metadata(db(&ws)).expect("db").len(), 0);

    let en = run(
        &["--lang", "en", "status", "--period", "2025-06"],
        ws.path(),
    );
    assert_eq!(en.status.code(), Some(2));
    assert!(stderr(&en).contains("is empty"), "{}", stderr(&en));
}

#[test]
fn readers_without_an_archive_exit_2_and_create_nothing() {
    let ws = workspace_with_config(CONFIG);
    for args in [
        &["status", "--period", "2025-06"][..],
        &["build", "--period", "2025-06"][..],
        &["brief", "--from", "2025-06", "--to", "2025-06"][..],
        &["verify"][..],
    ] {
        let out = run(args, ws.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("不存在"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!db(&ws).exists(), "{args:?} created an archive");
        assert!(!ws.path().join("out").exists(), "{args:?} touched out/");
    }
    let en = run(&["--lang", "en", "build", "--period", "2025-06"], ws.path());
    assert!(
        stderr(&en).contains("there is no archive") && stderr(&en).contains("tongbao ingest"),
        "{}",
        stderr(&en)
    );
}

#[test]
fn an_archive_file_without_tables_is_empty_not_a_fresh_archive() {
    let ws = workspace_with_config(CONFIG);
    {
        let conn = rusqlite::Connection::open(db(&ws)).expect("sqlite");
        conn.execute_batch("CREATE TABLE other (x INTEGER);")
            .expect("table");
    }
    let out = run(&["status", "--period", "2025-06"], ws.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("没有数据表"), "{}", stderr(&out));
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_damaged_in_both_languages() {
    let ws = workspace_with_config(CONFIG);
    std::fs::write(db(&ws), vec![0x5a; 8192]).expect("garbage");
    let zh = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(zh.status.code(), Some(2));
    assert!(stderr(&zh).contains("已损坏"), "{}", stderr(&zh));
    assert!(stderr(&zh).contains("备份"), "{}", stderr(&zh));
    let en = run(&["--lang", "en", "build", "--period", "2025-06"], ws.path());
    assert!(stderr(&en).contains("is damaged"), "{}", stderr(&en));
    assert!(!ws.path().join("out").exists());
}

/// Adds 1.00 万元 to the first stored project's 合同投资额, as a flipped byte would.
fn tamper(ws: &tempfile::TempDir) {
    let conn = rusqlite::Connection::open(db(ws)).expect("sqlite");
    let changed = conn
        .execute(
            "UPDATE project SET contract_amount = contract_amount + 100
             WHERE rowid = (SELECT MIN(rowid) FROM project WHERE contract_amount IS NOT NULL)",
            [],
        )
        .expect("update");
    assert_eq!(changed, 1);
}

#[test]
fn a_stored_label_or_date_the_archive_never_writes_stops_build() {
    // Each is read where SQLite holds it (no copy first): a word or date the archive
    // never writes is the return's mismatch, named with its unit; a value of another type
    // is SQLite's error. Nothing is written either way.
    for (set, words) in [
        ("stage = '已开工？'", "巴南区"),
        ("signed_on = '2025-13-01'", "巴南区"),
        ("signed_on = '2025-6-1x'", "巴南区"),
        ("funds_source = '天外'", "巴南区"),
        ("stage = 7", "tongbao"),
    ] {
        let ws = ingested();
        let conn = rusqlite::Connection::open(db(&ws)).expect("sqlite");
        let changed = conn
            .execute(
                &format!("UPDATE project SET {set} WHERE rowid = (SELECT MIN(rowid) FROM project)"),
                [],
            )
            .expect("update");
        assert_eq!(changed, 1);
        drop(conn);
        let build = run(&["build", "--period", "2025-06"], ws.path());
        assert_eq!(build.status.code(), Some(2), "{set}: {}", stdout(&build));
        assert!(stderr(&build).contains(words), "{set}: {}", stderr(&build));
        assert!(!ws.path().join("out").exists(), "{set}: nothing written");
    }
}

#[test]
fn a_changed_stored_amount_stops_build_and_brief_and_verify_names_it() {
    let ws = ingested();
    let clean = run(&["verify"], ws.path());
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("一致"), "{}", stdout(&clean));

    tamper(&ws);
    let build = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(build.status.code(), Some(2), "{}", stdout(&build));
    let text = stderr(&build);
    assert!(
        text.contains("巴南区") && text.contains("2025-06") && text.contains("tongbao verify"),
        "{text}"
    );
    assert!(!ws.path().join("out").exists(), "nothing written");

    let brief = run(
        &["brief", "--from", "2025-06", "--to", "2025-06"],
        ws.path(),
    );
    assert_eq!(brief.status.code(), Some(2), "{}", stdout(&brief));
    assert!(stderr(&brief).contains("巴南区"), "{}", stderr(&brief));

    let en = run(&["--lang", "en", "build", "--period", "2025-06"], ws.path());
    assert!(
        stderr(&en).contains("no longer matches the checksum"),
        "{}",
        stderr(&en)
    );

    let verify = run(&["verify"], ws.path());
    assert_eq!(verify.status.code(), Some(1), "{}", stderr(&verify));
    let text = stdout(&verify);
    assert!(text.contains("不一致") && text.contains("巴南区"), "{text}");
    assert!(text.contains("contract_amount"), "{text}");

    let json = run(&["verify", "--json"], ws.path());
    assert_eq!(json.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["summary"]["mismatch"], 1);
    let codes: Vec<&str> = v["submissions"][0]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    assert_eq!(codes, vec!["checksum", "projects"]);
}

#[test]
fn an_archive_from_before_checksums_gets_them_when_opened() {
    let ws = ingested();
    {
        let conn = rusqlite::Connection::open(db(&ws)).expect("sqlite");
        conn.execute_batch(
            "ALTER TABLE submission DROP COLUMN rows_sha256;
             ALTER TABLE submission DROP COLUMN figures_sha256;
             PRAGMA user_version = 4;",
        )
        .expect("downgrade");
    }
    let build = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let verify = run(&["verify"], ws.path());
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
}

#[test]
fn backup_writes_a_copy_that_opens_with_the_same_submissions() {
    let ws = ingested();
    let copy = ws.path().join("copy.db");
    let out = run(&["backup", "copy.db"], ws.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let original = Archive::open_for_reading(&db(&ws)).expect("archive");
    let copied = Archive::open_for_reading(&copy).expect("copy opens");
    assert_eq!(
        copied.all_submissions().expect("copy"),
        original.all_submissions().expect("original")
    );
    assert_eq!(
        copied.bytes(1).expect("bytes"),
        original.bytes(1).expect("bytes")
    );

    std::fs::create_dir(ws.path().join("safe")).expect("folder");
    let out = run(&["backup", "safe"], ws.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: Vec<String> = std::fs::read_dir(ws.path().join("safe"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["tongbao-20250703T090000Z.db".to_string()]);

    // Over the archive itself: refused in the reader's language, the archive untouched.
    let before = std::fs::read(db(&ws)).expect("archive");
    let onto = run(&["backup", "tongbao.db"], ws.path());
    assert_eq!(onto.status.code(), Some(2), "{}", stderr(&onto));
    assert!(
        stderr(&onto).contains("就是档案库本身"),
        "{}",
        stderr(&onto)
    );
    let onto = run(&["--lang", "en", "backup", "tongbao.db"], ws.path());
    assert!(
        stderr(&onto).contains("is the archive itself"),
        "{}",
        stderr(&onto)
    );
    assert!(!stderr(&onto).contains("档案库"), "{}", stderr(&onto));
    assert_eq!(std::fs::read(db(&ws)).expect("archive"), before);
}

#[test]
fn ingest_keeps_the_last_n_automatic_backups_and_refuses_a_lost_archive() {
    let config = format!("{CONFIG}\n[archive]\nkeep_backups = 2\n");
    let ws = workspace_with_config(&config);
    let backups = ws.path().join("backups");
    for (i, amount) in [1000.0, 2000.0, 3000.0, 4000.0].into_iter().enumerate() {
        std::fs::write(
            ws.path().join("inbox/巴南区.xlsx"),
            Form::valid().set(3, "合同投资额", V::N(amount)).xlsx(),
        )
        .expect("file");
        let out = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
        assert!(out.status.code() != Some(2), "ingest {i}: {}", stderr(&out));
    }
    let mut names: Vec<String> = std::fs::read_dir(&backups)
        .expect("backups")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The first ingest had no archive to copy; three copies were made, two kept.
    assert_eq!(
        names,
        vec![
            "tongbao-20250703T090000Z_001.db".to_string(),
            "tongbao-20250703T090000Z_002.db".to_string()
        ]
    );
    // The newest copy holds the third version (made before the fourth ingest).
    let newest = Archive::open_for_reading(&backups.join(&names[1])).expect("copy");
    assert_eq!(newest.all_submissions().expect("subs").len(), 3);

    std::fs::write(db(&ws), b"").expect("lose the archive");
    let out = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tongbao-20250703T090000Z_002.db"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::metadata(db(&ws)).expect("db").len(), 0);
}

/// The copy made before a batch is stored is made while the batch's first files are read;
/// a copy that cannot be made still refuses the batch with nothing stored, with or without
/// a period given.
#[test]
fn ingest_stores_nothing_when_its_backup_cannot_be_made() {
    let ws = workspace_with_config(CONFIG);
    std::fs::write(ws.path().join("inbox/巴南区.xlsx"), Form::valid().xlsx()).expect("file");
    let first = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
    assert!(first.status.code() != Some(2), "{}", stderr(&first));
    let before = Archive::open_for_reading(&db(&ws))
        .expect("archive")
        .all_submissions()
        .expect("subs")
        .len();
    // A file where the backups folder should be (the first ingest had no archive to
    // copy, so there is none yet): no copy can be written.
    let backups = ws.path().join("backups");
    assert!(!backups.exists());
    std::fs::write(&backups, b"not a folder").expect("file");
    std::fs::write(
        ws.path().join("inbox/巴南区.xlsx"),
        Form::valid().set(3, "合同投资额", V::N(2000.0)).xlsx(),
    )
    .expect("file");
    for args in [
        &["ingest", "--period", "2025-06", "inbox"][..],
        &["ingest", "inbox"][..],
    ] {
        let out = run(args, ws.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("无法写入备份") && stderr(&out).contains("档案库未被改动"),
            "{args:?}: {}",
            stderr(&out)
        );
        // Why, in Chinese: not the system's English ("File exists (os error 17)").
        assert!(
            stderr(&out).contains("已有同名文件") && !stderr(&out).contains("os error"),
            "{args:?}: {}",
            stderr(&out)
        );
        let after = Archive::open_for_reading(&db(&ws))
            .expect("archive")
            .all_submissions()
            .expect("subs")
            .len();
        assert_eq!(after, before, "{args:?} stored a file");
    }
}

/// A configuration that cannot be read says why in the reader's language, once.
#[test]
fn an_unreadable_configuration_says_why_in_the_readers_language() {
    let dir = tempfile::tempdir().expect("folder");
    let config = dir.path().join("tongbao.toml");
    std::fs::create_dir(&config).expect("a folder where the file should be");
    let config = config.to_string_lossy().into_owned();
    let zh = run(
        &["--config", &config, "status", "--period", "2025-06"],
        dir.path(),
    );
    assert_eq!(zh.status.code(), Some(2));
    assert!(
        stderr(&zh).contains("无法读取配置文件") && stderr(&zh).contains("这是文件夹，不是文件"),
        "{}",
        stderr(&zh)
    );
    assert!(!stderr(&zh).contains("os error"), "{}", stderr(&zh));
    let en = run(
        &[
            "--lang", "en", "--config", &config, "status", "--period", "2025-06",
        ],
        dir.path(),
    );
    assert_eq!(en.status.code(), Some(2));
    assert_eq!(
        stderr(&en).matches("Is a directory").count(),
        1,
        "{}",
        stderr(&en)
    );
}

/// The roster of the tests with `extra` appended, and the 1-based line where it starts.
fn config_with(extra: &str) -> (String, usize) {
    let base = CONFIG.to_string();
    let line = base.matches('\n').count() + 2;
    (format!("{base}\n{extra}"), line)
}

#[test]
fn configuration_that_cannot_rank_is_refused_naming_the_key_and_line() {
    let cases: &[(&str, &str)] = &[
        (
            "[scoring]\nweights = { signed_amount = 0, funds_in_place = 0 }",
            "weights",
        ),
        ("[scoring]\nweights = {}", "weights"),
        (
            "[scoring]\nweights = { signed_amount = nan }",
            "weights.signed_amount",
        ),
        (
            "[scoring]\nweights = { signed_amount = inf }",
            "weights.signed_amount",
        ),
        (
            "[scoring]\nweights = { signed_amount = -5, funds_in_place = 30 }",
            "weights.signed_amount",
        ),
        ("[bulletin]\ndeadline_day = 31", "deadline_day"),
        ("[bulletin]\ndeadline_day = 0", "deadline_day"),
        ("[verify]\nytd_drop_share = 1.5", "ytd_drop_share"),
        ("[verify]\nytd_drop_min_wan = -1", "ytd_drop_min_wan"),
        (
            "[verify]\nfunds_to_contract_max = nan",
            "funds_to_contract_max",
        ),
    ];
    for (extra, key) in cases {
        let (config, line) = config_with(extra);
        let ws = workspace_with_config(&config);
        let out = run(&["status", "--period", "2025-06"], ws.path());
        assert_eq!(out.status.code(), Some(2), "{extra}");
        let text = stderr(&out);
        // The value's line: the table header is on `line`, the key on the next.
        assert!(
            text.contains(key) && text.contains(&format!("tongbao.toml:{}:", line + 1)),
            "{extra}: {text}"
        );
    }
}

#[test]
fn targets_and_names_that_cannot_rank_are_refused_naming_the_line() {
    let unit = |field: &str| {
        format!("[[unit]]\ncode = \"500112\"\nname = \"渝北区\"\ngroup = \"区\"\n{field}")
    };
    let cases = [
        (
            unit("targets = { signed_amount = 0 }"),
            "targets.signed_amount",
            4,
        ),
        (
            unit("targets = { signed_amount = 0.001 }"),
            "targets.signed_amount",
            4,
        ),
        (
            unit("targets = { funds_in_place = inf }"),
            "targets.funds_in_place",
            4,
        ),
        (unit("aliases = [\"\"]"), "别名", 4),
        (unit("aliases = [\"·\"]"), "别名", 4),
        (
            "[[unit]]\ncode = \"500112\"\nname = \"-\"\ngroup = \"区\"".to_string(),
            "名称",
            2,
        ),
    ];
    for (extra, key, offset) in cases {
        let (config, line) = config_with(&extra);
        let ws = workspace_with_config(&config);
        let out = run(&["status", "--period", "2025-06"], ws.path());
        assert_eq!(out.status.code(), Some(2), "{extra}");
        let text = stderr(&out);
        assert!(
            text.contains(key) && text.contains(&format!("tongbao.toml:{}:", line + offset)),
            "{extra}: {text}"
        );
    }
}

/// Whether `text` holds a CJK character.
fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn a_configuration_error_is_worded_in_the_readers_language_only() {
    // A weight that cannot rank, a missing config, and a span the briefing cannot give:
    // each in Chinese by default and in English with --lang en, never both at once.
    let (config, _) = config_with("[bulletin]\ndeadline_day = 31");
    let ws = workspace_with_config(&config);
    let valid = workspace_with_config(&config_with("").0);
    let empty = tempfile::tempdir().expect("temp dir");
    let cases: [(&[&str], &std::path::Path, &str, &str); 3] = [
        (
            &["status", "--period", "2025-06"],
            ws.path(),
            "须在 1 到 28 之间",
            "must be between 1 and 28",
        ),
        (
            &["status", "--period", "2025-06"],
            empty.path(),
            "找不到 tongbao.toml",
            "no tongbao.toml found",
        ),
        (
            &["brief", "--from", "2024-12", "--to", "2025-01"],
            valid.path(),
            "同一年",
            "same year",
        ),
    ];
    for (args, dir, zh, en) in cases {
        let out = run(args, dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = stderr(&out);
        assert!(text.contains(zh) && !text.contains(en), "{args:?}: {text}");
        let mut english = vec!["--lang", "en"];
        english.extend_from_slice(args);
        let out = run(&english, dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = stderr(&out);
        assert!(text.contains(en) && !has_cjk(&text), "{args:?}: {text}");
    }
}

#[test]
fn a_rejected_file_kept_whole_verifies_clean() {
    // A return with an error is rejected: the archive keeps its bytes, not its rows, and
    // verify must not call that a difference.
    let ws = ingested();
    let bad = Form::valid().set(0, "合同投资额", s("很多"));
    std::fs::write(ws.path().join("inbox/巴南区-错.xlsx"), bad.xlsx()).expect("file");
    let out = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let verify = run(&["verify"], ws.path());
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    assert!(stdout(&verify).contains("一致"), "{}", stdout(&verify));
}

#[test]
fn a_document_number_of_zero_is_refused_naming_its_line() {
    let ws = workspace_with_config(&format!("[bulletin]\nnumber = 0\n{CONFIG}"));
    let out = run(&["status", "--period", "2025-06"], ws.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("tongbao.toml:2: [bulletin] number = 0"),
        "{}",
        stderr(&out)
    );
}
