//! Every figure traceable: `tongbao explain`, the workbook's 项目总表 and the bulletin
//! JSON's `source`, on real files (the standard return, the bundled samples, the demo).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::Value;
use tongbao::batch::{check_files, BatchOptions};
use tongbao::config::Config;
use tongbao::lang::Lang;
use tongbao::model::{contributions, FigureKey, PeriodFigures, Span};

use crate::binary::{bin, repo, run_reproducibly as run};
use crate::support::*;

const KEYS: [&str; 10] = [
    "signed_count",
    "signed_amount",
    "big_count",
    "big_amount",
    "started_count",
    "started_investment",
    "funds_in_place",
    "funds_out_of_province",
    "fdi_usd",
    "negotiating_count",
];

#[test]
fn contributions_sum_to_the_figures_of_every_sample_return() {
    let samples = repo().join("samples");
    let cfg = Config::load(&samples.join("tongbao.toml")).expect("sample roster");
    let mut returns = 0;
    let mut rows_traced = 0;
    for month in ["2024-06", "2025-05", "2025-06"] {
        let dir = samples.join("returns").join(month);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("samples")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let batch = check_files(
            &files,
            &cfg,
            &BatchOptions {
                period: None,
                lang: Lang::Zh,
                keep_bytes: false,
            },
        );
        for f in &batch.files {
            let parsed = f.parsed.as_ref().expect("parsed");
            let (Some(ledger), Some(period)) = (&parsed.ledger, parsed.period) else {
                panic!("{}: no ledger or period", f.path.display());
            };
            let figures = PeriodFigures::from_ledger(&ledger.projects, period);
            for (span, fig) in [(Span::Month, &figures.month), (Span::Ytd, &figures.ytd)] {
                for key in FigureKey::ALL {
                    let rows = contributions(&ledger.projects, period, span, key);
                    rows_traced += rows.len();
                    let sum: i64 = rows.iter().map(|(_, v)| v).sum();
                    assert_eq!(sum, fig.raw(key), "{} {span:?} {key:?}", f.path.display());
                    if key.is_count() {
                        assert!(rows.iter().all(|(_, v)| *v == 1));
                    }
                }
            }
            returns += 1;
        }
    }
    assert_eq!(returns, 40 + 40 + 39, "every sample return was read");
    assert!(rows_traced > 1000, "{rows_traced}");
}

fn workspace_with_banan() -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::create_dir(ws.path().join("inbox")).expect("inbox");
    std::fs::write(ws.path().join("inbox/巴南区.xlsx"), Form::valid().xlsx()).expect("file");
    let out = run(&["ingest", "--period", "2025-06", "inbox"], ws.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    ws
}

fn json_of(out: &std::process::Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// (cell, value) of each row of a span.
fn cells(span: &Value) -> Vec<(String, f64)> {
    span["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["cell"].as_str().expect("cell").to_string(),
                r["value"].as_f64().expect("value"),
            )
        })
        .collect()
}

