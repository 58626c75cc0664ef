//! The README's monthly cycle, step by step, through the real binary: init, edit the
//! roster, send a blank form, the county fills it in (with a mistake), check, read the
//! receipt, resubmit, ingest, status, build, brief.

use std::process::Output;

use calamine::{Data, Reader};

use crate::binary::run_reproducibly as run;
use crate::support::*;
use crate::template::fill_ledger_with;

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_monthly_cycle_of_the_readme() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(&["init", "招商月报"], dir.path());
    assert_eq!(code(&out), Some(0), "{}", said(&out));
    let ws = dir.path().join("招商月报");
    // The clerk edits the roster (here: the test roster of three units).
    std::fs::write(ws.join("tongbao.toml"), CONFIG).expect("roster");

    // Blank forms go out.
    let out = run(&["template", "--period", "2025-06", "--out", "报表"], &ws);
    assert_eq!(code(&out), Some(0), "{}", said(&out));
    let form = std::fs::read(ws.join("报表/巴南区-2025-06-月报表.xlsx")).expect("巴南区's form");

    // 巴南区 fills it in, typing 约8000 for a contract amount.
    let mut rows = ledger_rows();
    rows[1][col("合同投资额")] = s("约8000");
    let inbox = ws.join("inbox/2025-06");
    std::fs::create_dir_all(&inbox).expect("inbox");
    std::fs::write(inbox.join("巴南区6月.xlsx"), fill_ledger_with(&form, &rows)).expect("drop");
    let out = run(&["check", "--period", "2025-06", "inbox/2025-06"], &ws);
    assert_eq!(code(&out), Some(1), "{}", said(&out));
    assert!(said(&out).contains("约8000"), "{}", said(&out));

    // The receipt says where and what.
    let receipt = ws.join("receipts/2025-06/巴南区-回执.xlsx");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&receipt).expect("receipt");
    let front = wb.worksheet_range("回执").expect("回执 sheet");
    let text: Vec<String> = front
        .cells()
        .filter_map(|(_, _, v)| match v {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(text.iter().any(|t| t.contains("未通过审核")), "{text:?}");
    assert!(
        text.iter().any(|t| t == "K4"),
        "the cell of 约8000: {text:?}"
    );

    // The county fixes it and sends it again; the clerk ingests.
    std::fs::write(
        inbox.join("巴南区6月.xlsx"),
        fill_ledger_with(&form, &ledger_rows()),
    )
    .expect("resubmit");
    let out = run(&["ingest", "--period", "2025-06", "inbox/2025-06"], &ws);
    assert_eq!(code(&out), Some(0), "{}", said(&out));
    assert!(said(&out).contains("已入库（第 1 版）"), "{}", said(&out));

    let out = run(&["status", "--period", "2025-06", "--json"], &ws);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("status json");
    let states: Vec<(&str, &str)> = status["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| (u["name"].as_str().unwrap(), u["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("巴南区", "accepted"),
            ("渝中区", "missing"),
            ("两江新区", "missing")
        ]
    );

    let out = run(
        &["build", "--period", "2025-06", "--date", "2025-07-08"],
        &ws,
    );
    assert_eq!(code(&out), Some(0), "{}", said(&out));
    for f in [
        "通报-2025-06.pdf",
        "通报-2025-06.xlsx",
        "bulletin-2025-06.json",
    ] {
        assert!(ws.join("out/2025-06").join(f).is_file(), "{f}");
    }
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(ws.join("out/2025-06/bulletin-2025-06.json")).expect("json"),
    )
    .expect("bulletin json");
    // The figures typed into the form: 3 signings this year for 75000 万元.
    assert_eq!(json["total"]["ytd"]["signed_count"], 3);
    assert_eq!(json["total"]["ytd"]["signed_amount"], 75000.0);

    let out = run(
        &[
            "brief",
            "--from",
            "2025-01",
            "--to",
            "2025-06",
            "--unit",
            "巴南区",
        ],
        &ws,
    );
    assert_eq!(code(&out), Some(0), "{}", said(&out));
    assert!(ws
        .join("out/简报/简报-2025-01至2025-06-巴南区.pdf")
        .is_file());
}
