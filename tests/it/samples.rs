//! The bundled samples: good returns accepted cleanly, each flawed return giving the
//! diagnostic samples/README.md lists, and every bulletin figure recomputed independently
//! from the sample ledgers by a deliberately simple second implementation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::binary::{repo, run};

/// A unit's name with its month and year-to-date figures by key.
type Simple = (
    String,
    BTreeMap<&'static str, f64>,
    BTreeMap<&'static str, f64>,
);

fn samples() -> PathBuf {
    repo().join("samples")
}

fn check_json(paths: &[&str]) -> Value {
    let config = samples().join("tongbao.toml");
    let mut args = vec![
        "--config",
        config.to_str().expect("utf-8 path"),
        "check",
        "--no-receipts",
        "--format",
        "json",
        "--period",
        "2025-06",
    ];
    args.extend_from_slice(paths);
    let out = run(&args, &samples());
    serde_json::from_slice(&out.stdout).expect("json")
}

/// The months of the good samples, oldest first.
const MONTHS: [&str; 9] = [
    "2024-06", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05",
    "2025-06",
];

/// One project row of a sample ledger, read the plain way.
#[derive(Debug, Clone)]
struct Row {
    /// Zero-based sheet row.
    sheet_row: u32,
    id: Option<String>,
    name: String,
    investor: String,
    stage: String,
    signed: Option<NaiveDate>,
    amount: f64,
    started: Option<NaiveDate>,
    note: String,
}

impl Row {
    /// 备注 says 终止 (and not 未终止).
    fn terminated(&self) -> bool {
        self.note.contains("终止") && !self.note.contains("未终止")
    }

    /// 项目进展 已投产, or terminated: the project may leave the ledger in January.
    fn settled(&self) -> bool {
        self.stage == "已投产" || self.terminated()
    }
}

/// The few traditional characters of the titles and labels 荣昌区's template uses.
fn simplified(s: &str) -> String {
    const MAP: [(char, char); 15] = [
        ('項', '项'),
        ('編', '编'),
        ('號', '号'),
        ('稱', '称'),
        ('資', '资'),
        ('進', '进'),
        ('簽', '签'),
        ('約', '约'),
        ('額', '额'),
        ('開', '开'),
        ('備', '备'),
        ('註', '注'),
        ('細', '细'),
        ('報', '报'),
        ('單', '单'),
    ];
    s.chars()
        .map(|c| MAP.iter().find(|(t, _)| *t == c).map_or(c, |(_, x)| *x))
        .collect()
}

fn cell_date(c: &Data) -> Option<NaiveDate> {
    let text = match c {
        Data::DateTime(d) => return Some(d.as_datetime()?.date()),
        Data::DateTimeIso(s) | Data::String(s) => s.clone(),
        Data::Float(f) => {
            return Some(
                calamine::ExcelDateTime::new(*f, calamine::ExcelDateTimeType::DateTime, false)
                    .as_datetime()?
                    .date(),
            )
        }
        _ => return None,
    };
    NaiveDate::parse_from_str(text.get(0..10)?, "%Y-%m-%d").ok()
}

