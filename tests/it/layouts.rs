//! Every header and unit layout return-format v1 tolerates, written as real .xlsx files:
//! the figures read are the figures written, to the cent, or the return is refused or held
//! with the code that says why. The property test generates ledgers in every layout; the
//! named tests pin one layout each, and the samples under `samples/layouts/` (the same
//! layouts saved by LibreOffice as .xls and .ods) are checked against the values written.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tongbao::batch::{check_files, BatchOptions, FileReport};
use tongbao::config::Config;
use tongbao::diag::{Code, Severity};
use tongbao::lang::Lang;
use tongbao::model::{Period, UsdWan, Verdict, Wan};

use crate::support::*;

/// How a ledger's header is arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    /// One row: `本月到位资金`, `本年累计到位资金`…
    OneRow,
    /// `到位资金` over `本月` | `本年累计`, `实际使用外资` likewise.
    MeasureOverPeriod,
    /// `本月` over `到位资金` | `实际使用外资`, `本年累计` likewise.
    PeriodOverMeasure,
    /// `资金到位情况` over the measures over the periods.
    GroupOverMeasureOverPeriod,
}

/// Where the unit of RMB amounts is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitAt {
    /// In the titles: `合同投资额（亿元）`, `到位资金（亿元）` (the measure, whichever row).
    Title,
    /// In the group title over the funds (three-row header) and in 合同投资额's title.
    GroupTitle,
    /// A line above the header: `金额单位：亿元`.
    Line,
    /// A line beside the header stating both currencies: `单位：亿元、万美元`.
    LineWithUsd,
    /// A note row under the table: `注：本表金额单位为亿元`.
    Note,
    /// Nowhere: 万元 by the contract.
    Unstated,
}

/// The unit RMB amounts are typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Yuan,
    Wan,
    Yi,
}

impl Unit {
    fn word(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wan => "万元",
            Unit::Yi => "亿元",
        }
    }

    /// The number typed for an amount of `cents` hundredths of 万元, exact in decimal.
    fn typed(self, cents: i64) -> f64 {
        let text = match self {
            Unit::Yuan => (cents * 100).to_string(),
            Unit::Wan => format!("{}.{:02}", cents / 100, cents % 100),
            Unit::Yi => format!("{}.{:06}", cents / 1_000_000, cents % 1_000_000),
        };
        text.parse().unwrap_or(f64::NAN)
    }
}

/// One ledger layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub header: Header,
    /// Merge records for merged titles; without them a blank parent cell continues the
    /// parent to its left.
    pub merges: bool,
    pub unit_at: UnitAt,
    pub unit: Unit,
    /// The year-to-date word: 本年累计, 1-6月累计, 累计.
    pub ytd_word: &'static str,
}

/// One project's figures: hundredths of 万元 (RMB) and of 万美元 (foreign capital).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub contract: i64,
    pub funds_month: i64,
    pub funds_ytd: i64,
    pub fdi_month: i64,
    pub fdi_ytd: i64,
}

/// The money columns, in the order a layout writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Money {
    FundsMonth,
    FundsYtd,
    FdiMonth,
    FdiYtd,
}

impl Layout {
    fn header_rows(self) -> usize {
        match self.header {
            Header::OneRow => 1,
            Header::MeasureOverPeriod | Header::PeriodOverMeasure => 2,
            Header::GroupOverMeasureOverPeriod => 3,
        }
    }

    fn money_order(self) -> [Money; 4] {
        match self.header {
            Header::PeriodOverMeasure => [
                Money::FundsMonth,
                Money::FdiMonth,
                Money::FundsYtd,
                Money::FdiYtd,
            ],
            _ => [
                Money::FundsMonth,
                Money::FundsYtd,
                Money::FdiMonth,
                Money::FdiYtd,
            ],
        }
    }

    /// `（亿元）` where the titles state the unit.
    fn title_unit(self) -> String {
        match self.unit_at {
            UnitAt::Title | UnitAt::GroupTitle => format!("（{}）", self.unit.word()),
            _ => String::new(),
        }
    }

    fn funds_measure_unit(self) -> String {
        match self.unit_at {
            UnitAt::Title => format!("（{}）", self.unit.word()),
            _ => String::new(),
        }
    }

