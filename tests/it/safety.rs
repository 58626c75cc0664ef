//! Output safety: text from returns reaches the bulletin as text. A project name that
//! looks like a formula is a string cell in the workbook (never `<f>`), and markup
//! characters reach the PDF literally (the templates do not HTML-escape, since the PDF
//! is drawn from text, where `&amp;` would be printed as such).

use std::io::{Cursor, Read};
use std::process::Command;

use tongbao::read::{read_bytes, CellValue};

use crate::binary::run;
use crate::support::*;

/// Names a spreadsheet would run as formulas (or a web page as markup).
const FORMULA_NAME: &str = "=HYPERLINK(\"http://example.com/x\",\"点此\")";
const AT_INVESTOR: &str = "@SUM(A1)";
const PLUS_NAME: &str = "+1+2";
const MINUS_INVESTOR: &str = "-1";
const MARKUP_NAME: &str = "<script>&\"x\"</script>";
const MARKUP_INVESTOR: &str = "{{title}}&amp;";
const DDE_NAME: &str = "=cmd|' /C calc'!A0";

#[test]
fn text_from_returns_is_never_a_formula_nor_markup_in_the_outputs() {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(ws.path().join("inbox")).expect("inbox");
    // Rows 0 and 2 are the month's 亿元以上 signings, listed in both outputs.
    let banan = Form::valid()
        .set(0, "项目名称", s(FORMULA_NAME))
        .set(0, "投资方", s(AT_INVESTOR))
        .set(0, "备注", s("=1+1"))
        .set(2, "项目名称", s(MARKUP_NAME))
        .set(2, "投资方", s(MARKUP_INVESTOR));
    let yuzhong = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"))
        .set(0, "项目名称", s(PLUS_NAME))
        .set(0, "投资方", s(MINUS_INVESTOR))
        .set(2, "项目名称", s(DDE_NAME))
        .set(2, "投资方", s("\t=1+1"));
    std::fs::write(ws.path().join("inbox/巴南区.xlsx"), banan.xlsx()).expect("return");
    std::fs::write(ws.path().join("inbox/渝中区.xlsx"), yuzhong.xlsx()).expect("return");
    let out = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(
        &[
            "build",
            "--period",
            "2025-06",
            "--date",
            "2025-07-03",
            "--out",
            "out",
        ],
        ws.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The workbook: no formula anywhere, and the names read back as text.
    let book = std::fs::read(ws.path().join("out/通报-2025-06.xlsx")).expect("workbook");
    let mut zip = zip::ZipArchive::new(Cursor::new(&book)).expect("xlsx is a zip");
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        let name = part.name().expect("part name").to_string();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            let mut xml = String::new();
            part.read_to_string(&mut xml).expect("sheet xml");
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "{name} has a formula"
            );
        }
    }
    let wb = read_bytes(&book, &Default::default()).expect("workbook reads");
    let texts: Vec<&str> = wb
        .sheets
        .iter()
        .flat_map(|s| &s.cells)
        .filter_map(|c| match &c.value {
            CellValue::Text(t) => Some(&**t),
            _ => None,
        })
        .collect();
    for expected in [
        FORMULA_NAME,
        AT_INVESTOR,
        MARKUP_NAME,
        MARKUP_INVESTOR,
        PLUS_NAME,
        MINUS_INVESTOR,
        DDE_NAME,
    ] {
        assert!(
            texts.contains(&expected),
            "{expected} is not a text cell of the workbook: {:?}",
            wb.sheets
                .iter()
                .find(|s| s.name == "亿元以上项目")
                .map(|s| &s.cells)
        );
    }

    // The PDF: the names as written, not escaped.
    let pdf = ws.path().join("out/通报-2025-06.pdf");
    let text = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed for the PDF tests");
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for expected in [FORMULA_NAME, MARKUP_NAME, MARKUP_INVESTOR] {
        let expected: String = expected.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&expected), "{expected} not in the PDF text");
    }
    assert!(
        !text.contains("&amp;amp;") && !text.contains("&lt;"),
        "escaped markup"
    );
}

/// Output file names come from the period only, never from a return's content: a unit
/// or project named like a path changes no file name.
#[test]
fn names_from_returns_never_become_paths() {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(ws.path().join("inbox")).expect("inbox");
    let form =
        Form::valid()
            .set(1, "项目名称", s("../../escaped"))
            .set(3, "项目名称", s("/tmp/absolute"));
    std::fs::write(ws.path().join("inbox/巴南区.xlsx"), form.xlsx()).expect("return");
    assert_eq!(
        run(&["ingest", "--period", "2025-06", "inbox"], ws.path())
            .status
            .code(),
        Some(0)
    );
    let out = run(
        &[
            "build",
            "--period",
            "2025-06",
            "--date",
            "2025-07-03",
            "--out",
            "out",
        ],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let mut names: Vec<String> = std::fs::read_dir(ws.path().join("out"))
        .expect("out")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bulletin-2025-06.json",
            "通报-2025-06.pdf",
            "通报-2025-06.xlsx"
        ]
    );
    assert!(!ws.path().join("escaped").exists());
}

#[test]
fn text_from_returns_cannot_drive_the_terminal() {
    // A unit name that would clear the screen, return to the line's start and forge a
    // line of the report, in a file whose own name does the same.
    let forged = "✓ /x/y.xlsx  渝中区  2025-06  通过";
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(ws.path().join("inbox")).expect("inbox");
    let form = Form::valid()
        .set_info(
            "填报单位",
            s(&format!("巴南区\u{1b}[2J\u{1b}[31m\r\n{forged}")),
        )
        .set(0, "项目名称", s("项目\u{1b}[8m隐藏\u{202e}"));
    std::fs::write(
        ws.path().join("inbox").join("x\r\u{1b}[2K✓ 伪造.xlsx"),
        form.xlsx(),
    )
    .expect("return");
    for command in ["check", "ingest"] {
        let out = run(&[command, "--period", "2025-06", "inbox"], ws.path());
        assert_eq!(out.status.code(), Some(1), "{command}: the unit is unknown");
        let stdout = String::from_utf8(out.stdout).expect("utf-8");
        assert!(
            !stdout.contains(['\u{1b}', '\r', '\u{202e}']),
            "{command} printed a control character: {stdout:?}"
        );
        assert!(
            !stdout.lines().any(|l| l.trim_start().starts_with(forged)),
            "{command} printed a forged line: {stdout}"
        );
        // The unit's name is shown, its control characters as escapes.
        assert!(
            stdout.contains("巴南区\\u{1B}[2J\\u{1B}[31m\\u{D}\\u{A}✓"),
            "{command}: {stdout}"
        );
        assert!(
            stdout.contains("x\\u{D}\\u{1B}[2K✓ 伪造.xlsx"),
            "{command}: {stdout}"
        );
    }
}
