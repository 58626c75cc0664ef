//! The command line's help in the reader's language: Chinese by default, English with
//! `--lang en` (however it is written), from one catalogue, each language alone.

use crate::binary::bin;

/// The help printed for `args`, which must succeed.
fn help(args: &[&str]) -> String {
    let out = bin().args(args).env("NO_COLOR", "1").output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 help")
}

/// Sentences of the English help that the Chinese one must not hold, and the other way
/// round: one per command, the headings and clap's own options.
const ENGLISH: &[&str] = &[
    "check returns without storing them",
    "create a workspace",
    "who reported, who is missing or rejected",
    "copy the archive consistently",
    "Usage:",
    "Options:",
    "Commands:",
    "Print help",
    "Print version",
    "language of messages",
    "possible values",
    "[default:",
];
const CHINESE: &[&str] = &[
    "检查报表，不入库，写回执",
    "新建工作区",
    "报送情况",
    "备份档案库",
    "用法：",
    "选项",
    "命令",
    "显示帮助",
    "显示版本号",
    "提示语言",
];

fn assert_chinese(text: &str) {
    for s in ENGLISH {
        assert!(!text.contains(s), "{s:?} in the Chinese help:\n{text}");
    }
}

fn assert_english(text: &str) {
    for s in CHINESE {
        assert!(!text.contains(s), "{s:?} in the English help:\n{text}");
    }
}

#[test]
fn the_help_is_chinese_by_default() {
    let text = help(&["--help"]);
    for s in [
        "tongbao（通报）",
        "检查报表，不入库，写回执",
        "用法：tongbao",
        "命令:",
        "选项:",
    ] {
        assert!(text.contains(s), "{s:?} missing:\n{text}");
    }
    assert_chinese(&text);
    assert_chinese(&help(&["-h"]));
}

#[test]
fn the_help_is_english_with_lang_en_however_written() {
    for args in [
        &["--lang", "en", "--help"][..],
        &["--lang=en", "--help"],
        &["--help", "--lang", "en"],
    ] {
        let text = help(args);
        for s in [
            "check returns without storing them",
            "Usage:",
            "Commands:",
            "Options:",
        ] {
            assert!(text.contains(s), "{args:?}: {s:?} missing:\n{text}");
        }
        assert_english(&text);
    }
}

#[test]
fn a_commands_help_is_in_one_language_with_its_example() {
    let zh = help(&["explain", "--help"]);
    assert!(
        zh.contains("示例：tongbao explain --period 2025-06"),
        "{zh}"
    );
    assert!(zh.contains("只看该指标"), "{zh}");
    assert_chinese(&zh);
    let en = help(&["--lang", "en", "explain", "--help"]);
    assert!(
        en.contains("Example: tongbao explain --period 2025-06"),
        "{en}"
    );
    assert!(en.contains("only this figure"), "{en}");
    assert_english(&en);
    // ingest takes check's options, worded once.
    let en = help(&["ingest", "--help", "--lang", "en"]);
    assert!(en.contains("the batch period"), "{en}");
    let zh = help(&["ingest", "--help"]);
    assert!(zh.contains("本批次的报告期"), "{zh}");
}

#[test]
fn the_help_command_shows_a_commands_help_in_the_language_asked() {
    let zh = help(&["help", "projects", "show"]);
    assert!(zh.contains("一个项目的逐月报送记录"), "{zh}");
    assert_chinese(&zh);
    let en = help(&["--lang", "en", "help", "backup"]);
    assert!(en.contains("copy the archive consistently"), "{en}");
    assert_english(&en);
    let out = bin().args(["help", "nonesuch"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有名为“nonesuch”的命令"));
}

#[test]
fn a_period_that_is_not_yyyy_mm_is_refused_in_the_readers_language() {
    let out = bin()
        .args(["status", "--period", "2025-13"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let zh = String::from_utf8_lossy(&out.stderr);
    assert!(zh.contains("报告期应写成 YYYY-MM"), "{zh}");
    assert!(!zh.contains("must be"), "{zh}");
    let out = bin()
        .args(["--lang", "en", "status", "--period", "2025-13"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let en = String::from_utf8_lossy(&out.stderr);
    assert!(en.contains("the period must be YYYY-MM"), "{en}");
    assert!(!en.contains("报告期应写成"), "{en}");
}