    /// The ledger sheet: a title row, the unit line if any, the header, the projects and
    /// the note row if any.
    pub fn ledger(self, projects: &[(String, String, String, Figures)]) -> Sheet {
        use V::*;
        const FIXED: [&str; 6] = [
            "序号",
            "项目名称",
            "投资方",
            "产业类别",
            "项目进展",
            "签约日期",
        ];
        let width = FIXED.len() + 5;
        let money_col = FIXED.len() + 1;
        let mut rows: Vec<Vec<V>> = vec![vec![s("招商引资项目明细表")]];
        let mut merges = Vec::new();
        if self.merges {
            merges.push((0, 0, 0, (width - 1) as u16));
        }
        match self.unit_at {
            UnitAt::Line => rows.push(vec![s(&format!("金额单位：{}", self.unit.word()))]),
            UnitAt::LineWithUsd => {
                let mut line = vec![E; width];
                line[width - 1] = s(&format!("单位：{}、万美元", self.unit.word()));
                rows.push(line);
            }
            _ => {}
        }
        let h0 = rows.len();
        let n = self.header_rows();
        let mut header = vec![vec![E; width]; n];
        for (c, title) in FIXED.iter().enumerate() {
            header[0][c] = s(title);
        }
        header[0][FIXED.len()] = s(&format!("合同投资额{}", self.title_unit()));
        let funds = format!("到位资金{}", self.funds_measure_unit());
        let fdi = if self.unit_at == UnitAt::Title {
            "实际使用外资（万美元）"
        } else {
            "实际使用外资"
        };
        let ytd = self.ytd_word;
        let m = money_col;
        match self.header {
            Header::OneRow => {
                header[0][m] = s(&format!("本月{funds}"));
                header[0][m + 1] = s(&format!("{ytd}{funds}"));
                header[0][m + 2] = s(&format!("本月{fdi}"));
                header[0][m + 3] = s(&format!("{ytd}{fdi}"));
            }
            Header::MeasureOverPeriod | Header::GroupOverMeasureOverPeriod => {
                let top = n - 2;
                if self.header == Header::GroupOverMeasureOverPeriod {
                    let unit = match self.unit_at {
                        UnitAt::GroupTitle => format!("（{}）", self.unit.word()),
                        _ => String::new(),
                    };
                    header[0][m] = s(&format!("资金到位情况{unit}"));
                    merges.push(((h0) as u32, m as u16, h0 as u32, (m + 3) as u16));
                }
                header[top][m] = s(&funds);
                header[top][m + 2] = s(fdi);
                for c in [m, m + 2] {
                    merges.push((
                        (h0 + top) as u32,
                        c as u16,
                        (h0 + top) as u32,
                        (c + 1) as u16,
                    ));
                    header[top + 1][c] = s("本月");
                    header[top + 1][c + 1] = s(ytd);
                }
            }
            Header::PeriodOverMeasure => {
                for (c, period) in [(m, "本月"), (m + 2, ytd)] {
                    header[0][c] = s(period);
                    merges.push((h0 as u32, c as u16, h0 as u32, (c + 1) as u16));
                    header[1][c] = s(&funds);
                    header[1][c + 1] = s(fdi);
                }
            }
        }
        // Single titles span every header row.
        if n > 1 {
            for c in 0..=FIXED.len() {
                merges.push((h0 as u32, c as u16, (h0 + n - 1) as u32, c as u16));
            }
        }
        rows.extend(header);
        for (i, (name, investor, industry, f)) in projects.iter().enumerate() {
            let mut row = vec![
                N((i + 1) as f64),
                s(name),
                s(investor),
                s(industry),
                s("已签约"),
                D(2025, 6, (i % 28 + 1) as u8),
                N(self.unit.typed(f.contract)),
            ];
            for money in self.money_order() {
                row.push(match money {
                    Money::FundsMonth => N(self.unit.typed(f.funds_month)),
                    Money::FundsYtd => N(self.unit.typed(f.funds_ytd)),
                    Money::FdiMonth => N(Unit::Wan.typed(f.fdi_month)),
                    Money::FdiYtd => N(Unit::Wan.typed(f.fdi_ytd)),
                });
            }
            rows.push(row);
        }
        if self.unit_at == UnitAt::Note {
            rows.push(vec![]);
            rows.push(vec![s(&format!("注：本表金额单位为{}", self.unit.word()))]);
        }
        if !self.merges {
            merges.clear();
        }
        let mut sheet = Sheet::new("项目明细", rows);
        sheet.merges = merges;
        sheet
    }
}

