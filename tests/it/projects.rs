//! The project register (项目库, `tongbao projects`): every project followed across months
//! and years, checked against an independent recomputation — on the demo's archive (read
//! with plain SQL) and on hand-made archives ingested by the real binary.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::binary::run_reproducibly as run;
use crate::support::*;

/// The SQL selecting `columns` of every project row of the counted returns (accepted,
/// current, not held) up to June 2025, in the register's order: the recomputations read
/// the archive directly, not through the register.
fn counted_rows(columns: &str) -> String {
    counted_rows_upto(columns, "2025-06")
}

/// As [`counted_rows`], up to the period `upto`.
fn counted_rows_upto(columns: &str, upto: &str) -> String {
    format!(
        "SELECT {columns}
         FROM project p JOIN submission s ON s.id = p.submission_id
         WHERE s.status = 'accepted' AND s.superseded_by IS NULL
           AND (s.hold IS NULL OR s.hold = 'confirmed') AND s.period <= '{upto}'
         ORDER BY s.period, s.unit_code, p.row"
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

fn ok(out: Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(out: Output) -> Value {
    let text = ok(out);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A workspace with the test roster and these returns ingested in order, each as
/// `巴南区-<period>.xlsx` for its period (each must be accepted, warnings allowed).
fn archive_of(returns: &[(&str, Form)]) -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    for (period, form) in returns {
        let name = format!("巴南区-{period}.xlsx");
        let path = ws.path().join(&name);
        std::fs::write(&path, form.xlsx()).expect("return");
        let out = run(
            &[
                "ingest",
                "--no-receipts",
                "--period",
                period,
                path.to_str().expect("UTF-8 path"),
            ],
            ws.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{name}: {}", said(&out));
    }
    ws
}

fn projects_json(ws: &Path, period: &str, extra: &[&str]) -> Value {
    let mut args = vec!["projects", "--period", period, "--json"];
    args.extend_from_slice(extra);
    json(run(&args, ws))
}

/// The register's projects by name.
fn by_name(doc: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for p in doc["projects"].as_array().expect("projects") {
        out.entry(p["name"].as_str().expect("name").to_string())
            .or_default()
            .push(p.clone());
    }
    out
}

/// The standard return without 项目编号: identity falls back to name and investor.
fn unnumbered(period_text: &str) -> Form {
    let mut f = Form::valid().set_info("报告期", s(period_text));
    for row in 0..f.rows.len() {
        f = f.set(row, "项目编号", V::E);
    }
    f
}

/// The standard return for May 2025: its June dates moved into May.
fn in_may(f: Form) -> Form {
    f.set_info("报告期", s("2025年5月"))
        .set(0, "签约日期", V::D(2025, 5, 10))
        .set(0, "开工日期", V::D(2025, 5, 20))
        .set(2, "签约日期", V::D(2025, 5, 1))
}

/// The standard return moved to `period_text` with every date in or before `month` of
/// `year`, and P001's funds: `funds` (本月, 本年累计).
fn dated(period_text: &str, funds: (f64, f64)) -> Form {
    Form::valid()
        .set_info("报告期", s(period_text))
        .set(0, "签约日期", V::D(2024, 12, 10))
        .set(0, "开工日期", V::D(2024, 12, 20))
        .set(0, "本月到位资金", V::N(funds.0))
        .set(0, "本年累计到位资金", V::N(funds.1))
        // 亿元以上, signed and never started: stalled six months after signing.
        .set(1, "签约日期", V::D(2024, 11, 5))
        .set(1, "合同投资额", V::N(20000.0))
        .set(2, "签约日期", V::D(2024, 12, 1))
}

/// The year-boundary archive: December 2024, then May and June 2025.
fn across_a_year() -> tempfile::TempDir {
    archive_of(&[
        ("2024-12", dated("2024年12月", (1000.0, 3000.0))),
        ("2025-05", dated("2025年5月", (800.0, 4000.0))),
        ("2025-06", dated("2025年6月", (1000.0, 5000.0))),
    ])
}

#[test]
fn a_project_is_followed_across_months_and_years_with_its_files() {
    let ws = across_a_year();
    let doc = projects_json(ws.path(), "2025-06", &[]);
    let projects = doc["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), 4, "{doc:#}");
    let p001 = &by_name(&doc)["新材料产业园"][0];
    assert_eq!(p001["code"], "P001");
    assert_eq!(p001["id"], "500113:#p001");
    assert_eq!(p001["first_reported"], "2024-12");
    assert_eq!(p001["last_reported"], "2025-06");
    assert_eq!(p001["current"], true);
    assert_eq!(p001["signed_on"], "2024-12-10");
    assert_eq!(p001["started_on"], "2024-12-20");
    assert_eq!(p001["stage"], "started");
    assert_eq!(p001["contract_amount"], 52000.0);
    assert_eq!(p001["last_file"]["file"], "巴南区-2025-06.xlsx");
    assert_eq!(p001["last_file"]["version"], 1);

    // `projects show` prints every month with the file it came from.
    let id = p001["id"].as_str().expect("id");
    let shown = ok(run(&["projects", "show", id], ws.path()));
    for period in ["2024-12", "2025-05", "2025-06"] {
        let line = shown
            .lines()
            .find(|l| l.starts_with(period))
            .unwrap_or_else(|| panic!("no line for {period}:\n{shown}"));
        assert!(
            line.contains(&format!("巴南区-{period}.xlsx（第1版）")),
            "{line}"
        );
    }
    assert!(shown.contains("共 3 次报送"), "{shown}");
    let english = ok(run(
        &["projects", "show", "P001", "--lang", "en"],
        ws.path(),
    ));
    assert!(english.contains("3 report(s)"), "{english}");
    assert!(
        english.contains("2025-05  巴南区-2025-05.xlsx (v1)"),
        "{english}"
    );

    // As of May the June report is not there yet.
    let may = projects_json(ws.path(), "2025-05", &[]);
    let p001 = &by_name(&may)["新材料产业园"][0];
    assert_eq!(p001["last_reported"], "2025-05");
    assert_eq!(p001["last_file"]["file"], "巴南区-2025-05.xlsx");
}

#[test]
fn funds_in_place_add_each_years_last_report_across_the_year_boundary() {
    let ws = across_a_year();
    // Independently: 2024's 本年累计 at December plus 2025's at the month asked for.
    for (period, expected, years) in [
        ("2024-12", 3000.0, vec![(2024, "2024-12", 3000.0)]),
        (
            "2025-05",
            3000.0 + 4000.0,
            vec![(2024, "2024-12", 3000.0), (2025, "2025-05", 4000.0)],
        ),
        (
            "2025-06",
            3000.0 + 5000.0,
            vec![(2024, "2024-12", 3000.0), (2025, "2025-06", 5000.0)],
        ),
    ] {
        let doc = projects_json(ws.path(), period, &[]);
        let p001 = &by_name(&doc)["新材料产业园"][0];
        assert_eq!(p001["funds_in_place"], expected, "{period}");
        let got: Vec<(i64, String, f64)> = p001["funds_by_year"]
            .as_array()
            .expect("years")
            .iter()
            .map(|y| {
                (
                    y["year"].as_i64().expect("year"),
                    y["period"].as_str().expect("period").to_string(),
                    y["funds_ytd"].as_f64().expect("funds"),
                )
            })
            .collect();
        let want: Vec<(i64, String, f64)> = years
            .into_iter()
            .map(|(y, p, f)| (y, p.to_string(), f))
            .collect();
        assert_eq!(got, want, "{period}");
        // 智能装备基地 reports 2500 each year.
        let p002 = &by_name(&doc)["智能装备基地"][0];
        let reported_years = p002["funds_by_year"].as_array().expect("years").len();
        assert_eq!(
            p002["funds_in_place"],
            2500.0 * reported_years as f64,
            "{period}"
        );
    }
}

#[test]
fn stalled_lists_big_projects_signed_six_months_before_and_not_started() {
    let ws = across_a_year();
    // Independently, from the forms: 智能装备基地 (20000 万元, signed 2024-11-05) and
    // 软件园 (15000 万元, signed 2024-12-01) are signed and not started; 新材料产业园 is
    // started and 新能源材料项目 is 在谈.
    let signed = [("智能装备基地", (2024, 11)), ("软件园", (2024, 12))];
    for (period, (year, month)) in [
        ("2024-12", (2024, 12)),
        ("2025-05", (2025, 5)),
        ("2025-06", (2025, 6)),
    ] {
        let expected: Vec<&str> = signed
            .iter()
            .filter(|(_, (y, m))| (year * 12 + month) - (y * 12 + m) >= 6)
            .map(|(name, _)| *name)
            .collect();
        let doc = projects_json(ws.path(), period, &["--stalled"]);
        let mut got: Vec<&str> = doc["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .map(|p| p["name"].as_str().expect("name"))
            .collect();
        got.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(got, expected, "{period}");
        assert_eq!(doc["stalled_only"], true);
        assert_eq!(doc["stalled_months"], 6);
    }
    // The months are the config's.
    let config = format!("{CONFIG}\n[projects]\nstalled_months = 7\n");
    std::fs::write(ws.path().join("tongbao.toml"), config).expect("config");
    let doc = projects_json(ws.path(), "2025-06", &["--stalled"]);
    let names: Vec<&str> = doc["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["智能装备基地"]);
    // An unknown key in [projects] is refused.
    let config = format!("{CONFIG}\n[projects]\nstalled_month = 7\n");
    std::fs::write(ws.path().join("tongbao.toml"), config).expect("config");
    let out = run(&["projects", "--period", "2025-06"], ws.path());
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
}

#[test]
fn a_project_renamed_with_its_former_name_in_the_note_keeps_its_history() {
    let ws = archive_of(&[
        ("2025-05", in_may(unnumbered("2025年5月"))),
        (
            "2025-06",
            unnumbered("2025年6月")
                .set(2, "项目名称", s("软件信息产业园"))
                .set(2, "备注", s("原名：软件园")),
        ),
    ]);
    let doc = projects_json(ws.path(), "2025-06", &[]);
    assert_eq!(doc["projects"].as_array().expect("projects").len(), 4);
    let names = by_name(&doc);
    assert!(!names.contains_key("软件园"), "{doc:#}");
    let renamed = &names["软件信息产业园"][0];
    assert_eq!(renamed["former_names"], serde_json::json!(["软件园"]));
    assert_eq!(renamed["first_reported"], "2025-05");
    assert_eq!(renamed["last_reported"], "2025-06");
    assert_eq!(renamed["signed_on"], "2025-06-01");
    assert!(doc["ambiguous"].as_array().expect("ambiguous").is_empty());
    let shown = ok(run(
        &["projects", "show", renamed["id"].as_str().expect("id")],
        ws.path(),
    ));
    assert!(shown.contains("曾用名：软件园"), "{shown}");
    let june = shown
        .lines()
        .find(|l| l.starts_with("2025-06"))
        .expect("June");
    assert!(june.contains("备注中的原名"), "{june}");
    assert!(shown
        .lines()
        .any(|l| l.starts_with("2025-05") && l.contains("软件园")));

    // Without the note, the renamed project is another project.
    let ws = archive_of(&[
        ("2025-05", in_may(unnumbered("2025年5月"))),
        (
            "2025-06",
            unnumbered("2025年6月").set(2, "项目名称", s("软件信息产业园")),
        ),
    ]);
    let names = by_name(&projects_json(ws.path(), "2025-06", &[]));
    assert_eq!(names["软件园"][0]["last_reported"], "2025-05");
    assert_eq!(names["软件园"][0]["current"], false);
    assert_eq!(names["软件信息产业园"][0]["first_reported"], "2025-06");
}

#[test]
fn the_same_name_with_different_investors_stays_two_projects() {
    let twins = |period: &str| {
        unnumbered(period)
            .set(1, "项目名称", s("新材料产业园"))
            .set(1, "签约日期", V::D(2025, 3, 5))
    };
    let ws = archive_of(&[
        ("2025-05", in_may(twins("2025年5月"))),
        ("2025-06", twins("2025年6月")),
    ]);
    let doc = projects_json(ws.path(), "2025-06", &[]);
    let twins = &by_name(&doc)["新材料产业园"];
    assert_eq!(twins.len(), 2, "{doc:#}");
    let mut investors: Vec<&str> = twins
        .iter()
        .map(|p| p["investor"].as_str().expect("investor"))
        .collect();
    investors.sort();
    assert_eq!(investors, ["乙装备股份公司", "甲材料有限公司"]);
    for p in twins {
        assert_eq!(p["first_reported"], "2025-05");
        assert_eq!(p["last_reported"], "2025-06");
    }
    assert_ne!(twins[0]["id"], twins[1]["id"]);
    assert!(doc["ambiguous"].as_array().expect("ambiguous").is_empty());
}

#[test]
fn a_row_that_could_be_two_projects_is_listed_not_merged() {
    // May: two numbered projects with the same name and investor (P003 and P005). June:
    // one row of that name and investor without a number — it could be either.
    let may = in_may(Form::valid())
        .set(3, "项目编号", s("P005"))
        .set(3, "项目名称", s("软件园"))
        .set(3, "投资方", s("丙科技（香港）有限公司"));
    let june = Form::valid().set(2, "项目编号", V::E);
    let ws = archive_of(&[("2025-05", may), ("2025-06", june)]);
    let doc = projects_json(ws.path(), "2025-06", &[]);
    let ambiguous = doc["ambiguous"].as_array().expect("ambiguous");
    assert_eq!(ambiguous.len(), 1, "{doc:#}");
    let a = &ambiguous[0];
    assert_eq!(a["reason"], "several_candidates", "{a:#}");
    assert_eq!(a["name"], "软件园");
    assert_eq!(a["code"], Value::Null);
    assert_eq!(a["file"]["file"], "巴南区-2025-06.xlsx");
    let mut candidates: Vec<&str> = a["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c.as_str().expect("id"))
        .collect();
    candidates.sort();
    assert_eq!(candidates, ["500113:#p003", "500113:#p005"]);

    // Not merged: P003 and P005 end in May, and the row without a number is a project
    // of its own, under the id the listing gives.
    let softs = &by_name(&doc)["软件园"];
    assert_eq!(softs.len(), 3, "{doc:#}");
    let last = |id: &str| {
        softs
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["last_reported"].as_str().expect("period").to_string())
    };
    assert_eq!(last("500113:#p003").as_deref(), Some("2025-05"));
    assert_eq!(last("500113:#p005").as_deref(), Some("2025-05"));
    let own = a["registered_as"].as_str().expect("id");
    assert_eq!(last(own).as_deref(), Some("2025-06"));
    let own = softs.iter().find(|p| p["id"] == own).expect("its own");
    assert_eq!(own["first_reported"], "2025-06");

    let text = ok(run(&["projects", "--period", "2025-06"], ws.path()));
    let listed = text
        .lines()
        .skip_while(|l| !l.starts_with("需经办人核对的行"))
        .collect::<Vec<_>>();
    assert_eq!(listed.len(), 3, "{text}");
    assert!(listed[1].contains("巴南区-2025-06.xlsx"), "{text}");
    assert!(listed[1].contains("「软件园」"), "{text}");
    assert!(listed[1].contains("500113:#p003、500113:#p005"), "{text}");
    // How to resolve it: the clerk links the row to the project it is.
    assert!(listed[2].contains("tongbao projects link"), "{text}");

    let link = run(
        &["projects", "link", "500113:#p003", own_id(&doc)],
        ws.path(),
    );
    assert_eq!(link.status.code(), Some(0), "{}", said(&link));
    let doc = projects_json(ws.path(), "2025-06", &[]);
    assert!(
        doc["ambiguous"].as_array().expect("ambiguous").is_empty(),
        "{doc:#}"
    );
    let softs = &by_name(&doc)["软件园"];
    assert_eq!(softs.len(), 2, "{doc:#}");
    let p003 = softs
        .iter()
        .find(|p| p["id"] == "500113:#p003")
        .expect("P003");
    assert_eq!(p003["first_reported"], "2025-05");
    assert_eq!(p003["last_reported"], "2025-06");
    assert_eq!(p003["current"], true);
}

/// The id the first row listed for the clerk was registered under.
fn own_id(doc: &Value) -> &str {
    doc["ambiguous"][0]["registered_as"]
        .as_str()
        .expect("registered_as")
}

/// Every project of the demo's archive recomputed from the stored rows with plain SQL:
/// the counted submissions' rows grouped by unit and stored identity, renames followed.
#[test]
fn the_demos_register_agrees_with_the_archive_read_directly() {
    let dir = crate::binary::demo_workspace();
    let ws = dir.path().join("d");
    let doc = projects_json(&ws, "2025-06", &[]);

    type Expected = (Vec<String>, BTreeMap<String, (String, i64)>, String);
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    let mut stmt = db
        .prepare(&counted_rows(
            "s.unit_code, p.identity, s.period, s.file_name, p.funds_ytd, p.name, p.investor, p.note",
        ))
        .expect("query");
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    let mut renames = Renames::default();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ),
                (
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ),
            ))
        })
        .expect("rows");
    for row in rows {
        let ((unit, identity, period, file, funds), (name, investor, note)) = row.expect("row");
        let id = renames.id(&unit, &identity, &name, &investor, note.as_deref());
        let e = expected.entry(id).or_default();
        e.0.push(period.clone());
        e.1.insert(period[..4].to_string(), (period.clone(), funds));
        e.2 = file;
    }
    let projects = doc["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), expected.len());
    assert!(doc["ambiguous"].as_array().expect("ambiguous").is_empty());
    let mut across_years = 0;
    for p in projects {
        let id = p["id"].as_str().expect("id");
        let (periods, years, file) = expected
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not an identity of the archive"));
        assert_eq!(p["first_reported"], periods[0].as_str(), "{id}");
        assert_eq!(
            p["last_reported"],
            periods[periods.len() - 1].as_str(),
            "{id}"
        );
        assert_eq!(p["last_file"]["file"], file.as_str(), "{id}");
        let cents: i64 = years.values().map(|(_, f)| f).sum();
        let got = p["funds_in_place"]
            .as_f64()
            .expect("funds stated in the demo");
        assert_eq!((got * 100.0).round() as i64, cents, "{id}");
        if years.len() > 1 {
            across_years += 1;
        }
    }
    assert!(
        across_years > 100,
        "the demo has carried-over projects: {across_years}"
    );

    // `projects show` of a project reported in all three months names each month's file.
    let (id, (periods, _, _)) = expected
        .iter()
        .find(|(_, (periods, _, _))| periods.len() == 3)
        .expect("a project in three returns");
    let shown = ok(run(&["projects", "show", id], &ws));
    for period in periods {
        assert!(
            shown
                .lines()
                .any(|l| l.starts_with(period.as_str()) && l.contains(".xlsx")),
            "{period}:\n{shown}"
        );
    }
}

/// Calendar months from `a` to `b` ("YYYY-MM" or "YYYY-MM-DD"), read from the text.
fn months_between(a: &str, b: &str) -> i64 {
    let n = |t: &str| {
        let y: i64 = t[..4].parse().expect("year");
        let m: i64 = t[5..7].parse().expect("month");
        y * 12 + m
    };
    n(b) - n(a)
}

/// The follow-up archive, month by month: P001 (started 2024-12-20) with its 本月到位资金,
/// and whether 新能源材料项目 (P004) and a project terminated in May (P005) are in the
/// ledger.
const FOLLOW_UP_MONTHS: [(&str, &str, f64, bool, bool); 4] = [
    ("2025-03", "2025年3月", 1000.0, true, true),
    ("2025-04", "2025年4月", 0.0, true, true),
    ("2025-05", "2025年5月", 0.0, true, true),
    ("2025-06", "2025年6月", 0.0, false, false),
];

fn follow_up_form(period_text: &str, funds_month: f64, p004: bool, p005: bool) -> Form {
    let mut f = dated(period_text, (funds_month, 3000.0));
    if p005 {
        let mut row = f.rows[3].clone();
        row[col("项目编号")] = s("P005");
        row[col("项目名称")] = s("旧厂改造项目");
        row[col("备注")] = s(if period_text == "2025年5月" {
            "项目已终止"
        } else {
            "正在洽谈"
        });
        f.rows.push(row);
    }
    if !p004 {
        f.rows.remove(3);
    }
    f
}

/// The follow-up list recomputed from [`FOLLOW_UP_MONTHS`] and the forms' dates: name →
/// (reason, months, months overdue).
fn expected_follow_up(
    months: &[(&str, &str, f64, bool, bool)],
    stalled_months: i64,
    no_funds_months: i64,
) -> BTreeMap<String, (String, Option<i64>, Option<i64>)> {
    let mut out = BTreeMap::new();
    let last = months.last().expect("a month");
    // Stalled: 亿元以上, signed and not started (智能装备基地 20000, 软件园 15000).
    for (name, signed) in [("智能装备基地", "2024-11-05"), ("软件园", "2024-12-01")] {
        let m = months_between(signed, last.0);
        if m >= stalled_months {
            out.insert(
                name.to_string(),
                ("stalled".to_string(), Some(m), Some(m - stalled_months)),
            );
        }
    }
    // No funds: trailing months in a row, each reported, with 本月到位资金 0.
    let mut zeros = 0;
    let mut expected_period = last.0.to_string();
    for (period, _, funds, _, _) in months.iter().rev() {
        if *period != expected_period || *funds != 0.0 {
            break;
        }
        zeros += 1;
        let (y, m): (i32, u32) = (
            period[..4].parse().expect("year"),
            period[5..].parse().expect("month"),
        );
        expected_period = if m == 1 {
            format!("{}-12", y - 1)
        } else {
            format!("{y}-{:02}", m - 1)
        };
    }
    if zeros >= no_funds_months && zeros > 0 {
        out.insert(
            "新材料产业园".to_string(),
            (
                "no_funds".to_string(),
                Some(zeros),
                Some(zeros - no_funds_months),
            ),
        );
    }
    // Vanished: in an earlier month, not in the last; P005's 备注 said 终止.
    if months.iter().any(|m| m.3) && !last.3 {
        out.insert(
            "新能源材料项目".to_string(),
            ("vanished".to_string(), None, None),
        );
    }
    out
}

fn follow_up_of(doc: &Value) -> BTreeMap<String, (String, Option<i64>, Option<i64>)> {
    doc["follow_up"]
        .as_array()
        .expect("follow_up")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().expect("name").to_string(),
                (
                    f["reason"].as_str().expect("reason").to_string(),
                    f["months"].as_i64(),
                    f["months_overdue"].as_i64(),
                ),
            )
        })
        .collect()
}

#[test]
fn the_follow_up_list_has_stalled_unfunded_and_vanished_projects() {
    let forms: Vec<(&str, Form)> = FOLLOW_UP_MONTHS
        .iter()
        .map(|(p, text, funds, p004, p005)| (*p, follow_up_form(text, *funds, *p004, *p005)))
        .collect();
    let ws = archive_of(&forms);
    for upto in 1..=FOLLOW_UP_MONTHS.len() {
        let months = &FOLLOW_UP_MONTHS[..upto];
        let period = months[upto - 1].0;
        let doc = projects_json(ws.path(), period, &["--follow-up"]);
        assert_eq!(
            follow_up_of(&doc),
            expected_follow_up(months, 6, 3),
            "{period}: {doc:#}"
        );
        assert_eq!(doc["no_funds_months"], 3);
    }
    // June, in full: each entry with its unit, contract amount and last file.
    let doc = projects_json(ws.path(), "2025-06", &["--follow-up"]);
    let entries = doc["follow_up"].as_array().expect("follow_up");
    assert_eq!(entries.len(), 4, "{doc:#}");
    for e in entries {
        assert_eq!(e["unit"]["name"], "巴南区");
    }
    let entry = |name: &str| {
        entries
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {doc:#}"))
    };
    assert_eq!(
        entry("新能源材料项目")["last_file"]["file"],
        "巴南区-2025-05.xlsx"
    );
    assert_eq!(entry("新能源材料项目")["contract_amount"], 30000.0);
    assert_eq!(entry("智能装备基地")["contract_amount"], 20000.0);
    assert_eq!(
        entry("新材料产业园")["last_file"]["file"],
        "巴南区-2025-06.xlsx"
    );

    // For people: a heading, the reason in words, — where months do not apply.
    let text = ok(run(
        &["projects", "--period", "2025-06", "--follow-up"],
        ws.path(),
    ));
    assert!(
        text.starts_with("截至2025年6月的督办清单：4 个项目"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("新能源材料项目"))
        .expect("vanished line");
    assert!(line.contains("项目消失"), "{line}");
    assert!(line.contains("巴南区-2025-05.xlsx"), "{line}");
    let english = ok(run(
        &[
            "projects",
            "--period",
            "2025-06",
            "--follow-up",
            "--lang",
            "en",
        ],
        ws.path(),
    ));
    assert!(english.contains("started, no funds in place"), "{english}");
    // --stalled is as it was.
    let stalled = projects_json(ws.path(), "2025-06", &["--stalled"]);
    assert_eq!(stalled["projects"].as_array().expect("projects").len(), 2);
    // The months are the config's.
    let config = format!("{CONFIG}\n[projects]\nstalled_months = 7\nno_funds_months = 2\n");
    std::fs::write(ws.path().join("tongbao.toml"), config).expect("config");
    for period in ["2025-05", "2025-06"] {
        let months: Vec<_> = FOLLOW_UP_MONTHS
            .iter()
            .filter(|m| m.0 <= period)
            .copied()
            .collect();
        let doc = projects_json(ws.path(), period, &["--follow-up"]);
        assert_eq!(
            follow_up_of(&doc),
            expected_follow_up(&months, 7, 2),
            "{period}"
        );
    }
}

/// The register's entry of `name` in `doc`.
fn entry_named<'d>(doc: &'d Value, name: &str) -> &'d Value {
    doc["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name}: {doc:#}"))
}