fn cell_amount(c: &Data) -> f64 {
    match c {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        Data::String(s) => s.replace(',', "").trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// A return's unit, its ledger rows and the zero-based sheet column of 开工日期.
fn simple_ledger(path: &Path) -> (String, Vec<Row>, u32) {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let info = wb.worksheet_range("基本信息").expect("基本信息");
    let unit = info
        .rows()
        .find(|r| {
            r.first()
                .is_some_and(|c| simplified(&c.to_string()) == "填报单位")
        })
        .and_then(|r| r.get(1))
        .map(|c| c.to_string())
        .expect("填报单位");
    let sheet = wb
        .sheet_names()
        .into_iter()
        .find(|n| simplified(n) == "项目明细")
        .expect("项目明细");
    let ledger = wb.worksheet_range(&sheet).expect("ledger");
    let (row0, col0) = ledger.start().unwrap_or((0, 0));
    let rows: Vec<&[Data]> = ledger.rows().collect();
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| simplified(&c.to_string()) == "项目名称"))
        .expect("header");
    let col = |t: &str| {
        rows[header]
            .iter()
            .position(|c| simplified(&c.to_string()) == t)
            .unwrap_or_else(|| panic!("{}: no {t}", path.display()))
    };
    let (id, name, investor, stage, signed, amount, started, note) = (
        col("项目编号"),
        col("项目名称"),
        col("投资方"),
        col("项目进展"),
        col("签约日期"),
        col("合同投资额"),
        col("开工日期"),
        col("备注"),
    );
    let text = |r: &[Data], c: usize| r.get(c).map(|c| c.to_string()).unwrap_or_default();
    let projects = rows
        .iter()
        .enumerate()
        .skip(header + 1)
        .filter(|(_, r)| {
            let n = text(r, name);
            !n.is_empty() && !text(r, 0).contains('合') && !text(r, 0).contains('計')
        })
        .filter(|(_, r)| !text(r, stage).is_empty())
        .map(|(i, r)| Row {
            sheet_row: row0 + i as u32,
            id: Some(text(r, id)).filter(|t| !t.is_empty()),
            name: text(r, name),
            investor: text(r, investor),
            stage: text(r, stage),
            signed: r.get(signed).and_then(cell_date),
            amount: r.get(amount).map_or(0.0, cell_amount),
            started: r.get(started).and_then(cell_date),
            note: text(r, note),
        })
        .collect();
    (unit, projects, col0 + started as u32)
}

/// A1 address of a zero-based cell.
fn a1(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        letters.insert(0, (b'A' + ((c - 1) % 26) as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The 开工日期 cells W-BIG-NOT-STARTED must name in a return for `month`: 亿元以上 rows not
/// 在谈, without a 开工日期, signed six months or more before the month's end, not 终止.
fn stalled_cells(path: &Path, month: &str) -> BTreeSet<String> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").expect("month");
    let last = first + chrono::Months::new(1) - chrono::Days::new(1);
    let (_, rows, started_col) = simple_ledger(path);
    rows.iter()
        .filter(|r| r.stage != "在谈" && r.started.is_none() && r.amount >= 10000.0)
        .filter(|r| !r.terminated())
        .filter(|r| r.signed.is_some_and(|d| d + chrono::Months::new(6) <= last))
        .map(|r| a1(r.sheet_row, started_col))
        .collect()
}

#[test]
fn every_good_sample_is_accepted_with_only_its_stalled_projects_warned() {
    let mut total = 0;
    for month in MONTHS {
        let mut warned = 0;
        let dir = format!("returns/{month}");
        let config = samples().join("tongbao.toml");
        let out = run(
            &[
                "--config",
                config.to_str().unwrap(),
                "check",
                "--no-receipts",
                "--format",
                "json",
                &dir,
            ],
            &samples(),
        );
        assert_eq!(out.status.code(), Some(0), "{month}");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["period"], month);
        assert_eq!(v["summary"]["rejected"], 0, "{month}");
        assert_eq!(v["summary"]["held"], 0, "{month}");
        assert_eq!(
            v["summary"]["files"],
            if month == "2025-06" { 39 } else { 40 }
        );
        // The only warnings are W-BIG-NOT-STARTED, on exactly the rows recomputed from
        // the cells (samples/README.md: the stalled projects of the 督办 list).
        for f in v["files"].as_array().expect("files") {
            let file = f["file"].as_str().expect("file");
            let found: BTreeSet<(String, String)> = f["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or_default().to_string(),
                        d["cell"].as_str().unwrap_or("-").to_string(),
                    )
                })
                .collect();
            let expected: BTreeSet<(String, String)> = stalled_cells(&samples().join(file), month)
                .into_iter()
                .map(|c| ("W-BIG-NOT-STARTED".to_string(), c))
                .collect();
            assert_eq!(found, expected, "{file}");
            warned += expected.len();
        }
        assert_eq!(v["summary"]["warnings"], warned, "{month}");
        total += warned;
    }
    assert!(total > 0, "the stalled projects are in the samples");
}