/// A return of `unit` for 2025-06 with this ledger.
pub fn layout_return(unit: &str, code: &str, ledger: Sheet) -> Vec<u8> {
    let info = Sheet::new(
        "基本信息",
        vec![
            vec![s("填报单位"), s(unit)],
            vec![s("行政区划代码"), s(code)],
            vec![s("报告期"), s("2025年6月")],
            vec![s("填报人"), s("王五")],
        ],
    );
    xlsx(&[info, ledger])
}

/// The projects' figures as read, in ledger order.
fn figures_read(r: &FileReport) -> Vec<Figures> {
    r.parsed
        .iter()
        .flat_map(|p| p.ledger.iter())
        .flat_map(|l| l.projects.iter())
        .map(|p| Figures {
            contract: p.contract_amount.map_or(-1, |a| a.cents()),
            funds_month: p.funds_month.cents(),
            funds_ytd: p.funds_ytd.cents(),
            fdi_month: p.fdi_month.cents(),
            fdi_ytd: p.fdi_ytd.cents(),
        })
        .collect()
}

/// Accepted with no finding above a note, and every figure as written: per project, and
/// summed into the period figures.
fn assert_read_exactly(r: &FileReport, written: &[Figures]) {
    assert_eq!(codes(r, Severity::Warning), vec![], "{:#?}", r.diagnostics);
    assert_eq!(figures_read(r), written);
    let f = r.figures.as_ref().expect("figures");
    let sum = |g: fn(&Figures) -> i64| written.iter().map(g).sum::<i64>();
    assert_eq!(f.month.funds_in_place, Wan(sum(|p| p.funds_month)));
    assert_eq!(f.ytd.funds_in_place, Wan(sum(|p| p.funds_ytd)));
    assert_eq!(f.month.fdi_usd, UsdWan(sum(|p| p.fdi_month)));
    assert_eq!(f.ytd.fdi_usd, UsdWan(sum(|p| p.fdi_ytd)));
    assert_eq!(f.month.signed_amount, Wan(sum(|p| p.contract)));
}

const PROJECTS: [(&str, &str, &str); 4] = [
    ("新材料产业园", "甲材料有限公司", "先进材料"),
    ("智能装备基地", "乙装备股份公司", "智能装备及智能制造"),
    ("软件园", "丙科技有限公司", "软件信息服务"),
    ("合金新材料项目", "丁能源集团", "先进材料"),
];

fn standard_figures() -> Vec<Figures> {
    vec![
        Figures {
            contract: 5_200_000,
            funds_month: 120_050,
            funds_ytd: 300_000,
            fdi_month: 0,
            fdi_ytd: 0,
        },
        Figures {
            contract: 800_000,
            funds_month: 50_000,
            funds_ytd: 250_000,
            fdi_month: 0,
            fdi_ytd: 0,
        },
        Figures {
            contract: 1_500_000,
            funds_month: 0,
            funds_ytd: 0,
            fdi_month: 5_000,
            fdi_ytd: 12_000,
        },
        Figures {
            contract: 2_345_678,
            funds_month: 1_234,
            funds_ytd: 98_765,
            fdi_month: 1,
            fdi_ytd: 2_501,
        },
    ]
}

fn with_names(figures: &[Figures]) -> Vec<(String, String, String, Figures)> {
    PROJECTS
        .iter()
        .cycle()
        .zip(figures)
        .enumerate()
        .map(|(i, ((n, inv, ind), f))| {
            // Distinct identities when the projects outnumber the names.
            (
                format!("{n}{}", i / 4),
                inv.to_string(),
                ind.to_string(),
                *f,
            )
        })
        .collect()
}

fn check_layout(layout: Layout, figures: &[Figures]) -> FileReport {
    let bytes = layout_return("巴南区", "500113", layout.ledger(&with_names(figures)));
    check_bytes("巴南区.xlsx", &bytes)
}