#[test]
fn a_gap_in_the_archive_accuses_no_project_of_vanishing() {
    // November 2024 lists 新能源材料项目 (P004); June 2025 does not. The months between
    // are not archived: it may have gone into production or ended in one of them, and a
    // ledger of 2025 need not list a project of 2024 that did. Not known: not accused.
    let november = follow_up_form("2024年11月", 0.0, true, false)
        .set(0, "签约日期", V::D(2024, 11, 10))
        .set(0, "开工日期", V::D(2024, 11, 20))
        .set(2, "签约日期", V::D(2024, 11, 1));
    let june = follow_up_form("2025年6月", 500.0, false, false);
    let ws = archive_of(&[("2024-11", november), ("2025-06", june)]);
    let vanished = |doc: &Value| -> Vec<String> {
        doc["follow_up"]
            .as_array()
            .expect("follow_up")
            .iter()
            .filter(|f| f["reason"] == "vanished")
            .map(|f| f["name"].as_str().expect("name").to_string())
            .collect()
    };
    let doc = projects_json(ws.path(), "2025-06", &["--follow-up"]);
    assert_eq!(vanished(&doc), Vec::<String>::new(), "{doc:#}");
    let register = projects_json(ws.path(), "2025-06", &[]);
    let p004 = entry_named(&register, "新能源材料项目");
    assert_eq!(p004["current"], false, "{p004:#}");
    assert_eq!(p004["missing_from"], Value::Null, "{p004:#}");
    assert_eq!(p004["last_reported"], "2024-11");

    // December 2024 arrives without it: a later return of its own year had to list it
    // (a ledger lists every project active in its year). Now it vanished, from December.
    let ws2 = ws.path();
    let december = follow_up_form("2024年12月", 0.0, false, false);
    let path = ws2.join("巴南区-2024-12.xlsx");
    std::fs::write(&path, december.xlsx()).expect("return");
    let out = run(
        &[
            "ingest",
            "--no-receipts",
            "--period",
            "2024-12",
            path.to_str().expect("UTF-8 path"),
        ],
        ws2,
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let doc = projects_json(ws2, "2025-06", &["--follow-up"]);
    assert_eq!(
        vanished(&doc),
        vec!["新能源材料项目".to_string()],
        "{doc:#}"
    );
    let register = projects_json(ws2, "2025-06", &[]);
    assert_eq!(
        entry_named(&register, "新能源材料项目")["missing_from"],
        "2024-12"
    );
    // A project last reported in December is carried into the next year: June 2025
    // had to list 智能装备基地 and does (current); P004 as of December itself is current.
    assert_eq!(entry_named(&register, "智能装备基地")["current"], true);
    let december_register = projects_json(ws2, "2024-12", &[]);
    assert_eq!(
        entry_named(&december_register, "新能源材料项目")["missing_from"],
        "2024-12"
    );
}

#[test]
fn a_project_last_reported_in_december_must_be_carried_into_the_next_year() {
    // December 2024 lists 新能源材料项目 signed that month, not in production nor
    // terminated: every 2025 ledger must carry it, so June 2025 without it is evidence,
    // however long the gap. Left 在谈 in December, it need not be carried: not accused.
    let signed = follow_up_form("2024年12月", 0.0, true, false)
        .set(3, "项目进展", s("已签约"))
        .set(3, "签约日期", V::D(2024, 12, 15))
        .set(3, "备注", V::E);
    let june = || follow_up_form("2025年6月", 500.0, false, false);
    for (december, expected) in [
        (signed, Some(("vanished".to_string(), None, None))),
        (follow_up_form("2024年12月", 0.0, true, false), None),
    ] {
        let ws = archive_of(&[("2024-12", december), ("2025-06", june())]);
        let register = projects_json(ws.path(), "2025-06", &[]);
        let p004 = entry_named(&register, "新能源材料项目");
        assert_eq!(p004["current"], false, "{p004:#}");
        let missing_from = if expected.is_some() {
            Value::from("2025-06")
        } else {
            Value::Null
        };
        assert_eq!(p004["missing_from"], missing_from, "{p004:#}");
        let doc = projects_json(ws.path(), "2025-06", &["--follow-up"]);
        assert_eq!(
            follow_up_of(&doc).get("新能源材料项目"),
            expected.as_ref(),
            "{doc:#}"
        );
    }
}

#[test]
fn a_month_not_reported_is_not_a_month_without_funds() {
    // P001 reports 0 in March, May and June, but April is missing: two months in a row.
    let ws = archive_of(&[
        ("2025-03", dated("2025年3月", (0.0, 3000.0))),
        ("2025-05", dated("2025年5月", (0.0, 3000.0))),
        ("2025-06", dated("2025年6月", (0.0, 3000.0))),
    ]);
    let doc = projects_json(ws.path(), "2025-06", &["--follow-up"]);
    let listed = follow_up_of(&doc);
    assert!(!listed.contains_key("新材料产业园"), "{doc:#}");
    let config = format!("{CONFIG}\n[projects]\nno_funds_months = 2\n");
    std::fs::write(ws.path().join("tongbao.toml"), config).expect("config");
    let doc = projects_json(ws.path(), "2025-06", &["--follow-up"]);
    assert_eq!(
        follow_up_of(&doc).get("新材料产业园"),
        Some(&("no_funds".to_string(), Some(2), Some(0))),
        "{doc:#}"
    );
}

/// A demo project as the archive's rows give it, oldest first: its unit, the latest
/// stated 签约日期 and 开工日期, whether any row says started or in production.
#[derive(Default)]
struct Recomputed {
    unit: String,
    signed_on: Option<String>,
    started_on: Option<String>,
    started: bool,
    in_production: bool,
}

/// (signed, started, in production, median months to start) of some projects.
fn figures_of(projects: &[&Recomputed]) -> (i64, i64, i64, Option<f64>) {
    let months = projects
        .iter()
        .filter_map(|p| {
            Some(months_between(
                p.signed_on.as_deref()?,
                p.started_on.as_deref()?,
            ))
        })
        .collect();
    (
        projects.len() as i64,
        projects.iter().filter(|p| p.started).count() as i64,
        projects.iter().filter(|p| p.in_production).count() as i64,
        median(months),
    )
}

fn figures_in(json: &Value) -> (i64, i64, i64, Option<f64>) {
    assert_eq!(json["started"]["of"], json["in_production"]["of"]);
    (
        json["started"]["of"].as_i64().expect("of"),
        json["started"]["count"].as_i64().expect("count"),
        json["in_production"]["count"].as_i64().expect("count"),
        json["median_months_to_start"].as_f64(),
    )
}

/// The demo's projects as the archive's counted rows up to `upto` give them, by
/// `unit:identity`.
fn recomputed_upto(db: &rusqlite::Connection, upto: &str) -> BTreeMap<String, Recomputed> {
    let mut stmt = db
        .prepare(&counted_rows_upto(
            "s.unit_code, p.identity, p.signed_on, p.started_on, p.stage, p.note, p.name, p.investor",
            upto,
        ))
        .expect("query");
    let mut projects: BTreeMap<String, Recomputed> = BTreeMap::new();
    let mut renames = Renames::default();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ),
                (r.get::<_, String>(6)?, r.get::<_, String>(7)?),
            ))
        })
        .expect("rows");
    for row in rows {
        let ((unit, identity, signed, started, stage, note), (name, investor)) = row.expect("row");
        let id = renames.id(&unit, &identity, &name, &investor, note.as_deref());
        let p = projects.entry(id).or_default();
        p.unit = unit;
        p.signed_on = signed.or(p.signed_on.take());
        p.started_on = started.or(p.started_on.take());
        let produced = stage == "已投产" || note.as_deref().is_some_and(|n| n.contains("已投产"));
        p.in_production |= produced;
        p.started |= produced || stage == "已开工" || p.started_on.is_some();
    }
    projects
}