#[test]
fn explain_traces_each_figure_to_its_file_sheet_row_and_cell() {
    let ws = workspace_with_banan();
    let v = json_of(&run(
        &[
            "explain",
            "--period",
            "2025-06",
            "--figure",
            "signed_amount",
            "--json",
        ],
        ws.path(),
    ));
    assert_eq!(v["period"], "2025-06");
    let figures = v["figures"].as_array().expect("figures");
    assert_eq!(figures.len(), 1);
    let f = &figures[0];
    assert_eq!(
        (f["figure"].as_str(), f["unit"].as_str()),
        (Some("signed_amount"), Some("万元"))
    );
    let units = f["units"].as_array().expect("units");
    assert_eq!(units.len(), 1, "only 巴南区 has an accepted return");
    let banan = &units[0];
    assert_eq!(
        (banan["code"].as_str(), banan["name"].as_str()),
        (Some("500113"), Some("巴南区"))
    );
    assert_eq!(banan["source"]["file"], "巴南区.xlsx");
    assert_eq!(banan["source"]["version"], 1);
    assert_eq!(banan["source"]["sha256"].as_str().map(str::len), Some(64));
    // Title row 1, header row 2, projects from row 3; 合同投资额 is column K.
    assert_eq!(
        cells(&banan["month"]),
        vec![("K3".to_string(), 52000.0), ("K5".to_string(), 15000.0)]
    );
    assert_eq!(
        cells(&banan["ytd"]),
        vec![
            ("K3".to_string(), 52000.0),
            ("K4".to_string(), 8000.0),
            ("K5".to_string(), 15000.0)
        ]
    );
    let row = &banan["month"]["rows"][0];
    assert_eq!(
        (
            row["sheet"].as_str(),
            row["row"].as_u64(),
            row["column"].as_str(),
            row["project"].as_str()
        ),
        (
            Some("项目明细"),
            Some(3),
            Some("合同投资额"),
            Some("新材料产业园")
        )
    );
    assert_eq!(
        (banan["month"]["sum"].as_f64(), banan["ytd"]["sum"].as_f64()),
        (Some(67000.0), Some(75000.0))
    );
    assert_eq!(
        (f["total"]["month"].as_f64(), f["total"]["ytd"].as_f64()),
        (Some(67000.0), Some(75000.0))
    );

    // Every figure, by unit: the counts name the cell that makes the row count.
    let all = json_of(&run(
        &["explain", "--period", "2025-06", "--unit", "巴南", "--json"],
        ws.path(),
    ));
    let by_key: BTreeMap<&str, &Value> = all["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .map(|f| (f["figure"].as_str().expect("key"), f))
        .collect();
    assert_eq!(by_key.keys().copied().collect::<Vec<_>>().len(), 10);
    let month = |k: &str| cells(&by_key[k]["units"][0]["month"]);
    assert_eq!(
        month("signed_count"),
        vec![("J3".into(), 1.0), ("J5".into(), 1.0)]
    );
    assert_eq!(month("started_count"), vec![("M3".into(), 1.0)]);
    assert_eq!(
        month("funds_in_place"),
        vec![("N3".into(), 1200.5), ("N4".into(), 500.0)]
    );
    assert_eq!(month("funds_out_of_province"), vec![("N3".into(), 1200.5)]);
    assert_eq!(month("fdi_usd"), vec![("P5".into(), 50.0)]);
    assert_eq!(month("negotiating_count"), vec![("I6".into(), 1.0)]);
    assert_eq!(
        cells(&by_key["funds_in_place"]["units"][0]["ytd"]),
        vec![("O3".into(), 3000.0), ("O4".into(), 2500.0)]
    );
    assert_eq!(by_key["signed_count"]["total"]["ytd"], 3);
    assert_eq!(all["unit"], "500113");
}

/// Display width in a terminal: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x2010..=0x206F | 0x2E80.. => 2,
            _ => 1,
        })
        .sum()
}

#[test]
fn explain_prints_a_section_per_figure_in_both_languages() {
    let ws = workspace_with_banan();
    let zh = run(&["explain", "--period", "2025-06"], ws.path());
    assert_eq!(
        zh.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&zh.stderr)
    );
    let text = String::from_utf8_lossy(&zh.stdout);
    assert!(
        text.contains("新签约合同投资额（signed_amount，万元）"),
        "{text}"
    );
    assert!(
        text.contains("巴南区（500113）  巴南区.xlsx 第 1 版"),
        "{text}"
    );
    assert!(text.contains("1—6月累计"), "{text}");
    // Rows indented under their span, values right-aligned in one column.
    let k3 = text
        .lines()
        .find(|l| l.trim_start().starts_with("项目明细!K3"))
        .expect("a row of K3");
    assert!(
        k3.starts_with("      项目明细!K3") && k3.ends_with("52000.00"),
        "{k3:?}"
    );
    let section: Vec<&str> = text
        .split("\n\n")
        .find(|s| s.starts_with("新签约合同投资额"))
        .expect("section")
        .lines()
        .filter(|l| l.starts_with("      "))
        .collect();
    let ends: Vec<usize> = section.iter().map(|l| width(l)).collect();
    assert!(ends.windows(2).all(|w| w[0] == w[1]), "{section:#?}");
    assert!(
        text.contains("合计：本月 67000.00 万元；1—6月累计 75000.00 万元"),
        "{text}"
    );
    assert_eq!(text.matches("（signed_count，").count(), 1);
    assert_eq!(
        text.lines()
            .filter(|l| !l.starts_with(' ') && l.contains('（') && l.contains('，'))
            .count(),
        10
    );

    let en = run(
        &["--lang", "en", "explain", "--period", "2025-06"],
        ws.path(),
    );
    let text = String::from_utf8_lossy(&en.stdout);
    assert!(text.contains("signed_amount (10k CNY)"), "{text}");
    assert!(text.contains("巴南区.xlsx, version 1"), "{text}");
    assert!(
        text.contains("total: month 67000.00 (10k CNY); year to date 75000.00 (10k CNY)"),
        "{text}"
    );
    assert!(text.contains("negotiating_count (count)"), "{text}");
}

