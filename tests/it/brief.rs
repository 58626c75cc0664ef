//! The leadership briefing: span figures from cumulative returns (and what happens when a
//! return is missing), selections, ranks, and the real binary's PDF and workbook.

use std::collections::BTreeMap;
use std::process::Output;

use serde_json::Value;
use std::path::{Path, PathBuf};

use tongbao::aggregate::brief::{compute, Brief, Peers, Selection, Span, UnitReturns};
use tongbao::aggregate::{self, ReturnStatus, UnitInput};
use tongbao::config::Config;
use tongbao::model::{FigureKey, Figures, Period, Project, Wan};
use tongbao::render::compose::{brief_blocks, Shown};
use tongbao::render::pdf::blocks::Block;
use tongbao::render::templates::Templates;

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
    brief_in(&config(), sel, span, inputs)
}

/// The briefing under roster `cfg`, with the league of the span's last month.
fn brief_in(cfg: &Config, sel: &Selection, span: Span, inputs: &[UnitReturns]) -> Brief {
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
    let league = aggregate::compute(cfg, span.to, &league_inputs);
    compute(cfg, span, sel, "测试".into(), inputs, &league)
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
        .map(|m| (m.period, m.figures.funds_in_place, m.flows_from))
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

/// A roster where the groups differ in size: 主城 with three units, 渝东南 with one (both
/// ranked in the league) and a zone group left out of the league.
const UNEVEN_GROUPS: &str = r#"
[[group]]
name = "主城"

[[group]]
name = "渝东南"

[[group]]
name = "功能区"
league = false

[[unit]]
code = "500113"
name = "巴南区"
group = "主城"

[[unit]]
code = "500103"
name = "渝中区"
group = "主城"

[[unit]]
code = "500105"
name = "江北区"
group = "主城"

[[unit]]
code = "500241"
name = "秀山县"
group = "渝东南"

[[unit]]
code = "LJXQ"
name = "两江新区"
group = "功能区"

[[industry]]
name = "先进材料"
sector = "二产"
"#;

#[test]
fn a_group_is_ranked_only_among_the_league_groups_by_its_average_per_unit() {
    let cfg = Config::from_str(UNEVEN_GROUPS, Path::new("tongbao.toml")).expect("roster");
    let standard = || projects(&Form::valid());
    // 主城's three units sign 3 × 75000 in all, 25000 × 3 on average less than 秀山县's
    // doubled return alone (150000); the zone, far larger, is not a peer.
    let inputs = vec![
        returns("500113", &[(JUNE, standard())]),
        returns("500103", &[(JUNE, standard())]),
        returns("500105", &[(JUNE, standard())]),
        returns("500241", &[(JUNE, projects(&doubled()))]),
        returns("LJXQ", &[(JUNE, projects(&doubled()))]),
    ];
    let group = |name: &str| Selection {
        groups: vec![name.into()],
        ..Selection::default()
    };
    let b = brief_in(&cfg, &group("主城"), span(1, 6), &inputs);
    assert!(
        b.total.signed_amount > Wan::from_units(150_000),
        "主城's total is larger"
    );
    let signed = b
        .ranks
        .iter()
        .find(|r| r.key == FigureKey::SignedAmount)
        .expect("a rank by signed amount");
    assert_eq!(signed.peers, Peers::LeagueGroups);
    assert_eq!(
        (signed.rank, signed.of),
        (2, 2),
        "by average, among the league's two groups"
    );
    assert_eq!(signed.value, 75_000.0, "the average per unit, in 万元");
    assert!(b
        .ranks
        .iter()
        .all(|r| r.peers == Peers::LeagueGroups && r.of == 2));

    // The zones are no peers of anyone's, and are not ranked against the districts.
    let zones = brief_in(&cfg, &group("功能区"), span(1, 6), &inputs);
    assert!(zones.ranks.is_empty(), "{:?}", zones.ranks);

    // Where the roster has one league group only, there is nothing comparable to rank.
    let b = brief(
        &Selection {
            groups: vec!["区".into()],
            ..Selection::default()
        },
        span(1, 6),
        &[returns("500113", &[(JUNE, standard())])],
    );
    assert!(b.ranks.is_empty(), "{:?}", b.ranks);
}

/// The briefing's blocks with the built-in wording.
fn blocks_of(b: &Brief, issue: Option<u32>) -> Vec<Block> {
    let cfg = config();
    let templates = Templates::embedded().expect("built-in templates");
    let date = chrono::NaiveDate::from_ymd_opt(2025, 7, 20).unwrap();
    brief_blocks(b, &cfg, &templates, date, issue, Shown::STEPS[0]).expect("blocks")
}

/// Table captions and chart titles, in print order.
fn captions(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => t.caption.clone(),
            Block::LineChart(c) => Some(c.title.clone()),
            Block::BarChart(c) => Some(c.title.clone()),
            _ => None,
        })
        .collect()
}

