//! The consolidated workbook (通报-YYYY-MM.xlsx): written from a bulletin computed on
//! hand-made returns, read back with calamine.

use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use chrono::NaiveDate;
use tongbao::aggregate::{compute, Bulletin, ReturnStatus, UnitInput};
use tongbao::archive::StoredDiagnostic;
use tongbao::config::Config;
use tongbao::model::{FundsSource, Period, Project, ProjectKind, Stage, UsdWan, Wan};
use tongbao::render::xlsx::workbook;

use crate::archived::stored_with_warnings;
use crate::support::CONFIG;

const JUNE: Period = Period {
    year: 2025,
    month: 6,
};

/// The test roster plus a fourth unit, 綦江区, that never reports.
fn roster() -> Config {
    let text =
        format!("{CONFIG}\n[[unit]]\ncode = \"500110\"\nname = \"綦江区\"\ngroup = \"区\"\n");
    Config::from_str(&text, Path::new("tongbao.toml")).expect("test roster parses")
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A signed project of `amount` 万元 with `funds` 万元 in place this year.
fn project(
    name: &str,
    investor: &str,
    industry: &str,
    signed_on: Option<NaiveDate>,
    amount: i64,
    funds: i64,
) -> Project {
    Project {
        row: 2,
        id: None,
        name: name.into(),
        investor: investor.into(),
        origin: Some("江苏南京".into()),
        funds_source: Some(FundsSource::OutOfProvince),
        industry: industry.into(),
        kind: Some(ProjectKind::New),
        stage: Stage::Signed,
        signed_on,
        contract_amount: Some(Wan::from_units(amount)),
        contract_fdi: UsdWan::ZERO,
        started_on: None,
        funds_month: Wan::ZERO,
        funds_ytd: Wan::from_units(funds),
        fdi_month: UsdWan::ZERO,
        fdi_ytd: UsdWan::ZERO,
        fortune500: Some(false),
        note: None,
    }
}

/// 巴南区 and 渝中区 report (巴南区 also a year ago), 两江新区 is rejected, 綦江区 missing.
pub(crate) fn bulletin() -> (Bulletin, Config) {
    let cfg = roster();
    let mut started = project(
        "新材料产业园",
        "甲材料有限公司",
        "先进材料",
        date(2025, 6, 10),
        52_000,
        3_000,
    );
    started.stage = Stage::Started;
    started.started_on = date(2025, 6, 20);
    let banan = vec![
        started,
        project(
            "=1+1",
            "+86 投资有限公司",
            "软件信息服务",
            date(2025, 6, 1),
            15_000,
            0,
        ),
        project(
            "智能装备基地",
            "@乙装备",
            "智能装备及智能制造",
            date(2025, 3, 5),
            8_000,
            2_500,
        ),
    ];
    let warning = StoredDiagnostic {
        severity: "warning".into(),
        code: "W-FUNDS-ABOVE-CONTRACT".into(),
        sheet: Some("项目明细".into()),
        cell: Some("N5".into()),
        value: Some("9000".into()),
        message_zh: "到位资金超过合同投资额".into(),
        message_en: "funds above the contract amount".into(),
    };
    let yuzhong = vec![project(
        "软件园",
        "丙科技",
        "软件信息服务",
        date(2025, 5, 12),
        4_321,
        1_234,
    )];
    let banan_last_year = vec![project(
        "旧项目",
        "丁公司",
        "先进材料",
        date(2024, 4, 1),
        40_000,
        1_000,
    )];
    let inputs = vec![
        UnitInput {
            code: "500113".into(),
            status: ReturnStatus::Accepted,
            current: Some(stored_with_warnings("500113", JUNE, banan, vec![warning])),
            last_year: Some(
                tongbao::model::PeriodFigures::from_ledger(&banan_last_year, JUNE.year_earlier())
                    .ytd,
            ),
            confirmation: None,
        },
        UnitInput {
            code: "500103".into(),
            status: ReturnStatus::Accepted,
            current: Some(stored_with_warnings("500103", JUNE, yuzhong, vec![])),
            last_year: None,
            confirmation: None,
        },
        UnitInput {
            code: "LJXQ".into(),
            status: ReturnStatus::Rejected,
            current: None,
            last_year: None,
            confirmation: None,
        },
        UnitInput {
            code: "500110".into(),
            status: ReturnStatus::Missing,
            current: None,
            last_year: None,
            confirmation: None,
        },
    ];
    (compute(&cfg, JUNE, &inputs), cfg)
}

fn book() -> (Bulletin, Xlsx<Cursor<Vec<u8>>>) {
    let (b, cfg) = bulletin();
    let bytes = workbook(&b, &[], &cfg).expect("workbook");
    let xlsx = open_workbook_from_rs(Cursor::new(bytes)).expect("calamine reads the workbook");
    (b, xlsx)
}

fn sheet(xlsx: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    xlsx.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text_at(r: &Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    }
}

fn number_at(r: &Range<Data>, row: u32, col: u32) -> f64 {
    match r.get_value((row, col)) {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => *x as f64,
        other => panic!("no number at ({row}, {col}): {other:?}"),
    }
}

/// The column whose title in `row` is `title` (long titles put their unit on a line of
/// its own).
fn column(r: &Range<Data>, row: u32, title: &str) -> u32 {
    (0..r.width() as u32)
        .find(|&c| text_at(r, row, c).replace('\n', "") == title)
        .unwrap_or_else(|| panic!("no column {title}"))
}

/// The first row whose cells in `cols` read `texts`.
fn row_where(r: &Range<Data>, cols: &[(u32, &str)]) -> u32 {
    (0..r.height() as u32)
        .find(|&row| cols.iter().all(|(c, t)| text_at(r, row, *c) == *t))
        .unwrap_or_else(|| panic!("no row with {cols:?}"))
}

#[test]
fn the_workbook_has_the_bulletins_sheets_in_order() {
    let (_, xlsx) = book();
    assert_eq!(
        xlsx.sheet_names(),
        [
            "总体情况",
            "赛马榜-区",
            "十强榜",
            "分单位",
            "分产业",
            "规模与来源",
            "图表",
            "亿元以上项目",
            "项目总表",
            "项目推进",
            "督办清单",
            "项目库",
            "报送情况",
            "数据说明"
        ]
    );
}

#[test]
fn a_units_ytd_contract_amount_is_shown_in_yi_yuan() {
    let (b, mut xlsx) = book();
    let r = sheet(&mut xlsx, "分单位");
    let name = column(&r, 1, "单位");
    let amount = column(&r, 1, "新签约合同投资额1—6月累计（亿元）");
    for unit in ["巴南区", "渝中区"] {
        let row = row_where(&r, &[(name, unit)]);
        let figures = b
            .units
            .iter()
            .find(|u| u.name == unit)
            .and_then(|u| u.ytd)
            .expect("accepted unit");
        let expected = figures.signed_amount.as_f64() / 10_000.0;
        let shown = number_at(&r, row, amount);
        assert!(
            (shown - expected).abs() < 0.005,
            "{unit}: {shown} vs {expected}"
        );
    }
    // 巴南区: 52000 + 15000 + 8000 万元 = 7.50 亿元.
    let row = row_where(&r, &[(name, "巴南区")]);
    assert!((number_at(&r, row, amount) - 7.5).abs() < 0.005);
}

#[test]
fn the_headline_amounts_are_the_totals_in_yi_yuan() {
    let (b, mut xlsx) = book();
    let r = sheet(&mut xlsx, "总体情况");
    let ytd = column(&r, 1, "1—6月累计");
    let row = row_where(&r, &[(0, "新签约合同投资额")]);
    assert_eq!(text_at(&r, row, 1), "亿元");
    let expected = b.total.ytd.signed_amount.as_f64() / 10_000.0;
    assert!((number_at(&r, row, ytd) - expected).abs() < 0.005);
}

#[test]
fn league_ranks_and_unranked_units_appear_as_computed() {
    let (b, mut xlsx) = book();
    let r = sheet(&mut xlsx, "赛马榜-区");
    let table = &b.league[0];
    assert_eq!(table.group, "区");
    let remark = column(&r, 1, "备注");
    for lr in &table.rows {
        let row = row_where(&r, &[(1, lr.name.as_str())]);
        match lr.rank {
            Some(rank) => {
                assert_eq!(number_at(&r, row, 0), f64::from(rank), "{}", lr.name);
                let score = lr.score.expect("ranked units have a score");
                assert!((number_at(&r, row, 2) - score).abs() < 0.005);
            }
            None => {
                assert_eq!(text_at(&r, row, 0), "—");
                assert_eq!(text_at(&r, row, remark), "未报送", "{}", lr.name);
            }
        }
    }
    // 巴南区 signed more than 渝中区 on every scored indicator.
    assert_eq!(number_at(&r, row_where(&r, &[(1, "巴南区")]), 0), 1.0);
    assert_eq!(number_at(&r, row_where(&r, &[(1, "渝中区")]), 0), 2.0);
    // The same ranks on 分单位.
    let units = sheet(&mut xlsx, "分单位");
    let rank = column(&units, 1, "组内名次");
    let name = column(&units, 1, "单位");
    let row = row_where(&units, &[(name, "渝中区")]);
    assert_eq!(number_at(&units, row, rank), 2.0);
}

#[test]
fn text_that_looks_like_a_formula_is_written_as_text() {
    let (_, mut xlsx) = book();
    let r = sheet(&mut xlsx, "亿元以上项目");
    let name = column(&r, 1, "项目名称");
    let investor = column(&r, 1, "投资方");
    let row = row_where(&r, &[(name, "=1+1")]);
    assert_eq!(r.get_value((row, name)), Some(&Data::String("=1+1".into())));
    assert_eq!(text_at(&r, row, investor), "+86 投资有限公司");
    let formulas = xlsx
        .worksheet_formula("亿元以上项目")
        .expect("formula range");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell holds a formula"
    );
}

