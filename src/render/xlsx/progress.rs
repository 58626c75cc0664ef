//! The sheets of 重点项目推进情况: 项目推进 (conversion by unit and group, the PDF's table
//! and more), 督办清单 (the follow-up list, every project of it) and 项目库 (every project
//! of the register, one row each, with its funds in place year by year).
//!
//! Amounts are 万元 kept as numbers (a statistician sums them again); a figure a return
//! did not state is "未报", a value that does not apply (not started, a year the project
//! was not reported in) is "—"; dates are real dates, months (2025-06) labels.

use std::collections::BTreeSet;

use crate::aggregate::progress::{
    cohort_words, FollowUpEntry, Progress, ProgressFigures, RegisterLine,
};
use crate::aggregate::register::{FollowUpReason, Rate};
use crate::aggregate::{round1, Bulletin};
use crate::lang::Lang;
use crate::messages::follow_up_reason_label;
use crate::model::Period;

use super::grid::{Cell, Grid, Row};
use super::titles::titled;

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn label(s: impl Into<String>) -> Cell {
    Cell::Label(s.into())
}

fn ordinal(n: usize) -> Cell {
    Cell::Ordinal(i64::try_from(n).unwrap_or(i64::MAX))
}

fn count(n: usize) -> Cell {
    Cell::Count(i64::try_from(n).unwrap_or(i64::MAX))
}

fn month(p: Option<Period>) -> Cell {
    p.map_or(Cell::Dash, |p| label(p.to_string()))
}

/// A rate as percent with one decimal, null (—) for an empty cohort.
fn rate(r: &Rate) -> Cell {
    Cell::Pct(r.rate.map(|x| round1(x * 100.0)))
}

/// Months, one decimal (a median of an even count ends in .5); — when none.
fn median(m: Option<f64>) -> Cell {
    Cell::Pct(m)
}

/// The cells of one row of conversion figures, after its name.
fn figure_cells(f: &ProgressFigures) -> Vec<Cell> {
    let c = &f.conversion;
    vec![
        count(c.started.of),
        count(c.started.count),
        rate(&c.started),
        count(c.in_production.count),
        rate(&c.in_production),
        median(c.median_months_to_start),
        count(f.follow_up.stalled),
        count(f.follow_up.no_funds),
        count(f.follow_up.vanished),
        count(f.follow_up.total),
    ]
}

const FIGURE_TITLES: [&str; 10] = [
    "签约项目（个）",
    "已开工（个）",
    "开工率（%）",
    "已投产（个）",
    "投产率（%）",
    "签约至开工月数（中位数）",
    "督办：超期未开工（个）",
    "督办：开工无到位资金（个）",
    "督办：项目消失（个）",
    "督办合计（个）",
];

/// 项目推进: each unit's and group's 开工率 and 投产率 over the cohort, and how many of
/// their projects are on the follow-up list.
pub(super) fn conversion(b: &Bulletin, region: &str) -> Grid<'static> {
    let p = &b.progress;
    let mut g = Grid::new(
        "项目推进",
        format!(
            "{}签约项目推进情况（截至{}年{}月）",
            cohort_words(&p.cohort),
            b.period.year,
            b.period.month
        ),
    );
    let mut titles = vec!["单位".to_string(), "分组".to_string()];
    titles.extend(FIGURE_TITLES.iter().map(|t| t.to_string()));
    g.main_header(Row::header_owned(titles));
    g.freeze_cols = 1;
    g.header_wrap = 8;
    for u in &p.units {
        let mut cells = vec![text(&u.name), label(&u.group)];
        cells.extend(figure_cells(&u.figures));
        g.rows.push(Row::body(cells));
    }
    for gr in &p.groups {
        let mut cells = vec![label(format!("{}小计", gr.name)), Cell::Blank];
        cells.extend(figure_cells(&gr.figures));
        g.rows.push(Row::total(cells));
    }
    let mut cells = vec![label(format!("{region}合计")), Cell::Blank];
    cells.extend(figure_cells(&p.area));
    g.rows.push(Row::total(cells));
    g.rows.push(Row::note(format!(
        "注：签约项目为{}签约（以最近一次填报的签约日期为准）的项目；已开工为截至报告期填有开工日期或项目进展为已开工、已投产的项目，\
         已投产为项目进展为已投产或备注写明已投产的项目；签约至开工月数为签约月份至开工月份的自然月数，取中位数；\
         分组小计、合计按所含单位的项目合并计算（不是各单位比率的平均）；“—”表示无签约项目或无法计算。\
         督办：签约满{}个月未开工的亿元以上项目、已开工连续{}个月本月到位资金为0的项目、从本单位最近一期报表中消失且备注未说明终止或已投产的项目，明细见“督办清单”表。",
        cohort_words(&p.cohort),
        p.stalled_months,
        p.no_funds_months
    )));
    g
}

