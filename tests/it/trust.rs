//! Never publish a wrong figure: resubmissions mean what the county meant, returns that
//! need explaining are held (核实) until confirmed, a figure nobody stated is "not
//! reported" and never 0, nothing is published for a month without returns, and no
//! receipt is lost to a stop.

use std::path::Path;

use serde_json::Value;

use crate::binary::run_reproducibly as run;
use crate::support::*;

fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(ws.path().join("inbox")).expect("inbox");
    ws
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Ingests one file for `period` (as its only content of the inbox folder `sub`), JSON.
fn ingest(ws: &Path, sub: &str, name: &str, bytes: &[u8], period: &str) -> std::process::Output {
    let dir = ws.join("inbox").join(sub);
    std::fs::create_dir_all(&dir).expect("inbox folder");
    std::fs::write(dir.join(name), bytes).expect("file");
    run(
        &[
            "ingest",
            "--period",
            period,
            "--format",
            "json",
            &format!("inbox/{sub}"),
        ],
        ws,
    )
}

fn status_of(ws: &Path, period: &str, code: &str) -> Value {
    let out = run(&["status", "--period", period, "--json"], ws);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["code"] == code)
        .cloned()
        .expect("unit")
}

fn bulletin(ws: &Path, period: &str) -> Value {
    let out = run(&["build", "--period", period], ws);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = ws.join(format!("out/{period}/bulletin-{period}.json"));
    serde_json::from_slice(&std::fs::read(path).expect("bulletin json")).expect("parse")
}

/// A ledger row like the standard return's second (已签约, 8000 万元 on 2025-03-05).
fn row(id: &str, name: &str, signed: (u16, u8, u8), amount: f64) -> Vec<V> {
    let mut r = ledger_rows()[1].clone();
    r[col("项目编号")] = s(id);
    r[col("项目名称")] = s(name);
    r[col("签约日期")] = V::D(signed.0, signed.1, signed.2);
    r[col("合同投资额")] = V::N(amount);
    r
}

/// 巴南区's May return: the standard second project and a 20 亿元 signing in May.
fn may_with_big_signing() -> Form {
    let mut f = Form::valid().set_info("报告期", s("2025年5月"));
    f.rows = vec![
        ledger_rows()[1].clone(),
        row("P005", "数据中心", (2025, 5, 10), 200_000.0),
    ];
    f
}

