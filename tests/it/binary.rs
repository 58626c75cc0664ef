//! The real binary on real files: exit codes, output formats, the samples.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::*;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tongbao"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A workspace with the bundled sample roster and an empty inbox/; the inbox's path.
pub fn sample_workspace() -> (tempfile::TempDir, PathBuf) {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        repo().join("samples/tongbao.toml"),
        ws.path().join("tongbao.toml"),
    )
    .expect("config");
    let inbox = ws.path().join("inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    (ws, inbox)
}

/// Runs the binary in `dir` without colour, at a fixed time of receipt and date of issue
/// (`SOURCE_DATE_EPOCH`: 2025-07-03 09:00 UTC), so outputs are reproducible.
pub fn run_reproducibly(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1751533200")
        .output()
        .expect("run tongbao")
}

/// A temporary folder holding the demo's workspace in `d/` (archive, receipts, the June
/// bulletin in `d/out/2025-06/`), made at the fixed time of [`run_reproducibly`].
pub fn demo_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_reproducibly(&["demo", "--out", "d"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Runs the binary in `dir` without colour.
pub fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tongbao")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn workspace_with(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(dir.path().join("inbox")).expect("inbox");
    for (name, bytes) in files {
        std::fs::write(dir.path().join("inbox").join(name), bytes).expect("file");
    }
    dir
}

#[test]
fn check_exits_0_when_all_accepted_and_prints_the_json_contract() {
    let ws = workspace_with(&[("巴南区.xlsx", Form::valid().xlsx())]);
    let out = run(&["check", "--format", "json", "inbox"], ws.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["period"], "2025-06");
    let f = &v["files"][0];
    assert_eq!(f["status"], "accepted");
    assert_eq!(f["unit"]["code"], "500113");
    assert_eq!(f["unit"]["name"], "巴南区");
    assert_eq!(f["period"], "2025-06");
    assert_eq!(f["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(f["figures"]["month"]["signed_amount"], 67000.0);
    assert_eq!(f["figures"]["month"]["funds_in_place"], 1700.5);
    assert_eq!(f["figures"]["ytd"]["signed_count"], 3);
    assert_eq!(f["figures"]["ytd"]["fdi_usd"], 120.0);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["accepted"], 1);
    assert_eq!(v["summary"]["rejected"], 0);
}

#[test]
fn check_exits_1_when_a_file_is_rejected_and_goes_on_with_the_rest() {
    let ws = workspace_with(&[
        ("a-good.xlsx", Form::valid().xlsx()),
        (
            "b-bad.xlsx",
            Form::valid().set(0, "合同投资额", s("约5000")).xlsx(),
        ),
        (
            "c-page.xls",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
        ),
    ]);
    let out = run(
        &["check", "--format", "json", "--period", "2025-06", "inbox"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["status"], "accepted");
    assert_eq!(files[1]["status"], "rejected");
    let d = &files[1]["diagnostics"][0];
    assert_eq!(
        (
            d["severity"].as_str(),
            d["code"].as_str(),
            d["sheet"].as_str(),
            d["cell"].as_str()
        ),
        (
            Some("error"),
            Some("E-NUMBER"),
            Some("项目明细"),
            Some("K3")
        )
    );
    assert_eq!(d["row"], 3);
    assert_eq!(d["value"], "约5000");
    assert!(d["message"]
        .as_str()
        .is_some_and(|m| m.contains("合同投资额")));
    assert!(
        files[1]["figures"].is_object(),
        "figures even for a rejected return whose ledger was read"
    );
    assert_eq!(files[2]["diagnostics"][0]["code"], "E-FILE-HTML");
    assert!(files[2]["unit"].is_null() && files[2]["figures"].is_null());
    assert!(files[2]["diagnostics"][0]["cell"].is_null());
    assert_eq!(v["summary"]["rejected"], 2);
}

#[test]
fn human_output_names_file_sheet_cell_value_problem_and_fix() {
    let ws = workspace_with(&[(
        "巴南区.xlsx",
        Form::valid().set(1, "签约日期", s("三月上旬")).xlsx(),
    )]);
    let out = run(&["check", "inbox"], ws.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("巴南区.xlsx › 项目明细!J4  「三月上旬」  “签约日期”不是有效日期"),
        "{text}"
    );
    assert!(text.contains("→ 请填写完整日期"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when not on a terminal");
    let en = run(&["check", "--lang", "en", "inbox"], ws.path());
    assert!(String::from_utf8_lossy(&en.stdout).contains("is not a valid date"));
}

#[test]
fn check_exits_2_without_a_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.xlsx"), Form::valid().xlsx()).expect("file");
    let out = run(&["check", "a.xlsx"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tongbao.toml"));
}

#[test]
fn a_config_typo_names_the_key_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = CONFIG.replace("aliases = [\"巴南\"]", "alias = [\"巴南\"]");
    std::fs::write(dir.path().join("tongbao.toml"), bad).expect("config");
    let out = run(&["check", "x.xlsx"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("alias") && err.contains("line 12"), "{err}");
}

#[test]
fn a_unit_in_an_undefined_group_is_a_config_error_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = CONFIG.replace("group = \"功能区\"", "group = \"开发区\"");
    std::fs::write(dir.path().join("tongbao.toml"), bad).expect("config");
    let out = run(&["check", "x.xlsx"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tongbao.toml:23") && err.contains("开发区"),
        "{err}"
    );
}

#[test]
fn without_period_the_majority_period_is_the_batch_period() {
    let ws = workspace_with(&[
        ("a.xlsx", Form::valid().xlsx()),
        (
            "b.xlsx",
            Form::valid()
                .set_info("填报单位", s("渝中区"))
                .set_info("行政区划代码", s("500103"))
                .xlsx(),
        ),
        (
            "c.xlsx",
            Form::valid()
                .set_info("填报单位", s("两江新区"))
                .set_info("行政区划代码", V::E)
                .set_info("报告期", s("2025-05"))
                .xlsx(),
        ),
    ]);
    let v = json(&run(&["check", "--format", "json", "inbox"], ws.path()));
    assert_eq!(v["period"], "2025-06");
    assert_eq!(v["files"][2]["diagnostics"][0]["code"], "E-PERIOD-MISMATCH");
}

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    for code in tongbao::diag::Code::ALL {
        assert!(
            readme.contains(&format!("`{}`", code.as_str())),
            "README lacks {}",
            code.as_str()
        );
    }
}

/// A sample workspace whose archive holds May, with June's returns, the flawed samples, a
/// second copy of one return and `forms` waiting in inbox/.
fn june_inbox_over_may(forms: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let (ws, inbox) = sample_workspace();
    let may = bin()
        .args(["ingest", "--period", "2025-05", "--no-receipts"])
        .arg(repo().join("samples/returns/2025-05"))
        .current_dir(ws.path())
        .output()
        .expect("ingest May");
    assert_eq!(may.status.code(), Some(0), "{may:?}");
    for dir in ["samples/returns/2025-06", "samples/flawed"] {
        for entry in std::fs::read_dir(repo().join(dir)).expect("samples") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, inbox.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let first = std::fs::read_dir(repo().join("samples/returns/2025-06"))
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .min()
        .expect("a June .xlsx");
    std::fs::copy(&first, inbox.join("zz-again.xlsx")).expect("copy");
    for (name, bytes) in forms {
        std::fs::write(inbox.join(name), bytes).expect("write");
    }
    ws
}

#[test]
fn ingest_stores_the_same_whether_files_stream_in_or_are_read_first() {
    // With --period each file is stored while later ones are still being read; without
    // it every file is read first (the period is the majority's). Outcomes, findings
    // (history and cross-unit rules included) and the archive must be the same.
    // The same projects from two units: the second is flagged W-PROJECT-ELSEWHERE.
    let other = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"));
    let forms = [
        ("x1-巴南区.xlsx", Form::valid().xlsx()),
        ("x2-渝中区.xlsx", other.xlsx()),
    ];
    let (streamed, read_first) = (june_inbox_over_may(&forms), june_inbox_over_may(&forms));
    let ingest = |ws: &Path, period: bool| {
        let mut args = vec!["ingest", "--format", "json", "--no-receipts"];
        if period {
            args.extend(["--period", "2025-06"]);
        }
        args.push("inbox");
        let out = run_reproducibly(&args, ws);
        assert_eq!(out.status.code(), Some(1), "flawed files are rejected");
        json(&out)
    };
    let a = ingest(streamed.path(), true);
    let b = ingest(read_first.path(), false);
    assert_eq!(a, b);
    let outcomes: Vec<&str> = a["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["archive"]["stored"].as_str().expect("stored"))
        .collect();
    assert!(outcomes.contains(&"new") && outcomes.contains(&"duplicate"));
    let flagged = a["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["file"].as_str().is_some_and(|n| n.contains("x2-渝中区")))
        .expect("x2");
    assert!(
        flagged.to_string().contains("W-PROJECT-ELSEWHERE"),
        "{flagged}"
    );
    let status = |ws: &Path| {
        json(&run_reproducibly(
            &["status", "--period", "2025-06", "--json"],
            ws,
        ))
    };
    assert_eq!(status(streamed.path()), status(read_first.path()));
}
