//! The layout of each sheet: which rows and columns the bulletin's figures take. Every
//! Chinese word the workbook prints, apart from the indicator names of the model, is here.

use std::collections::BTreeSet;

use crate::aggregate::{
    round1, AreaFigures, BreakdownRow, Bulletin, LeagueTable, ReturnStatus, TopList, UnitFigures,
};
use crate::config::Config;
use crate::contract::Field;
use crate::model::{FigureKey, Figures, Period, Wan};

use super::charts;
use super::grid::{Cell, Grid, Row};
use super::titles::{span, span_title, titled};

/// Every sheet of the workbook, in order.
pub(super) fn all<'a>(b: &'a Bulletin, trend: &[(Period, Figures)], cfg: &Config) -> Vec<Grid<'a>> {
    let mut names = SheetNames::default();
    let mut grids = vec![overview(b, cfg)];
    if trend.len() > 1 {
        grids.push(months(b, trend));
    }
    grids.extend(b.league.iter().map(|t| league(b, t, &mut names)));
    grids.push(top_lists(b));
    grids.push(units(b, cfg));
    grids.push(industries(b));
    grids.push(scale_and_sources(b));
    grids.push(charts::sheet(b));
    grids.push(big_projects(b));
    grids.push(project_list(b));
    grids.push(super::progress::conversion(b, &cfg.file.bulletin.region));
    grids.push(super::progress::follow_up(b));
    grids.push(super::progress::register(b));
    grids.push(status(b));
    grids.push(data_notes(b));
    grids
}

/// 各月: each month's own figures of the whole area from January, the data of the
/// bulletin's trend chart (图1), with the year to date they add up to.
fn months(b: &Bulletin, trend: &[(Period, Figures)]) -> Grid<'static> {
    let mut g = Grid::new("各月", format!("{}年各月招商引资主要指标", b.period.year));
    let keys = [
        FigureKey::SignedCount,
        FigureKey::SignedAmount,
        FigureKey::BigCount,
        FigureKey::StartedCount,
        FigureKey::FundsInPlace,
        FigureKey::FdiUsd,
    ];
    let mut titles = vec!["月份".to_string()];
    titles.extend(keys.iter().map(|k| titled(k.label(), k.print_unit())));
    g.main_header(Row::header_owned(titles));
    for (p, f) in trend {
        let mut cells = vec![Cell::Label(format!("{}年{}月", p.year, p.month))];
        cells.extend(keys.iter().map(|&k| value_cell(k, f.value(k))));
        g.rows.push(Row::body(cells));
    }
    g.rows.push(Row::note(
        "注：各月为当月报表的本月数（当月已报送并通过审核的单位之和），与通报图1一致；金额单位为亿元，实际使用外资为万美元。",
    ));
    g
}

/// A value given in a figure's own unit (count, 万元 or 万美元) as a cell.
pub(super) fn value_cell(k: FigureKey, v: f64) -> Cell {
    if k.is_count() {
        Cell::Count(v.round() as i64)
    } else if k == FigureKey::FdiUsd {
        Cell::Usd(v)
    } else {
        Cell::Yi(v)
    }
}

/// A figure, or "未报" when the return does not state it (never 0).
fn figure_cell(k: FigureKey, f: &Figures) -> Cell {
    f.stated(k).map_or(Cell::Unreported, |v| value_cell(k, v))
}

/// A figure of figures that may not exist (no return): "未报" then too.
fn figure_or_unreported(k: FigureKey, f: Option<&Figures>) -> Cell {
    f.map_or(Cell::Unreported, |f| figure_cell(k, f))
}

fn status_label(s: ReturnStatus) -> &'static str {
    s.label()
}

fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    DIGITS
        .get(n.wrapping_sub(1))
        .map_or_else(|| n.to_string(), |d| (*d).to_string())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn label(s: impl Into<String>) -> Cell {
    Cell::Label(s.into())
}

fn count(n: usize) -> Cell {
    Cell::Count(i64::try_from(n).unwrap_or(i64::MAX))
}

fn ordinal(n: usize) -> Cell {
    Cell::Ordinal(i64::try_from(n).unwrap_or(i64::MAX))
}

