//! 重点项目推进情况 in the bulletin's outputs: the conversion by group and area and the
//! follow-up list (督办清单) of bulletin JSON, recomputed from the archive with plain SQL;
//! the PDF's section and annex read back with pdftotext; the workbook's 项目推进, 督办清单
//! and 项目库 sheets read back with calamine and reconciled; a unit's briefing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
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

/// The demo's workspace, made once for the tests of this file.
fn demo() -> &'static Path {
    static DEMO: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DEMO.get_or_init(crate::binary::demo_workspace)
        .path()
        .join("d")
        .leak()
}

fn bulletin_json(ws: &Path) -> Value {
    let path = ws.join("out/2025-06/bulletin-2025-06.json");
    serde_json::from_slice(&std::fs::read(&path).expect("bulletin JSON")).expect("JSON")
}

fn pdf_text(pdf: &Path) -> String {
    pdf_text_as(pdf, "-layout")
}

/// The PDF's text in `mode`: `-layout` keeps a table's columns on their lines, `-raw`
/// keeps the content's order (a cell's wrapped lines one after the other).
fn pdf_text_as(pdf: &Path, mode: &str) -> String {
    let out = std::process::Command::new("pdftotext")
        .args([mode, "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "{}", said(&out));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// A sheet of the workbook as rows of cells.
fn sheet(xlsx: &Path, name: &str) -> Vec<Vec<Data>> {
    let bytes = std::fs::read(xlsx).expect("workbook");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("calamine reads");
    let range = book.worksheet_range(name).expect("the sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// A project as the archive's counted rows give it, oldest report first.
#[derive(Default, Debug)]
struct Recomputed {
    unit: String,
    periods: Vec<String>,
    signed_on: Option<String>,
    started_on: Option<String>,
    amount: Option<i64>,
    last_stage: String,
    started: bool,
    in_production: bool,
    terminated: bool,
    /// 本月到位资金 by period, in cents.
    funds_month: BTreeMap<String, i64>,
    /// The year's last 本年累计到位资金, in cents.
    funds_by_year: BTreeMap<String, i64>,
    last_file: String,
}

/// Every project of the counted returns up to `period`, keyed `unit:identity`, and each
/// unit's counted periods (oldest first): read from the archive with SQL, not the register.
fn recompute(
    db: &Path,
    period: &str,
) -> (BTreeMap<String, Recomputed>, BTreeMap<String, Vec<String>>) {
    let db = rusqlite::Connection::open(db).expect("archive");
    let counted = "s.status = 'accepted' AND s.superseded_by IS NULL \
                   AND (s.hold IS NULL OR s.hold = 'confirmed') AND s.period <= ?1";
    let mut stmt = db
        .prepare(&format!(
            "SELECT s.unit_code, p.identity, s.period, p.signed_on, p.started_on, \
             p.contract_amount, p.stage, p.note, p.funds_month, p.funds_ytd, s.file_name, \
             p.name, p.investor
             FROM project p JOIN submission s ON s.id = p.submission_id
             WHERE {counted} ORDER BY s.period, s.unit_code, p.row"
        ))
        .expect("query");
    let mut projects: BTreeMap<String, Recomputed> = BTreeMap::new();
    let rows = stmt
        .query_map([period], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, String>(10)?,
                (r.get::<_, String>(11)?, r.get::<_, String>(12)?),
            ))
        })
        .expect("rows");
    // Renamed projects (「原名：…」, no 项目编号 in the samples) keep their first id.
    let mut renames = Renames::default();
    for row in rows {
        let (unit, identity, at, signed, started, amount, stage, note, month, ytd, file, named) =
            row.expect("row");
        let id = renames.id(&unit, &identity, &named.0, &named.1, note.as_deref());
        let p = projects.entry(id).or_default();
        p.unit = unit;
        p.periods.push(at.clone());
        p.signed_on = signed.or(p.signed_on.take());
        p.started_on = started.or(p.started_on.take());
        p.amount = amount.or(p.amount);
        let note = note.unwrap_or_default();
        let produced = stage == "已投产" || note.contains("已投产");
        p.in_production |= produced;
        p.started |= produced || stage == "已开工" || p.started_on.is_some();
        p.terminated |= note.contains("终止") && !note.contains("未终止");
        p.last_stage = stage;
        p.funds_month.insert(at.clone(), month);
        p.funds_by_year.insert(at[..4].to_string(), ytd);
        p.last_file = file;
    }
    let mut periods: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut stmt = db
        .prepare(&format!(
            "SELECT DISTINCT s.unit_code, s.period FROM submission s WHERE {counted} \
             ORDER BY s.unit_code, s.period"
        ))
        .expect("query");
    for row in stmt
        .query_map([period], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .expect("rows")
    {
        let (unit, at) = row.expect("row");
        periods.entry(unit).or_default().push(at);
    }
    (projects, periods)
}

fn month_number(t: &str) -> i64 {
    let y: i64 = t[..4].parse().expect("year");
    let m: i64 = t[5..7].parse().expect("month");
    y * 12 + m
}

/// The follow-up rules of domain.md over the recomputed projects: id → (reason, months,
/// months overdue), with the defaults (6 and 3 months).
fn expected_follow_up(
    projects: &BTreeMap<String, Recomputed>,
    unit_periods: &BTreeMap<String, Vec<String>>,
    period: &str,
) -> BTreeMap<String, (String, Option<i64>, Option<i64>)> {
    let mut out = BTreeMap::new();
    for (id, p) in projects {
        let theirs = &unit_periods[&p.unit];
        let last = p.periods.last().expect("reported");
        let current = theirs.last() == Some(last);
        // A later return had to list it: one of the same year, or of the next year after
        // a December report of a signed project. Without one (an archive gap) nobody is
        // accused.
        let (year, month) = (&last[..4], &last[5..7]);
        let next_year = (year.parse::<i32>().expect("year") + 1).to_string();
        let had_to_list = theirs.iter().any(|q| {
            q.as_str() > last.as_str()
                && (&q[..4] == year
                    || (month == "12" && p.last_stage != "在谈" && q[..4] == next_year))
        });
        let settled = p.in_production || p.terminated;
        let months_signed = p
            .signed_on
            .as_deref()
            .map(|d| month_number(period) - month_number(d));
        let stalled = current
            && p.last_stage == "已签约"
            && p.started_on.is_none()
            && !settled
            && p.amount.is_some_and(|a| a >= 10_000 * 100)
            && months_signed.is_some_and(|m| m >= 6);
        if stalled {
            let m = months_signed.expect("signed");
            out.insert(id.clone(), ("stalled".into(), Some(m), Some(m - 6)));
            continue;
        }
        if !current {
            if !settled && had_to_list {
                out.insert(id.clone(), ("vanished".into(), None, None));
            }
            continue;
        }
        let Some(started) = p.started_on.as_deref() else {
            continue;
        };
        // Months of 0 funds, counting back from the period, while started.
        let mut run = 0;
        let mut m = month_number(period);
        while m >= month_number(started) {
            let key = format!("{:04}-{:02}", (m - 1) / 12, (m - 1) % 12 + 1);
            if p.funds_month.get(&key) != Some(&0) {
                break;
            }
            run += 1;
            m -= 1;
        }
        if !settled && p.last_stage != "已投产" && run >= 3 {
            out.insert(id.clone(), ("no_funds".into(), Some(run), Some(run - 3)));
        }
    }
    out
}

/// (cohort, started, in production, median months to start) of some projects.
fn conversion_of(members: &[&Recomputed]) -> (i64, i64, i64, Option<f64>) {
    let months = members
        .iter()
        .filter_map(|p| {
            Some(month_number(p.started_on.as_deref()?) - month_number(p.signed_on.as_deref()?))
        })
        .collect();
    (
        members.len() as i64,
        members.iter().filter(|p| p.started).count() as i64,
        members.iter().filter(|p| p.in_production).count() as i64,
        median(months),
    )
}

fn conversion_in(v: &Value) -> (i64, i64, i64, Option<f64>) {
    (
        v["started"]["of"].as_i64().expect("of"),
        v["started"]["count"].as_i64().expect("count"),
        v["in_production"]["count"].as_i64().expect("count"),
        v["median_months_to_start"].as_f64(),
    )
}

/// The roster of a workspace: code → (name, group), and the groups in order.
fn roster(ws: &Path) -> (BTreeMap<String, (String, String)>, Vec<String>) {
    let cfg = tongbao::config::Config::load(&ws.join("tongbao.toml")).expect("config");
    let units = cfg
        .file
        .units
        .iter()
        .map(|u| {
            (
                u.code().to_string(),
                (u.name().to_string(), u.group.get_ref().clone()),
            )
        })
        .collect();
    let groups = cfg
        .file
        .groups
        .iter()
        .map(|g| g.name.get_ref().clone())
        .collect();
    (units, groups)
}

/// Checks bulletin JSON's `progress` against the archive read directly.
fn assert_progress_agrees(ws: &Path, period: &str) -> Value {
    let doc = bulletin_json(ws);
    let progress = &doc["progress"];
    let (projects, unit_periods) = recompute(&ws.join("tongbao.db"), period);
    let (units, groups) = roster(ws);
    let on_roster: BTreeMap<&String, &Recomputed> = projects
        .iter()
        .filter(|(_, p)| units.contains_key(&p.unit))
        .collect();

    // The cohort: the twelve months to the period (the default).
    let (from, to) = (&progress["cohort"]["from"], &progress["cohort"]["to"]);
    let to = to.as_str().expect("to");
    assert_eq!(to, period);
    assert_eq!(
        month_number(to) - month_number(from.as_str().expect("from")),
        11
    );
    let from = from.as_str().expect("from").to_string();
    let in_cohort = |p: &Recomputed| {
        p.signed_on
            .as_deref()
            .is_some_and(|d| d[..7] >= *from.as_str() && &d[..7] <= to)
    };
    let members = |keep: &dyn Fn(&str) -> bool| -> Vec<&Recomputed> {
        on_roster
            .values()
            .copied()
            .filter(|p| keep(&p.unit) && in_cohort(p))
            .collect()
    };
    assert_eq!(
        conversion_in(&progress["area"]),
        conversion_of(&members(&|_| true)),
        "area"
    );
    let json_groups = progress["groups"].as_array().expect("groups");
    assert_eq!(json_groups.len(), groups.len());
    for (g, name) in json_groups.iter().zip(&groups) {
        assert_eq!(g["name"], name.as_str());
        let mine = members(&|u| units.get(u).is_some_and(|(_, gr)| gr == name));
        assert_eq!(conversion_in(g), conversion_of(&mine), "{name}");
        if mine.is_empty() {
            assert_eq!(
                g["started"]["rate"],
                Value::Null,
                "{name}: no rate, never 0"
            );
        }
    }
    for u in progress["units"].as_array().expect("units") {
        let code = u["code"].as_str().expect("code");
        let mine = members(&|c| c == code);
        assert_eq!(conversion_in(u), conversion_of(&mine), "{code}");
    }

    // The follow-up list, entry by entry, in the order of the roster.
    let expected = expected_follow_up(&projects, &unit_periods, period);
    let expected: BTreeMap<&String, _> = expected
        .iter()
        .filter(|(id, _)| on_roster.contains_key(id))
        .collect();
    let listed = progress["follow_up"].as_array().expect("follow_up");
    let got: BTreeMap<String, (String, Option<i64>, Option<i64>)> = listed
        .iter()
        .map(|e| {
            (
                e["id"].as_str().expect("id").to_string(),
                (
                    e["reason"].as_str().expect("reason").to_string(),
                    e["months"].as_i64(),
                    e["months_overdue"].as_i64(),
                ),
            )
        })
        .collect();
    assert_eq!(got.len(), listed.len(), "one entry per project");
    assert_eq!(
        got.iter().collect::<Vec<_>>(),
        expected.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>()
    );
    for e in listed {
        let p = &projects[e["id"].as_str().expect("id")];
        assert_eq!(e["last_file"]["file"], p.last_file.as_str());
        assert_eq!(
            e["contract_amount"]
                .as_f64()
                .map(|a| (a * 100.0).round() as i64),
            p.amount
        );
    }
    // Counts per unit, group and area.
    let count = |keep: &dyn Fn(&str) -> bool, reason: &str| {
        expected
            .iter()
            .filter(|(id, (r, _, _))| r == reason && keep(&projects[id.as_str()].unit))
            .count() as i64
    };
    for reason in ["stalled", "no_funds", "vanished"] {
        assert_eq!(
            progress["area"]["follow_up"][reason].as_i64(),
            Some(count(&|_| true, reason))
        );
    }
    assert_eq!(
        progress["projects"].as_u64(),
        Some(on_roster.len() as u64),
        "every project of the roster's units is in the register"
    );
    doc
}

/// The follow-up list is by unit in roster order, then most months overdue first.
fn assert_follow_up_order(ws: &Path, doc: &Value) {
    let listed = doc["progress"]["follow_up"].as_array().expect("follow_up");
    let cfg = tongbao::config::Config::load(&ws.join("tongbao.toml")).expect("config");
    let roster_index = |code: &str| {
        cfg.file
            .units
            .iter()
            .position(|u| u.code() == code)
            .expect("on the roster")
    };
    let keys: Vec<(usize, i64)> = listed
        .iter()
        .map(|e| {
            (
                roster_index(e["unit_code"].as_str().expect("code")),
                -e["months_overdue"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn the_demo_bulletins_progress_agrees_with_the_archive_read_directly() {
    let ws = demo();
    let doc = assert_progress_agrees(ws, "2025-06");
    assert_follow_up_order(ws, &doc);
    assert!(
        !doc["progress"]["follow_up"]
            .as_array()
            .expect("list")
            .is_empty(),
        "the demo has projects to follow up"
    );
}

/// A share as the bulletin prints it: per cent, one decimal, halves away from zero.
fn percent(share: f64) -> String {
    format!("{:.1}%", (share * 1000.0).round() / 10.0)
}

/// The PDF's 四、重点项目推进情况 (its table's figures) and the 督办清单 annex: every
/// project of the list named there, or counted in its unit's line of vanished projects.
fn assert_pdf_has_progress(pdf: &Path, doc: &Value, annex: u32) {
    let text = pdf_text(pdf);
    let progress = &doc["progress"];
    let body_end = text.find(&format!("附件{annex}\n")).expect("the annex");
    let body = &text[..body_end];
    assert!(body.contains("四、重点项目推进情况"), "the section");
    let pct = |v: &Value| v.as_f64().map_or("—".to_string(), percent);
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = squeeze(body);
    for g in progress["groups"].as_array().expect("groups") {
        let name = g["name"].as_str().expect("name");
        let figures = format!(
            "{} {} {} {} {}",
            g["started"]["of"],
            g["started"]["count"],
            pct(&g["started"]["rate"]),
            g["in_production"]["count"],
            pct(&g["in_production"]["rate"]),
        );
        assert!(flat.contains(&figures), "{name}: {figures} not in\n{flat}");
    }
    // The annex in content order, white space taken out: a name wrapped in its cell is
    // whole again.
    let raw = pdf_text_as(pdf, "-raw");
    let annex_raw = &raw[raw.find(&format!("附件{annex}\n")).expect("the annex")..];
    let table = annex_raw.split("注：").next().unwrap_or_default();
    assert!(table.contains("重点项目督办清单"));
    let packed: String = table.split_whitespace().collect();
    // Vanished projects per (unit, month): named when few, else one line "N个项目".
    let mut vanished: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for e in progress["follow_up"].as_array().expect("list") {
        let name = e["name"].as_str().expect("name").to_string();
        if e["reason"] == "vanished" {
            vanished
                .entry((
                    e["unit"].as_str().expect("unit").to_string(),
                    e["last_file"]["period"]
                        .as_str()
                        .expect("period")
                        .to_string(),
                ))
                .or_default()
                .push(name);
        } else {
            assert!(packed.contains(&name), "{name} is not in the annex");
        }
    }
    // A unit's many vanished projects of one month are one line "N个项目": the lines'
    // counts are those of the groups, and the units are named.
    let mut expected_lines: Vec<usize> = Vec::new();
    for ((unit, month), names) in &vanished {
        if names.len() > 5 {
            expected_lines.push(names.len());
            assert!(packed.contains(unit.as_str()), "{unit} not in the annex");
            assert!(packed.contains(month.as_str()));
        } else {
            for name in names {
                assert!(packed.contains(name.as_str()), "{name} is not in the annex");
            }
        }
    }
    let mut lines: Vec<usize> = table
        .split_whitespace()
        .filter_map(|token| token.strip_suffix("个项目")?.parse().ok())
        .collect();
    expected_lines.sort();
    lines.sort();
    assert_eq!(
        lines, expected_lines,
        "the lines of several vanished projects"
    );
}

#[test]
fn the_demo_pdf_has_the_section_and_the_annex() {
    let ws = demo();
    let doc = bulletin_json(ws);
    assert_pdf_has_progress(&ws.join("out/2025-06/通报-2025-06.pdf"), &doc, 3);
}

/// The workbook's sheets against bulletin JSON and the archive.
fn assert_workbook_reconciles(ws: &Path, doc: &Value, period: &str) {
    let xlsx = ws.join(format!("out/{period}/通报-{period}.xlsx"));
    let progress = &doc["progress"];
    let (projects, _) = recompute(&ws.join("tongbao.db"), period);
    let (units, _) = roster(ws);

    // 项目推进: a row per unit, then the groups' and the area's.
    let rows = sheet(&xlsx, "项目推进");
    let header = rows
        .iter()
        .position(|r| cell_text(&r[0]) == "单位")
        .expect("header");
    for (i, u) in progress["units"]
        .as_array()
        .expect("units")
        .iter()
        .enumerate()
    {
        let r = &rows[header + 1 + i];
        assert_eq!(cell_text(&r[0]), u["name"].as_str().expect("name"));
        assert_eq!(number(&r[2]), u["started"]["of"].as_f64());
        assert_eq!(number(&r[3]), u["started"]["count"].as_f64());
        match u["started"]["rate"].as_f64() {
            Some(rate) => assert_eq!(number(&r[4]), Some((rate * 1000.0).round() / 10.0)),
            None => assert_eq!(cell_text(&r[4]), "—"),
        }
        assert_eq!(number(&r[11]), u["follow_up"]["total"].as_f64());
    }

    // 督办清单: every entry once, with its amount in 万元 to the cent.
    let rows = sheet(&xlsx, "督办清单");
    let header = rows
        .iter()
        .position(|r| cell_text(&r[0]) == "序号")
        .expect("header");
    let listed = progress["follow_up"].as_array().expect("list");
    let body: Vec<&Vec<Data>> = rows[header + 1..]
        .iter()
        .filter(|r| number(&r[0]).is_some())
        .collect();
    assert_eq!(body.len(), listed.len());
    for (r, e) in body.iter().zip(listed) {
        assert_eq!(cell_text(&r[3]), e["id"].as_str().expect("id"));
        let cents = projects[e["id"].as_str().expect("id")].amount;
        assert_eq!(number(&r[7]).map(|a| (a * 100.0).round() as i64), cents);
        match e["months_overdue"].as_i64() {
            Some(m) => assert_eq!(number(&r[11]), Some(m as f64)),
            None => assert_eq!(cell_text(&r[11]), "—"),
        }
        assert_eq!(
            cell_text(&r[12]),
            e["last_file"]["period"].as_str().expect("p")
        );
    }

    // 项目库: one row per project of the roster's units, its funds per year and their sum.
    let rows = sheet(&xlsx, "项目库");
    let header = rows
        .iter()
        .position(|r| cell_text(&r[0]) == "序号")
        .expect("header");
    let titles: Vec<String> = rows[header].iter().map(cell_text).collect();
    let at = |t: &str| {
        titles
            .iter()
            .position(|x| x.starts_with(t))
            .unwrap_or_else(|| panic!("no column {t}: {titles:?}"))
    };
    let body = &rows[header + 1..];
    let expected: BTreeSet<&String> = projects
        .iter()
        .filter(|(_, p)| units.contains_key(&p.unit))
        .map(|(id, _)| id)
        .collect();
    let ids: BTreeSet<String> = body.iter().map(|r| cell_text(&r[at("项目ID")])).collect();
    assert_eq!(body.len(), expected.len(), "one row per project");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>(), expected);
    let total = at("累计到位资金");
    for r in body {
        let id = cell_text(&r[at("项目ID")]);
        let p = &projects[&id];
        for (year, cents) in &p.funds_by_year {
            let got = number(&r[at(&format!("{year}年到位资金"))]).expect("stated");
            assert_eq!((got * 100.0).round() as i64, *cents, "{id} {year}");
        }
        let sum: i64 = p.funds_by_year.values().sum();
        let got = number(&r[total]).expect("stated");
        assert_eq!((got * 100.0).round() as i64, sum, "{id}");
        assert_eq!(cell_text(&r[at("最近报送文件")]), p.last_file);
    }
}

#[test]
fn the_demo_workbook_sheets_reconcile_with_json_and_the_archive() {
    let ws = demo();
    let doc = bulletin_json(ws);
    assert_workbook_reconciles(ws, &doc, "2025-06");
}

/// 巴南区 from March to June 2025: 新材料产业园 (P001, started 2024-12-20) with 本月到位资金
/// 1000, then 0 for three months; 智能装备基地 (P002, 2 亿元, signed 2024-11-05) and
/// 软件园 (P003, 1.5 亿元, signed 2024-12-01) never started; 新能源材料项目 (P004) gone
/// in June. 渝中区 in May and June: six of its thirteen projects gone in June.
fn banan(period: &str, funds_month: f64, p004: bool) -> Form {
    let (y, m) = (&period[..4], period[5..].trim_start_matches('0'));
    let mut f = Form::valid()
        .set_info("报告期", s(&format!("{y}年{m}月")))
        .set(0, "签约日期", V::D(2024, 12, 10))
        .set(0, "开工日期", V::D(2024, 12, 20))
        .set(0, "本月到位资金", V::N(funds_month))
        .set(0, "本年累计到位资金", V::N(3000.0))
        .set(1, "签约日期", V::D(2024, 11, 5))
        .set(1, "合同投资额", V::N(20000.0))
        .set(2, "签约日期", V::D(2024, 12, 1));
    if !p004 {
        f.rows.remove(3);
    }
    f
}

fn yuzhong(period: &str, projects: usize) -> Form {
    let (y, m) = (&period[..4], period[5..].trim_start_matches('0'));
    let mut f = Form::valid()
        .set_info("报告期", s(&format!("{y}年{m}月")))
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"));
    let template = f.rows[1].clone();
    f.rows.clear();
    for i in 0..projects {
        let mut row = template.clone();
        row[col("序号")] = V::N((i + 1) as f64);
        row[col("项目编号")] = s(&format!("YZ{:03}", i + 1));
        row[col("项目名称")] = s(&format!("渝中第{}号项目", i + 1));
        row[col("签约日期")] = V::D(2024, 10, 1 + i as u8);
        row[col("合同投资额")] = V::N(500.0 + i as f64);
        row[col("本月到位资金")] = V::N(0.0);
        row[col("本年累计到位资金")] = V::N(0.0);
        f.rows.push(row);
    }
    f
}

/// A workspace with the test roster and these returns ingested, then June's bulletin.
fn follow_up_workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    let returns: Vec<(&str, &str, Form)> = vec![
        ("巴南区", "2025-03", banan("2025-03", 1000.0, true)),
        ("巴南区", "2025-04", banan("2025-04", 0.0, true)),
        ("巴南区", "2025-05", banan("2025-05", 0.0, true)),
        ("渝中区", "2025-05", yuzhong("2025-05", 13)),
        ("巴南区", "2025-06", banan("2025-06", 0.0, false)),
        ("渝中区", "2025-06", yuzhong("2025-06", 7)),
    ];
    for (unit, period, form) in returns {
        let name = format!("{unit}-{period}.xlsx");
        let path: PathBuf = ws.path().join(&name);
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
    let out = run(
        &["build", "--period", "2025-06", "--out", "out/2025-06"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    ws
}

#[test]
fn stalled_unfunded_and_vanished_projects_are_in_every_output() {
    let ws = follow_up_workspace();
    let doc = assert_progress_agrees(ws.path(), "2025-06");
    assert_follow_up_order(ws.path(), &doc);
    let listed: BTreeMap<&str, (&str, Option<i64>)> = doc["progress"]["follow_up"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name"),
                (
                    e["reason"].as_str().expect("reason"),
                    e["months_overdue"].as_i64(),
                ),
            )
        })
        .collect();
    // Independently of the rules' code: the dates above.
    assert_eq!(listed["智能装备基地"], ("stalled", Some(1)));
    assert_eq!(listed["软件园"], ("stalled", Some(0)));
    assert_eq!(listed["新材料产业园"], ("no_funds", Some(0)));
    assert_eq!(listed["新能源材料项目"], ("vanished", None));
    assert_eq!(
        listed.values().filter(|(r, _)| *r == "vanished").count(),
        1 + 6
    );
    // 两江新区 sent nothing: no cohort, no rate — never 0 %.
    let ljxq = doc["progress"]["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["code"] == "LJXQ")
        .expect("两江新区");
    assert_eq!(ljxq["started"]["of"], 0);
    assert_eq!(ljxq["started"]["rate"], Value::Null);

    // The PDF: no 亿元以上 project was signed in June, so the 督办清单 is 附件2.
    let pdf = ws.path().join("out/2025-06/通报-2025-06.pdf");
    assert_pdf_has_progress(&pdf, &doc, 2);
    let text = pdf_text(&pdf);
    assert!(text.contains("2．2025年6月重点项目督办清单"), "附件说明");
    // 渝中区's six vanished projects are one line; 巴南区's one is named.
    let raw: String = pdf_text_as(&pdf, "-raw").split_whitespace().collect();
    assert!(!raw.contains("渝中第8号项目"));
    assert!(raw.contains("新能源材料项目"));
    assert_workbook_reconciles(ws.path(), &doc, "2025-06");

    // The JSON with every kind of entry matches its schema.
    let schema: Value = serde_json::from_slice(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/bulletin.schema.json"),
        )
        .expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // 巴南区's briefing says how its projects move against its group's.
    let out = run(
        &[
            "brief",
            "--from",
            "2025-06",
            "--to",
            "2025-06",
            "--unit",
            "巴南区",
            "--out",
            "b",
        ],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let text = pdf_text(&ws.path().join("b/简报-2025-06-巴南区.pdf"));
    // The sentence may run over a page: its page number (— 1 —) is left out.
    let flat: String = text
        .split_whitespace()
        .filter(|t| {
            !(t.starts_with('—')
                && t.ends_with('—')
                && t.trim_matches('—').chars().all(|c| c.is_ascii_digit()))
        })
        .collect();
    let unit = doc["progress"]["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["code"] == "500113")
        .expect("巴南区");
    let group = &doc["progress"]["groups"][0];
    assert_eq!(group["name"], "区");
    let pct = |v: &Value| percent(v.as_f64().expect("rate"));
    let sentence = format!(
        "签约项目{}个，截至6月底开工率{}（区{}），投产率{}（区{}）；列入督办清单的项目{}个。",
        unit["started"]["of"],
        pct(&unit["started"]["rate"]),
        pct(&group["started"]["rate"]),
        pct(&unit["in_production"]["rate"]),
        pct(&group["in_production"]["rate"]),
        unit["follow_up"]["total"],
    );
    assert!(flat.contains(&sentence), "{sentence} not in\n{text}");
}