/// The numbers of the 表 and of the 图 captions, each in print order.
fn caption_numbers(captions: &[String]) -> (Vec<u32>, Vec<u32>) {
    let numbered = |kind: char| -> Vec<u32> {
        captions
            .iter()
            .filter_map(|c| c.strip_prefix(kind))
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .collect()
    };
    (numbered('表'), numbered('图'))
}

#[test]
fn tables_and_charts_are_numbered_in_print_order_counting_only_those_printed() {
    let one = brief(
        &one_unit("500113"),
        span(3, 6),
        &[returns("500113", &[(JUNE, projects(&Form::valid()))])],
    );
    let printed = captions(&blocks_of(&one, None));
    // One unit: no member table, so the projects' table is 表2, after 图1.
    assert_eq!(printed.len(), 3, "{printed:?}");
    assert_eq!(
        caption_numbers(&printed),
        (vec![1, 2], vec![1]),
        "{printed:?}"
    );
    assert!(printed[1].starts_with("图1") && printed[2].starts_with("表2"));

    let all = brief(
        &Selection::default(),
        span(6, 6),
        &[
            returns("500113", &[(JUNE, projects(&Form::valid()))]),
            returns("500103", &[(JUNE, projects(&doubled()))]),
        ],
    );
    let printed = captions(&blocks_of(&all, None));
    assert_eq!(
        caption_numbers(&printed),
        (vec![1, 2, 3], vec![1]),
        "{printed:?}"
    );
}