#[test]
fn values_that_cannot_be_computed_show_a_dash() {
    let (_, mut xlsx) = book();
    let r = sheet(&mut xlsx, "分单位");
    let (name, status) = (column(&r, 1, "单位"), column(&r, 1, "报送状态"));
    let amount = column(&r, 1, "新签约合同投资额1—6月累计（亿元）");
    let yoy = column(&r, 1, "新签约合同投资额同比（%）");
    // 渝中区 has no return a year ago: no 同比.
    let row = row_where(&r, &[(name, "渝中区")]);
    assert_eq!(text_at(&r, row, yoy), "—");
    // 巴南区 has: 75000 ÷ 40000 − 1 = 87.5%.
    let row = row_where(&r, &[(name, "巴南区")]);
    assert!((number_at(&r, row, yoy) - 87.5).abs() < 0.05);
    // 綦江区 did not report: its figures are not reported, never 0.
    let row = row_where(&r, &[(name, "綦江区")]);
    assert_eq!(text_at(&r, row, status), "未报送");
    assert_eq!(text_at(&r, row, amount), "未报");
    // 两江新区's return was rejected: not counted, shown as "—".
    let row = row_where(&r, &[(name, "两江新区")]);
    assert_eq!(text_at(&r, row, amount), "—");
}

#[test]
fn status_and_data_notes_list_every_unit_and_warning() {
    let (_, mut xlsx) = book();
    let r = sheet(&mut xlsx, "报送情况");
    assert_eq!(
        text_at(&r, row_where(&r, &[(1, "两江新区")]), 4),
        "未通过审核"
    );
    assert_eq!(text_at(&r, row_where(&r, &[(1, "綦江区")]), 4), "未报送");
    // The same label as the PDF's (one label per status).
    assert_eq!(text_at(&r, row_where(&r, &[(1, "巴南区")]), 4), "已报送");
    let notes = sheet(&mut xlsx, "数据说明");
    let row = row_where(&notes, &[(1, "巴南区")]);
    assert_eq!(text_at(&notes, row, 2), "W-FUNDS-ABOVE-CONTRACT");
    assert_eq!(text_at(&notes, row, 3), "项目明细!N5");
    assert_eq!(text_at(&notes, row, 4), "到位资金超过合同投资额");
    assert!((0..notes.height() as u32).any(|row| text_at(&notes, row, 0) == "綦江区。"));
}

#[test]
fn the_same_bulletin_gives_the_same_bytes() {
    let (b, cfg) = bulletin();
    let first = workbook(&b, &[], &cfg).expect("workbook");
    let second = workbook(&b, &[], &cfg).expect("workbook");
    assert!(first == second, "two writes of one bulletin differ");
}