/// 总体情况: the headline indicators, other rates and the groups.
fn overview(b: &Bulletin, cfg: &Config) -> Grid<'static> {
    let region = &cfg.file.bulletin.region;
    let span = span(b.period);
    let mut g = Grid::new(
        "总体情况",
        format!("{}{}招商引资总体情况", span_title(b.period), region),
    );
    g.main_header(Row::header_owned(
        [
            "指标",
            "计量单位",
            "本月",
            &format!("{span}累计"),
            "上年同期",
        ]
        .map(str::to_string)
        .into_iter()
        .chain([
            titled("同比", "%"),
            titled("完成率", "%"),
            titled("序时进度", "%"),
            titled("超（欠）进度", "百分点"),
        ])
        .collect(),
    ));
    let t = &b.total;
    for k in FigureKey::ALL {
        let completion = t.completion_pct.get(&k).copied();
        g.rows.push(Row::body(vec![
            text(k.label()),
            label(k.print_unit()),
            figure_cell(k, &t.month),
            figure_cell(k, &t.ytd),
            figure_or_unreported(k, t.ytd_last_year.as_ref()),
            Cell::Pct(t.yoy_pct.get(&k).copied().flatten()),
            Cell::Pct(completion),
            Cell::Pct(Some(b.elapsed_pct)),
            Cell::Pct(completion.map(|c| round1(c - b.elapsed_pct))),
        ]));
    }

    g.rows.push(Row::space());
    g.rows.push(Row::caption("其他指标"));
    g.rows.push(Row::header(&["指标", "计量单位", "数值"]));
    let rows: [(&str, &str, Cell); 8] = [
        ("资金到位率", "%", Cell::Pct(t.funds_rate_pct)),
        ("开工率", "%", Cell::Pct(t.start_rate_pct)),
        ("序时进度", "%", Cell::Pct(Some(b.elapsed_pct))),
        ("应报送单位", "个", count(t.units)),
        (
            status_label(ReturnStatus::Accepted),
            "个",
            count(t.reported),
        ),
        (status_label(ReturnStatus::Held), "个", count(b.held.len())),
        (
            status_label(ReturnStatus::Rejected),
            "个",
            count(b.rejected.len()),
        ),
        (
            status_label(ReturnStatus::Missing),
            "个",
            count(b.not_reported.len()),
        ),
    ];
    for (name, unit, value) in rows {
        g.rows.push(Row::body(vec![text(name), label(unit), value]));
    }

    g.rows.push(Row::space());
    g.rows.push(Row::caption("分组情况"));
    let yi = |k: FigureKey| titled(&format!("{}{span}累计", k.label()), k.print_unit());
    g.rows.push(Row::header_owned(vec![
        "分组".into(),
        titled(
            &format!("{}单位", status_label(ReturnStatus::Accepted)),
            "个",
        ),
        titled("应报送单位", "个"),
        yi(FigureKey::SignedAmount),
        titled("同比", "%"),
        yi(FigureKey::FundsInPlace),
        titled("同比", "%"),
        yi(FigureKey::BigCount),
        yi(FigureKey::StartedCount),
        titled("资金到位率", "%"),
        titled("开工率", "%"),
    ]));
    let area_row = |name: &str, a: &AreaFigures| {
        let yoy = |k: FigureKey| Cell::Pct(a.yoy_pct.get(&k).copied().flatten());
        vec![
            text(name),
            count(a.reported),
            count(a.units),
            figure_cell(FigureKey::SignedAmount, &a.ytd),
            yoy(FigureKey::SignedAmount),
            figure_cell(FigureKey::FundsInPlace, &a.ytd),
            yoy(FigureKey::FundsInPlace),
            figure_cell(FigureKey::BigCount, &a.ytd),
            figure_cell(FigureKey::StartedCount, &a.ytd),
            Cell::Pct(a.funds_rate_pct),
            Cell::Pct(a.start_rate_pct),
        ]
    };
    for group in &b.groups {
        g.rows
            .push(Row::body(area_row(&group.name, &group.figures)));
    }
    g.rows
        .push(Row::total(area_row(&format!("{region}合计"), t)));
    g
}

/// Sheet names: Excel's forbidden characters replaced, at most 31 characters, unique.
#[derive(Default)]
struct SheetNames {
    used: Vec<String>,
}

impl SheetNames {
    /// The fixed sheet names, which a league sheet must not take.
    const FIXED: [&'static str; 9] = [
        "总体情况",
        "十强榜",
        "分单位",
        "分产业",
        "规模与来源",
        "图表",
        "亿元以上项目",
        "报送情况",
        "数据说明",
    ];

    fn take(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .collect();
        let clean = clean.trim_matches('\'').to_string();
        let fit = |s: &str, room: usize| -> String {
            let mut out = String::new();
            for c in s.chars() {
                if out.encode_utf16().count() + c.len_utf16() > room {
                    break;
                }
                out.push(c);
            }
            out
        };
        let taken = |n: &str, used: &[String]| {
            let lower = n.to_lowercase();
            used.iter().any(|u| u.to_lowercase() == lower) || Self::FIXED.contains(&n)
        };
        let mut name = fit(&clean, 31);
        let mut i = 2;
        while name.is_empty() || taken(&name, &self.used) {
            let suffix = format!("({i})");
            name = format!("{}{suffix}", fit(&clean, 31 - suffix.len()));
            i += 1;
        }
        self.used.push(name.clone());
        name
    }
}

