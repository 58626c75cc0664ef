//! Carried-over projects (结转项目, return-format v1 sheet 3) across the year boundary: a
//! project signed in an earlier year that December's return listed neither in production
//! nor terminated, and January's lacks, is W-CARRIED-VANISHED on January's receipt; one
//! settled in December, renamed with 「原名」, or still there is not. Real returns written
//! as .xlsx and ingested by the binary, one after another.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::binary::run_reproducibly as run;
use crate::support::*;

/// A ledger row of the test roster's 巴南区: a small project (under 亿元, so no
/// W-BIG-NOT-STARTED) without funds in place.
fn row(n: u8, id: Option<&str>, name: &str, investor: &str, stage: &str, signed: V) -> Vec<V> {
    let started = match stage {
        "已开工" | "已投产" => V::D(2024, 11, 1),
        _ => V::E,
    };
    vec![
        V::N(f64::from(n)),
        id.map_or(V::E, s),
        s(name),
        s(investor),
        s("上海市"),
        s("省外境内"),
        s("先进材料"),
        s("新建"),
        s(stage),
        signed,
        V::N(5000.0),
        V::E,
        started,
        V::N(0.0),
        V::N(0.0),
        V::E,
        V::E,
        s("否"),
        V::E,
    ]
}

fn with_note(mut r: Vec<V>, note: &str) -> Vec<V> {
    r[col("备注")] = s(note);
    r
}

/// A return of 巴南区 for `period_text` listing `rows`.
fn form(period_text: &str, rows: Vec<Vec<V>>) -> Form {
    let mut f = Form::valid().set_info("报告期", s(period_text));
    f.rows = rows;
    f
}

/// December 2024: each row one case, named after what January does with it.
fn december() -> Form {
    form(
        "2024年12月",
        vec![
            row(
                1,
                Some("P101"),
                "续建厂房项目",
                "甲制造有限公司",
                "已开工",
                V::D(2024, 3, 5),
            ),
            row(
                2,
                Some("P102"),
                "投产项目",
                "乙材料有限公司",
                "已投产",
                V::D(2024, 2, 1),
            ),
            with_note(
                row(
                    3,
                    Some("P103"),
                    "终止项目",
                    "丙实业有限公司",
                    "已签约",
                    V::D(2024, 4, 1),
                ),
                "项目终止（投资方战略调整）",
            ),
            row(
                4,
                None,
                "旧名项目",
                "丁科技有限公司",
                "已签约",
                V::D(2024, 8, 1),
            ),
            row(
                5,
                Some("P105"),
                "消失项目",
                "戊能源有限公司",
                "已开工",
                V::D(2024, 9, 1),
            ),
            row(6, Some("P106"), "洽谈项目", "己集团有限公司", "在谈", V::E),
            with_note(
                row(
                    7,
                    Some("P107"),
                    "备注投产项目",
                    "庚电子有限公司",
                    "已开工",
                    V::D(2024, 5, 1),
                ),
                "2024年12月已投产",
            ),
            row(
                8,
                Some("P108"),
                "前年签约项目",
                "辛化工有限公司",
                "已签约",
                V::D(2023, 11, 1),
            ),
            with_note(
                row(
                    9,
                    Some("P109"),
                    "未终止项目",
                    "壬物流有限公司",
                    "已签约",
                    V::D(2024, 10, 1),
                ),
                "未终止，继续推进",
            ),
        ],
    )
}

/// January 2025: P101 still there, 旧名项目 renamed, one new signing; the rest gone.
fn january() -> Form {
    form(
        "2025年1月",
        vec![
            row(
                1,
                Some("P201"),
                "新签项目",
                "癸新材料有限公司",
                "已签约",
                V::D(2025, 1, 10),
            ),
            row(
                2,
                Some("P101"),
                "续建厂房项目",
                "甲制造有限公司",
                "已开工",
                V::D(2024, 3, 5),
            ),
            with_note(
                row(
                    3,
                    None,
                    "新名项目",
                    "丁科技有限公司",
                    "已签约",
                    V::D(2024, 8, 1),
                ),
                "原名：旧名项目",
            ),
        ],
    )
}