/// The reason of a follow-up in the workbook's words.
fn reason(r: FollowUpReason) -> &'static str {
    follow_up_reason_label(r, Lang::Zh)
}

/// 督办清单: every project of the follow-up list.
pub(super) fn follow_up(b: &Bulletin) -> Grid<'_> {
    let p = &b.progress;
    let mut g = Grid::new(
        "督办清单",
        format!("{}年{}月重点项目督办清单", b.period.year, b.period.month),
    );
    g.main_header(Row::header_owned(
        [
            "序号",
            "单位",
            "单位代码",
            "项目ID",
            "项目名称",
            "投资方",
            "产业类别",
            &titled("合同投资额", "万元"),
            "签约日期",
            "督办原因",
            "计数月数",
            "逾期月数",
            "最近报送月份",
            "最近报送文件",
            "版本",
        ]
        .into_iter()
        .map(str::to_string)
        .collect(),
    ));
    g.filter = true;
    g.freeze_cols = 2;
    g.header_wrap = 8;
    if p.follow_up.is_empty() {
        g.rows.push(Row::note("本期无需督办的项目。"));
    }
    for (i, e) in p.follow_up.iter().enumerate() {
        g.rows.push(follow_up_row(i, e));
    }
    g.rows.push(Row::note(format!(
        "注：共 {} 个项目（签约满{}个月未开工的亿元以上项目 {} 个，已开工连续{}个月本月到位资金为0的项目 {} 个，\
         项目消失 {} 个）。计数月数：超期未开工为签约月份至报告期的月数，无到位资金为连续无到位资金的月数；\
         逾期月数为超过规定月数的月数（0 表示本月到期）；项目消失的两项为“—”，最近报送月份即其最后出现的报表。\
         按单位、逾期月数由多到少、合同投资额由大到小排列。",
        p.follow_up.len(),
        p.stalled_months,
        p.area.follow_up.stalled,
        p.no_funds_months,
        p.area.follow_up.no_funds,
        p.area.follow_up.vanished
    )));
    g
}

fn follow_up_row(i: usize, e: &FollowUpEntry) -> Row {
    let signed = e
        .signed_on
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    Row::body(vec![
        ordinal(i + 1),
        text(&e.unit),
        label(&e.unit_code),
        text(&e.id),
        text(&e.name),
        text(&e.investor),
        text(&e.industry),
        e.contract_amount
            .map_or(Cell::Unreported, |a| Cell::Amount(a.as_f64())),
        signed.map_or(Cell::Dash, Cell::Date),
        label(reason(e.reason)),
        e.months.map_or(Cell::Dash, Cell::Count),
        e.months_overdue.map_or(Cell::Dash, Cell::Count),
        label(e.last_file.period.to_string()),
        text(&e.last_file.file),
        e.last_file.version.map_or(Cell::Blank, Cell::Ordinal),
    ])
}