fn layout(header: Header, merges: bool, unit_at: UnitAt, unit: Unit) -> Layout {
    Layout {
        header,
        merges,
        unit_at,
        unit,
        ytd_word: "本年累计",
    }
}

#[test]
fn two_row_header_with_the_unit_in_the_merged_measure() {
    // The return: 到位资金（万元） merged over 本月 | 本年累计, the same for
    // 实际使用外资（万美元）; it used to be read with no funds and no foreign capital.
    let l = layout(Header::MeasureOverPeriod, true, UnitAt::Title, Unit::Wan);
    assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
}

#[test]
fn two_row_header_in_yi_with_the_unit_in_the_measure_applies_to_its_periods() {
    for merges in [true, false] {
        let l = layout(Header::MeasureOverPeriod, merges, UnitAt::Title, Unit::Yi);
        assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
    }
}

#[test]
fn period_over_measure_with_and_without_merges() {
    for merges in [true, false] {
        let l = layout(
            Header::PeriodOverMeasure,
            merges,
            UnitAt::Unstated,
            Unit::Wan,
        );
        assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
    }
}

#[test]
fn three_row_header_with_the_unit_in_the_group_title() {
    for merges in [true, false] {
        let l = Layout {
            ytd_word: "1-6月累计",
            ..layout(
                Header::GroupOverMeasureOverPeriod,
                merges,
                UnitAt::GroupTitle,
                Unit::Yi,
            )
        };
        // Without merge records the group title's unit carries over the blank cells to
        // its right, across the funds columns of its group.
        assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
        let l = Layout {
            unit_at: UnitAt::Title,
            ..l
        };
        assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
    }
}

#[test]
fn unit_line_above_the_table_converts_unit_less_titles() {
    // Amounts typed in 亿元 under 金额单位：亿元 and titles without a unit used to be read
    // as 万元, 10,000 times too small.
    let l = layout(Header::OneRow, true, UnitAt::Line, Unit::Yi);
    assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
    let l = layout(
        Header::MeasureOverPeriod,
        true,
        UnitAt::LineWithUsd,
        Unit::Yuan,
    );
    assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
}

#[test]
fn unit_note_under_the_table_converts_the_amounts_and_is_no_ignored_row() {
    let l = layout(Header::OneRow, true, UnitAt::Note, Unit::Yi);
    let r = check_layout(l, &standard_figures());
    assert_read_exactly(&r, &standard_figures());
    assert!(!codes(&r, Severity::Info).contains(&Code::RowIgnored));
}

#[test]
fn a_unit_line_stating_only_rmb_leaves_foreign_capital_in_wan_usd() {
    // 金额单位：亿元 says nothing of dollars: 实际使用外资 stays in 万美元.
    let l = layout(Header::PeriodOverMeasure, false, UnitAt::Line, Unit::Yi);
    assert_read_exactly(&check_layout(l, &standard_figures()), &standard_figures());
}

/// The ledger of the standard figures in one row with the given titles and a line above.
fn one_row_ledger(titles: [&str; 5], line: Option<&str>) -> Sheet {
    let l = layout(Header::OneRow, true, UnitAt::Unstated, Unit::Wan);
    let mut sheet = l.ledger(&with_names(&standard_figures()));
    let header_row = usize::from(line.is_some()) + 1;
    if let Some(line) = line {
        sheet.rows.insert(1, vec![s(line)]);
    }
    for (i, t) in titles.iter().enumerate() {
        sheet.rows[header_row][6 + i] = s(t);
    }
    sheet
}

const TITLES: [&str; 5] = [
    "合同投资额",
    "本月到位资金",
    "本年累计到位资金",
    "本月实际使用外资",
    "本年累计实际使用外资",
];

#[test]
fn e_unit_conflict_title_against_unit_line() {
    let mut titles = TITLES;
    titles[0] = "合同投资额（万元）";
    let bytes = layout_return(
        "巴南区",
        "500113",
        one_row_ledger(titles, Some("金额单位：亿元")),
    );
    let r = check_bytes("巴南区.xlsx", &bytes);
    assert!(r.rejected());
    assert_eq!(only(&r, Code::UnitConflict), (Some("G3".into()), None));
    let d = r
        .diagnostics
        .0
        .iter()
        .find(|d| d.code == Code::UnitConflict)
        .expect("conflict");
    assert_eq!(
        d.message(Lang::Zh),
        "“合同投资额（万元）”的单位有两种说法：列名“合同投资额（万元）”（项目明细!G3），又有 单位说明“金额单位：亿元”（项目明细!A2）"
    );
    assert!(d
        .message(Lang::En)
        .contains("the unit statement \"金额单位：亿元\" (项目明细!A2)"));
}