/// 赛马榜-<分组>: one league table.
fn league(b: &Bulletin, t: &LeagueTable, names: &mut SheetNames) -> Grid<'static> {
    let mut g = Grid::new(
        names.take(&format!("赛马榜-{}", t.group)),
        format!("{}招商引资赛马榜（{}）", span_title(b.period), t.group),
    );
    let span = span(b.period);
    let mut header = vec![
        "名次".to_string(),
        "单位".to_string(),
        "综合得分".to_string(),
    ];
    header.extend(
        t.indicators
            .iter()
            .map(|(k, _)| titled(&format!("{}{span}累计", k.label()), k.print_unit())),
    );
    header.push("备注".into());
    g.main_header(Row::header_owned(header));
    g.freeze_cols = 2;
    for row in &t.rows {
        let mut cells = vec![
            row.rank.map_or(Cell::Dash, |r| Cell::Ordinal(r.into())),
            text(&row.name),
            Cell::Score(row.score),
        ];
        let listed = row.rank.is_some() || row.status == ReturnStatus::Accepted;
        for (j, (k, _)) in t.indicators.iter().enumerate() {
            cells.push(match row.values.get(j) {
                _ if listed && row.unstated.contains(k) => Cell::Unreported,
                Some(v) if listed => value_cell(*k, *v),
                _ if row.status == ReturnStatus::Missing => Cell::Unreported,
                _ => Cell::Dash,
            });
        }
        cells.push(if row.rank.is_some() {
            Cell::Blank
        } else if !row.unstated.is_empty() {
            let names: Vec<&str> = row.unstated.iter().map(|k| k.label()).collect();
            text(format!("未报{}，不参加排名", names.join("、")))
        } else {
            label(status_label(row.status))
        });
        g.rows.push(Row::body(cells));
    }
    let weights: Vec<String> = t
        .indicators
        .iter()
        .map(|(k, w)| format!("{}{}", k.label(), trim_number(*w)))
        .collect();
    g.rows.push(Row::note(format!(
        "注：得分按功效系数法计算，各项指标得分 = 权重 ×（0.6 + 0.4 ×（本单位值 − 组内最小值）÷（组内最大值 − 组内最小值）），权重为{}；得分相同的单位名次并列。{}、{}、{}或缺报评分指标的单位不参加排名，列于表末。",
        weights.join("、"),
        status_label(ReturnStatus::Missing),
        status_label(ReturnStatus::Rejected),
        status_label(ReturnStatus::Held),
    )));
    g
}

/// A weight as written: 30, or 12.5.
fn trim_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// The figure a top list ranks, from its key (`units_signed_amount`,
/// `projects_signed_amount`).
fn list_key(list: &TopList) -> FigureKey {
    let name = list
        .key
        .strip_prefix("units_")
        .or_else(|| list.key.strip_prefix("projects_"))
        .unwrap_or(&list.key);
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .unwrap_or(FigureKey::SignedAmount)
}

/// How many top lists stand side by side on 十强榜.
const LISTS_PER_BAND: usize = 3;

/// 十强榜: each top list as a small table, three side by side, so that the usual six fit
/// one landscape page.
fn top_lists(b: &Bulletin) -> Grid<'static> {
    let mut g = Grid::new("十强榜", format!("{}招商引资十强榜", span_title(b.period)));
    let span = span(b.period);
    let blocks: Vec<Vec<Vec<Cell>>> = b
        .top_lists
        .iter()
        .enumerate()
        .map(|(i, list)| top_list_block(i, list, &span))
        .collect();
    for (band_no, band) in blocks.chunks(LISTS_PER_BAND).enumerate() {
        if band_no > 0 {
            g.rows.push(Row::space());
        }
        let height = band.iter().map(Vec::len).max().unwrap_or(0);
        for r in 0..height {
            let mut cells = Vec::new();
            for (j, block) in band.iter().enumerate() {
                if j > 0 {
                    cells.push(Cell::Gap);
                }
                let width = block.get(1).map_or(0, Vec::len);
                match block.get(r) {
                    Some(row) => {
                        cells.extend(row.iter().cloned());
                        cells.extend(std::iter::repeat_n(
                            Cell::Gap,
                            width.saturating_sub(row.len()),
                        ));
                    }
                    None => cells.extend(std::iter::repeat_n(Cell::Gap, width)),
                }
            }
            // Row 0 of a block is its caption, row 1 its header.
            g.rows.push(match r {
                1 => Row::header_cells(cells),
                _ => Row::body(cells),
            });
        }
    }
    g
}