/// The change of a rate in percentage points as the JSON gives it, checked against the
/// counts: the difference of the two shares, within the rounding of each to 0.1.
fn assert_change(json: &Value, now: (i64, i64), before: (i64, i64), what: &str) {
    if now.1 == 0 || before.1 == 0 {
        assert_eq!(*json, Value::Null, "{what}: no rate, no change");
        return;
    }
    let exact = 100.0 * now.0 as f64 / now.1 as f64 - 100.0 * before.0 as f64 / before.1 as f64;
    let got = json.as_f64().unwrap_or_else(|| panic!("{what}: {json}"));
    assert!(
        (got - exact).abs() <= 0.1 + 1e-9,
        "{what}: {got} vs {exact}"
    );
    assert!(
        ((got * 10.0).round() - got * 10.0).abs() < 1e-6,
        "{what}: {got}"
    );
}

#[test]
fn conversion_figures_of_the_demo_agree_with_the_archive_read_directly() {
    let dir = crate::binary::demo_workspace();
    let ws = dir.path().join("d");
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    let projects = recomputed_upto(&db, "2025-06");
    // Last month: the register built to May from the same archive.
    let before = recomputed_upto(&db, "2025-05");
    let in_months = |p: &Recomputed, from: &str, to: &str| {
        p.signed_on
            .as_deref()
            .is_some_and(|d| &d[..7] >= from && &d[..7] <= to)
    };
    for (cohort, (from, to), (from_before, to_before)) in [
        (None, ("2024-07", "2025-06"), ("2024-06", "2025-05")),
        (Some("2025"), ("2025-01", "2025-06"), ("2025-01", "2025-05")),
        (Some("2024"), ("2024-01", "2024-12"), ("2024-01", "2024-12")),
    ] {
        let mut args = vec!["--conversion"];
        if let Some(year) = cohort {
            args.extend(["--cohort", year]);
        }
        let doc = projects_json(&ws, "2025-06", &args);
        assert_eq!(doc["cohort"]["from"], from, "{doc:#}");
        assert_eq!(doc["cohort"]["to"], to, "{doc:#}");
        assert_eq!(doc["last_month"]["period"], "2025-05");
        assert_eq!(doc["last_month"]["cohort"]["from"], from_before);
        assert_eq!(doc["last_month"]["cohort"]["to"], to_before);
        let members: Vec<&Recomputed> = projects
            .values()
            .filter(|p| in_months(p, from, to))
            .collect();
        let members_before: Vec<&Recomputed> = before
            .values()
            .filter(|p| in_months(p, from_before, to_before))
            .collect();
        let check = |json: &Value, now: &[&Recomputed], then: &[&Recomputed], what: &str| {
            assert_eq!(figures_in(json), figures_of(now), "{what}");
            assert_eq!(
                figures_in(&json["last_month"]),
                figures_of(then),
                "{what} last month"
            );
            let (n, started, produced, _) = figures_of(now);
            let (m, started_then, produced_then, _) = figures_of(then);
            assert_change(
                &json["change_pp"]["started"],
                (started, n),
                (started_then, m),
                what,
            );
            assert_change(
                &json["change_pp"]["in_production"],
                (produced, n),
                (produced_then, m),
                what,
            );
        };
        let mut area = doc["area"].clone();
        area["last_month"] = doc["area_last_month"].clone();
        area["change_pp"] = doc["area_change_pp"].clone();
        check(
            &area,
            &members,
            &members_before,
            &format!("{cohort:?} area"),
        );
        let units = doc["units"].as_array().expect("units");
        let mut seen = 0;
        for u in units {
            let code = u["unit"]["code"].as_str().expect("code");
            let mine: Vec<&Recomputed> =
                members.iter().copied().filter(|p| p.unit == code).collect();
            let mine_before: Vec<&Recomputed> = members_before
                .iter()
                .copied()
                .filter(|p| p.unit == code)
                .collect();
            check(u, &mine, &mine_before, &format!("{cohort:?} {code}"));
            if mine.is_empty() {
                // No project in the cohort: no rate, never 0 %.
                assert_eq!(u["started"]["rate"], Value::Null, "{code}");
                assert_eq!(u["in_production"]["rate"], Value::Null, "{code}");
            } else {
                seen += 1;
                let rate = u["started"]["rate"].as_f64().expect("rate");
                let (n, k, _, _) = figures_of(&mine);
                assert!((rate - k as f64 / n as f64).abs() < 1e-12, "{code}");
            }
        }
        assert!(seen > 0, "{cohort:?}: some unit has a cohort");
    }
}