#[test]
fn e_unit_conflict_between_two_unit_lines() {
    let mut sheet = one_row_ledger(TITLES, Some("单位：万元"));
    let last = sheet.rows.len();
    sheet.rows.insert(last, vec![s("注：本表金额单位为亿元")]);
    let r = check_bytes("巴南区.xlsx", &layout_return("巴南区", "500113", sheet));
    assert!(r.rejected());
    let (cell, _) = only(&r, Code::UnitConflict);
    assert_eq!(cell, Some("A8".into()));
}

#[test]
fn a_unit_line_agreeing_with_the_titles_is_no_conflict() {
    let mut titles = TITLES;
    titles[0] = "合同投资额（万元）";
    titles[3] = "本月实际使用外资（万美元）";
    let sheet = one_row_ledger(titles, Some("单位：万元、万美元"));
    let r = check_bytes("巴南区.xlsx", &layout_return("巴南区", "500113", sheet));
    assert_read_exactly(&r, &standard_figures());
}

#[test]
fn a_title_unit_of_the_other_currency_is_unmapped() {
    let mut titles = TITLES;
    titles[3] = "本月实际使用外资（万元）";
    let sheet = one_row_ledger(titles, None);
    let r = check_bytes("巴南区.xlsx", &layout_return("巴南区", "500113", sheet));
    assert!(r.rejected());
    assert_eq!(
        only(&r, Code::ColumnUnmapped),
        (Some("J2".into()), Some("本月实际使用外资（万元）".into()))
    );
}

#[test]
fn e_column_unmapped_a_figure_without_its_period() {
    let mut titles = TITLES;
    titles[1] = "到位资金（万元）";
    let sheet = one_row_ledger(titles, None);
    let r = check_bytes("巴南区.xlsx", &layout_return("巴南区", "500113", sheet));
    assert!(r.rejected());
    assert_eq!(
        only(&r, Code::ColumnUnmapped),
        (Some("H2".into()), Some("到位资金（万元）".into()))
    );
    let d = r
        .diagnostics
        .0
        .iter()
        .find(|d| d.code == Code::ColumnUnmapped)
        .expect("unmapped");
    let zh = d.message(Lang::Zh);
    assert!(
        zh.contains("写的是“到位资金”") && zh.contains("本月"),
        "{zh}"
    );
    assert!(d.hint(Lang::Zh).contains("本月到位资金、本年累计到位资金"));
    assert!(!d.message(Lang::En).is_empty());
}

#[test]
fn e_column_unmapped_planned_investment_and_a_second_funds_column() {
    let sheet = one_row_ledger(TITLES, None);
    let mut sheet = sheet;
    sheet.rows[1].push(s("计划总投资"));
    sheet.rows[1].push(s("到位资金本月"));
    sheet.rows[1].push(s("是否外资企业"));
    let r = check_bytes("巴南区.xlsx", &layout_return("巴南区", "500113", sheet));
    assert!(r.rejected());
    let unmapped: Vec<_> = r
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == Code::ColumnUnmapped)
        .map(|d| (d.cell_a1(), d.value.clone()))
        .collect();
    assert_eq!(
        unmapped,
        [
            (Some("L2".into()), Some("计划总投资".into())),
            (Some("M2".into()), Some("到位资金本月".into()))
        ]
    );
    // A column naming no figure stays a note.
    assert_eq!(
        only(&r, Code::UnknownColumn),
        (Some("N2".into()), Some("是否外资企业".into()))
    );
}