/// One top list as rows of cells: caption (a span), header, entries.
fn top_list_block(i: usize, list: &TopList, span: &str) -> Vec<Vec<Cell>> {
    let k = list_key(list);
    let projects = list.key.starts_with("projects_");
    let value_title = titled(
        if projects {
            "合同投资额"
        } else {
            k.label()
        },
        k.print_unit(),
    );
    let header: Vec<Cell> = if projects {
        vec![
            label("名次"),
            label("项目名称"),
            label("所属单位"),
            label(value_title),
        ]
    } else {
        vec![label("名次"), label("单位"), label(value_title)]
    };
    let width = u16::try_from(header.len()).unwrap_or(1);
    let mut rows = vec![
        vec![Cell::Span(
            format!("{}、{}（{span}累计）", numeral(i + 1), list.title),
            width,
        )],
        header,
    ];
    if list.entries.is_empty() {
        rows.push(vec![Cell::Span("暂无数据。".into(), width)]);
    }
    for e in &list.entries {
        let mut cells = vec![Cell::Ordinal(e.rank.into()), text(&e.name)];
        if projects {
            cells.push(text(&e.unit));
        }
        cells.push(value_cell(k, e.value));
        rows.push(cells);
    }
    rows
}

/// The periods each figure of 分单位 is given for, one column each.
#[derive(Clone, Copy)]
enum Measure {
    Month,
    Ytd,
    LastYear,
    Yoy,
}

impl Measure {
    const ALL: [Measure; 4] = [
        Measure::Month,
        Measure::Ytd,
        Measure::LastYear,
        Measure::Yoy,
    ];

    /// The column title of figure `k` for this period: 新签约合同投资额本月（亿元）.
    fn title(self, k: FigureKey, span: &str) -> String {
        match self {
            Measure::Month => titled(&format!("{}本月", k.label()), k.print_unit()),
            Measure::Ytd => titled(&format!("{}{span}累计", k.label()), k.print_unit()),
            Measure::LastYear => titled(&format!("{}上年同期", k.label()), k.print_unit()),
            Measure::Yoy => titled(&format!("{}同比", k.label()), "%"),
        }
    }
}

/// Whether a unit's 上年同期 enters the sums and 同比 of its group (可比口径): it has a
/// counted return this year and a return for the same period last year.
fn comparable(u: &UnitFigures) -> bool {
    u.ytd.is_some() && u.ytd_last_year.is_some()
}

/// The words of the 同比口径 column.
fn comparable_label(yes: bool) -> &'static str {
    if yes {
        "可比"
    } else {
        "不可比"
    }
}

/// A unit's figure: the value, "未报" when nobody stated it (no return, or no column for
/// it), "—" when the return is not counted (held for verification or rejected).
fn unit_figure(k: FigureKey, f: Option<&Figures>, status: ReturnStatus) -> Cell {
    match (f, status) {
        (Some(f), _) => f.stated(k).map_or(Cell::Unreported, |v| value_cell(k, v)),
        (None, ReturnStatus::Held | ReturnStatus::Rejected) => Cell::Dash,
        (None, _) => Cell::Unreported,
    }
}