/// Every unit's ledgers of the months from 2024-11, by month: unit → rows.
fn ledgers_by_month() -> Vec<(&'static str, BTreeMap<String, Vec<Row>>)> {
    MONTHS[1..]
        .iter()
        .map(|month| {
            let mut units = BTreeMap::new();
            for e in std::fs::read_dir(samples().join("returns").join(month))
                .expect("dir")
                .flatten()
            {
                let (unit, rows, _) = simple_ledger(&e.path());
                units.insert(unit, rows);
            }
            (*month, units)
        })
        .collect()
}

/// The row of `rows` that is `old`: the same 项目编号, else the same name and investor, or
/// a 备注「原名：」 giving its name with the same investor.
fn same_project<'a>(rows: &'a [Row], old: &Row) -> Option<&'a Row> {
    rows.iter().find(|n| match (&n.id, &old.id) {
        (Some(a), Some(b)) => a == b,
        _ => {
            n.investor == old.investor
                && (n.name == old.name || n.note == format!("原名：{}", old.name))
        }
    })
}

#[test]
fn the_months_agree_and_carried_over_projects_stay_until_settled() {
    let months = ledgers_by_month();
    let (mut kept, mut carried, mut left, mut renamed) = (0, 0, 0, 0);
    for pair in months.windows(2) {
        let ((before_month, before), (month, now)) = (&pair[0], &pair[1]);
        let year_changes = before_month[..4] != month[..4];
        for (unit, old_rows) in before {
            // 城口县 has not reported for 2025-06.
            let Some(rows) = now.get(unit) else {
                assert_eq!((unit.as_str(), *month), ("城口县", "2025-06"));
                continue;
            };
            for old in old_rows.iter().filter(|r| r.stage != "在谈") {
                let signed = old.signed.expect("a signed row has its 签约日期");
                let found = same_project(rows, old);
                if year_changes && old.settled() {
                    assert!(
                        found.is_none(),
                        "{unit} {month}: {old:?} stays though settled"
                    );
                    left += 1;
                    continue;
                }
                let new = found.unwrap_or_else(|| panic!("{unit} {month}: {old:?} vanished"));
                assert_eq!(new.signed, Some(signed), "{unit} {month}: {old:?}");
                assert_eq!(new.amount, old.amount, "{unit} {month}: {old:?}");
                assert_ne!(new.stage, "在谈");
                if new.name != old.name {
                    assert_eq!(new.note, format!("原名：{}", old.name));
                    assert!(new.id.is_none() && old.id.is_none());
                    renamed += 1;
                }
                if signed.year() < month[..4].parse::<i32>().expect("year") {
                    carried += 1;
                }
                kept += 1;
            }
        }
    }
    // Every project of December signed in 2024 or before and not settled is in every
    // month of 2025 of its unit, with the same 签约日期 (by 项目编号; the renamed ones,
    // unnumbered, are followed month to month above).
    let december = &months[1].1;
    let mut followed = 0;
    for (unit, rows) in december {
        for old in rows.iter().filter(|r| r.stage != "在谈" && !r.settled()) {
            let Some(id) = &old.id else { continue };
            for (month, units) in &months[2..] {
                let Some(now) = units.get(unit) else { continue };
                let new = now
                    .iter()
                    .find(|r| r.id.as_ref() == Some(id))
                    .unwrap_or_else(|| panic!("{unit} {month}: {id} missing"));
                assert_eq!(new.signed, old.signed, "{unit} {month}: {id}");
                followed += 1;
            }
        }
    }
    assert!(
        carried > 10_000 && left > 1_000 && renamed > 0 && followed > 10_000 && kept > carried,
        "kept {kept}, carried {carried}, left {left}, renamed {renamed}, followed {followed}"
    );
}