/// A demo project's 资金到位率 and stage from the counted rows up to a period: each
/// year's last 本年累计到位资金 summed, over the latest stated 合同投资额 (cents).
#[derive(Default)]
struct FundsRecomputed {
    years: BTreeMap<String, i64>,
    contract: Option<i64>,
    stage: String,
}

impl FundsRecomputed {
    /// The rate in percent, unrounded; `None` without an amount (or with 0).
    fn rate(&self) -> Option<f64> {
        let contract = self.contract.filter(|c| *c != 0)?;
        Some(self.years.values().sum::<i64>() as f64 / contract as f64 * 100.0)
    }
}

fn funds_upto(db: &rusqlite::Connection, upto: &str) -> BTreeMap<String, FundsRecomputed> {
    let mut stmt = db
        .prepare(&counted_rows_upto(
            "s.unit_code, p.identity, s.period, p.funds_ytd, p.contract_amount, p.stage, \
             p.name, p.investor, p.note",
            upto,
        ))
        .expect("query");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, String>(5)?,
                ),
                (
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ),
            ))
        })
        .expect("rows");
    let mut out: BTreeMap<String, FundsRecomputed> = BTreeMap::new();
    let mut renames = Renames::default();
    for row in rows {
        let ((unit, identity, period, funds, contract, stage), (name, investor, note)) =
            row.expect("row");
        let id = renames.id(&unit, &identity, &name, &investor, note.as_deref());
        let p = out.entry(id).or_default();
        p.years.insert(period[..4].to_string(), funds);
        p.contract = contract.or(p.contract);
        p.stage = stage;
    }
    out
}

