//! Times shown to people are in the bureau's time zone (`[bulletin] time_zone`, default
//! Asia/Shanghai): `status` and the receipt of the same submission show the same local
//! time, a configured zone changes both, the deadline is a day of that zone's calendar,
//! and a zone tongbao does not know is a configuration error in the reader's language.

use std::path::Path;
use std::process::Output;

use calamine::{open_workbook, Reader, Xlsx};
use serde_json::Value;

use crate::binary::{bin, repo, sample_workspace};

/// 2025-07-02 23:46:40 UTC: already 2025-07-03 07:46:40 in Beijing.
const LATE_EVENING_UTC: &str = "1751500000";
/// 2025-07-05 17:30:00 UTC: 2025-07-06 01:30:00 in Beijing, after June's deadline (the 5th).
const AFTER_DEADLINE_IN_BEIJING: &str = "1751736600";

fn run_at(epoch: &str, args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run tongbao")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A workspace with the sample roster, `time_zone` replaced by `zone` when given, and 巴南区's
/// June return ingested at `epoch`; the workspace.
fn ingested_at(epoch: &str, zone: Option<&str>) -> tempfile::TempDir {
    let (ws, inbox) = sample_workspace();
    if let Some(zone) = zone {
        let path = ws.path().join("tongbao.toml");
        let text = std::fs::read_to_string(&path).expect("config");
        let line = "time_zone = \"Asia/Shanghai\"";
        assert!(text.contains(line), "the sample config states its zone");
        std::fs::write(
            &path,
            text.replace(line, &format!("time_zone = \"{zone}\"")),
        )
        .expect("config");
    }
    std::fs::copy(
        repo().join("samples/returns/2025-06/巴南区-2025-06.xlsx"),
        inbox.join("巴南区-2025-06.xlsx"),
    )
    .expect("return");
    ok(&run_at(
        epoch,
        &["ingest", "--period", "2025-06", "inbox"],
        ws.path(),
    ));
    ws
}

/// 巴南区's line of the human status report.
fn status_line(ws: &Path, lang: &str) -> (String, String) {
    let text = ok(&run_at(
        LATE_EVENING_UTC,
        &["--lang", lang, "status", "--period", "2025-06"],
        ws,
    ));
    let title = text.lines().next().unwrap_or_default().to_string();
    let line = text
        .lines()
        .find(|l| l.contains("500113"))
        .unwrap_or_else(|| panic!("巴南区 in {text}"))
        .to_string();
    (title, line)
}

/// The time of receipt as 巴南区's receipt states it (the cell after its label).
fn receipt_time(ws: &Path) -> String {
    let path = ws.join("receipts/2025-06/巴南区-回执.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("receipt opens");
    let range = wb.worksheet_range("回执").expect("front sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    rows.iter()
        .find_map(|r| {
            let at = r.iter().position(|c| c == "接收时间")?;
            r[at + 1..].iter().find(|c| !c.is_empty()).cloned()
        })
        .unwrap_or_else(|| panic!("接收时间 in {rows:?}"))
}

fn status_json(ws: &Path) -> Value {
    let out = ok(&run_at(
        LATE_EVENING_UTC,
        &["status", "--period", "2025-06", "--json"],
        ws,
    ));
    serde_json::from_str(&out).expect("status JSON")
}

fn unit<'a>(status: &'a Value, code: &str) -> &'a Value {
    status["units"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["code"] == code))
        .unwrap_or_else(|| panic!("{code} in {status}"))
}

#[test]
fn status_and_the_receipt_show_the_same_beijing_time_by_default() {
    let ws = ingested_at(LATE_EVENING_UTC, None);
    let (title, line) = status_line(ws.path(), "zh");
    assert!(title.contains("北京时间"), "{title}");
    assert!(line.contains("2025-07-03 07:46:40"), "{line}");
    assert_eq!(receipt_time(ws.path()), "2025-07-03 07:46:40（北京时间）");
    let (title, line) = status_line(ws.path(), "en");
    assert!(title.contains("Beijing time, UTC+8"), "{title}");
    assert!(line.contains("2025-07-03 07:46:40"), "{line}");
    // Programs still get the stored instant, in UTC.
    assert_eq!(
        unit(&status_json(ws.path()), "500113")["received_at"],
        "2025-07-02T23:46:40Z"
    );
}

#[test]
fn a_configured_zone_changes_status_and_the_receipt_alike() {
    let ws = ingested_at(LATE_EVENING_UTC, Some("UTC"));
    let (title, line) = status_line(ws.path(), "zh");
    assert!(title.contains("报送时间为UTC"), "{title}");
    assert!(line.contains("2025-07-02 23:46:40"), "{line}");
    assert_eq!(receipt_time(ws.path()), "2025-07-02 23:46:40（UTC）");

    let ws = ingested_at(LATE_EVENING_UTC, Some("-05:00"));
    let (_, line) = status_line(ws.path(), "zh");
    assert!(line.contains("2025-07-02 18:46:40"), "{line}");
    assert_eq!(receipt_time(ws.path()), "2025-07-02 18:46:40（UTC-05:00）");
}

#[test]
fn the_deadline_is_a_day_of_the_bureaus_calendar() {
    // Received at 01:30 on 6 July in Beijing: late for June (due by the 5th)…
    let beijing = ingested_at(AFTER_DEADLINE_IN_BEIJING, None);
    assert_eq!(unit(&status_json(beijing.path()), "500113")["late"], true);
    let (_, line) = status_line(beijing.path(), "zh");
    assert!(line.contains("逾期"), "{line}");
    // …and on time where it was still the 5th.
    let utc = ingested_at(AFTER_DEADLINE_IN_BEIJING, Some("UTC"));
    assert_eq!(unit(&status_json(utc.path()), "500113")["late"], false);
}

#[test]
fn an_unknown_time_zone_is_a_configuration_error_naming_the_key_and_line() {
    let (ws, _) = sample_workspace();
    let path = ws.path().join("tongbao.toml");
    let text = std::fs::read_to_string(&path).expect("config");
    let line = "time_zone = \"Asia/Shanghai\"";
    let line_no = text
        .lines()
        .position(|l| l == line)
        .expect("the sample config states its zone")
        + 1;
    std::fs::write(&path, text.replace(line, "time_zone = \"Beijing\"")).expect("config");
    for (lang, words) in [
        ("zh", "无法识别的时区"),
        ("en", "is not a time zone tongbao knows"),
    ] {
        let out = run_at(
            LATE_EVENING_UTC,
            &["--lang", lang, "status", "--period", "2025-06"],
            ws.path(),
        );
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{err}");
        assert!(err.contains("time_zone = \"Beijing\""), "{err}");
        assert!(err.contains(&format!("tongbao.toml:{line_no}:")), "{err}");
    }
}