#[test]
fn explain_refuses_an_unknown_figure_or_unit_and_lists_what_is_known() {
    let ws = workspace_with_banan();
    let out = run(
        &["explain", "--period", "2025-06", "--figure", "signed"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("没有指标“signed”"), "{err}");
    for k in KEYS {
        assert!(err.contains(k), "{k} listed: {err}");
    }
    let out = run(
        &["explain", "--period", "2025-06", "--unit", "北碚区"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("北碚区") && err.contains("巴南区、渝中区、两江新区"),
        "{err}"
    );
    let out = run(
        &[
            "--lang", "en", "explain", "--period", "2025-06", "--figure", "x",
        ],
        ws.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the figures are: signed_count, signed_amount"),
        "{err}"
    );
}

#[test]
fn explain_a_period_or_unit_without_an_accepted_return_exits_2() {
    let ws = workspace_with_banan();
    let out = run(&["explain", "--period", "2025-05"], ws.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2025年5月没有已通过审核的报表"), "{err}");
    assert!(out.stdout.is_empty());
    let out = run(
        &["explain", "--period", "2025-06", "--unit", "渝中区"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("渝中区 没有 2025年6月 已通过审核的报表"),
        "{err}"
    );
}

#[test]
fn returns_archived_before_their_sheet_was_kept_are_traced_to_their_rows() {
    let ws = workspace_with_banan();
    // What an archive written by an earlier tongbao holds: no sheet, no columns.
    let db = rusqlite::Connection::open(ws.path().join("tongbao.db")).expect("db");
    db.execute_batch("UPDATE submission SET ledger_sheet = NULL; DELETE FROM ledger_column;")
        .expect("forget the places");
    drop(db);
    let v = json_of(&run(
        &[
            "explain",
            "--period",
            "2025-06",
            "--figure",
            "signed_amount",
            "--json",
        ],
        ws.path(),
    ));
    let row = &v["figures"][0]["units"][0]["month"]["rows"][0];
    assert!(row["sheet"].is_null() && row["cell"].is_null(), "{row}");
    assert_eq!(row["row"], 3);
    let text = run(
        &[
            "explain",
            "--period",
            "2025-06",
            "--figure",
            "signed_amount",
        ],
        ws.path(),
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("第3行") && l.ends_with("52000.00")),
        "{text}"
    );
}

/// The cents of a workbook number (amounts are written to 0.01).
fn cents(d: &Data) -> i64 {
    match d {
        Data::Float(x) => (x * 100.0).round() as i64,
        Data::Int(x) => x * 100,
        _ => 0,
    }
}

fn is_one(d: Option<&Data>) -> bool {
    matches!(d, Some(Data::Float(x)) if *x == 1.0) || matches!(d, Some(Data::Int(1)))
}

#[test]
fn the_project_list_reproduces_every_total_of_the_demo_bulletin() {
    let dir = crate::binary::demo_workspace();
    let built = dir.path().join("d/out/2025-06");
    let json: Value =
        serde_json::from_slice(&std::fs::read(built.join("bulletin-2025-06.json")).expect("json"))
            .expect("parse");
    let bytes = std::fs::read(built.join("通报-2025-06.xlsx")).expect("workbook");
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx");
    let sheet = wb.worksheet_range("项目总表").expect("项目总表");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    // The title, the note on how to re-add the totals, then the table.
    let at = rows
        .iter()
        .position(|r| {
            r.first()
                .is_some_and(|c| matches!(c, Data::String(s) if s == "序号"))
        })
        .expect("the header row");
    let header = rows[at];
    let col = |prefix: &str| {
        header
            .iter()
            .position(|h| h.to_string().replace('\n', "").starts_with(prefix))
            .unwrap_or_else(|| panic!("column {prefix}: {header:?}"))
    };
    let body: Vec<&[Data]> = rows[at + 1..]
        .iter()
        .copied()
        .filter(|r| matches!(r.first(), Some(Data::Float(_) | Data::Int(_))))
        .collect();
    assert!(body.len() > 100, "{} projects", body.len());
    let sum = |value: &str, flag: Option<&str>| -> i64 {
        let v = col(value);
        body.iter()
            .filter(|r| flag.is_none_or(|f| is_one(r.get(col(f)))))
            .map(|r| r.get(v).map_or(0, cents))
            .sum()
    };
    let count = |flags: &[&str]| -> i64 {
        body.iter()
            .filter(|r| flags.iter().all(|f| is_one(r.get(col(f)))))
            .count() as i64
    };
    let out_of_province = |value: &str| -> i64 {
        let (v, s) = (col(value), col("资金来源"));
        body.iter()
            .filter(|r| {
                r.get(s)
                    .is_some_and(|x| *x == Data::String("省外境内".into()))
            })
            .map(|r| r.get(v).map_or(0, cents))
            .sum()
    };
    let negotiating = body
        .iter()
        .filter(|r| {
            r.get(col("项目进展"))
                .is_some_and(|x| *x == Data::String("在谈".into()))
        })
        .count() as i64;
    let big_amount = |flag: &[&str]| -> i64 {
        let v = col("合同投资额");
        body.iter()
            .filter(|r| flag.iter().all(|f| is_one(r.get(col(f)))))
            .map(|r| r.get(v).map_or(0, cents))
            .sum()
    };
    let month: BTreeMap<&str, i64> = [
        ("signed_count", count(&["本月签约"])),
        ("signed_amount", sum("合同投资额", Some("本月签约"))),
        ("big_count", count(&["本月签约", "亿元以上签约"])),
        ("big_amount", big_amount(&["本月签约", "亿元以上签约"])),
        ("started_count", count(&["本月开工"])),
        ("started_investment", sum("合同投资额", Some("本月开工"))),
        ("funds_in_place", sum("本月到位资金", None)),
        ("funds_out_of_province", out_of_province("本月到位资金")),
        ("fdi_usd", sum("本月实际使用外资", None)),
        ("negotiating_count", negotiating),
    ]
    .into();
    let ytd: BTreeMap<&str, i64> = [
        ("signed_count", count(&["本年签约"])),
        ("signed_amount", sum("合同投资额", Some("本年签约"))),
        ("big_count", count(&["亿元以上签约"])),
        ("big_amount", big_amount(&["亿元以上签约"])),
        ("started_count", count(&["本年开工"])),
        ("started_investment", sum("合同投资额", Some("本年开工"))),
        ("funds_in_place", sum("本年累计到位资金", None)),
        ("funds_out_of_province", out_of_province("本年累计到位资金")),
        ("fdi_usd", sum("本年累计实际使用外资", None)),
        ("negotiating_count", negotiating),
    ]
    .into();
    for (span, sums) in [("month", &month), ("ytd", &ytd)] {
        for k in KEYS {
            let published = &json["total"][span][k];
            let expected = if k.ends_with("_count") {
                published.as_i64().expect("count")
            } else {
                (published.as_f64().expect("amount") * 100.0).round() as i64
            };
            assert_eq!(sums[k], expected, "{span} {k}");
        }
    }
    assert!(month["signed_count"] > 0 && ytd["big_count"] > 0 && month["started_count"] > 0);

    // Numbers as numbers, dates as dates, and where each row came from.
    let first = body[0];
    assert!(
        matches!(first.get(col("签约日期")), Some(Data::DateTime(_))),
        "{first:?}"
    );
    assert!(
        matches!(first.get(col("合同投资额")), Some(Data::Float(_))),
        "{first:?}"
    );
    let place = first[col("位置")].to_string();
    assert!(
        place.starts_with("项目明细!") && place["项目明细!".len()..].parse::<u32>().is_ok(),
        "{place}"
    );
    assert!(
        first[col("文件名")].to_string().ends_with(".xlsx")
            || first[col("文件名")].to_string().contains('.')
    );

    // Each unit names its current file.
    let units = json["units"].as_array().expect("units");
    for u in units {
        match u["status"].as_str() {
            Some("accepted") => {
                let s = &u["source"];
                assert!(
                    s["file"]
                        .as_str()
                        .is_some_and(|f| f.contains(u["name"].as_str().unwrap_or("?"))),
                    "{u}"
                );
                assert_eq!(s["sha256"].as_str().map(str::len), Some(64), "{u}");
                assert!(s["version"].as_i64().is_some_and(|v| v >= 1), "{u}");
                assert!(
                    s["received_at"].as_str().is_some_and(|t| t.contains('T')),
                    "{u}"
                );
            }
            _ => assert!(u["source"].is_null(), "{u}"),
        }
    }
    let resubmitted = units
        .iter()
        .filter(|u| u["source"]["version"].as_i64().is_some_and(|v| v > 1))
        .count();
    assert!(
        resubmitted > 0,
        "the demo's 补报 returns are later versions"
    );
}

#[test]
fn the_help_of_explain_has_an_example() {
    for (args, example) in [
        (
            &["explain", "--help"][..],
            "示例：tongbao explain --period 2025-06",
        ),
        (
            &["--lang", "en", "explain", "--help"],
            "Example: tongbao explain --period 2025-06",
        ),
    ] {
        let out = bin().args(args).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(example), "{text}");
    }
}