fn stage_key(label: &str) -> &'static str {
    match label {
        "在谈" => "negotiating",
        "已签约" => "signed",
        "已开工" => "started",
        "已投产" => "in_production",
        other => panic!("stage {other:?}"),
    }
}

/// A one-decimal rate of the JSON against the unrounded recomputation.
fn assert_rate(json: &Value, exact: Option<f64>, what: &str) {
    match exact {
        None => assert_eq!(*json, Value::Null, "{what}"),
        Some(x) => {
            let got = json.as_f64().unwrap_or_else(|| panic!("{what}: {json}"));
            assert!((got - x).abs() <= 0.05 + 1e-9, "{what}: {got} vs {x}");
        }
    }
}

#[test]
fn funds_rates_and_their_movement_in_the_demo_agree_with_the_archive_read_directly() {
    let dir = crate::binary::demo_workspace();
    let ws = dir.path().join("d");
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    let now = funds_upto(&db, "2025-06");
    let before = funds_upto(&db, "2025-05");
    let doc = projects_json(&ws, "2025-06", &[]);
    let projects = doc["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), now.len());
    let (mut moved, mut new, mut changed, mut rated) = (0, 0, 0, 0);
    for p in projects {
        let id = p["id"].as_str().expect("id");
        let this = &now[id];
        assert_rate(&p["funds_rate_pct"], this.rate(), id);
        rated += usize::from(this.rate().is_some());
        let Some(then) = before.get(id) else {
            // Not reported by May: nothing to compare with, never 0.
            assert_eq!(p["last_month"], Value::Null, "{id}");
            assert_eq!(p["funds_rate_change_pp"], Value::Null, "{id}");
            assert_eq!(p["stage_change"], Value::Null, "{id}");
            new += 1;
            continue;
        };
        assert_eq!(p["last_month"]["period"], "2025-05", "{id}");
        assert_eq!(p["last_month"]["stage"], stage_key(&then.stage), "{id}");
        assert_rate(&p["last_month"]["funds_rate_pct"], then.rate(), id);
        match (this.rate(), then.rate()) {
            (Some(a), Some(b)) => {
                let got = p["funds_rate_change_pp"].as_f64().expect("change");
                assert!((got - (a - b)).abs() <= 0.1 + 1e-9, "{id}: {got}");
                // The change is the difference of the figures printed.
                let printed = p["funds_rate_pct"].as_f64().expect("rate")
                    - p["last_month"]["funds_rate_pct"].as_f64().expect("rate");
                assert!((got - printed).abs() < 1e-6, "{id}: {got} vs {printed}");
                changed += usize::from(got != 0.0);
            }
            _ => assert_eq!(p["funds_rate_change_pp"], Value::Null, "{id}"),
        }
        if this.stage == then.stage {
            assert_eq!(p["stage_change"], Value::Null, "{id}");
        } else {
            assert_eq!(p["stage_change"]["from"], stage_key(&then.stage), "{id}");
            assert_eq!(p["stage_change"]["to"], stage_key(&this.stage), "{id}");
            moved += 1;
        }
    }
    assert!(
        moved > 10 && new > 10 && changed > 10 && rated > 100,
        "the demo has movement: {moved} moved, {new} new, {changed} changed, {rated} rated"
    );
}

#[test]
fn a_unit_without_a_project_in_the_cohort_shows_a_dash_not_zero() {
    let ws = across_a_year();
    // The cohort of 2023: nobody signed then.
    let doc = projects_json(ws.path(), "2025-06", &["--conversion", "--cohort", "2023"]);
    assert_eq!(doc["area"]["started"]["of"], 0);
    assert_eq!(doc["area"]["started"]["rate"], Value::Null);
    assert_eq!(doc["area"]["median_months_to_start"], Value::Null);
    let text = ok(run(
        &[
            "projects",
            "--period",
            "2025-06",
            "--conversion",
            "--cohort",
            "2023",
        ],
        ws.path(),
    ));
    assert!(!text.contains('%'), "{text}");
    // 2024: 新材料产业园 (started 2024-12-20, 0 months), 智能装备基地 and 软件园, not
    // started: 1 of 3 started.
    let doc = projects_json(ws.path(), "2025-06", &["--conversion", "--cohort", "2024"]);
    let banan = doc["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["name"] == "巴南区")
        .expect("巴南区");
    assert_eq!(banan["started"]["count"], 1, "{doc:#}");
    assert_eq!(banan["started"]["of"], 3, "{doc:#}");
    assert_eq!(banan["in_production"]["count"], 0);
    assert_eq!(banan["median_months_to_start"], 0.0);
    let text = ok(run(
        &[
            "projects",
            "--period",
            "2025-06",
            "--conversion",
            "--cohort",
            "2024",
        ],
        ws.path(),
    ));
    let line = text
        .lines()
        .find(|l| l.starts_with("巴南区"))
        .expect("巴南区");
    assert!(line.contains("33.3%（1/3）"), "{line}");
    assert!(line.contains("0.0%（0/3）"), "{line}");
}

/// 资金到位率 as domain.md defines it, computed here in floating point: funds in place
/// across years ÷ 合同投资额 × 100, to one decimal.
fn funds_rate(funds: f64, contract: f64) -> f64 {
    (funds / contract * 1000.0).round() / 10.0
}

#[test]
fn funds_rate_is_funds_across_years_over_the_contract_amount() {
    let ws = across_a_year();
    // From the forms: P001 (52000 万元) has 3000 at December 2024, then 4000 and 5000
    // year to date in 2025; P002 (20000 万元) 2500 each year.
    for (period, p001_funds, years) in [
        ("2024-12", 3000.0, 1.0),
        ("2025-05", 3000.0 + 4000.0, 2.0),
        ("2025-06", 3000.0 + 5000.0, 2.0),
    ] {
        let doc = projects_json(ws.path(), period, &[]);
        let names = by_name(&doc);
        let p001 = &names["新材料产业园"][0];
        assert_eq!(
            p001["funds_rate_pct"],
            funds_rate(p001_funds, 52000.0),
            "{period}"
        );
        assert_eq!(
            names["智能装备基地"][0]["funds_rate_pct"],
            funds_rate(2500.0 * years, 20000.0),
            "{period}"
        );
    }
    let june = funds_rate(8000.0, 52000.0);
    let text = ok(run(&["projects", "--period", "2025-06"], ws.path()));
    let line = text
        .lines()
        .find(|l| l.contains("新材料产业园"))
        .expect("P001");
    assert!(line.contains(&format!("{june:.1}%")), "{line}");
    // `projects show`: each month's rate over the reports up to it.
    let shown = ok(run(&["projects", "show", "P001"], ws.path()));
    for (period, funds) in [
        ("2024-12", 3000.0),
        ("2025-05", 7000.0),
        ("2025-06", 8000.0),
    ] {
        let line = shown
            .lines()
            .find(|l| l.starts_with(period))
            .unwrap_or_else(|| panic!("{period}: {shown}"));
        let rate = funds_rate(funds, 52000.0);
        assert!(line.contains(&format!("{rate:.1}%")), "{line}");
    }
    assert!(shown.contains(&format!("资金到位率 {june:.1}%")), "{shown}");
}

#[test]
fn funds_rate_is_not_computed_without_an_amount_or_funds_never_zero() {
    // P004 states no 合同投资额; the return states no 本年累计到位资金 at all.
    let mut form = Form::valid().set(3, "合同投资额", V::E);
    let ytd = col("本年累计到位资金");
    form.header.remove(ytd);
    for row in &mut form.rows {
        row.remove(ytd);
    }
    let ws = archive_of(&[("2025-06", form)]);
    let doc = projects_json(ws.path(), "2025-06", &[]);
    for p in doc["projects"].as_array().expect("projects") {
        assert_eq!(p["funds_in_place"], Value::Null, "{p:#}");
        assert_eq!(p["funds_rate_pct"], Value::Null, "{p:#}");
    }
    let p004 = &by_name(&doc)["新能源材料项目"][0];
    assert_eq!(p004["contract_amount"], Value::Null);
    let text = ok(run(&["projects", "--period", "2025-06"], ws.path()));
    assert!(!text.contains('%'), "{text}");
    // With the funds stated, the project without an amount still has no rate.
    let ws = archive_of(&[("2025-06", Form::valid().set(3, "合同投资额", V::E))]);
    let doc = projects_json(ws.path(), "2025-06", &[]);
    let names = by_name(&doc);
    assert_eq!(names["新能源材料项目"][0]["funds_rate_pct"], Value::Null);
    assert_eq!(
        names["新材料产业园"][0]["funds_rate_pct"],
        funds_rate(3000.0, 52000.0)
    );
}

#[test]
fn the_listing_says_how_each_project_moved_since_last_month() {
    // May: P001 with 1799.5 万元 year to date, P004 not yet reported. June: P001 at 3000,
    // P003 started, P004 new.
    let mut may = in_may(Form::valid())
        .set(0, "本月到位资金", V::N(600.0))
        .set(0, "本年累计到位资金", V::N(1799.5));
    may.rows.remove(3);
    let june = Form::valid()
        .set(2, "项目进展", s("已开工"))
        .set(2, "开工日期", V::D(2025, 6, 15));
    let ws = archive_of(&[("2025-05", may), ("2025-06", june)]);
    let doc = projects_json(ws.path(), "2025-06", &[]);
    let names = by_name(&doc);
    let p001 = &names["新材料产业园"][0];
    let (now, then) = (funds_rate(3000.0, 52000.0), funds_rate(1799.5, 52000.0));
    assert_eq!(p001["funds_rate_pct"], now);
    assert_eq!(p001["last_month"]["funds_rate_pct"], then);
    assert_eq!(p001["last_month"]["period"], "2025-05");
    let change = p001["funds_rate_change_pp"].as_f64().expect("change");
    assert!((change - (now - then)).abs() < 1e-9, "{change}");
    assert_eq!(p001["stage_change"], Value::Null);
    let p003 = &names["软件园"][0];
    assert_eq!(p003["stage_change"]["from"], "signed");
    assert_eq!(p003["stage_change"]["to"], "started");
    let p004 = &names["新能源材料项目"][0];
    assert_eq!(p004["last_month"], Value::Null);
    assert_eq!(p004["funds_rate_change_pp"], Value::Null);

    let text = ok(run(&["projects", "--period", "2025-06"], ws.path()));
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}: {text}"))
            .to_string()
    };
    assert!(line("软件园").contains("已签约→已开工"), "{text}");
    assert!(line("新能源材料项目").contains("本月新报送"), "{text}");
    assert!(
        line("新材料产业园").contains(&format!("+{:.1}", now - then)),
        "{text}"
    );
    let english = ok(run(
        &["projects", "--period", "2025-06", "--lang", "en"],
        ws.path(),
    ));
    assert!(english.contains("signed→started"), "{english}");
    assert!(english.contains("new this month"), "{english}");
    // As of May, last month (April) had no return: nothing moved, nothing is 0.
    let doc = projects_json(ws.path(), "2025-05", &[]);
    for p in doc["projects"].as_array().expect("projects") {
        assert_eq!(p["last_month"], Value::Null, "{p:#}");
        assert_eq!(p["funds_rate_change_pp"], Value::Null, "{p:#}");
    }
}