/// 分单位: one row per roster unit, one column per figure and period, the rows a filter
/// covers; below them, after a blank row and outside the filter, each group's subtotal
/// and the total. Each subtotal is the sum of its units' rows as shown; 上年同期 sums the
/// units marked 可比 (the basis of 同比), which the note under the table names.
fn units(b: &Bulletin, cfg: &Config) -> Grid<'static> {
    let span = span(b.period);
    let mut g = Grid::new(
        "分单位",
        format!("{}分单位招商引资情况", span_title(b.period)),
    );
    let keys: BTreeSet<FigureKey> = b
        .units
        .iter()
        .flat_map(|u| u.completion_pct.keys())
        .chain(
            b.groups
                .iter()
                .flat_map(|gr| gr.figures.completion_pct.keys()),
        )
        .chain(b.total.completion_pct.keys())
        .copied()
        .collect();
    let keys: Vec<FigureKey> = keys.into_iter().collect();
    let mut header: Vec<String> = ["单位", "分组", "报送状态", "同比口径"]
        .map(str::to_string)
        .to_vec();
    let lead = header.len();
    for k in FigureKey::ALL {
        header.extend(Measure::ALL.map(|m| m.title(k, &span)));
    }
    header.extend(
        keys.iter()
            .map(|k| titled(&format!("{}完成率", k.label()), "%")),
    );
    header.extend([
        titled("资金到位率", "%"),
        titled("开工率", "%"),
        "综合得分".into(),
        "组内名次".into(),
    ]);
    g.main_header(Row::header_owned(header));
    g.freeze_cols = 1;
    g.filter = true;
    g.header_wrap = 8;
    // Printed about three figures (twelve columns) a page across, the unit names on each
    // page; the note on the first.
    g.pages_wide = u16::try_from(FigureKey::ALL.len().div_ceil(3)).unwrap_or(1);
    g.repeat_cols = Some(0);
    g.note_cols = u16::try_from(lead + Measure::ALL.len()).ok();

    // Units in roster order, by group as the roster orders the groups; units of no
    // configured group last.
    let group_of = |u: &UnitFigures| b.groups.iter().position(|gr| gr.name == u.group);
    let mut order: Vec<&UnitFigures> = b.units.iter().collect();
    order.sort_by_key(|u| group_of(u).unwrap_or(usize::MAX));
    for u in &order {
        let (score, rank) = if u.in_league {
            (
                Cell::Score(u.score),
                u.rank.map_or(Cell::Dash, |r| Cell::Ordinal(r.into())),
            )
        } else {
            (label("不参评"), label("不参评"))
        };
        let mut cells = vec![
            text(&u.name),
            label(&u.group),
            label(status_label(u.status)),
            label(comparable_label(comparable(u))),
        ];
        for k in FigureKey::ALL {
            cells.extend([
                unit_figure(k, u.month.as_ref(), u.status),
                unit_figure(k, u.ytd.as_ref(), u.status),
                u.ytd_last_year
                    .as_ref()
                    .map_or(Cell::Unreported, |f| figure_cell(k, f)),
                Cell::Pct(
                    u.yoy_pct
                        .as_ref()
                        .and_then(|y| y.get(&k).copied().flatten()),
                ),
            ]);
        }
        cells.extend(
            keys.iter()
                .map(|k| Cell::Pct(u.completion_pct.get(k).copied())),
        );
        cells.extend([
            Cell::Pct(u.funds_rate_pct),
            Cell::Pct(u.start_rate_pct),
            score,
            rank,
        ]);
        g.rows.push(Row::body(cells));
    }

    // The sums, apart from the units' rows.
    g.rows.push(Row::space());
    let sum_row = |name: String, group: &str, members: &[&UnitFigures], a: &AreaFigures| {
        // A figure no member stated is not reported, never 0.
        let stated = |k: FigureKey, of: fn(&UnitFigures) -> Option<&Figures>| {
            members
                .iter()
                .any(|u| of(u).is_some_and(|f| f.stated(k).is_some()))
        };
        let sum = |k: FigureKey, f: Option<&Figures>, any: bool| match f {
            Some(f) if any => value_cell(k, f.value(k)),
            _ => Cell::Unreported,
        };
        let comparable_units = members.iter().filter(|u| comparable(u)).count();
        let mut cells = vec![
            text(name),
            label(group),
            label(format!(
                "{}{}个，共{}个",
                status_label(ReturnStatus::Accepted),
                a.reported,
                a.units
            )),
            label(format!("{}{comparable_units}个", comparable_label(true))),
        ];
        for k in FigureKey::ALL {
            cells.extend([
                sum(k, Some(&a.month), stated(k, |u| u.month.as_ref())),
                sum(k, Some(&a.ytd), stated(k, |u| u.ytd.as_ref())),
                sum(
                    k,
                    a.ytd_last_year.as_ref(),
                    members.iter().any(|u| {
                        comparable(u)
                            && u.ytd_last_year
                                .as_ref()
                                .is_some_and(|f| f.stated(k).is_some())
                    }),
                ),
                Cell::Pct(a.yoy_pct.get(&k).copied().flatten()),
            ]);
        }
        cells.extend(
            keys.iter()
                .map(|k| Cell::Pct(a.completion_pct.get(k).copied())),
        );
        cells.extend([
            Cell::Pct(a.funds_rate_pct),
            Cell::Pct(a.start_rate_pct),
            Cell::Blank,
            Cell::Blank,
        ]);
        Row::total(cells)
    };
    for group in &b.groups {
        let members: Vec<&UnitFigures> = order
            .iter()
            .copied()
            .filter(|u| u.group == group.name)
            .collect();
        g.rows.push(sum_row(
            "小计".to_string(),
            &group.name,
            &members,
            &group.figures,
        ));
    }
    let region = &cfg.file.bulletin.region;
    g.rows
        .push(sum_row(format!("{region}合计"), "", &order, &b.total));

    let left_out: Vec<String> = order
        .iter()
        .filter(|u| u.ytd_last_year.is_some() && !comparable(u))
        .map(|u| format!("{}（{}）", u.name, status_label(u.status)))
        .collect();
    let left_out = if left_out.is_empty() {
        String::new()
    } else {
        format!(
            "{}本年无计入统计的报表，其上年同期数不计入小计、合计。",
            left_out.join("、")
        )
    };
    g.rows.push(Row::note(format!(
        "注：金额单位为亿元（实际使用外资为万美元）。“{unreported}”表示单位未报送或报表未填报该项指标，\
         “—”表示无法计算（上年同期为零或无报表时不计算同比）或报表{held}、{rejected}而未计入统计。\
         表中每个单位一行，筛选范围只含单位行；小计、合计列在下方，本月、累计为所属单位之和\
         （“{unreported}”“—”不计）；上年同期只加同比口径为“{yes}”的单位（本年和上年均有计入统计的报表），\
         同比 =（可比单位本年累计 ÷ 上年同期 − 1）× 100。{left_out}\
         小计、合计行的报送状态为{accepted}（已通过审核）单位数和单位总数。完成率 = 累计 ÷ 年度目标；\
         资金到位率 = 累计{funds} ÷ 累计{signed}；组内名次为所在分组赛马榜名次。",
        unreported = super::grid::unreported(),
        held = status_label(ReturnStatus::Held),
        rejected = status_label(ReturnStatus::Rejected),
        yes = comparable_label(true),
        accepted = status_label(ReturnStatus::Accepted),
        funds = FigureKey::FundsInPlace.label(),
        signed = FigureKey::SignedAmount.label(),
    )));
    g
}