#[test]
fn each_flawed_sample_gives_its_listed_diagnostic() {
    let readme = std::fs::read_to_string(samples().join("README.md")).expect("README");
    let rows: Vec<Vec<String>> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| file | code | sheet | cell |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(rows.len() >= 10, "the table lists the flawed files");
    let v = check_json(&["flawed"]);
    for row in &rows {
        let (file, code, sheet, cell) = (&row[0], &row[1], &row[2], &row[3]);
        let f = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["file"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(file.as_str()))
            })
            .unwrap_or_else(|| panic!("{file} checked"));
        let d = f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code.as_str())
            .unwrap_or_else(|| panic!("{file}: no {code} in {:#}", f["diagnostics"]));
        let dash = |x: &str| {
            if x == "-" {
                Value::Null
            } else {
                Value::String(x.into())
            }
        };
        assert_eq!(
            (&d["sheet"], &d["cell"]),
            (&dash(sheet), &dash(cell)),
            "{file}"
        );
        let expected = if code.starts_with("E-") {
            "rejected"
        } else {
            "accepted"
        };
        assert_eq!(f["status"], expected, "{file}");
    }
}

/// The ten figures of one ledger, computed the plain way.
fn simple_figures(path: &Path, year: i32, month: u32) -> Option<Simple> {
    let mut wb = open_workbook_auto(path).ok()?;
    let info = wb.worksheet_range("基本信息").ok()?;
    let unit = info
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == "填报单位"))?
        .get(1)?
        .to_string();
    let ledger = wb.worksheet_range("项目明细").ok()?;
    let rows: Vec<&[Data]> = ledger.rows().collect();
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| *c == "项目名称"))?;
    let col = |t: &str| rows[header].iter().position(|c| *c == t);
    let (name, stage, signed, amount, started, fm, fy, src, xm, xy) = (
        col("项目名称")?,
        col("项目进展")?,
        col("签约日期")?,
        col("合同投资额")?,
        col("开工日期")?,
        col("本月到位资金")?,
        col("本年累计到位资金")?,
        col("资金来源")?,
        col("本月实际使用外资")?,
        col("本年累计实际使用外资")?,
    );
    let num = |c: &Data| match c {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        _ => 0.0,
    };
    let ym = |c: &Data| -> Option<(i32, u32)> {
        let text = match c {
            Data::DateTime(d) => d.as_datetime()?.format("%Y-%m-%d").to_string(),
            Data::DateTimeIso(s) | Data::String(s) => s.clone(),
            Data::Float(f) => {
                calamine::ExcelDateTime::new(*f, calamine::ExcelDateTimeType::DateTime, false)
                    .as_datetime()?
                    .format("%Y-%m-%d")
                    .to_string()
            }
            _ => return None,
        };
        Some((text.get(0..4)?.parse().ok()?, text.get(5..7)?.parse().ok()?))
    };
    let keys = [
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
    let mut m: BTreeMap<&str, f64> = keys.iter().map(|k| (*k, 0.0)).collect();
    let mut y = m.clone();
    for r in &rows[header + 1..] {
        if r.get(name).is_none_or(|c| c.to_string().is_empty()) || r[0].to_string().contains("合计")
        {
            continue;
        }
        let a = num(&r[amount]);
        let negotiating = r[stage] == "在谈";
        for (fig, in_span) in [
            (
                &mut m,
                &(|d: (i32, u32)| d == (year, month)) as &dyn Fn((i32, u32)) -> bool,
            ),
            (&mut y, &|d: (i32, u32)| d.0 == year && d.1 <= month),
        ] {
            if !negotiating && ym(&r[signed]).is_some_and(in_span) {
                *fig.get_mut("signed_count").unwrap() += 1.0;
                *fig.get_mut("signed_amount").unwrap() += a;
                if a >= 10000.0 {
                    *fig.get_mut("big_count").unwrap() += 1.0;
                    *fig.get_mut("big_amount").unwrap() += a;
                }
            }
            if ym(&r[started]).is_some_and(in_span) {
                *fig.get_mut("started_count").unwrap() += 1.0;
                *fig.get_mut("started_investment").unwrap() += a;
            }
            if negotiating {
                *fig.get_mut("negotiating_count").unwrap() += 1.0;
            }
        }
        let out_of_province = r[src] == "省外境内";
        for (fig, f, x) in [(&mut m, fm, xm), (&mut y, fy, xy)] {
            *fig.get_mut("funds_in_place").unwrap() += num(&r[f]);
            if out_of_province {
                *fig.get_mut("funds_out_of_province").unwrap() += num(&r[f]);
            }
            *fig.get_mut("fdi_usd").unwrap() += num(&r[x]);
        }
    }
    Some((unit, m, y))
}