#[test]
fn an_earlier_version_sent_again_becomes_current_again() {
    let ws = workspace();
    let a = Form::valid().xlsx();
    let b = Form::valid().set(0, "合同投资额", V::N(62000.0)).xlsx();
    assert_eq!(
        ingest(ws.path(), "1", "巴南区.xlsx", &a, "2025-06")
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        ingest(ws.path(), "2", "巴南区.xlsx", &b, "2025-06")
            .status
            .code(),
        Some(0)
    );
    // The county withdraws its correction: A again.
    let third = ingest(ws.path(), "3", "巴南区.xlsx", &a, "2025-06");
    assert_eq!(third.status.code(), Some(0));
    let j = json(&third);
    let archive = &j["files"][0]["archive"];
    assert_eq!(archive["stored"], "resent", "{j}");
    assert_eq!(
        (
            &archive["version"],
            &archive["replaces"],
            &archive["same_as"]
        ),
        (&Value::from(3), &Value::from(2), &Value::from(1))
    );
    let unit = status_of(ws.path(), "2025-06", "500113");
    assert_eq!(
        (unit["status"].as_str(), unit["version"].as_i64()),
        (Some("accepted"), Some(3))
    );
    assert_eq!(unit["submissions"], 3);
    // The bulletin counts A's 52000 + 15000, not B's 62000 + 15000.
    let b = bulletin(ws.path(), "2025-06");
    assert_eq!(b["units"][0]["month"]["signed_amount"], 67000.0);
    // One copy of the bytes is kept, and version 3 reads as A.
    let db = tongbao::archive::Archive::open_for_reading(&ws.path().join("tongbao.db"))
        .expect("archive");
    let subs = db
        .submissions(tongbao::model::Period::new(2025, 6).expect("period"))
        .expect("submissions");
    assert_eq!(db.bytes(subs[2].id).expect("bytes"), a);
    // The inbox read again as it is (A, then B, then A again): nothing changes.
    let again = run(
        &["ingest", "--period", "2025-06", "--format", "json", "inbox"],
        ws.path(),
    );
    let again = json(&again);
    let stored: Vec<&str> = again["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["archive"]["stored"].as_str().expect("stored"))
        .collect();
    assert_eq!(stored, ["duplicate", "duplicate", "duplicate"]);
    assert_eq!(status_of(ws.path(), "2025-06", "500113")["version"], 3);
    // And A sent a fourth time is what stands already: nothing to store.
    let fourth = ingest(ws.path(), "4", "巴南区.xlsx", &a, "2025-06");
    assert_eq!(json(&fourth)["files"][0]["archive"]["stored"], "duplicate");
}

#[test]
fn a_rejected_resubmission_gets_its_own_receipt_and_the_earlier_version_stands() {
    let ws = workspace();
    assert_eq!(
        ingest(
            ws.path(),
            "1",
            "巴南区.xlsx",
            &Form::valid().xlsx(),
            "2025-06"
        )
        .status
        .code(),
        Some(0)
    );
    let flawed = Form::valid().set(0, "合同投资额", s("约5000")).xlsx();
    let out = ingest(ws.path(), "2", "巴南区.xlsx", &flawed, "2025-06");
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["files"][0]["status"], "rejected");
    assert_eq!(j["files"][0]["archive"]["stands"], 1, "{j}");
    let receipts = ws.path().join("receipts/2025-06");
    let own = receipts.join("巴南区-第2版未通过-回执.xlsx");
    assert!(
        own.is_file(),
        "{:?}",
        std::fs::read_dir(&receipts).map(|d| d.count())
    );
    assert_eq!(
        j["files"][0]["receipt"],
        "receipts/2025-06/巴南区-第2版未通过-回执.xlsx"
    );
    // The unit's receipt still carries its current verdict: accepted.
    let unit_receipt = first_sheet_text(&receipts.join("巴南区-回执.xlsx"));
    assert!(unit_receipt.contains("已受理"), "{unit_receipt}");
    let rejected_receipt = first_sheet_text(&own);
    assert!(
        rejected_receipt.contains("未通过审核") && rejected_receipt.contains("第 1 版仍然有效"),
        "{rejected_receipt}"
    );
    let human = run(&["ingest", "--period", "2025-06", "inbox/2"], ws.path());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("已入库的第 1 版仍然有效"), "{text}");
}