#[test]
fn v_magnitude_amounts_typed_in_yi_under_wan_titles_are_held() {
    // 亿元 figures under titles that say 万元: the median contract is 2.35 万元.
    let typed_in_yi: Vec<Figures> = standard_figures()
        .iter()
        .map(|f| Figures {
            contract: f.contract / 10_000,
            funds_month: f.funds_month / 10_000,
            funds_ytd: f.funds_ytd / 10_000,
            ..*f
        })
        .collect();
    let l = layout(Header::OneRow, true, UnitAt::Title, Unit::Wan);
    let r = check_layout(l, &typed_in_yi);
    assert_eq!(r.verdict(), Verdict::Held, "a hold is not a refusal");
    let holds: Vec<_> = r
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity() == Severity::Hold)
        .collect();
    assert_eq!(holds.len(), 1, "{holds:#?}");
    assert_eq!(holds[0].code, Code::HoldMagnitude);
    assert_eq!(
        holds[0].message(Lang::Zh),
        // 5.20, 0.80, 1.50 and 2.34 万元 as read: the median is (1.50 + 2.34) / 2.
        "金额大小与所写单位不符：已签约项目合同投资额中位数为 1.92 万元，低于 10 万元：金额可能是以亿元填写的"
    );
}

#[test]
fn v_magnitude_funds_far_above_the_contract_are_held() {
    let mut figures = standard_figures();
    figures[1].funds_month = 0;
    figures[1].funds_ytd = figures[1].contract * 101;
    let l = layout(Header::OneRow, true, UnitAt::Unstated, Unit::Wan);
    let r = check_layout(l, &figures);
    assert_eq!(r.verdict(), Verdict::Held);
    assert_eq!(
        only(&r, Code::HoldMagnitude),
        (Some("I4".into()), Some("808000.00 万元".into()))
    );
}

fn any_layout() -> impl Strategy<Value = Layout> {
    (
        prop_oneof![
            Just(Header::OneRow),
            Just(Header::MeasureOverPeriod),
            Just(Header::PeriodOverMeasure),
            Just(Header::GroupOverMeasureOverPeriod),
        ],
        any::<bool>(),
        prop_oneof![
            Just(UnitAt::Title),
            Just(UnitAt::GroupTitle),
            Just(UnitAt::Line),
            Just(UnitAt::LineWithUsd),
            Just(UnitAt::Note),
            Just(UnitAt::Unstated),
        ],
        prop_oneof![Just(Unit::Yuan), Just(Unit::Wan), Just(Unit::Yi)],
        prop_oneof![Just("本年累计"), Just("1-6月累计"), Just("累计")],
    )
        .prop_map(|(header, merges, unit_at, unit, ytd_word)| {
            // A group title exists only over three rows; without merge records its unit
            // carries over the blank cells to its right, across its group.
            let unit_at = match unit_at {
                UnitAt::GroupTitle if header != Header::GroupOverMeasureOverPeriod => UnitAt::Title,
                u => u,
            };
            let unit = if unit_at == UnitAt::Unstated {
                Unit::Wan
            } else {
                unit
            };
            Layout {
                header,
                merges,
                unit_at,
                unit,
                ytd_word,
            }
        })
}

