//! Receipts (回执) through the real binary: one workbook per checked or ingested file, its
//! first sheet listing the verdict and every finding, then the county's sheets with each
//! offending cell filled and noted.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use crate::binary::{bin, repo};
use crate::support::*;

const EPOCH: &str = "1751533200";

fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run tongbao")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A workspace with the test roster and `files` in `inbox/`.
fn workspace_with(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(dir.path().join("inbox")).expect("inbox");
    for (name, bytes) in files {
        std::fs::write(dir.path().join("inbox").join(name), bytes).expect("file");
    }
    dir
}

fn receipts_dir(ws: &Path) -> PathBuf {
    ws.join("receipts/2025-06")
}

/// The receipt files in a folder, by name.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn sheet_names(path: &Path) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook(path).expect("receipt opens");
    wb.sheet_names()
}

/// Every non-empty cell of a sheet as (A1 row, col, text); numbers and dates as text too.
fn cells(path: &Path, sheet: &str) -> Vec<(u32, u32, Data)> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("receipt opens");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range
        .used_cells()
        .map(|(r, c, v)| {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            (r0 + r as u32, c0 + c as u32, v.clone())
        })
        .collect()
}

fn texts(path: &Path, sheet: &str) -> String {
    cells(path, sheet)
        .into_iter()
        .map(|(_, _, v)| v.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A part of the receipt's zip as text.
fn part(path: &Path, name: &str) -> Option<String> {
    let file = std::fs::File::open(path).expect("receipt");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut entry = zip.by_name(name).ok()?;
    let mut s = String::new();
    entry.read_to_string(&mut s).expect("utf-8 part");
    Some(s)
}

fn part_names(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).expect("receipt");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    (0..zip.len())
        .filter_map(|i| {
            zip.by_index(i)
                .ok()
                .and_then(|e| e.name().ok().map(|n| n.to_string()))
        })
        .collect()
}

/// The comment parts' text: every note of the receipt.
fn comments(path: &Path) -> String {
    part_names(path)
        .iter()
        .filter(|n| n.starts_with("xl/comments"))
        .filter_map(|n| part(path, n))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The XML of the `index`-th sheet (0 = 回执).
fn sheet_xml(path: &Path, index: usize) -> String {
    part(path, &format!("xl/worksheets/sheet{}.xml", index + 1)).expect("sheet part")
}

/// The fill colour (RRGGBB) of a cell's style, if it has a solid fill.
fn fill_of(path: &Path, sheet_index: usize, cell: &str) -> Option<String> {
    let xml = sheet_xml(path, sheet_index);
    let at = xml.find(&format!("<c r=\"{cell}\""))?;
    let tag = &xml[at..at + xml[at..].find('>')?];
    let style: usize = attr(tag, "s")?.parse().ok()?;
    let styles = part(path, "xl/styles.xml")?;
    let xfs = &styles[styles.find("<cellXfs")?..];
    let xf = xfs.split("<xf ").nth(style + 1)?;
    let fill_id: usize = attr(xf, "fillId")?.parse().ok()?;
    let fills = &styles[styles.find("<fills")?..styles.find("</fills>")?];
    let fill = fills.split("<fill>").nth(fill_id + 1)?;
    let rgb = attr(&fill[fill.find("<fgColor")?..], "rgb")?;
    Some(rgb[rgb.len().saturating_sub(6)..].to_string())
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}

const ERROR_FILL: &str = "FFC7CE";
const WARNING_FILL: &str = "FFEB9C";

#[test]
fn every_flawed_sample_gets_a_receipt_naming_its_finding_and_marking_its_cell() {
    let (ws, inbox) = crate::binary::sample_workspace();
    for e in std::fs::read_dir(repo().join("samples/flawed")).expect("flawed samples") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), inbox.join(e.file_name())).expect("copy");
    }
    let out = run(
        &["check", "--period", "2025-06", "--format", "json", "inbox"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 14);
    for f in files {
        let name = f["file"].as_str().expect("file");
        let shown = f["receipt"].as_str().expect("a receipt per file");
        assert!(shown.starts_with("receipts/2025-06/"), "{name}: {shown}");
        let receipt = ws.path().join(shown);
        assert!(receipt.is_file(), "{name}: {shown}");
        let front = texts(&receipt, "回执");
        let verdict = if f["status"] == "accepted" {
            "已受理"
        } else {
            "未通过审核"
        };
        assert!(front.contains(verdict), "{name}: {front}");
        let d = &f["diagnostics"][0];
        let message = d["message"].as_str().expect("message");
        let code = d["code"].as_str().expect("code");
        assert!(front.contains(message), "{name}: {message} in {front}");
        assert!(front.contains(code), "{name}: {code}");
        let sheets = sheet_names(&receipt);
        let Some(sheet) = d["sheet"].as_str() else {
            // A file that could not be read has nothing to reproduce.
            assert_eq!(sheets, vec!["回执"], "{name}");
            continue;
        };
        let index = sheets
            .iter()
            .position(|s| s == sheet)
            .unwrap_or_else(|| panic!("{name}: {sheet} reproduced in {sheets:?}"));
        let cell = match d["cell"].as_str() {
            Some(c) => c.to_string(),
            None => format!("A{}", d["row"].as_u64().expect("a row finding")),
        };
        assert!(
            front.contains(&cell) || d["cell"].is_null(),
            "{name}: {cell}"
        );
        let notes = comments(&receipt);
        assert!(
            notes.contains(&format!("<comment ref=\"{cell}\"")),
            "{name}: a note on {cell}"
        );
        assert!(notes.contains(message), "{name}: the note says {message}");
        let expected = if code.starts_with("W-") {
            WARNING_FILL
        } else {
            ERROR_FILL
        };
        assert_eq!(
            fill_of(&receipt, index, &cell).as_deref(),
            Some(expected),
            "{name}: {sheet}!{cell} is filled"
        );
    }
    // The unit's own name where it is known, a sanitised file name where it is not, and
    // the May return sent as June's answered with June's.
    let names = names_in(&ws.path().join("receipts/2025-06"));
    assert!(names.contains(&"北碚区-回执.xlsx".to_string()), "{names:?}");
    assert!(names.contains(&"大足区-回执.xlsx".to_string()), "{names:?}");
    assert!(
        names.contains(&"未识别单位-E-FILE-HTML-巫山县-2025-06-回执.xlsx".to_string()),
        "{names:?}"
    );
    assert!(!ws.path().join("receipts/2025-05").exists());
}