/// The clerk's links as the archive stores them: (earlier, later, linked_at, linked_by,
/// note, unlinked_at), oldest first.
type LinkRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn links_in(ws: &Path) -> Vec<LinkRow> {
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    let mut stmt = db
        .prepare(
            "SELECT earlier, later, linked_at, linked_by, note, unlinked_at
             FROM project_link ORDER BY id",
        )
        .expect("query");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("rows");
    rows.map(|r| r.expect("row")).collect()
}

/// The time `run_reproducibly` pins, as the archive stores times.
fn pinned_now() -> String {
    chrono::DateTime::from_timestamp(1_751_533_200, 0)
        .expect("time")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The periods of a project's reports as `projects show` prints them.
fn shown_periods(shown: &str) -> Vec<&str> {
    shown
        .lines()
        .filter(|l| l.len() > 7 && l.as_bytes()[4] == b'-' && l[..4].parse::<u32>().is_ok())
        .map(|l| &l[..7])
        .collect()
}

#[test]
fn a_renamed_project_without_its_former_name_is_joined_by_the_clerks_link() {
    // June renames 软件园 without a 「原名」 note: two entries, the old one vanished.
    let may = in_may(unnumbered("2025年5月"));
    let june = unnumbered("2025年6月").set(2, "项目名称", s("软件信息产业园"));
    let ws = archive_of(&[("2025-05", may), ("2025-06", june)]);
    let before = projects_json(ws.path(), "2025-06", &[]);
    let names = by_name(&before);
    let old = names["软件园"][0]["id"].as_str().expect("id").to_string();
    let new = names["软件信息产业园"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let vanished = follow_up_of(&projects_json(ws.path(), "2025-06", &["--follow-up"]));
    assert_eq!(vanished["软件园"].0, "vanished");

    // Named in either order, the later entry joins the earlier one.
    let out = run(
        &[
            "projects",
            "link",
            &new,
            &old,
            "--note",
            "县里确认已更名",
            "--by",
            "李四",
        ],
        ws.path(),
    );
    let said_out = ok(out);
    assert!(said_out.contains("已关联"), "{said_out}");
    assert_eq!(
        links_in(ws.path()),
        vec![(
            old.clone(),
            new.clone(),
            pinned_now(),
            Some("李四".to_string()),
            Some("县里确认已更名".to_string()),
            None
        )]
    );
    let doc = projects_json(ws.path(), "2025-06", &[]);
    assert_eq!(
        doc["projects"].as_array().expect("projects").len(),
        before["projects"].as_array().expect("projects").len() - 1
    );
    let names = by_name(&doc);
    assert!(!names.contains_key("软件园"), "{doc:#}");
    let joined = &names["软件信息产业园"][0];
    assert_eq!(joined["id"], old.as_str());
    assert_eq!(joined["former_names"], serde_json::json!(["软件园"]));
    assert_eq!(joined["first_reported"], "2025-05");
    assert_eq!(joined["last_reported"], "2025-06");
    assert_eq!(joined["current"], true);
    assert_eq!(joined["joined"][0]["later"], new.as_str());
    assert_eq!(joined["joined"][0]["linked_by"], "李四");
    // Its history: May's report and June's, the months it was in.
    assert_eq!(joined["last_month"]["period"], "2025-05");
    assert_eq!(joined["last_month"]["stage"], "signed");
    // 本年累计到位资金 of both rows are 0 in the standard form; the amount is 15000.
    assert_eq!(joined["funds_rate_pct"], funds_rate(0.0, 15000.0));
    let shown = ok(run(&["projects", "show", &new], ws.path()));
    assert_eq!(shown_periods(&shown), ["2025-05", "2025-06"], "{shown}");
    assert!(shown.contains("经办人关联"), "{shown}");
    assert!(shown.contains("县里确认已更名"), "{shown}");
    // When, in the bureau's time zone (Beijing time: UTC+8).
    let beijing = chrono::DateTime::from_timestamp(1_751_533_200 + 8 * 3600, 0)
        .expect("time")
        .format("%Y-%m-%d %H:%M:%S 北京时间")
        .to_string();
    assert!(shown.contains(&beijing), "{shown}");
    // No longer vanished.
    let follow_up = follow_up_of(&projects_json(ws.path(), "2025-06", &["--follow-up"]));
    assert!(!follow_up.contains_key("软件园"), "{follow_up:?}");
    assert!(!follow_up.contains_key("软件信息产业园"), "{follow_up:?}");

    // Undone: two entries again, the link kept on record.
    let out = ok(run(
        &["projects", "unlink", &old, &new, "--note", "弄错了"],
        ws.path(),
    ));
    assert!(out.contains("已撤销关联"), "{out}");
    let links = links_in(ws.path());
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].5.as_deref(), Some(pinned_now().as_str()));
    let again = projects_json(ws.path(), "2025-06", &[]);
    assert_eq!(again["projects"], before["projects"]);
    // Unlinking again finds nothing and changes nothing.
    let out = run(&["projects", "unlink", &old, &new], ws.path());
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert_eq!(links_in(ws.path()), links);
}