#[test]
fn the_largest_project_of_one_units_briefing_does_not_name_the_unit_again() {
    let inputs = [
        returns("500113", &[(JUNE, projects(&Form::valid()))]),
        returns("500103", &[(JUNE, projects(&doubled()))]),
    ];
    let paragraphs = |b: &Brief| -> String {
        blocks_of(b, None)
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    let one = paragraphs(&brief(&one_unit("500113"), span(4, 6), &inputs));
    assert!(one.contains("最大的项目是新材料产业园"), "{one}");
    assert!(!one.contains("巴南区的"), "{one}");
    // Several units: the unit that signed it is named.
    let both = paragraphs(&brief(&Selection::default(), span(4, 6), &inputs));
    assert!(both.contains("最大的项目是渝中区的"), "{both}");
}

#[test]
fn every_month_of_the_span_is_in_the_chart_and_the_months_add_up_to_the_total() {
    // Only June's return: March's signing (row 2) is in the total, and so in March.
    let b = brief(
        &one_unit("500113"),
        span(3, 6),
        &[returns("500113", &[(JUNE, projects(&Form::valid()))])],
    );
    let months: Vec<Period> = b.months.iter().map(|m| m.period).collect();
    assert_eq!(months, [p(3), p(4), p(5), p(6)]);
    let signed: Wan = b
        .months
        .iter()
        .fold(Wan::default(), |s, m| s + m.figures.signed_amount);
    assert_eq!(signed, b.total.signed_amount);
    assert!(b.months[0].figures.signed_count == 1 && b.months[0].returned == 0);
    let chart = blocks_of(&b, None)
        .into_iter()
        .find_map(|b| match b {
            Block::LineChart(c) => Some(c),
            _ => None,
        })
        .expect("a trend chart");
    assert_eq!(chart.x_labels, ["3月", "4月", "5月", "6月"]);
    // Every line it draws has every month: the funds, known for June only, are not drawn.
    assert_eq!(chart.series.len(), 1, "{:?}", chart.series);
    assert!(chart
        .series
        .iter()
        .all(|(_, v)| v.len() == 4 && v.iter().all(Option::is_some)));
    assert!(!chart.title.contains("到位资金"), "{}", chart.title);
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

/// How far down the briefing's text block (25 mm from the top, 245 mm high) each page's
/// words reach, from 0 (nothing) to 1 (full), the page number below the block left out.
fn page_fill(pdf: &Path) -> Vec<f64> {
    const MM: f64 = 72.0 / 25.4;
    let (top, bottom) = (25.0 * MM, 270.0 * MM);
    let (boxes, _) = poppler("pdftotext", &["-bbox"], pdf);
    let attr = |line: &str, name: &str| -> Option<f64> {
        let rest = &line[line.find(&format!(" {name}=\""))? + name.len() + 3..];
        rest[..rest.find('"')?].parse().ok()
    };
    let mut fill: Vec<f64> = Vec::new();
    for line in boxes.lines().map(str::trim) {
        if line.starts_with("<page ") {
            fill.push(0.0);
        } else if line.starts_with("<word ") {
            let y = attr(line, "yMax").expect("a word's yMax");
            if let Some(last) = fill.last_mut().filter(|_| y <= bottom + 2.0) {
                *last = last.max((y - top) / (bottom - top));
            }
        }
    }
    fill
}

/// The workbook's sheet as rows of cells.
/// The sum of 本月到位资金 (万元) in `unit`'s sample ledger for `month`, read the plain way.
fn funds_of_month(unit: &str, month: &str) -> f64 {
    let dir = crate::binary::repo().join("samples/returns").join(month);
    let path = std::fs::read_dir(&dir)
        .expect("samples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s == format!("{unit}-{month}"))
        })
        .unwrap_or_else(|| panic!("{unit} {month}"));
    let mut wb = calamine::open_workbook_auto(&path).expect("opens");
    // 荣昌区's June return is in the traditional template: 項目明細, 到位資金 over 本月 in a
    // two-row header, amounts as text with thousands separators, a 合計 row.
    let name = calamine::Reader::sheet_names(&wb)
        .into_iter()
        .find(|n| n == "项目明细" || n == "項目明細")
        .expect("ledger sheet");
    let ledger = calamine::Reader::worksheet_range(&mut wb, &name).expect("ledger");
    let rows: Vec<&[calamine::Data]> = ledger.rows().collect();
    let (first, col) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| {
            if let Some(c) = r.iter().position(|c| *c == "本月到位资金") {
                return Some((i + 1, c));
            }
            let c = r.iter().position(|c| *c == "到位資金")?;
            (rows.get(i + 1)?.get(c)? == "本月").then_some((i + 2, c))
        })
        .expect("本月到位资金");
    rows[first..]
        .iter()
        .filter(|r| !r.first().is_some_and(|c| c.to_string().contains('合')))
        .filter_map(|r| match r.get(col)? {
            calamine::Data::String(t) => t.replace(',', "").parse::<f64>().ok(),
            c => calamine::DataType::as_f64(c),
        })
        .sum()
}

fn sheet(xlsx: &Path, name: &str) -> Vec<Vec<calamine::Data>> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(xlsx).expect("workbook opens");
    calamine::Reader::worksheet_range(&mut wb, name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .rows()
        .map(<[calamine::Data]>::to_vec)
        .collect()
}

/// Each 表N and 图N caption's number in the extracted text, in reading order.
fn numbers_in(text: &str, kind: char) -> Vec<u32> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] == kind && w[1].is_ascii_digit())
        .filter_map(|(i, _)| {
            let digits: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            digits.parse().ok()
        })
        .collect()
}