#[test]
fn a_row_finding_marks_every_used_cell_of_the_row() {
    let form = Form {
        header: HEADER
            .iter()
            .filter(|h| **h != "产业类别")
            .map(|h| h.to_string())
            .collect(),
        rows: ledger_rows()
            .into_iter()
            .map(|mut r| {
                r.remove(col("产业类别"));
                r
            })
            .collect(),
        ..Form::valid()
    };
    let ws = workspace_with(&[("巴南区.xlsx", form.xlsx())]);
    let out = run(&["check", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1));
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    let ledger = sheet_names(&receipt)
        .iter()
        .position(|s| s == "项目明细")
        .expect("ledger reproduced");
    for cell in ["A2", "C2", "R2"] {
        assert_eq!(
            fill_of(&receipt, ledger, cell).as_deref(),
            Some(ERROR_FILL),
            "{cell}"
        );
    }
    assert_eq!(fill_of(&receipt, ledger, "A3"), None, "the next row is not");
    assert!(comments(&receipt).contains("<comment ref=\"A2\""));
}

#[test]
fn a_clean_return_gets_an_accepted_receipt_with_no_findings() {
    let ws = workspace_with(&[("巴南区.xlsx", Form::valid().with_true_summary().xlsx())]);
    let out = run(&["check", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("回执：已写入 1 份，位于 receipts/2025-06"),
        "{text}"
    );
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    let front = texts(&receipt, "回执");
    for expected in [
        "已受理",
        "巴南区（500113）",
        "2025年6月",
        "未发现问题",
        "错误 0 个，警告 0 个",
    ] {
        assert!(front.contains(expected), "{expected} in {front}");
    }
    assert!(!front.contains("未通过"), "{front}");
    assert_eq!(
        sheet_names(&receipt),
        vec!["回执"],
        "nothing to mark: the county's sheets are not sent back"
    );
    assert!(comments(&receipt).is_empty(), "no notes");
    assert!(
        !ws.path().join("tongbao.db").exists(),
        "check stores nothing in the archive"
    );
}

#[test]
fn the_countys_values_come_back_as_they_were() {
    // Funds above the contract amount: a warning, so the sheets are reproduced.
    let form = Form::valid()
        .with_true_summary()
        .set(1, "本年累计到位资金", V::N(9000.0));
    let ws = workspace_with(&[("巴南区.xlsx", form.xlsx())]);
    let out = run(&["check", "inbox"], ws.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    assert_eq!(
        sheet_names(&receipt),
        vec!["回执", "基本信息", "主要指标", "项目明细"],
        "the county's sheets follow the receipt"
    );
    // Numbers as numbers, dates as dates, text as text.
    let ledger = cells(&receipt, "项目明细");
    let at = |r: u32, c: u32| {
        ledger
            .iter()
            .find(|(rr, cc, _)| (*rr, *cc) == (r, c))
            .map(|(_, _, v)| v.clone())
    };
    assert_eq!(at(2, 10), Some(Data::Float(52000.0)));
    assert_eq!(at(2, 2), Some(Data::String("新材料产业园".into())));
    assert!(
        matches!(at(2, 9), Some(Data::DateTime(_))),
        "{:?}",
        at(2, 9)
    );
}

#[test]
fn a_web_page_named_xls_gets_a_receipt_with_only_the_first_sheet() {
    let ws = workspace_with(&[(
        "导出.xls",
        b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
    )]);
    let out = run(&["check", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1));
    let receipt = receipts_dir(ws.path()).join("未识别单位-导出-回执.xlsx");
    assert_eq!(sheet_names(&receipt), vec!["回执"]);
    let front = texts(&receipt, "回执");
    assert!(
        front.contains("E-FILE-HTML") && front.contains("网页"),
        "{front}"
    );
    assert!(front.contains("整个文件"), "{front}");
}

#[test]
fn lang_en_writes_english_receipts() {
    let ws = workspace_with(&[(
        "巴南区.xlsx",
        Form::valid().set(0, "合同投资额", s("约5000")).xlsx(),
    )]);
    let out = run(&["--lang", "en", "check", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Receipts: 1 written to"));
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    assert_eq!(sheet_names(&receipt)[0], "Receipt");
    let front = texts(&receipt, "Receipt");
    for expected in [
        "Not accepted",
        "must be a number",
        "How to fix",
        "Value found",
        "K3",
    ] {
        assert!(front.contains(expected), "{expected} in {front}");
    }
    assert!(!front.contains("未通过"), "{front}");
    assert!(comments(&receipt).contains("must be a number"));
}

#[test]
fn no_receipts_writes_none() {
    let ws = workspace_with(&[("巴南区.xlsx", Form::valid().xlsx())]);
    let out = run(
        &["check", "--no-receipts", "--format", "json", "inbox"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(json(&out)["files"][0].get("receipt").is_none());
    let out = run(&["ingest", "--no-receipts", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("回执"));
    assert!(!ws.path().join("receipts").exists());
}

#[test]
fn receipts_dir_overrides_the_configured_folder() {
    let ws = workspace_with(&[("巴南区.xlsx", Form::valid().xlsx())]);
    let out = run(&["check", "--receipts", "back", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(ws.path().join("back/2025-06/巴南区-回执.xlsx").is_file());
    assert!(!ws.path().join("receipts").exists());
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let tricky = [
        "=1+1",
        "+86 23 1234",
        "-abc",
        "@SUM(A1:A2)",
        "=HYPERLINK(\"x\")",
    ];
    let form = Form::valid()
        .set(0, "项目名称", s(tricky[0]))
        .set(1, "项目名称", s(tricky[1]))
        .set(2, "项目名称", s(tricky[2]))
        .set(3, "项目名称", s(tricky[3]))
        .set(0, "备注", s(tricky[4]))
        // An error too, so the receipt's own table shows a county value.
        .set(0, "合同投资额", s("=2*3"));
    let ws = workspace_with(&[("巴南区.xlsx", form.xlsx())]);
    run(&["check", "inbox"], ws.path());
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    let names = sheet_names(&receipt);
    for (i, _) in names.iter().enumerate() {
        assert!(
            !sheet_xml(&receipt, i).contains("<f>"),
            "no formula in {}",
            names[i]
        );
    }
    let ledger = cells(&receipt, "项目明细");
    for t in tricky.iter().chain(&["=2*3"]) {
        assert!(
            ledger
                .iter()
                .any(|(_, _, v)| *v == Data::String((*t).to_string())),
            "{t} is a string"
        );
    }
    assert!(texts(&receipt, "回执").contains("=2*3"));
}

#[test]
fn an_unknown_unit_is_named_by_its_sanitised_file_name() {
    let ws = workspace_with(&[]);
    let name = "..a:b*c?d\"e<f>g|h\u{7}.xlsx";
    std::fs::write(
        ws.path().join("inbox").join(name),
        Form::valid()
            .set_info("填报单位", s("../../某某县"))
            .set_info("行政区划代码", V::E)
            .xlsx(),
    )
    .expect("file");
    let path = format!("inbox/{name}");
    let out = run(&["check", "--period", "2025-06", &path], ws.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        names_in(&receipts_dir(ws.path())),
        vec!["未识别单位-a_b_c_d_e_f_g_h_-回执.xlsx"]
    );
    assert_eq!(names_in(ws.path()).len(), 3, "nothing escaped the folder");
}

#[test]
fn without_any_period_receipts_go_to_the_unknown_period_folder() {
    let ws = workspace_with(&[("空.xlsx", Vec::new())]);
    let out = run(&["check", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(ws
        .path()
        .join("receipts/未知报告期/未识别单位-空-回执.xlsx")
        .is_file());
}

#[test]
fn two_files_for_one_unit_in_one_batch_both_get_receipts() {
    let ws = workspace_with(&[
        ("a.xlsx", Form::valid().xlsx()),
        (
            "b.xlsx",
            Form::valid().set(0, "合同投资额", s("约5000")).xlsx(),
        ),
    ]);
    run(&["check", "inbox"], ws.path());
    assert_eq!(
        names_in(&receipts_dir(ws.path())),
        vec!["巴南区-b-回执.xlsx", "巴南区-回执.xlsx"]
    );
    let second = texts(&receipts_dir(ws.path()).join("巴南区-b-回执.xlsx"), "回执");
    assert!(second.contains("b.xlsx") && second.contains("未通过审核"));
}

#[test]
fn ingest_receipts_state_the_archive_outcome_and_the_latest_replaces_the_last() {
    let ws = workspace_with(&[(
        "巴南区.xlsx",
        Form::valid().set(0, "合同投资额", s("约5000")).xlsx(),
    )]);
    let out = run(&["ingest", "--format", "json", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["files"][0]["archive"]["stored"], "new");
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    assert!(v["files"][0]["receipt"]
        .as_str()
        .is_some_and(|p| p.ends_with("巴南区-回执.xlsx")));
    let front = texts(&receipt, "回执");
    assert!(
        front.contains("未通过审核") && front.contains("入库情况") && front.contains("已存档备查"),
        "{front}"
    );
    assert!(
        front.contains("2025-07-03 17:00:00"),
        "received time: {front}"
    );

    // The county fixes the return; its receipt for the period is replaced.
    std::fs::write(ws.path().join("inbox/巴南区.xlsx"), Form::valid().xlsx()).expect("file");
    let out = run(&["ingest", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(0));
    let front = texts(&receipt, "回执");
    assert!(
        front.contains("已受理") && front.contains("已入库（第"),
        "{front}"
    );
    assert_eq!(names_in(&receipts_dir(ws.path())).len(), 1);

    // Sent again unchanged: the receipt says so.
    run(&["ingest", "inbox"], ws.path());
    assert!(texts(&receipt, "回执").contains("未重复入库"));
}

#[test]
fn the_same_file_at_the_same_time_gives_the_same_receipt() {
    let ws = workspace_with(&[(
        "巴南区.xlsx",
        Form::valid()
            .with_true_summary()
            .set(1, "签约日期", s("三月上旬"))
            .xlsx(),
    )]);
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    run(&["check", "inbox"], ws.path());
    let first = std::fs::read(&receipt).expect("receipt");
    run(&["check", "inbox"], ws.path());
    assert_eq!(std::fs::read(&receipt).expect("receipt"), first);
    let later = bin()
        .args(["check", "inbox"])
        .current_dir(ws.path())
        .env("SOURCE_DATE_EPOCH", "1751619600")
        .output()
        .expect("run");
    assert_eq!(later.status.code(), Some(1));
    assert_ne!(
        std::fs::read(&receipt).expect("receipt"),
        first,
        "another time of receipt"
    );
}

#[test]
fn a_receipt_that_cannot_be_written_is_an_io_error_after_the_report() {
    let ws = workspace_with(&[("巴南区.xlsx", Form::valid().xlsx())]);
    std::fs::write(ws.path().join("blocked"), b"a file, not a folder").expect("file");
    let out = run(&["check", "--receipts", "blocked", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("巴南区.xlsx"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("无法写入回执 blocked/2025-06/巴南区-回执.xlsx"),
        "{err}"
    );
}

#[test]
fn files_of_one_stem_never_share_a_receipt() {
    let page = b"<html><body>x</body></html>".to_vec();
    let ws = workspace_with(&[
        ("a.xls", page.clone()),
        ("a.xlsx", page),
        ("x.ods", Form::valid().xlsx()),
        ("x.xls", Form::valid().xlsx()),
        ("x.xlsx", Form::valid().xlsx()),
        ("y.xlsx", Form::valid().xlsx()),
    ]);
    run(&["check", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(
        names_in(&receipts_dir(ws.path())),
        vec![
            "巴南区-x-回执-2.xlsx",
            "巴南区-x-回执.xlsx",
            "巴南区-y-回执.xlsx",
            "巴南区-回执.xlsx",
            "未识别单位-a-回执-2.xlsx",
            "未识别单位-a-回执.xlsx",
        ]
    );
}

#[test]
fn the_countys_sheet_names_are_kept_apart_from_the_receipts_and_hidden_ones_stay_hidden() {
    // A warning (funds above the contract amount), so the county's sheets come back.
    let mut form = Form::valid()
        .with_true_summary()
        .set(1, "本年累计到位资金", V::N(9000.0));
    form.extra_sheets
        .push(Sheet::new("回执", vec![vec![s("县里自己的回执")]]));
    let mut hidden = Sheet::new("隐藏", vec![vec![s("草稿")]]);
    hidden.hidden = true;
    form.extra_sheets.push(hidden);
    let ws = workspace_with(&[("巴南区.xlsx", form.xlsx())]);
    assert_eq!(run(&["check", "inbox"], ws.path()).status.code(), Some(0));
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    assert_eq!(
        sheet_names(&receipt),
        vec![
            "回执",
            "基本信息",
            "主要指标",
            "项目明细",
            "回执(2)",
            "隐藏"
        ]
    );
    assert!(texts(&receipt, "回执(2)").contains("县里自己的回执"));
    let workbook = part(&receipt, "xl/workbook.xml").expect("workbook part");
    assert!(
        workbook.contains("<sheet name=\"隐藏\" sheetId=\"6\" state=\"hidden\""),
        "{workbook}"
    );
}

#[test]
fn a_long_ledger_is_copied_abridged_with_every_finding_at_its_own_row() {
    // 6,000 projects (over the 5,000 rows copied whole), one of them with an amount that is
    // not a number, far down the sheet.
    let base = ledger_rows();
    let rows: Vec<Vec<V>> = (0..6000)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            r[col("序号")] = V::N((i + 1) as f64);
            r[col("项目编号")] = s(&format!("P{i:05}"));
            r[col("项目名称")] = s(&format!("项目{i}"));
            r
        })
        .collect();
    let form = Form {
        rows,
        ..Form::valid()
    }
    .set(5400, "合同投资额", s("约5000"));
    let ws = workspace_with(&[("巴南区.xlsx", form.xlsx())]);
    let out = run(&["check", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1));
    let receipt = receipts_dir(ws.path()).join("巴南区-回执.xlsx");
    let ledger = cells(&receipt, "项目明细");
    let rows: std::collections::BTreeSet<u32> = ledger.iter().map(|(r, _, _)| *r).collect();
    // The title, the header and the first projects, then only the row with the finding:
    // project 5400 is row 5402 (zero-based) under the title and the header, where the
    // county's file has it.
    assert!(rows.contains(&0) && rows.contains(&9), "{rows:?}");
    assert!(!rows.contains(&10) && !rows.contains(&3000), "{rows:?}");
    assert_eq!(rows.iter().filter(|&&r| r > 9).collect::<Vec<_>>(), [&5402]);
    let amount = col("合同投资额") as u32;
    assert!(
        ledger
            .iter()
            .any(|(r, c, v)| (*r, *c) == (5402, amount) && *v == Data::String("约5000".into())),
        "the offending value at its own cell"
    );
    let ledger_index = sheet_names(&receipt)
        .iter()
        .position(|n| n == "项目明细")
        .expect("ledger copied");
    let cell = format!("{}5403", tongbao::model::column_letters(amount));
    assert_eq!(
        fill_of(&receipt, ledger_index, &cell).as_deref(),
        Some(ERROR_FILL)
    );
    let front = texts(&receipt, "回执");
    assert!(
        front.contains("工作表“项目明细”共 6002 行，回执只抄录前 10 行和有问题的行"),
        "{front}"
    );
    // A receipt of a few KB, not a copy of the whole sheet.
    let size = std::fs::metadata(&receipt).expect("receipt").len();
    assert!(size < 100_000, "{size} bytes");
}