#[test]
fn a_link_that_cannot_hold_is_refused_and_the_archive_is_unchanged() {
    // May and June of 巴南区, June of 渝中区.
    let ws = archive_of(&[
        ("2025-05", in_may(Form::valid())),
        ("2025-06", Form::valid()),
    ]);
    let yuzhong = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"));
    let path = ws.path().join("渝中区-2025-06.xlsx");
    std::fs::write(&path, yuzhong.xlsx()).expect("return");
    let out = run(
        &[
            "ingest",
            "--no-receipts",
            "--period",
            "2025-06",
            path.to_str().expect("path"),
        ],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let db = ws.path().join("tongbao.db");
    let bytes = std::fs::read(&db).expect("archive");
    let backups = |ws: &Path| std::fs::read_dir(ws.join("backups")).map_or(0, |d| d.count());
    let backups_before = backups(ws.path());
    for (a, b, says) in [
        // Both report in May and June.
        ("500113:#p001", "500113:#p002", "都有报送"),
        // Two units' projects.
        ("500113:#p001", "500103:#p001", "不同单位"),
        // The same project twice, its id typed otherwise.
        ("500113:#p001", "500113:#P001", "同一个项目"),
        // A number two units' projects have.
        ("500113:#p002", "P001", "对应多个项目"),
        ("500113:#p001", "500113:#p999", "没有项目"),
    ] {
        let out = run(&["projects", "link", a, b], ws.path());
        assert_eq!(out.status.code(), Some(2), "{a} {b}: {}", said(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("未关联，档案库未作改动"), "{err}");
        assert!(err.contains(says), "{a} {b}: {err}");
        assert!(links_in(ws.path()).is_empty());
    }
    assert_eq!(std::fs::read(&db).expect("archive"), bytes);
    assert_eq!(backups(ws.path()), backups_before);
    let out = run(
        &[
            "projects",
            "link",
            "500113:#p001",
            "500113:#p002",
            "--lang",
            "en",
        ],
        ws.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("both report in 2025-05, 2025-06"), "{err}");
}

#[test]
fn an_archive_made_before_links_opens_and_gains_their_table() {
    let may = in_may(unnumbered("2025年5月"));
    let june = unnumbered("2025年6月").set(2, "项目名称", s("软件信息产业园"));
    let ws = archive_of(&[("2025-05", may), ("2025-06", june)]);
    let before = projects_json(ws.path(), "2025-06", &[]);
    {
        // As the previous version left it: schema version 5, no links table.
        let db = rusqlite::Connection::open(ws.path().join("tongbao.db")).expect("archive");
        db.execute_batch("DROP TABLE project_link; PRAGMA user_version = 5;")
            .expect("downgrade");
    }
    // Read as it is: the same register.
    assert_eq!(projects_json(ws.path(), "2025-06", &[]), before);
    let db = rusqlite::Connection::open(ws.path().join("tongbao.db")).expect("archive");
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    // Migrated to the latest schema (10: the register checkpoint), links table included.
    assert_eq!(version, 10);
    drop(db);
    assert!(links_in(ws.path()).is_empty());
    // And linked in.
    let names = by_name(&before);
    let old = names["软件园"][0]["id"].as_str().expect("id");
    let new = names["软件信息产业园"][0]["id"].as_str().expect("id");
    ok(run(&["projects", "link", old, new], ws.path()));
    assert_eq!(links_in(ws.path()).len(), 1);
}

/// `projects --conversion` without `--cohort` takes the cohort `[projects] cohort` chooses,
/// as the bulletin does: set to the year, it is `--cohort` of the period's year.
#[test]
fn conversion_without_cohort_follows_the_configured_cohort() {
    let dir = crate::binary::demo_workspace();
    let ws = dir.path().join("d");
    let own = tempfile::tempdir().expect("tempdir");
    let toml = std::fs::read_to_string(ws.join("tongbao.toml")).expect("config");
    assert!(
        toml.contains("# cohort = \"twelve_months\""),
        "the sample's setting moved"
    );
    let year = toml.replace("# cohort = \"twelve_months\"", "cohort = \"year\"");
    std::fs::write(own.path().join("tongbao.toml"), year).expect("write config");
    std::fs::copy(ws.join("tongbao.db"), own.path().join("tongbao.db")).expect("archive");

    let by_config = projects_json(own.path(), "2025-06", &["--conversion"]);
    let by_flag = projects_json(own.path(), "2025-06", &["--conversion", "--cohort", "2025"]);
    let default = projects_json(&ws, "2025-06", &["--conversion"]);
    assert_eq!(by_config["cohort"]["year"], 2025);
    assert_eq!(by_config, by_flag);
    // The default is the twelve months to the period: another cohort, other figures.
    assert_eq!(default["cohort"]["year"], Value::Null);
    assert_ne!(default["area"], by_config["area"]);
}

/// The bulletin's files of `period` built into `out` (inside `ws`), and which way `build`
/// came by the register of the earlier months (`checkpoint` or `returns`).
fn build_noting_register(ws: &Path, period: &str, out: &str) -> (Vec<Vec<u8>>, String) {
    let built = crate::binary::bin()
        .args(["build", "--period", period, "--out", out])
        .current_dir(ws)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1751533200")
        .env("TONGBAO_PHASE_TIMES", "1")
        .output()
        .expect("run tongbao");
    assert_eq!(built.status.code(), Some(0), "{}", said(&built));
    let err = String::from_utf8_lossy(&built.stderr);
    let from = err
        .lines()
        .find_map(|l| l.strip_prefix("register from "))
        .unwrap_or_else(|| panic!("no register line: {err}"))
        .to_string();
    let files = [
        format!("bulletin-{period}.json"),
        format!("通报-{period}.xlsx"),
        format!("通报-{period}.pdf"),
    ]
    .iter()
    .map(|f| std::fs::read(ws.join(out).join(f)).expect("output"))
    .collect();
    (files, from)
}

/// The archive's register checkpoint: (before_period, fingerprint, data_sha256, data).
type CheckpointRow = (String, String, String, Vec<u8>);

fn checkpoints(ws: &Path) -> Vec<CheckpointRow> {
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    let mut stmt = db
        .prepare("SELECT before_period, fingerprint, data_sha256, data FROM register_checkpoint")
        .expect("query");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    rows
}

fn set_checkpoints(ws: &Path, rows: &[CheckpointRow]) {
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    db.execute("DELETE FROM register_checkpoint", [])
        .expect("delete");
    for (before, fingerprint, sha, data) in rows {
        db.execute(
            "INSERT INTO register_checkpoint VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![before, fingerprint, sha, data],
        )
        .expect("insert");
    }
}

/// The demo's nine months (renames, a year boundary, projects settling): the register of
/// the months before June is kept by `ingest`, `build` starts from it, and the bulletin is
/// byte for byte the one built from the returns themselves. A checkpoint whose data no
/// longer give their checksum is passed over.
#[test]
fn a_bulletin_built_from_the_register_checkpoint_is_the_one_built_from_the_returns() {
    let dir = crate::binary::demo_workspace();
    let ws = dir.path().join("d");
    let kept = checkpoints(&ws);
    assert_eq!(kept.len(), 1, "one checkpoint");
    assert_eq!(kept[0].0, "2025-06", "of the months before the latest");
    assert!(kept[0].3.len() > 10_000, "it holds the earlier months");

    let (with, from) = build_noting_register(&ws, "2025-06", "with");
    assert_eq!(from, "checkpoint");
    set_checkpoints(&ws, &[]);
    let (without, from) = build_noting_register(&ws, "2025-06", "without");
    assert_eq!(from, "returns");
    for (a, b) in with.iter().zip(&without) {
        assert!(a == b, "the same bulletin either way");
    }

    // A byte of its data changed: the checksum no longer agrees, and it is not used.
    let mut damaged = kept[0].clone();
    let at = damaged.3.len() / 2;
    damaged.3[at] ^= 0x20;
    set_checkpoints(&ws, &[damaged]);
    let (again, from) = build_noting_register(&ws, "2025-06", "damaged");
    assert_eq!(from, "returns");
    assert!(again == with);

    // Its data stored as text (SQLite keeps any type in any column): passed over, not an
    // error.
    set_checkpoints(&ws, &kept);
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    db.execute(
        "UPDATE register_checkpoint SET data = CAST(data AS TEXT)",
        [],
    )
    .expect("update");
    drop(db);
    let (again, from) = build_noting_register(&ws, "2025-06", "as-text");
    assert_eq!(from, "returns");
    assert!(again == with);

    // Another month's bulletin is built from the returns (the checkpoint is June's).
    set_checkpoints(&ws, &kept);
    assert_eq!(build_noting_register(&ws, "2025-05", "may").1, "returns");
}

/// A link changes the register: `projects link` writes a new checkpoint, and the one from
/// before the link, put back, is passed over (its fingerprint is not the archive's).
#[test]
fn a_register_checkpoint_from_before_a_link_is_not_used_after_it() {
    let may = in_may(unnumbered("2025年5月"));
    let june = unnumbered("2025年6月").set(2, "项目名称", s("软件信息产业园"));
    let ws = archive_of(&[("2025-05", may), ("2025-06", june)]);
    let before_link = checkpoints(ws.path());
    assert_eq!(before_link.len(), 1);
    let (unlinked, from) = build_noting_register(ws.path(), "2025-06", "o1");
    assert_eq!(from, "checkpoint");

    let names = by_name(&projects_json(ws.path(), "2025-06", &[]));
    let old = names["软件园"][0]["id"].as_str().expect("id").to_string();
    let new = names["软件信息产业园"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    ok(run(&["projects", "link", &old, &new], ws.path()));
    let after_link = checkpoints(ws.path());
    assert_eq!(after_link.len(), 1);
    assert_ne!(after_link[0].1, before_link[0].1, "a new fingerprint");

    let (linked, from) = build_noting_register(ws.path(), "2025-06", "o2");
    assert_eq!(from, "checkpoint");
    assert!(linked != unlinked, "the link shows in the bulletin");
    set_checkpoints(ws.path(), &[]);
    let (from_returns, _) = build_noting_register(ws.path(), "2025-06", "o3");
    assert!(linked == from_returns);

    // The checkpoint from before the link, put back: not the archive's, not used.
    set_checkpoints(ws.path(), &before_link);
    let (stale, from) = build_noting_register(ws.path(), "2025-06", "o4");
    assert_eq!(from, "returns");
    assert!(stale == from_returns);
}