#[test]
fn the_samples_briefings_of_a_unit_a_group_and_an_industry_read_right_on_two_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    ok(&run(&["demo", "--out", "d"], dir.path()));
    let ws = dir.path().join("d");
    let brief_of = |what: &[&str], out: &str| -> (PathBuf, PathBuf) {
        let mut args = vec![
            "brief", "--from", "2025-04", "--to", "2025-06", "--out", out,
        ];
        args.extend(what);
        ok(&run(&args, &ws));
        let file = |ext: &str| -> PathBuf {
            std::fs::read_dir(ws.join(out))
                .expect("out folder")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == ext))
                .unwrap_or_else(|| panic!("no .{ext} in {out}"))
        };
        (file("pdf"), file("xlsx"))
    };
    let unit = brief_of(&["--unit", "巴南区", "--number", "7"], "unit");
    let group = brief_of(&["--group", "主城都市区"], "group");
    let industry = brief_of(&["--industry", "新一代电子信息制造业"], "industry");

    for (pdf, xlsx) in [&unit, &group, &industry] {
        let text = extracted_text(pdf);
        // 表 and 图 numbered 1, 2, 3… in print order, none skipped.
        for kind in ['表', '图'] {
            let numbers = numbers_in(&text, kind);
            let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
            assert_eq!(numbers, expected, "{kind} in {}", pdf.display());
        }
        // One or two pages, and no page but the last less than half full.
        let fill = page_fill(pdf);
        assert!((1..=2).contains(&fill.len()), "{} pages", fill.len());
        for (i, f) in fill.iter().enumerate().take(fill.len() - 1) {
            assert!(
                *f > 0.5,
                "page {} of {} is {f:.2} full",
                i + 1,
                pdf.display()
            );
        }
        // The workbook's months: all three, adding up to the span's signed amount.
        let months = sheet(xlsx, "各月");
        let labels: Vec<String> = months.iter().map(|r| r[0].to_string()).collect();
        for m in ["2025年4月", "2025年5月", "2025年6月"] {
            assert!(labels.iter().any(|l| l == m), "{m} missing: {labels:?}");
        }
        let signed_col = months[1]
            .iter()
            .position(|c| c.to_string().starts_with("新签约合同投资额"))
            .expect("signed amount column");
        let by_month: f64 = months
            .iter()
            .filter(|r| r[0].to_string().starts_with("2025年"))
            .map(|r| calamine::DataType::as_f64(&r[signed_col]).expect("a number"))
            .sum();
        let headline = sheet(xlsx, "主要指标");
        let total = headline
            .iter()
            .find(|r| r[0] == "新签约合同投资额")
            .and_then(|r| calamine::DataType::as_f64(&r[2]))
            .expect("signed amount");
        assert!((by_month - total).abs() < 0.02, "{by_month} vs {total}");
    }
    // Funds in place over April–June: the 本月到位资金 of 巴南区's April, May and June
    // ledgers (every month from January is in the samples, so the span is known).
    let expected: f64 = ["2025-04", "2025-05", "2025-06"]
        .map(|m| funds_of_month("巴南区", m))
        .iter()
        .sum();
    let funds = sheet(&unit.1, "主要指标")
        .iter()
        .find(|r| r[0] == "实际到位资金")
        .and_then(|r| calamine::DataType::as_f64(&r[2]))
        .expect("funds in place over the span");
    assert!(
        (funds * 10_000.0 - expected).abs() < 0.01,
        "{funds} 亿元 vs the ledgers' {expected} 万元"
    );

    let text = extracted_text(&unit.0);
    assert!(text.contains("第7期"), "the issue number");
    assert!(
        text.contains("2025年4—6月巴南区招商引资工作情况"),
        "the subject line"
    );
    assert!(!text.contains("巴南区的"), "the unit named twice: {text}");
    // Ranks over the span say so; the league, year to date, says which months it ranks.
    assert!(
        text.contains("按2025年4—6月的数据，巴南区新签约合同投资额"),
        "{text}"
    );
    assert!(
        text.contains("按2025年1—6月累计数据的赛马榜综合评分"),
        "{text}"
    );

    let text = extracted_text(&group.0);
    // No 期号 unless given: the masthead's line goes straight to the issuer.
    assert!(
        text.contains("招商引资工作简报重庆市招商投资促进局"),
        "{text}"
    );
    // 主城都市区 (21 units) only among the league's groups and by its average per unit,
    // never against the two zones of 功能区.
    assert!(text.contains("平均每个单位新签约合同投资额"), "{text}");
    assert!(text.contains("在参加赛马排名的3个分组中"), "{text}");
    assert!(!text.contains("共4个"), "{text}");

    let text = extracted_text(&industry.0);
    assert!(text.contains("在16个产业类别中"), "{text}");
}