fn assert_close(found: &Value, expected: f64, what: &str) {
    let f = found.as_f64().unwrap_or_else(|| panic!("{what}: {found}"));
    assert!(
        (f - expected).abs() < 0.005,
        "{what}: bulletin {f}, ledgers {expected}"
    );
}

#[test]
fn bulletin_figures_agree_with_an_independent_computation_over_the_ledgers() {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        samples().join("tongbao.toml"),
        ws.path().join("tongbao.toml"),
    )
    .expect("config");
    for month in ["2024-06", "2025-06"] {
        let dir = samples().join("returns").join(month);
        let out = run(
            &["ingest", "--period", month, dir.to_str().unwrap()],
            ws.path(),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        run(&["build", "--period", "2025-06"], ws.path())
            .status
            .code(),
        Some(0)
    );
    let json: Value = serde_json::from_slice(
        &std::fs::read(ws.path().join("out/2025-06/bulletin-2025-06.json")).expect("json"),
    )
    .expect("parse");

    let mut last_year = BTreeMap::new();
    for e in std::fs::read_dir(samples().join("returns/2024-06"))
        .expect("dir")
        .flatten()
    {
        if let Some((unit, _, y)) = simple_figures(&e.path(), 2024, 6) {
            last_year.insert(unit, y);
        }
    }
    let mut checked = 0;
    let mut sum_ytd = 0.0;
    for e in std::fs::read_dir(samples().join("returns/2025-06"))
        .expect("dir")
        .flatten()
    {
        let Some((unit, m, y)) = simple_figures(&e.path(), 2025, 6) else {
            continue;
        };
        let u = json["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == unit.as_str())
            .unwrap_or_else(|| panic!("{unit} in bulletin"));
        for (k, v) in &m {
            assert_close(&u["month"][k], *v, &format!("{unit} month {k}"));
        }
        for (k, v) in &y {
            assert_close(&u["ytd"][k], *v, &format!("{unit} ytd {k}"));
        }
        let ly = &last_year[&unit];
        for (k, v) in ly {
            assert_close(&u["ytd_last_year"][k], *v, &format!("{unit} last year {k}"));
            if *v != 0.0 {
                let yoy = ((y[k] / v - 1.0) * 100.0 * 10.0).round() / 10.0;
                assert_close(&u["yoy_pct"][k], yoy, &format!("{unit} yoy {k}"));
            }
        }
        sum_ytd += y["signed_amount"];
        checked += 1;
    }
    assert!(
        checked >= 35,
        "most samples are read by the simple reader ({checked})"
    );
    // Totals: the bulletin's total is the exact sum of its units.
    let units_total: f64 = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["ytd"]["signed_amount"].as_f64())
        .sum();
    assert_close(
        &json["total"]["ytd"]["signed_amount"],
        units_total,
        "total = sum of units",
    );
    assert!(sum_ytd <= units_total + 0.005);
    assert_eq!(json["not_reported"], serde_json::json!(["城口县"]));
    assert_eq!(json["rejected"], serde_json::json!([]));

    // The PDF bulletin prints the same figures: every headline YTD amount in 亿元 with two
    // decimals, and every unit's name.
    let pdf = ws.path().join("out/2025-06/通报-2025-06.pdf");
    let text = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).replace(['\n', ' '], "");
    for key in [
        "signed_amount",
        "funds_in_place",
        "big_amount",
        "started_investment",
    ] {
        let yi = format!(
            "{:.2}",
            json["total"]["ytd"][key].as_f64().unwrap() / 10000.0
        );
        assert!(text.contains(&yi), "total ytd {key} {yi} not in the PDF");
    }
    for key in ["signed_count", "started_count", "big_count"] {
        assert!(
            text.contains(&json["total"]["ytd"][key].to_string()),
            "total ytd {key}"
        );
    }
    for u in json["units"].as_array().unwrap() {
        let name = u["name"].as_str().unwrap();
        assert!(text.contains(name), "{name} not in the PDF");
    }
}