fn said(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Writes `f` as `巴南区-<period>.xlsx` in `ws` and runs `args` on it; the JSON report.
fn on_file(ws: &Path, period: &str, f: &Form, args: &[&str]) -> Value {
    let name = format!("巴南区-{period}.xlsx");
    let path = ws.join(&name);
    std::fs::write(&path, f.xlsx()).expect("return");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--no-receipts", "--format", "json", "--period", period]);
    all.push(path.to_str().expect("UTF-8 path"));
    let out = run(&all, ws);
    assert_eq!(out.status.code(), Some(0), "{name}: {}", said(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", said(&out)))
}

/// The one file's warnings and holds as (code, value, message) (not the notes: the test
/// returns have no 主要指标 sheet).
fn findings(report: &Value) -> Vec<(String, String, String)> {
    report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] != "info")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["value"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    ws
}

/// The December rows January must still list: signed before 2025, not 在谈, neither
/// 已投产 nor 终止 (未终止 is not 终止) — and not there by 项目编号, by name and investor,
/// or by a 「原名」 in a January row's 备注.
fn expected_vanished(december: &Form, january: &Form) -> Vec<String> {
    let cell = |r: &Vec<V>, t: &str| match &r[col(t)] {
        V::S(x) => x.clone(),
        _ => String::new(),
    };
    december
        .rows
        .iter()
        .filter(|r| !matches!(cell(r, "项目进展").as_str(), "在谈" | "已投产"))
        .filter(|r| matches!(r[col("签约日期")], V::D(y, _, _) if y < 2025))
        .filter(|r| {
            let note = cell(r, "备注");
            !(note.contains("已投产") || note.contains("终止") && !note.contains("未终止"))
        })
        .filter(|r| {
            !january.rows.iter().any(|n| {
                let id = cell(r, "项目编号");
                (!id.is_empty() && cell(n, "项目编号") == id)
                    || (cell(n, "投资方") == cell(r, "投资方")
                        && (cell(n, "项目名称") == cell(r, "项目名称")
                            || cell(n, "备注") == format!("原名：{}", cell(r, "项目名称"))))
            })
        })
        .map(|r| cell(r, "项目名称"))
        .collect()
}

#[test]
fn a_carried_over_project_gone_in_january_without_being_settled_is_a_warning() {
    let ws = workspace();
    let dec = on_file(ws.path(), "2024-12", &december(), &["ingest"]);
    assert_eq!(dec["summary"]["accepted"], 1, "{dec:#}");
    let expected = expected_vanished(&december(), &january());
    assert_eq!(expected, ["消失项目", "前年签约项目", "未终止项目"]);

    // English first (check inside the workspace runs the archive's rules, read-only),
    // then the January return ingested, in Chinese.
    let en = on_file(ws.path(), "2025-01", &january(), &["--lang", "en", "check"]);
    let jan = on_file(ws.path(), "2025-01", &january(), &["ingest"]);
    // Six of December's nine rows are gone, but a year's first month is no month of the
    // year before: not held (V-PROJECTS-GONE), and no W-PROJECT-VANISHED.
    assert_eq!(jan["summary"]["accepted"], 1, "{jan:#}");
    assert_eq!(jan["summary"]["held"], 0);
    for (report, lang) in [(&jan, "zh"), (&en, "en")] {
        let found = findings(report);
        let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            codes,
            vec!["W-CARRIED-VANISHED"; expected.len()],
            "{lang}: {found:?}"
        );
        let names: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(names, expected, "{lang}");
        for (_, name, message) in &found {
            assert!(message.contains(name.as_str()), "{message}");
            assert!(message.contains("巴南区-2024-12.xlsx"), "{message}");
            match lang {
                "zh" => assert!(message.contains("2024年12月") && message.contains("结转")),
                _ => assert!(message.contains("2024-12") && message.contains("carried over")),
            }
        }
    }
}

#[test]
fn without_december_january_is_not_compared_with_an_earlier_month() {
    let ws = workspace();
    let november = form("2024年11月", december().rows);
    on_file(ws.path(), "2024-11", &november, &["ingest"]);
    let jan = on_file(ws.path(), "2025-01", &january(), &["ingest"]);
    assert_eq!(findings(&jan), vec![], "{jan:#}");
}

#[test]
fn within_a_year_a_renamed_project_is_not_gone_and_a_vanished_one_still_is() {
    let ws = workspace();
    on_file(ws.path(), "2024-12", &december(), &["ingest"]);
    on_file(ws.path(), "2025-01", &january(), &["ingest"]);
    // February: 新名项目 renamed again, 续建厂房项目 left out.
    let mut rows = january().rows;
    rows.remove(1);
    rows[1] = with_note(
        row(
            2,
            None,
            "三名项目",
            "丁科技有限公司",
            "已签约",
            V::D(2024, 8, 1),
        ),
        "原名：新名项目",
    );
    let feb = on_file(ws.path(), "2025-02", &form("2025年2月", rows), &["ingest"]);
    let found = findings(&feb);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_str()))
            .collect::<Vec<_>>(),
        [("W-PROJECT-VANISHED", "续建厂房项目")],
        "{feb:#}"
    );
}