/// The header shared by the breakdown sheets.
fn breakdown_header(first: &str, span: &str) -> Row {
    let title = |k: FigureKey| titled(&format!("{}{span}累计", k.label()), k.print_unit());
    Row::header_owned(vec![
        first.to_string(),
        title(FigureKey::SignedCount),
        title(FigureKey::SignedAmount),
        titled("投资额占比", "%"),
        title(FigureKey::FundsInPlace),
    ])
}

/// One section of a breakdown: caption, rows and a sum row; a note when it is empty.
fn breakdown_section(g: &mut Grid<'_>, caption: &str, rows: &[BreakdownRow], when_empty: &str) {
    g.rows.push(Row::caption(caption));
    if rows.is_empty() {
        g.rows.push(Row::note(when_empty));
        return;
    }
    let amount: Wan = rows.iter().map(|r| r.signed_amount).sum();
    let share = |a: Wan| (!amount.is_zero()).then(|| round1(a.as_f64() / amount.as_f64() * 100.0));
    for r in rows {
        g.rows.push(Row::body(vec![
            text(&r.name),
            Cell::Count(r.signed_count.into()),
            Cell::Yi(r.signed_amount.as_f64()),
            Cell::Pct(share(r.signed_amount)),
            Cell::Yi(r.funds_in_place.as_f64()),
        ]));
    }
    g.rows.push(Row::total(vec![
        label("合计"),
        Cell::Count(rows.iter().map(|r| i64::from(r.signed_count)).sum()),
        Cell::Yi(amount.as_f64()),
        Cell::Pct(share(amount)),
        Cell::Yi(rows.iter().map(|r| r.funds_in_place).sum::<Wan>().as_f64()),
    ]));
}

/// 分产业: industries, then 一二三产 and 工业/服务业.
fn industries(b: &Bulletin) -> Grid<'static> {
    let span = span(b.period);
    let mut g = Grid::new(
        "分产业",
        format!("{}分产业招商引资情况", span_title(b.period)),
    );
    g.main_header(breakdown_header("产业类别", &span));
    breakdown_section(
        &mut g,
        "（一）按产业类别",
        &b.industries,
        "暂无签约或到位资金。",
    );
    breakdown_section(
        &mut g,
        "（二）按三次产业",
        &b.sectors,
        "名册的产业类别未标注三次产业（sector），无法汇总。",
    );
    breakdown_section(
        &mut g,
        "（三）按工业、服务业",
        &b.categories,
        "名册的产业类别未标注工业或服务业（category），无法汇总。",
    );
    g.rows.push(Row::note("注：签约项目数和签约合同投资额为签约日期在本年报告期内的项目；实际到位资金为各项目本年累计到位资金。"));
    g
}

/// 规模与来源: size brackets, funds sources, investor origins.
fn scale_and_sources(b: &Bulletin) -> Grid<'static> {
    let span = span(b.period);
    let mut g = Grid::new(
        "规模与来源",
        format!("{}招商引资项目规模与资金来源", span_title(b.period)),
    );
    g.main_header(breakdown_header("类别", &span));
    breakdown_section(
        &mut g,
        "（一）按投资规模",
        &b.size_brackets,
        "暂无签约项目。",
    );
    breakdown_section(
        &mut g,
        "（二）按资金来源",
        &b.funds_sources,
        "暂无签约或到位资金。",
    );
    breakdown_section(
        &mut g,
        "（三）按投资方来源地",
        &b.origins,
        "暂无签约或到位资金。",
    );
    g.rows.push(Row::note(
        "注：按投资规模统计的实际到位资金为本年签约项目的到位资金。",
    ));
    g
}