/// Figures below every plausibility limit: contracts of 100 万元 to 90 亿元, funds within
/// the contract, month within year to date.
fn any_figures() -> impl Strategy<Value = Figures> {
    (
        10_000i64..=90_000_000,
        0u32..=100,
        0u32..=100,
        0i64..=10_000_000,
        0u32..=100,
    )
        .prop_map(|(contract, ytd_share, month_share, fdi_ytd, fdi_share)| {
            let funds_ytd = contract * i64::from(ytd_share) / 100;
            Figures {
                contract,
                funds_month: funds_ytd * i64::from(month_share) / 100,
                funds_ytd,
                fdi_month: fdi_ytd * i64::from(fdi_share) / 100,
                fdi_ytd,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_layout_reads_the_figures_written(
        layout in any_layout(),
        figures in proptest::collection::vec(any_figures(), 3..7),
    ) {
        let r = check_layout(layout, &figures);
        prop_assert_eq!(codes(&r, Severity::Warning), vec![], "{:?} {:#?}", layout, r.diagnostics);
        prop_assert_eq!(figures_read(&r), figures.clone(), "{:?}", layout);
        let f = r.figures.as_ref().expect("figures");
        prop_assert_eq!(f.ytd.funds_in_place, Wan(figures.iter().map(|p| p.funds_ytd).sum()));
        prop_assert_eq!(f.ytd.fdi_usd, UsdWan(figures.iter().map(|p| p.fdi_ytd).sum()));
    }
}

/// The layout samples: file stem, unit, code, layout, and whether amounts are typed in
/// 亿元 under 万元 titles (the return that must be held).
type SampleSpec = (&'static str, &'static str, &'static str, Layout, bool);

fn sample_specs() -> [SampleSpec; 4] {
    [
        (
            "两行表头-指标在上-渝中区-2025-06",
            "渝中区",
            "500103",
            layout(Header::MeasureOverPeriod, true, UnitAt::Title, Unit::Wan),
            false,
        ),
        (
            "两行表头-期别在上-无合并-大渡口区-2025-06",
            "大渡口区",
            "500104",
            Layout {
                ytd_word: "1-6月累计",
                ..layout(
                    Header::PeriodOverMeasure,
                    false,
                    UnitAt::Unstated,
                    Unit::Wan,
                )
            },
            false,
        ),
        (
            "单位行-亿元-江北区-2025-06",
            "江北区",
            "500105",
            layout(Header::OneRow, true, UnitAt::Line, Unit::Yi),
            false,
        ),
        (
            "V-MAGNITUDE-亿元填在万元列-沙坪坝区-2025-06",
            "沙坪坝区",
            "500106",
            layout(Header::OneRow, true, UnitAt::Title, Unit::Wan),
            true,
        ),
    ]
}

/// What a sample's ledger states, in 万元 as the sheet means it.
fn sample_figures(typed_in_yi: bool) -> Vec<Figures> {
    let f = standard_figures();
    if !typed_in_yi {
        return f;
    }
    f.iter()
        .map(|p| Figures {
            contract: p.contract / 10_000,
            funds_month: p.funds_month / 10_000,
            funds_ytd: p.funds_ytd / 10_000,
            ..*p
        })
        .collect()
}

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/layouts")
}

/// Writes the .xlsx layout samples; `scripts/make-layout-samples.sh` runs this and saves
/// each as .xls and .ods with LibreOffice.
#[test]
#[ignore]
fn write_layout_samples() {
    let names = [
        ("两江数据中心", "重庆两江数据科技有限公司", "软件信息服务"),
        (
            "新能源汽车零部件基地",
            "甲汽车零部件有限公司",
            "智能网联新能源汽车",
        ),
        ("生物医药产业园", "乙生物医药股份公司", "生物医药"),
        ("轻合金材料项目", "丙轻合金集团", "轻合金材料"),
    ];
    std::fs::create_dir_all(samples_dir()).expect("samples/layouts");
    for (stem, unit, code, layout, typed_in_yi) in sample_specs() {
        let projects: Vec<_> = names
            .iter()
            .zip(sample_figures(typed_in_yi))
            .map(|((n, i, ind), f)| (n.to_string(), i.to_string(), ind.to_string(), f))
            .collect();
        let bytes = layout_return(unit, code, layout.ledger(&projects));
        std::fs::write(samples_dir().join(format!("{stem}.xlsx")), bytes).expect("write");
    }
}

#[test]
fn layout_samples_in_every_container_read_exactly_or_are_held() {
    let cfg = Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/tongbao.toml"))
        .expect("samples config");
    let mut checked = 0;
    for (stem, unit, _, _, typed_in_yi) in sample_specs() {
        for ext in ["xlsx", "xls", "ods"] {
            let path = samples_dir().join(format!("{stem}.{ext}"));
            let batch = check_files(
                std::slice::from_ref(&path),
                &cfg,
                &BatchOptions {
                    period: Period::new(2025, 6),
                    lang: Lang::Zh,
                    keep_bytes: false,
                },
            );
            let r = &batch.files[0];
            assert_eq!(
                r.unit().map(|u| u.name.as_str()),
                Some(unit),
                "{stem}.{ext}"
            );
            let written = sample_figures(typed_in_yi);
            if typed_in_yi {
                assert_eq!(
                    r.verdict(),
                    Verdict::Held,
                    "{stem}.{ext}: {:#?}",
                    r.diagnostics
                );
                assert_eq!(
                    codes(r, Severity::Hold),
                    vec![Code::HoldMagnitude],
                    "{stem}.{ext}"
                );
                assert_eq!(figures_read(r), written, "{stem}.{ext}");
            } else {
                assert_read_exactly(r, &written);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

/// A two-row header without merge records: the fixed titles in row 1, `group` over
/// columns G and H in G1 (H1 left blank, as Excel's centre-across-selection leaves it),
/// `children` in G2 and H2, and 合同投资额 in I1 or, `contract_below`, in I2 under a blank
/// I1. Two projects with the money `cells` as typed (G, H, I).
fn unmerged_group(
    group: &str,
    children: [&str; 2],
    contract_below: bool,
    cells: [[f64; 3]; 2],
) -> FileReport {
    use V::*;
    let fixed = [
        "序号",
        "项目名称",
        "投资方",
        "产业类别",
        "项目进展",
        "签约日期",
    ];
    let mut top: Vec<V> = fixed.iter().map(|t| s(t)).collect();
    let mut below = vec![E; fixed.len()];
    top.extend([s(group), E]);
    below.extend([s(children[0]), s(children[1])]);
    if contract_below {
        top.push(E);
        below.push(s("合同投资额"));
    } else {
        top.push(s("合同投资额"));
        below.push(E);
    }
    let mut rows = vec![vec![s("招商引资项目明细表")], top, below];
    for (i, c) in cells.iter().enumerate() {
        let mut row = vec![
            N((i + 1) as f64),
            s(&format!("项目{i}")),
            s(&format!("投资方{i}")),
            s("先进材料"),
            s("已签约"),
            D(2025, 6, 10),
        ];
        row.extend(c.iter().map(|x| N(*x)));
        rows.push(row);
    }
    check_bytes(
        "巴南区.xlsx",
        &layout_return("巴南区", "500113", Sheet::new("项目明细", rows)),
    )
}

#[test]
fn an_unmerged_group_title_carries_its_unit_over_the_blank_cells_of_its_group() {
    // `资金到位情况（亿元）` centred across G1:H1 without a merge: both funds columns are in
    // 亿元, in either order; 合同投资额 beside the group stays in 万元.
    let cells = [[0.05, 0.01, 20000.0], [0.09, 0.02, 50000.0]];
    for (children, contract_below) in [
        (["本年累计到位资金", "本月到位资金"], false),
        (["本年累计到位资金", "本月到位资金"], true),
    ] {
        let r = unmerged_group("资金到位情况（亿元）", children, contract_below, cells);
        assert!(r.accepted(), "{children:?}: {:#?}", r.diagnostics.0);
        let f = r.figures.expect("figures");
        assert_eq!(f.ytd.funds_in_place, Wan(1400 * 100), "{children:?}");
        assert_eq!(f.month.funds_in_place, Wan(300 * 100), "{children:?}");
        assert_eq!(f.ytd.signed_amount, Wan(70000 * 100), "{contract_below}");
    }
    // The month column first: read in 亿元 too, not refused as E-YTD-BELOW-MONTH.
    let month_first = [[0.01, 0.05, 20000.0], [0.02, 0.09, 50000.0]];
    let r = unmerged_group(
        "资金到位情况（亿元）",
        ["本月到位资金", "本年累计到位资金"],
        false,
        month_first,
    );
    assert!(r.accepted(), "{:#?}", r.diagnostics.0);
    let f = r.figures.expect("figures");
    assert_eq!(f.ytd.funds_in_place, Wan(1400 * 100));
    assert_eq!(f.month.funds_in_place, Wan(300 * 100));
}

#[test]
fn an_unmerged_group_title_does_not_run_over_a_column_naming_its_own_unit() {
    // H2 says 万元: the group's 亿元 does not reach it, and no conflict is made up.
    let cells = [[0.05, 100.0, 20000.0], [0.09, 200.0, 50000.0]];
    let r = unmerged_group(
        "资金到位情况（亿元）",
        ["本年累计到位资金", "本月到位资金（万元）"],
        false,
        cells,
    );
    assert!(r.accepted(), "{:#?}", r.diagnostics.0);
    let f = r.figures.expect("figures");
    assert_eq!(f.ytd.funds_in_place, Wan(1400 * 100));
    assert_eq!(f.month.funds_in_place, Wan(300 * 100));
}