/// The years of funds in place the register holds, oldest first.
fn years(p: &Progress) -> Vec<i32> {
    p.register
        .iter()
        .flat_map(|l| l.project.reports.iter().map(|r| r.file.period.year))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// 项目库: every project of the register as of the period.
pub(super) fn register(b: &Bulletin) -> Grid<'_> {
    let p = &b.progress;
    let years = years(p);
    let mut g = Grid::new(
        "项目库",
        format!("项目库（截至{}年{}月）", b.period.year, b.period.month),
    );
    g.rows.push(Row::note(format!(
        "说明：各单位历月已通过审核报表中的全部项目，同一项目跨月、跨年合并为一行（按项目编号，无编号时按项目名称和投资方，\
         备注写明“原名：”的按原名）。合同投资额、签约日期、开工日期为最近一次填报的值；投产、终止为首次报告的月份；\
         各年到位资金为该年最后一次报送的本年累计到位资金，累计到位资金为各年之和；“{}”表示报表未填报，“—”表示不适用\
         （未开工、该年未报送等）。在最新报表中为 1 表示项目在本单位最近一期已计入的报表中；\
         纳入转化统计为 1 的项目即“项目推进”表开工率、投产率的分母（{}签约）。",
        super::grid::unreported(),
        cohort_words(&p.cohort)
    )));
    let mut titles: Vec<String> = [
        "序号",
        "单位",
        "单位代码",
        "项目ID",
        "项目编号",
        "项目名称",
        "曾用名",
        "投资方",
        "产业类别",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    titles.extend([
        titled("合同投资额", "万元"),
        "签约日期".to_string(),
        "开工日期".to_string(),
        "投产月份".to_string(),
        "终止月份".to_string(),
    ]);
    titles.extend(
        years
            .iter()
            .map(|y| titled(&format!("{y}年到位资金"), "万元")),
    );
    titles.extend([
        titled("累计到位资金", "万元"),
        "项目进展".to_string(),
        "首次报送月份".to_string(),
        "最近报送月份".to_string(),
        "最近报送文件".to_string(),
        "在最新报表中".to_string(),
        "纳入转化统计".to_string(),
        "督办原因".to_string(),
    ]);
    g.main_header(Row::header_owned(titles));
    g.filter = true;
    g.header_wrap = 8;
    g.long_list = true;
    if p.register.is_empty() {
        g.rows.push(Row::note("项目库中没有项目。"));
        return g;
    }
    let row = move |i: usize| match p.register.get(i) {
        Some(l) => register_row(i, l, &years),
        None => Row::body(Vec::new()),
    };
    // Made row by row as they are written, as 项目总表 is.
    g.tail = Some((p.register.len(), Box::new(row)));
    g
}

fn register_row(i: usize, l: RegisterLine<'_>, years: &[i32]) -> Row {
    let date = |d: Option<chrono::NaiveDate>| d.map_or(Cell::Dash, Cell::Date);
    let yes_no = |b: bool| Cell::Count(i64::from(b));
    let amount =
        |a: Option<crate::model::Wan>| a.map_or(Cell::Unreported, |a| Cell::Amount(a.as_f64()));
    let p = l.project;
    let latest = p.latest();
    let last_file = p.last_file();
    let funds_by_year = p.funds_by_year();
    let mut cells = vec![
        ordinal(i + 1),
        text(l.unit),
        label(p.unit_code()),
        text(&p.id),
        p.code().map_or(Cell::Dash, label),
        text(&latest.name),
        text(p.former_names().join("；")),
        text(&latest.investor),
        text(&*latest.industry),
        amount(p.contract_amount()),
        date(p.signed_on()),
        date(p.started_on()),
        month(p.in_production()),
        month(p.terminated()),
    ];
    cells.extend(
        years
            .iter()
            .map(|y| match funds_by_year.iter().find(|f| f.year == *y) {
                None => Cell::Dash,
                Some(f) => amount(f.funds_ytd),
            }),
    );
    cells.extend([
        amount(p.funds_in_place()),
        label(p.stage().label()),
        label(p.first_reported().to_string()),
        label(last_file.period.to_string()),
        text(&*last_file.file_name),
        yes_no(p.current),
        yes_no(l.in_cohort),
        l.follow_up.map_or(Cell::Blank, |r| label(reason(r))),
    ]);
    Row::body(cells)
}