/// 亿元以上项目: the 亿元以上 projects signed in the month.
fn big_projects(b: &Bulletin) -> Grid<'static> {
    let p = b.period;
    let mut g = Grid::new(
        "亿元以上项目",
        format!("{}年{}月新签约亿元以上项目", p.year, p.month),
    );
    g.main_header(Row::header_owned(
        ["序号", "单位"]
            .into_iter()
            .chain(
                [
                    Field::Name,
                    Field::Investor,
                    Field::Industry,
                    Field::SignedOn,
                ]
                .map(Field::title),
            )
            .map(str::to_string)
            .chain([titled(Field::ContractAmount.title(), "亿元")])
            .collect(),
    ));
    g.filter = true;
    if b.big_projects.is_empty() {
        g.rows.push(Row::note("本月无新签约亿元以上项目。"));
        return g;
    }
    for (i, bp) in b.big_projects.iter().enumerate() {
        g.rows.push(Row::body(vec![
            ordinal(i + 1),
            text(&bp.unit),
            text(&bp.name),
            text(&bp.investor),
            text(&bp.industry),
            // The aggregate gives the date as 2025-06-10: written back as a real date.
            match chrono::NaiveDate::parse_from_str(&bp.signed_on, "%Y-%m-%d") {
                Ok(d) => Cell::Date(d),
                Err(_) if bp.signed_on.is_empty() => Cell::Blank,
                Err(_) => text(&bp.signed_on),
            },
            Cell::Yi(bp.amount.as_f64()),
        ]));
    }
    // The sum apart from the rows, outside the filter.
    let sum: Wan = b.big_projects.iter().map(|bp| bp.amount).sum();
    g.rows.push(Row::space());
    g.rows.push(Row::total(vec![
        label("合计"),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Yi(sum.as_f64()),
    ]));
    g.rows.push(Row::note(format!(
        "注：合计为上表 {} 个项目的{}之和。",
        b.big_projects.len(),
        Field::ContractAmount.title()
    )));
    g
}

/// Whether a row counts in a figure, from its month and year-to-date shares.
type CountsIn = fn(&Figures, &Figures) -> bool;

/// The flag columns of 项目总表: a title, and whether a row's shares (month, year to
/// date) make it count in that figure.
const PROJECT_FLAGS: [(&str, CountsIn); 5] = [
    ("本月签约", |m, _| m.signed_count > 0),
    ("本年签约", |_, y| y.signed_count > 0),
    ("亿元以上签约", |_, y| y.big_count > 0),
    ("本月开工", |m, _| m.started_count > 0),
    ("本年开工", |_, y| y.started_count > 0),
];

/// 项目总表: every counted project of the month's accepted returns, one row each, with
/// where it came from and flags saying what it counts in, so that each total can be
/// reproduced with a pivot table or SUMIFS (amounts in 万元 as numbers, dates as dates).
/// A row's flow cell: "未报" when its return does not state the figure (no column).
fn flow(share: &Figures, k: FigureKey, v: f64) -> Cell {
    if share.unstated.contains(k) {
        Cell::Unreported
    } else {
        Cell::Amount(v)
    }
}

fn project_list(b: &Bulletin) -> Grid<'_> {
    let p = b.period;
    let mut g = Grid::new(
        "项目总表",
        format!("{}年{}月各单位报表项目总表", p.year, p.month),
    );
    let mut titles: Vec<String> = ["序号", "单位", "单位代码", "文件名", "版本", "位置"]
        .into_iter()
        .chain(
            [
                Field::Name,
                Field::Investor,
                Field::Industry,
                Field::Stage,
                Field::SignedOn,
            ]
            .map(Field::title),
        )
        .map(str::to_string)
        .collect();
    titles.extend([
        titled(Field::ContractAmount.title(), "万元"),
        Field::StartedOn.title().to_string(),
        titled(Field::FundsMonth.title(), "万元"),
        titled(Field::FundsYtd.title(), "万元"),
        titled(Field::FdiMonth.title(), "万美元"),
        titled(Field::FdiYtd.title(), "万美元"),
        Field::FundsSource.title().to_string(),
    ]);
    titles.extend(PROJECT_FLAGS.iter().map(|(t, _)| t.to_string()));
    // The note goes above the table: in constant-memory mode the last row is best a
    // plain data row (a height set on it is written twice).
    g.rows.push(Row::note(
        "说明：列出本月已通过审核报表中计入任一指标的项目。标志列为 1 表示计入：新签约项目数 = 签约标志之和，\
         新签约合同投资额 = SUMIFS(合同投资额, 签约标志, 1)；亿元以上项目取“亿元以上签约”为 1 的行\
         （本月另加“本月签约”为 1）；新开工项目计划总投资 = SUMIFS(合同投资额, 开工标志, 1)；\
         实际到位资金、实际使用外资为对应列之和，省外境内到位资金取资金来源为“省外境内”的行；\
         在谈项目数为项目进展为“在谈”的行数。位置为报表中项目明细表的工作表名和行号。",
    ));
    g.main_header(Row::header_owned(titles));
    g.filter = true;
    g.header_wrap = 8;
    g.long_list = true;
    if b.ledger.is_empty() {
        g.rows.push(Row::note("本月无已通过审核的报表。"));
        return g;
    }
    let row = move |i: usize| {
        let date = |d: Option<chrono::NaiveDate>| d.map_or(Cell::Blank, Cell::Date);
        let line = &b.ledger[i];
        let pr = &line.project;
        let (month, ytd) = (line.month(), line.ytd());
        let mut cells = vec![
            ordinal(i + 1),
            text(&line.source.unit_name),
            label(&line.source.unit_code),
            text(&line.source.file),
            line.source.version.map_or(Cell::Blank, Cell::Ordinal),
            label(line.place()),
            text(&pr.name),
            text(&pr.investor),
            text(&*pr.industry),
            label(pr.stage.label()),
            date(pr.signed_on),
            pr.contract_amount
                .map_or(Cell::Blank, |a| Cell::Amount(a.as_f64())),
            date(pr.started_on),
            flow(&month, FigureKey::FundsInPlace, pr.funds_month.as_f64()),
            flow(&ytd, FigureKey::FundsInPlace, pr.funds_ytd.as_f64()),
            flow(&month, FigureKey::FdiUsd, pr.fdi_month.as_f64()),
            flow(&ytd, FigureKey::FdiUsd, pr.fdi_ytd.as_f64()),
            label(pr.funds_source.map_or("", crate::model::FundsSource::label)),
        ];
        cells.extend(
            PROJECT_FLAGS
                .iter()
                .map(|(_, counts)| Cell::Count(i64::from(counts(&month, &ytd)))),
        );
        Row::body(cells)
    };
    // Made row by row as they are written: a national month is 600,000 of them.
    g.tail = Some((b.ledger.len(), Box::new(row)));
    g
}

