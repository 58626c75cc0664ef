//! The project register (项目库, `tongbao projects`): every project followed across months
//! and years, checked against an independent recomputation — on the demo's archive (read
//! with plain SQL) and on hand-made archives ingested by the real binary.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::binary::run_reproducibly as run;
use crate::support::*;

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
    assert_eq!(listed.len(), 2, "{text}");
    assert!(listed[1].contains("巴南区-2025-06.xlsx"), "{text}");
    assert!(listed[1].contains("「软件园」"), "{text}");
    assert!(listed[1].contains("500113:#p003、500113:#p005"), "{text}");
}

/// Every project of the demo's archive recomputed from the stored rows with plain SQL:
/// the counted submissions' rows grouped by unit and stored identity.
#[test]
fn the_demos_register_agrees_with_the_archive_read_directly() {
    let dir = tempfile::tempdir().expect("temp dir");
    ok(run(&["demo", "--out", "d"], dir.path()));
    let ws = dir.path().join("d");
    let doc = projects_json(&ws, "2025-06", &[]);

    type Expected = (Vec<String>, BTreeMap<String, (String, i64)>, String);
    let db = rusqlite::Connection::open(ws.join("tongbao.db")).expect("archive");
    let mut stmt = db
        .prepare(
            "SELECT s.unit_code, p.identity, s.period, s.file_name, p.funds_ytd
             FROM project p JOIN submission s ON s.id = p.submission_id
             WHERE s.status = 'accepted' AND s.superseded_by IS NULL
               AND (s.hold IS NULL OR s.hold = 'confirmed') AND s.period <= '2025-06'
             ORDER BY s.period, s.unit_code, p.row",
        )
        .expect("query");
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })
        .expect("rows");
    for row in rows {
        let (unit, identity, period, file, funds) = row.expect("row");
        let e = expected.entry(format!("{unit}:{identity}")).or_default();
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
