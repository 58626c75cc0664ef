//! The monthly cycle through the real binary: ingest, status, resubmit, build.

use serde_json::Value;

use crate::binary::run_reproducibly as run;
use crate::support::*;

fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(ws.path().join("inbox")).expect("inbox");
    ws
}

#[test]
fn ingest_status_resubmit_build() {
    let ws = workspace();
    let inbox = ws.path().join("inbox");
    std::fs::write(inbox.join("巴南区.xlsx"), Form::valid().xlsx()).expect("file");
    std::fs::write(
        inbox.join("两江新区.xlsx"),
        Form::valid()
            .set_info("填报单位", s("两江新区"))
            .set_info("行政区划代码", V::E)
            .set(0, "合同投资额", s("约5000"))
            .xlsx(),
    )
    .expect("file");

    let out = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(out.status.code(), Some(1), "one file rejected");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("已入库（第 1 版）"), "{text}");

    let status = run(&["status", "--period", "2025-06", "--json"], ws.path());
    assert_eq!(status.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&status.stdout).expect("status json");
    let states: Vec<(&str, &str)> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["code"].as_str().unwrap(), u["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        vec![
            ("500113", "accepted"),
            ("500103", "missing"),
            ("LJXQ", "rejected")
        ]
    );
    assert_eq!(v["units"][0]["received_at"], "2025-07-03T09:00:00Z");

    // 两江新区 fixes its return and sends it again.
    std::fs::write(
        inbox.join("两江新区.xlsx"),
        Form::valid()
            .set_info("填报单位", s("两江新区"))
            .set_info("行政区划代码", V::E)
            .xlsx(),
    )
    .expect("file");
    let again = run(
        &["ingest", "--period", "2025-06", "--format", "json", "inbox"],
        ws.path(),
    );
    assert_eq!(again.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&again.stdout).expect("ingest json");
    let stored: Vec<&str> = j["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["archive"]["stored"].as_str().unwrap())
        .collect();
    assert_eq!(
        stored,
        vec!["new", "duplicate"],
        "两江新区 v2 is new (v1 was rejected), 巴南区 unchanged"
    );

    let build = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(
        build.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let dir = ws.path().join("out/2025-06");
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.join("bulletin-2025-06.json")).expect("json"))
            .expect("parse");
    assert!(dir.join("通报-2025-06.xlsx").is_file());
    assert_eq!(json["period"], "2025-06");
    assert_eq!(json["elapsed_pct"], 50.0);
    assert_eq!(json["not_reported"], serde_json::json!(["渝中区"]));
    assert_eq!(json["rejected"], serde_json::json!([]));
    let banan = &json["units"][0];
    assert_eq!(
        (
            banan["code"].as_str(),
            banan["status"].as_str(),
            banan["group"].as_str()
        ),
        (Some("500113"), Some("accepted"), Some("区"))
    );
    assert_eq!(banan["month"]["signed_amount"], 67000.0);
    assert_eq!(banan["ytd"]["funds_in_place"], 5500.0);
    assert!(banan["ytd_last_year"].is_null());
    assert!(banan["yoy_pct"]["signed_amount"].is_null());
    assert_eq!(
        (banan["score"].as_f64(), banan["rank"].as_u64()),
        (Some(100.0), Some(1))
    );
    assert!(json["units"][1]["score"].is_null() && json["units"][1]["rank"].is_null());
    assert!(json["units"][2]["rank"].is_null(), "功能区 is not ranked");
    assert_eq!(json["total"]["ytd"]["signed_amount"], 150000.0);
    assert_eq!(json["groups"][0]["name"], "区");
    assert_eq!(json["groups"][0]["ytd"]["signed_count"], 3);

    // The same archive gives byte-identical outputs.
    let first_json = std::fs::read(dir.join("bulletin-2025-06.json")).expect("json");
    let first_xlsx = std::fs::read(dir.join("通报-2025-06.xlsx")).expect("xlsx");
    let first_pdf = std::fs::read(dir.join("通报-2025-06.pdf")).expect("pdf");
    assert!(first_pdf.starts_with(b"%PDF"));
    assert_eq!(
        run(&["build", "--period", "2025-06"], ws.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read(dir.join("bulletin-2025-06.json")).expect("json"),
        first_json
    );
    assert_eq!(
        std::fs::read(dir.join("通报-2025-06.xlsx")).expect("xlsx"),
        first_xlsx
    );
}

#[test]
fn build_without_an_archive_is_a_clear_error() {
    let ws = workspace();
    let out = run(&["build", "--period", "2025-06"], ws.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tongbao ingest"));
}

#[test]
fn init_creates_a_workspace_and_never_overwrites_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("招商月报");
    let out = run(&["init", ws.to_str().unwrap()], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["tongbao.toml", "inbox", "out", "receipts"] {
        assert!(ws.join(f).exists(), "{f}");
    }
    let cfg =
        tongbao::config::Config::load(&ws.join("tongbao.toml")).expect("the written config loads");
    assert_eq!(cfg.file.units.len(), 40);
    assert!(!ws.join("templates").exists(), "templates only when asked");
    let with = dir.path().join("with");
    assert_eq!(
        run(
            &["init", "--with-templates", with.to_str().unwrap()],
            dir.path()
        )
        .status
        .code(),
        Some(0)
    );
    let title =
        std::fs::read_to_string(with.join("templates/title.hbs")).expect("title template copied");
    assert!(title.contains("招商引资工作情况的通报"), "{title}");
    std::fs::write(ws.join("tongbao.toml"), "# mine").expect("edit");
    let again = run(&["init", ws.to_str().unwrap()], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(ws.join("tongbao.toml")).expect("read"),
        "# mine"
    );
}

#[test]
fn demo_runs_the_whole_cycle_on_the_bundled_samples() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(&["demo", "--out", "d"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("通报-2025-06.xlsx") && text.contains("bulletin-2025-06.json"),
        "{text}"
    );
    let json: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("d/out/2025-06/bulletin-2025-06.json")).expect("json"),
    )
    .expect("parse");
    assert_eq!(json["not_reported"], serde_json::json!(["城口县"]));
    let status_of = |status: &str| -> Vec<&str> {
        json["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["status"] == status)
            .filter_map(|u| u["name"].as_str())
            .collect()
    };
    assert_eq!(status_of("accepted").len(), 38);
    // The resubmission typed in 亿元 under 万元 titles is held, not counted.
    assert_eq!(status_of("held"), ["沙坪坝区"]);
    assert_eq!(json["held"], serde_json::json!(["沙坪坝区"]));
    assert!(text.contains("1 个待核实"), "{text}");
    assert!(
        json["units"][0]["ytd_last_year"].is_object(),
        "last year's returns were ingested"
    );
    // Run again, the earlier demo is made anew (tests/it/demo.rs compares the two).
    let again = run(&["demo", "--out", "d"], dir.path());
    assert_eq!(again.status.code(), Some(0), "an earlier demo is made anew");
}
