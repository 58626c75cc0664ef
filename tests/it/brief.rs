//! The leadership briefing: span figures from cumulative returns (and what happens when a
//! return is missing), selections, ranks, and the real binary's PDF and workbook.

use std::collections::BTreeMap;
use std::process::Output;

use serde_json::Value;
use tongbao::aggregate::brief::{compute, Brief, Selection, Span, UnitReturns};
use tongbao::aggregate::{self, ReturnStatus, UnitInput};
use tongbao::model::{FigureKey, Figures, Period, Project, Wan};

use crate::archived::*;
use crate::binary::run_reproducibly as run;
use crate::pdf::{extracted_text, poppler};
use crate::support::*;

fn p(month: u32) -> Period {
    Period::new(2025, month).unwrap()
}

fn span(from: u32, to: u32) -> Span {
    Span::new(p(from), p(to)).unwrap()
}

/// A unit's returns for the given months, each holding `projects` as changed by `edit`.
fn returns(code: &str, months: &[(Period, Vec<Project>)]) -> UnitReturns {
    UnitReturns {
        code: code.into(),
        returns: months
            .iter()
            .map(|(m, projects)| (*m, stored(code, *m, projects.clone())))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// The standard June return's projects as they stood at the end of `month`: the same
/// rows, with cumulative funds scaled down to `share` and this month's funds `month_funds`.
fn as_of(share: f64, month_funds: f64) -> Vec<Project> {
    projects(&Form::valid())
        .into_iter()
        .map(|mut pr| {
            pr.funds_ytd = Wan((pr.funds_ytd.cents() as f64 * share).round() as i64);
            pr.funds_month = Wan((month_funds * 100.0) as i64);
            pr
        })
        .collect()
}

fn brief(sel: &Selection, span: Span, inputs: &[UnitReturns]) -> Brief {
    let cfg = config();
    let league_inputs: Vec<UnitInput> = cfg
        .file
        .units
        .iter()
        .map(|u| {
            let r = inputs.iter().find(|i| i.code == u.code());
            match r.and_then(|r| r.returns.get(&span.to)) {
                Some(current) => UnitInput {
                    code: u.code().into(),
                    status: ReturnStatus::Accepted,
                    current: Some(current.clone()),
                    last_year: None,
                    confirmation: None,
                },
                None => absent(u.code(), ReturnStatus::Missing),
            }
        })
        .collect();
    let league = aggregate::compute(&cfg, span.to, &league_inputs);
    compute(&cfg, span, sel, "测试".into(), inputs, &league)
}

fn one_unit(code: &str) -> Selection {
    Selection {
        units: vec![code.into()],
        ..Selection::default()
    }
}

#[test]
fn a_span_from_january_is_the_bulletins_year_to_date() {
    let cfg = config();
    let june = projects(&Form::valid());
    let inputs = vec![
        returns("500113", &[(JUNE, june.clone())]),
        returns("500103", &[(JUNE, projects(&doubled()))]),
    ];
    let b = brief(&Selection::default(), span(1, 6), &inputs);
    let bulletin = aggregate::compute(
        &cfg,
        JUNE,
        &[
            accepted("500113", june, None),
            accepted("500103", projects(&doubled()), None),
            absent("LJXQ", ReturnStatus::Missing),
        ],
    );
    assert_eq!(b.total, bulletin.total.ytd);
    assert!(b.flows_known);
    assert_eq!(b.not_reported, ["两江新区"]);
    assert_eq!(b.reported, 2);
}

#[test]
fn a_later_span_subtracts_the_cumulative_figures_of_the_month_before() {
    // June YTD funds 5500 (see support::ledger_rows); at the end of March 40% of that.
    let inputs = vec![returns(
        "500113",
        &[(p(3), as_of(0.4, 0.0)), (JUNE, projects(&Form::valid()))],
    )];
    let b = brief(&one_unit("500113"), span(4, 6), &inputs);
    // Signings dated April to June: rows 1 (6-10, 52000) and 3 (6-01, 15000); row 2 was
    // signed in March.
    assert_eq!(b.total.signed_count, 2);
    assert_eq!(b.total.signed_amount, Wan::from_units(67_000));
    assert_eq!(b.total.started_count, 1);
    assert_eq!(b.total.funds_in_place, Wan::from_units(5500 - 2200));
    assert_eq!(b.total.negotiating_count, 1);
    assert!(b.flows_incomplete.is_empty());
}

#[test]
fn without_the_month_before_the_months_own_figures_are_summed() {
    let inputs = vec![returns(
        "500113",
        &[
            (p(4), as_of(0.5, 100.0)),
            (p(5), as_of(0.7, 250.5)),
            (JUNE, as_of(1.0, 300.0)),
        ],
    )];
    let b = brief(&one_unit("500113"), span(4, 6), &inputs);
    // Four projects each month: (100 + 250.5 + 300) × 4.
    assert_eq!(b.total.funds_in_place, Wan(65_050 * 4));
    assert!(b.flows_known && b.flows_incomplete.is_empty());
    // The monthly series of the chart holds each month's own figures.
    let months: Vec<(Period, Wan, usize)> = b
        .months
        .iter()
        .map(|(m, f, n)| (*m, f.funds_in_place, *n))
        .collect();
    assert_eq!(
        months,
        [
            (p(4), Wan(40_000), 1),
            (p(5), Wan(100_200), 1),
            (p(6), Wan(120_000), 1)
        ]
    );
}

#[test]
fn flows_that_cannot_be_worked_out_are_named_not_counted() {
    let inputs = vec![
        returns("500113", &[(JUNE, projects(&Form::valid()))]),
        returns(
            "500103",
            &[(p(3), as_of(0.4, 0.0)), (JUNE, projects(&Form::valid()))],
        ),
    ];
    let b = brief(&Selection::default(), span(4, 6), &inputs);
    assert_eq!(b.flows_incomplete, ["巴南区"]);
    assert!(b.flows_known);
    // Only 渝中区's flows: 5500 − 2200.
    assert_eq!(b.total.funds_in_place, Wan::from_units(3300));
    // Signings still count for both.
    assert_eq!(b.total.signed_count, 4);
    let alone = brief(&one_unit("500113"), span(4, 6), &inputs);
    assert!(!alone.flows_known);
    assert_eq!(alone.total_yoy_pct[&FigureKey::FundsInPlace], None);
}

#[test]
fn last_year_is_compared_like_with_like() {
    let this_year = projects(&Form::valid());
    let last_year = projects(&last_year_form());
    let ly = Period::new(2024, 6).unwrap();
    let inputs = vec![
        returns("500113", &[(JUNE, this_year.clone()), (ly, last_year)]),
        // No return last year: its figures stay out of the comparison.
        returns("500103", &[(JUNE, projects(&doubled()))]),
    ];
    let b = brief(&Selection::default(), span(1, 6), &inputs);
    let last: Figures = b.total_last_year.expect("last year");
    assert_eq!(last.signed_amount, Wan::from_units(75_000));
    // 巴南区 signed the same this year as last: 同比 0 on the comparable basis, although
    // the total (with 渝中区's doubled return) is three times last year's.
    assert_eq!(b.total_yoy_pct[&FigureKey::SignedAmount], Some(0.0));
    assert_eq!(b.total.signed_amount, Wan::from_units(75_000 * 3));
}

#[test]
fn an_industry_selection_keeps_only_its_projects_and_ranks_the_industry() {
    let inputs = vec![returns("500113", &[(JUNE, projects(&Form::valid()))])];
    let sel = Selection {
        industries: vec!["先进材料".into()],
        ..Selection::default()
    };
    let b = brief(&sel, span(1, 6), &inputs);
    // 先进材料: row 1 (signed 52000, funds 3000) and row 4 (在谈).
    assert_eq!(b.total.signed_count, 1);
    assert_eq!(b.total.signed_amount, Wan::from_units(52_000));
    assert_eq!(b.total.funds_in_place, Wan::from_units(3000));
    assert_eq!(b.total.negotiating_count, 1);
    assert!(b.projects.iter().all(|p| p.industry == "先进材料"));
    let rank = &b.ranks[0];
    assert_eq!(
        (rank.subject.as_str(), rank.rank, rank.of),
        ("先进材料", 1, 3)
    );
}

#[test]
fn one_unit_is_ranked_within_its_group() {
    let inputs = vec![
        returns("500113", &[(JUNE, projects(&Form::valid()))]),
        returns("500103", &[(JUNE, projects(&doubled()))]),
    ];
    let b = brief(&one_unit("500113"), span(1, 6), &inputs);
    let signed = b
        .ranks
        .iter()
        .find(|r| r.key == FigureKey::SignedAmount)
        .expect("a rank by signed amount");
    assert_eq!(
        (signed.among.as_str(), signed.rank, signed.of),
        ("区", 2, 2)
    );
    assert!(b.units[0].league.is_some(), "its league standing");
    // The largest projects, largest first.
    let amounts: Vec<Wan> = b.projects.iter().map(|p| p.amount).collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
}

#[test]
fn a_span_runs_forward_within_one_year() {
    assert!(Span::new(p(6), p(4)).is_err());
    assert!(Span::new(Period::new(2024, 11).unwrap(), p(2)).is_err());
}

// ---------------------------------------------------------------------------------------
// The real binary, on the bundled samples.
// ---------------------------------------------------------------------------------------

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn briefings_on_the_samples_fit_two_pages_and_agree_with_the_bulletin() {
    let dir = tempfile::tempdir().expect("temp dir");
    ok(&run(&["demo", "--out", "d"], dir.path()));
    let ws = dir.path().join("d");
    let json: Value = serde_json::from_slice(
        &std::fs::read(ws.join("out/2025-06/bulletin-2025-06.json")).expect("json"),
    )
    .expect("bulletin json");

    // The whole roster from January: the bulletin's year-to-date figures.
    let args = [
        "brief",
        "--from",
        "2025-01",
        "--to",
        "2025-06",
        "--date",
        "2025-07-20",
    ];
    let said = ok(&run(&args, &ws));
    let pdf = ws.join("out/简报/简报-2025-01至2025-06-全市.pdf");
    let xlsx = ws.join("out/简报/简报-2025-01至2025-06-全市.xlsx");
    assert!(said.contains(&pdf.file_name().unwrap().to_string_lossy().to_string()));
    let text = extracted_text(&pdf);
    for key in ["signed_amount", "funds_in_place", "started_investment"] {
        let yi = format!(
            "{:.2}",
            json["total"]["ytd"][key].as_f64().unwrap() / 10000.0
        );
        assert!(text.contains(&yi), "{key} {yi} not in the briefing");
    }
    let (info, _) = poppler("pdfinfo", &[], &pdf);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!((1..=2).contains(&pages), "{pages} pages");
    let (fonts, _) = poppler("pdffonts", &[], &pdf);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes ")),
        "embedded subsets only:\n{fonts}"
    );

    // The workbook holds the same signed amount, in 亿元.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("workbook opens");
    let sheet = calamine::Reader::worksheet_range(&mut wb, "主要指标").expect("主要指标");
    let row = sheet
        .rows()
        .find(|r| r[0] == "新签约合同投资额")
        .expect("signed amount row");
    let cell = calamine::DataType::as_f64(&row[2]).expect("a number");
    let expected = json["total"]["ytd"]["signed_amount"].as_f64().unwrap() / 10000.0;
    assert!((cell - expected).abs() < 0.005, "{cell} vs {expected}");

    // The same inputs give the same bytes.
    let first = std::fs::read(&pdf).unwrap();
    ok(&run(&args, &ws));
    assert_eq!(first, std::fs::read(&pdf).unwrap(), "byte-identical PDF");

    // One unit, one quarter: its name, its rank.
    ok(&run(
        &[
            "brief",
            "--from",
            "2025-04",
            "--to",
            "2025-06",
            "--unit",
            "巴南",
            "--date",
            "2025-07-20",
        ],
        &ws,
    ));
    let text = extracted_text(&ws.join("out/简报/简报-2025-04至2025-06-巴南区.pdf"));
    assert!(text.contains("巴南区招商引资工作情况"), "{text}");
    assert!(text.contains("排名情况"), "{text}");

    // A clerk rewords the masthead in the workspace's templates folder.
    let wording = tongbao::render::templates::embedded_text("brief.hbs").unwrap();
    std::fs::create_dir_all(ws.join("templates")).unwrap();
    std::fs::write(
        ws.join("templates/brief.hbs"),
        wording.replace("招商引资工作简报", "招商动态第七期"),
    )
    .unwrap();
    ok(&run(
        &[
            "brief",
            "--from",
            "2025-06",
            "--to",
            "2025-06",
            "--group",
            "功能区",
        ],
        &ws,
    ));
    let text = extracted_text(&ws.join("out/简报/简报-2025-06-功能区.pdf"));
    assert!(text.contains("招商动态第七期"), "{text}");
}

#[test]
fn unknown_names_and_impossible_spans_are_errors_that_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("tongbao.toml"), CONFIG).unwrap();
    let out = run(
        &[
            "brief",
            "--from",
            "2025-01",
            "--to",
            "2025-06",
            "--unit",
            "火星区",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("火星区") && err.contains("巴南区"), "{err}");
    let out = run(
        &["brief", "--from", "2024-11", "--to", "2025-02"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("同一年"));
    let out = run(
        &[
            "--lang",
            "en",
            "brief",
            "--from",
            "2025-01",
            "--to",
            "2025-06",
            "--industry",
            "木星",
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no industry"));
    assert!(!dir.path().join("out").exists());
}