/// Every text cell of a workbook's first sheet, joined.
fn first_sheet_text(path: &Path) -> String {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).expect("open receipt");
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).expect("sheet");
    range
        .used_cells()
        .filter_map(|(_, _, c)| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_year_to_date_fall_beyond_the_threshold_is_held_until_confirmed() {
    let ws = workspace();
    let may = ingest(
        ws.path(),
        "05",
        "巴南区5月.xlsx",
        &may_with_big_signing().xlsx(),
        "2025-05",
    );
    assert_eq!(
        may.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&may.stdout)
    );

    // `check` inside the workspace says what ingest will do, and changes nothing.
    let june = Form::valid().xlsx();
    std::fs::create_dir_all(ws.path().join("inbox/06")).expect("folder");
    std::fs::write(ws.path().join("inbox/06/巴南区6月.xlsx"), &june).expect("file");
    let db = ws.path().join("tongbao.db");
    let before = std::fs::read(&db).expect("db");
    let check = run(
        &[
            "check",
            "--no-receipts",
            "--period",
            "2025-06",
            "--format",
            "json",
            "inbox/06",
        ],
        ws.path(),
    );
    assert_eq!(check.status.code(), Some(1), "held is not accepted");
    let c = json(&check);
    assert_eq!(c["files"][0]["status"], "held");
    assert_eq!(c["summary"]["held"], 1);
    let codes: Vec<&str> = c["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"V-YTD-DROP"), "{codes:?}");
    assert!(codes.contains(&"W-PROJECT-VANISHED"), "{codes:?}");
    assert!(
        !codes.contains(&"V-PROJECTS-GONE"),
        "one of two projects is not more than half"
    );
    assert_eq!(
        std::fs::read(&db).expect("db"),
        before,
        "check wrote to the archive"
    );

    let out = run(
        &[
            "ingest", "--period", "2025-06", "--format", "json", "inbox/06",
        ],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["files"][0]["status"], "held");
    let held = status_of(ws.path(), "2025-06", "500113");
    assert_eq!(
        (held["status"].as_str(), held["version"].as_i64()),
        (Some("held"), Some(1))
    );
    let human = run(&["status", "--period", "2025-06"], ws.path());
    assert!(String::from_utf8_lossy(&human.stdout).contains("待核实 第1版"));

    // Held, it is not counted: nothing else reported, so there is nothing to publish.
    let refused = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(refused.status.code(), Some(2));
    assert!(!ws.path().join("out/2025-06").exists(), "nothing written");

    // Another unit reports; the held one is listed, not counted.
    let yuzhong = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"))
        .xlsx();
    ingest(ws.path(), "06y", "渝中区.xlsx", &yuzhong, "2025-06");
    let b = bulletin(ws.path(), "2025-06");
    assert_eq!(b["held"], serde_json::json!(["巴南区"]));
    assert_eq!(b["units"][0]["status"], "held");
    assert!(b["units"][0]["ytd"].is_null() && b["units"][0]["rank"].is_null());
    assert_eq!(b["total"]["ytd"]["signed_amount"], 75000.0, "渝中区 only");
    let pdf = pdf_text(&ws.path().join("out/2025-06/通报-2025-06.pdf"));
    assert!(pdf.contains("待核实"), "the data notes name the held unit");

    // The clerk confirms with an explanation: counted, and the note is printed.
    let confirm = run(
        &[
            "confirm",
            "--period",
            "2025-06",
            "--unit",
            "巴南区",
            "--note",
            "5月数据中心项目重复填报，已核减",
        ],
        ws.path(),
    );
    assert_eq!(
        confirm.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&confirm.stderr)
    );
    assert_eq!(
        status_of(ws.path(), "2025-06", "500113")["status"],
        "accepted"
    );
    let b = bulletin(ws.path(), "2025-06");
    assert_eq!(b["units"][0]["status"], "accepted");
    assert_eq!(b["total"]["ytd"]["signed_amount"], 150000.0);
    assert_eq!(b["confirmed"][0]["note"], "5月数据中心项目重复填报，已核减");
    let pdf = pdf_text(&ws.path().join("out/2025-06/通报-2025-06.pdf"));
    // The sentence may run over a page: its page number (—N—) is left out.
    let page_numbers = |t: &str| {
        t.starts_with('—')
            && t.ends_with('—')
            && t.trim_matches('—').chars().all(|c| c.is_ascii_digit())
    };
    let text: String = pdf
        .split_whitespace()
        .filter(|t| !page_numbers(t))
        .collect();
    assert!(text.contains("5月数据中心项目重复填报，已核减"), "{pdf}");
    // Nothing left to confirm.
    let again = run(
        &[
            "confirm",
            "--period",
            "2025-06",
            "--unit",
            "巴南区",
            "--note",
            "再次确认",
        ],
        ws.path(),
    );
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn more_than_half_of_last_months_projects_gone_is_held() {
    let ws = workspace();
    let mut may = Form::valid().set_info("报告期", s("2025年5月"));
    may.rows = vec![
        row("P006", "甲项目", (2025, 2, 1), 100.0),
        row("P007", "乙项目", (2025, 2, 2), 100.0),
        row("P008", "丙项目", (2025, 2, 3), 100.0),
    ];
    assert_eq!(
        ingest(ws.path(), "05", "5月.xlsx", &may.xlsx(), "2025-05")
            .status
            .code(),
        Some(0)
    );
    let out = ingest(
        ws.path(),
        "06",
        "6月.xlsx",
        &Form::valid().xlsx(),
        "2025-06",
    );
    let j = json(&out);
    assert_eq!(j["files"][0]["status"], "held", "{j}");
    let gone: Vec<&Value> = j["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "V-PROJECTS-GONE")
        .collect();
    assert_eq!(gone.len(), 1);
    assert!(gone[0]["message"]
        .as_str()
        .expect("message")
        .contains("3 个项目中有 3 个"));
}

#[test]
fn a_figure_whose_column_is_absent_is_not_reported_never_zero() {
    // 巴南区's ledger has no funds-in-place columns; 渝中区's is complete.
    let mut banan = Form::valid();
    // The later column first, so the earlier one's index still holds.
    for title in ["本年累计到位资金", "本月到位资金"] {
        let c = col(title);
        banan.header.remove(c);
        for r in &mut banan.rows {
            r.remove(c);
        }
    }
    let r = check_form(&banan);
    assert!(
        r.accepted(),
        "{:?}",
        codes(&r, tongbao::diag::Severity::Warning)
    );
    let f = r.figures.expect("figures");
    let j = serde_json::to_value(f).expect("json");
    assert!(
        j["month"]["funds_in_place"].is_null() && j["ytd"]["funds_in_place"].is_null(),
        "{j}"
    );
    assert!(j["ytd"]["funds_out_of_province"].is_null());
    assert_eq!(
        j["ytd"]["fdi_usd"], 120.0,
        "foreign capital columns are there"
    );

    let ws = workspace();
    ingest(ws.path(), "b", "巴南区.xlsx", &banan.xlsx(), "2025-06");
    let yuzhong = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"))
        .xlsx();
    ingest(ws.path(), "y", "渝中区.xlsx", &yuzhong, "2025-06");
    let b = bulletin(ws.path(), "2025-06");
    let unit = &b["units"][0];
    assert!(unit["ytd"]["funds_in_place"].is_null(), "{unit}");
    assert_eq!(unit["ytd"]["signed_amount"], 75000.0);
    // It cannot be ranked on a figure it did not state; 渝中区 is.
    assert!(unit["rank"].is_null() && unit["score"].is_null());
    assert_eq!(b["units"][1]["rank"], 1);
    // The total adds what was stated, and says who left the figure out.
    assert_eq!(b["total"]["ytd"]["funds_in_place"], 5500.0);
    assert_eq!(b["unstated"][0]["unit"], "巴南区");
    let pdf = pdf_text(&ws.path().join("out/2025-06/通报-2025-06.pdf"));
    let flat = pdf.replace(char::is_whitespace, "");
    assert!(flat.contains("巴南区月报未填报实际到位资金"), "{flat}");
    assert!(flat.contains("未报"));
    // explain traces no rows to a figure the return does not state, and no 0 either.
    let out = run(
        &[
            "explain",
            "--period",
            "2025-06",
            "--figure",
            "funds_in_place",
            "--json",
        ],
        ws.path(),
    );
    let e = json(&out);
    let units = e["figures"][0]["units"].as_array().expect("units");
    assert!(units[0]["ytd"]["sum"].is_null() && units[0]["month"]["sum"].is_null());
    assert_eq!(units[1]["ytd"]["sum"], 5500.0);
    assert_eq!(e["figures"][0]["total"]["ytd"], 5500.0);
    let text = run(
        &[
            "explain",
            "--period",
            "2025-06",
            "--figure",
            "funds_in_place",
        ],
        ws.path(),
    );
    assert!(String::from_utf8_lossy(&text.stdout).contains("未报：报表的项目明细中没有该指标的列"));
}

#[test]
fn nothing_is_published_for_a_month_without_accepted_returns() {
    let ws = workspace();
    ingest(
        ws.path(),
        "06",
        "巴南区.xlsx",
        &Form::valid().xlsx(),
        "2025-06",
    );
    let out = run(&["build", "--period", "2025-05"], ws.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2025-05 没有已通过审核"));
    assert!(!ws.path().join("out/2025-05").exists());
    let brief = run(
        &["brief", "--from", "2025-04", "--to", "2025-05"],
        ws.path(),
    );
    assert_eq!(brief.status.code(), Some(2));
    assert!(!ws.path().join("out/简报").exists());
}

#[test]
fn a_receipt_lost_to_a_stop_is_written_when_the_watch_starts_again() {
    let ws = workspace();
    // Stored without a receipt: what a watch killed between the two leaves behind.
    let inbox = ws.path().join("inbox/06");
    std::fs::create_dir_all(&inbox).expect("folder");
    let flawed = Form::valid().set(0, "合同投资额", s("约5000")).xlsx();
    std::fs::write(inbox.join("巴南区.xlsx"), &flawed).expect("file");
    let stored = run(
        &["ingest", "--period", "2025-06", "--no-receipts", "inbox/06"],
        ws.path(),
    );
    assert_eq!(stored.status.code(), Some(1));
    let receipt = ws.path().join("receipts/2025-06/巴南区-回执.xlsx");
    assert!(!receipt.exists());

    let watch = run(
        &[
            "watch", "--once", "--settle", "0", "--period", "2025-06", "inbox/06",
        ],
        ws.path(),
    );
    assert_eq!(
        watch.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&watch.stderr)
    );
    let text = String::from_utf8_lossy(&watch.stdout);
    assert!(text.contains("补写回执"), "{text}");
    assert!(receipt.is_file());
    // The late receipt holds the findings as they were found, cell and all.
    let first = first_sheet_text(&receipt);
    assert!(
        first.contains("未通过审核") && first.contains("约5000"),
        "{first}"
    );
    // Once written, it is not written again.
    let again = run(
        &[
            "watch", "--once", "--settle", "0", "--period", "2025-06", "inbox/06",
        ],
        ws.path(),
    );
    assert!(!String::from_utf8_lossy(&again.stdout).contains("补写回执"));
}

fn pdf_text(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_unit_the_roster_spells_otherwise_is_a_hint_to_the_clerk() {
    let ws = workspace();
    let odd = Form::valid()
        .set_info("填报单位", s("巴南区人民政府"))
        .xlsx();
    std::fs::write(ws.path().join("inbox/odd.xlsx"), odd).expect("file");
    let out = run(
        &["check", "--no-receipts", "--period", "2025-06", "inbox"],
        ws.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the county's return is still refused"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("名册提示：有报表把代码 500113 的单位写作“巴南区人民政府”（名册为“巴南区”）"),
        "{text}"
    );
    let en = run(
        &[
            "check",
            "--lang",
            "en",
            "--no-receipts",
            "--period",
            "2025-06",
            "inbox",
        ],
        ws.path(),
    );
    assert!(String::from_utf8_lossy(&en.stdout).contains("roster hint"));
}

#[test]
fn one_amount_beyond_any_project_is_held_however_few_the_signings() {
    // Two signings typed in 元 under 万元 titles: 3 万亿元 and 1.5 万亿元 as read.
    let mut f = Form::valid();
    f.rows.truncate(2);
    let f = f
        .set(0, "合同投资额", V::N(300_000_000.0))
        .set(1, "合同投资额", V::N(150_000_000.0));
    let r = check_form(&f);
    assert_eq!(r.verdict(), tongbao::model::Verdict::Held);
    let held: Vec<String> = r
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == tongbao::diag::Code::HoldMagnitude)
        .filter_map(|d| d.cell_a1())
        .collect();
    assert_eq!(held, ["K3", "K4"]);
}

#[test]
fn the_same_project_with_and_without_its_id_is_a_duplicate() {
    let mut f = Form::valid();
    let mut again = f.rows[0].clone();
    again[col("项目编号")] = V::E;
    again[col("合同投资额")] = V::N(30000.0);
    f.rows.push(again);
    let r = check_form(&f);
    assert!(r.rejected());
    let (cell, _) = only(&r, tongbao::diag::Code::DuplicateProject);
    assert_eq!(cell.as_deref(), Some("C7"));
    // Two different 项目编号 under one name are two projects.
    let mut g = Form::valid();
    let mut other = g.rows[0].clone();
    other[col("项目编号")] = s("P009");
    g.rows.push(other);
    assert!(!check_form(&g).rejected());
}

#[test]
fn a_missing_year_to_date_column_is_not_reported_not_below_the_month() {
    let mut f = Form::valid();
    let c = col("本年累计到位资金");
    f.header.remove(c);
    for r in &mut f.rows {
        r.remove(c);
    }
    let r = check_form(&f);
    assert!(
        r.accepted(),
        "{:?}",
        codes(&r, tongbao::diag::Severity::Warning)
    );
    let j = serde_json::to_value(r.figures.expect("figures")).expect("json");
    assert!(j["ytd"]["funds_in_place"].is_null());
    assert_eq!(j["month"]["funds_in_place"], 1700.5);
}