/// 报送情况: who reported.
fn status(b: &Bulletin) -> Grid<'static> {
    let p = b.period;
    let mut g = Grid::new("报送情况", format!("{}年{}月报表报送情况", p.year, p.month));
    g.main_header(Row::header(&["序号", "单位", "代码", "分组", "报送状态"]));
    g.filter = true;
    for (i, u) in b.units.iter().enumerate() {
        g.rows.push(Row::body(vec![
            ordinal(i + 1),
            text(&u.name),
            label(&u.code),
            label(&u.group),
            label(status_label(u.status)),
        ]));
    }
    let accepted = b
        .units
        .iter()
        .filter(|u| u.status == ReturnStatus::Accepted)
        .count();
    g.rows.push(Row::note(format!(
        "共 {} 个单位：{} {} 个，{} {} 个，{} {} 个，{} {} 个。",
        b.units.len(),
        status_label(ReturnStatus::Accepted),
        accepted,
        status_label(ReturnStatus::Held),
        b.held.len(),
        status_label(ReturnStatus::Rejected),
        b.rejected.len(),
        status_label(ReturnStatus::Missing),
        b.not_reported.len()
    )));
    g
}

/// 数据说明: units missing and rejected, and the warnings of accepted returns.
fn data_notes(b: &Bulletin) -> Grid<'static> {
    let mut g = Grid::new("数据说明", format!("{}数据说明", span_title(b.period)));
    let list = |names: &[String]| {
        if names.is_empty() {
            "无。".to_string()
        } else {
            format!("{}。", names.join("、"))
        }
    };
    g.rows.push(Row::caption("一、未报送单位"));
    g.rows.push(Row::note(list(&b.not_reported)));
    g.rows
        .push(Row::caption("二、未通过审核单位（数据未计入）"));
    g.rows.push(Row::note(list(&b.rejected)));
    g.rows.push(Row::caption("三、待核实单位（数据暂未计入）"));
    g.rows.push(Row::note(list(&b.held)));
    g.rows.push(Row::caption("四、经核实确认的报表"));
    if b.confirmed.is_empty() {
        g.rows.push(Row::note("无。"));
    }
    for c in &b.confirmed {
        g.rows.push(Row::note(format!(
            "{}（第 {} 版）：{}",
            c.unit, c.version, c.note
        )));
    }
    g.rows.push(Row::caption(format!(
        "五、未填报部分指标的单位（表中以“{}”表示，合计不含）",
        super::grid::unreported()
    )));
    if b.unstated.is_empty() {
        g.rows.push(Row::note("无。"));
    }
    for n in &b.unstated {
        g.rows.push(Row::note(format!(
            "{}：未填报{}。",
            n.unit,
            n.labels().join("、")
        )));
    }
    g.rows
        .push(Row::caption("六、数据提示（已通过审核的报表中的警告）"));
    g.main_header(Row::header(&["序号", "单位", "代码", "位置", "说明"]));
    if b.data_notes.is_empty() {
        g.rows.push(Row::note("无。"));
    }
    for (i, n) in b.data_notes.iter().enumerate() {
        g.rows.push(Row::body(vec![
            ordinal(i + 1),
            text(&n.unit),
            label(&n.code),
            text(&n.place),
            text(&n.message),
        ]));
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_cleaned_shortened_and_unique() {
        let mut names = SheetNames::default();
        assert_eq!(names.take("赛马榜-区"), "赛马榜-区");
        assert_eq!(names.take("赛马榜-区"), "赛马榜-区(2)");
        assert_eq!(names.take("赛马榜-a/b"), "赛马榜-a_b");
        let long = names.take(&format!("赛马榜-{}", "很".repeat(40)));
        assert_eq!(long.encode_utf16().count(), 31);
        assert_eq!(names.take("分单位"), "分单位(2)");
    }
}
