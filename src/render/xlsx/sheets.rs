//! The layout of each sheet: which rows and columns the bulletin's figures take. Every
//! Chinese word the workbook prints, apart from the indicator names of the model, is here.

use std::collections::{BTreeMap, BTreeSet};

use crate::aggregate::{
    round1, AreaFigures, BreakdownRow, Bulletin, LeagueTable, Pct, ReturnStatus, TopList,
    UnitFigures,
};
use crate::config::Config;
use crate::model::{FigureKey, Figures, Wan};

use super::charts;
use super::grid::{Cell, Grid, Row};
use super::titles::{span, span_title, titled};

/// Every sheet of the workbook, in order.
pub(super) fn all<'a>(b: &'a Bulletin, cfg: &Config) -> Vec<Grid<'a>> {
    let mut names = SheetNames::default();
    let mut grids = vec![overview(b, cfg)];
    grids.extend(b.league.iter().map(|t| league(b, t, &mut names)));
    grids.push(top_lists(b));
    grids.push(units(b, cfg));
    grids.push(industries(b));
    grids.push(scale_and_sources(b));
    grids.push(charts::sheet(b));
    grids.push(big_projects(b));
    grids.push(project_list(b));
    grids.push(status(b));
    grids.push(data_notes(b));
    grids
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

/// A figure, or `—` when the return does not state it (never 0).
fn figure_cell(k: FigureKey, f: &Figures) -> Cell {
    f.stated(k).map_or(Cell::Dash, |v| value_cell(k, v))
}

fn figure_or_dash(k: FigureKey, f: Option<&Figures>) -> Cell {
    f.map_or(Cell::Dash, |f| figure_cell(k, f))
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
            figure_or_dash(k, t.ytd_last_year.as_ref()),
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
        ("已报送并通过审核", "个", count(t.reported)),
        ("待核实", "个", count(b.held.len())),
        ("未通过审核", "个", count(b.rejected.len())),
        ("未报送", "个", count(b.not_reported.len())),
    ];
    for (name, unit, value) in rows {
        g.rows.push(Row::body(vec![text(name), label(unit), value]));
    }

    g.rows.push(Row::space());
    g.rows.push(Row::caption("分组情况"));
    let yi = |k: FigureKey| titled(&format!("{}{span}累计", k.label()), k.print_unit());
    g.rows.push(Row::header_owned(vec![
        "分组".into(),
        "已报送/应报送".into(),
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
            label(format!("{}/{}", a.reported, a.units)),
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
            let v = row
                .values
                .get(j)
                .copied()
                .filter(|_| listed && !row.unstated.contains(k));
            cells.push(v.map_or(Cell::Dash, |v| value_cell(*k, v)));
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
        "注：得分按功效系数法计算，各项指标得分 = 权重 ×（0.6 + 0.4 ×（本单位值 − 组内最小值）÷（组内最大值 − 组内最小值）），权重为{}；得分相同的单位名次并列。未报送、未通过审核、待核实或缺报评分指标的单位不参加排名，列于表末。",
        weights.join("、")
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

/// One unit's (or area's) four rows on 分单位: 本月, 累计, 上年同期, 同比.
struct Block<'a> {
    name: String,
    status: String,
    month: Option<&'a Figures>,
    ytd: Option<&'a Figures>,
    last_year: Option<&'a Figures>,
    yoy: Option<&'a Pct>,
    completion: &'a BTreeMap<FigureKey, f64>,
    funds_rate: Option<f64>,
    start_rate: Option<f64>,
    /// Score and rank cells, shown on the 累计 row.
    score: Cell,
    rank: Cell,
    total: bool,
}

impl Block<'_> {
    fn rows(&self, span: &str, completion_keys: &[FigureKey]) -> Vec<Row> {
        let lead = |measure: String| vec![text(&self.name), label(&self.status), label(measure)];
        let extras = completion_keys.len() + 4;
        let make = |cells: Vec<Cell>| {
            if self.total {
                Row::total(cells)
            } else {
                Row::body(cells)
            }
        };

        let mut month = lead("本月".into());
        month.extend(FigureKey::ALL.map(|k| figure_or_dash(k, self.month)));
        month.extend(std::iter::repeat_n(Cell::Blank, extras));

        let mut ytd = lead(format!("{span}累计"));
        ytd.extend(FigureKey::ALL.map(|k| figure_or_dash(k, self.ytd)));
        ytd.extend(
            completion_keys
                .iter()
                .map(|k| Cell::Pct(self.completion.get(k).copied())),
        );
        ytd.extend([
            Cell::Pct(self.funds_rate),
            Cell::Pct(self.start_rate),
            self.score.clone(),
            self.rank.clone(),
        ]);

        let mut last = lead("上年同期".into());
        last.extend(FigureKey::ALL.map(|k| figure_or_dash(k, self.last_year)));
        last.extend(std::iter::repeat_n(Cell::Blank, extras));

        let mut yoy = lead("同比（%）".into());
        yoy.extend(
            FigureKey::ALL.map(|k| Cell::Pct(self.yoy.and_then(|y| y.get(&k).copied().flatten()))),
        );
        yoy.extend(std::iter::repeat_n(Cell::Blank, extras));

        vec![make(month).separated(), make(ytd), make(last), make(yoy)]
    }
}

/// 分单位: every roster unit by group with the group's subtotal, then the whole area; four
/// rows each (本月, 累计, 上年同期, 同比).
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
    let mut header: Vec<String> = ["单位", "报送状态", "口径"].map(str::to_string).to_vec();
    header.extend(FigureKey::ALL.map(|k| titled(k.label(), k.print_unit())));
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
    g.freeze_cols = 3;
    g.filter = true;
    // Twenty-odd columns must fit one landscape page: wrap the titles tightly.
    g.header_wrap = 8;

    let unit_block = |u: &'_ UnitFigures| -> Vec<Row> {
        let (score, rank) = if u.in_league {
            (
                Cell::Score(u.score),
                u.rank.map_or(Cell::Dash, |r| Cell::Ordinal(r.into())),
            )
        } else {
            (label("不参评"), label("不参评"))
        };
        Block {
            name: u.name.clone(),
            status: status_label(u.status).into(),
            month: u.month.as_ref(),
            ytd: u.ytd.as_ref(),
            last_year: u.ytd_last_year.as_ref(),
            yoy: u.yoy_pct.as_ref(),
            completion: &u.completion_pct,
            funds_rate: u.funds_rate_pct,
            start_rate: u.start_rate_pct,
            score,
            rank,
            total: false,
        }
        .rows(&span, &keys)
    };
    let area_block = |name: String, a: &'_ AreaFigures| -> Vec<Row> {
        Block {
            name,
            status: format!("{}/{}", a.reported, a.units),
            month: Some(&a.month),
            ytd: Some(&a.ytd),
            last_year: a.ytd_last_year.as_ref(),
            yoy: Some(&a.yoy_pct),
            completion: &a.completion_pct,
            funds_rate: a.funds_rate_pct,
            start_rate: a.start_rate_pct,
            score: Cell::Blank,
            rank: Cell::Blank,
            total: true,
        }
        .rows(&span, &keys)
    };
    // Group by group, as the annex of a bulletin reads: a caption, the units in roster
    // order, the group's subtotal; units of no configured group last; then the total.
    for group in &b.groups {
        g.rows.push(Row::caption(&group.name));
        for u in b.units.iter().filter(|u| u.group == group.name) {
            g.rows.extend(unit_block(u));
        }
        g.rows.extend(area_block("小计".into(), &group.figures));
    }
    let ungrouped: Vec<&UnitFigures> = b
        .units
        .iter()
        .filter(|u| !b.groups.iter().any(|gr| gr.name == u.group))
        .collect();
    if !ungrouped.is_empty() {
        g.rows.push(Row::caption("其他"));
        for u in ungrouped {
            g.rows.extend(unit_block(u));
        }
    }
    let region = &cfg.file.bulletin.region;
    g.rows.extend(area_block(format!("{region}合计"), &b.total));
    g.rows.push(Row::note(
        "注：金额单位为亿元（实际使用外资为万美元）；“—”表示无数据或无法计算（上年同期为零或无报表时不计算同比）。小计、合计行的报送状态为已通过审核单位数/单位数。完成率 = 累计 ÷ 年度目标；组内名次为所在分组赛马榜名次。",
    ));
    g
}

/// The header shared by the breakdown sheets.
fn breakdown_header(first: &str, span: &str) -> Row {
    Row::header_owned(vec![
        first.to_string(),
        titled(&format!("{span}签约项目数"), "个"),
        titled("签约合同投资额", "亿元"),
        titled("投资额占比", "%"),
        titled("实际到位资金", "亿元"),
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
        ["序号", "单位", "项目名称", "投资方", "产业类别", "签约日期"]
            .map(str::to_string)
            .into_iter()
            .chain([titled("合同投资额", "亿元")])
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
            label(&bp.signed_on),
            Cell::Yi(bp.amount.as_f64()),
        ]));
    }
    let sum: Wan = b.big_projects.iter().map(|bp| bp.amount).sum();
    g.rows.push(Row::total(vec![
        label("合计"),
        label(format!("{} 个", b.big_projects.len())),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Yi(sum.as_f64()),
    ]));
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
/// A row's flow cell: `—` when its return does not state the figure (no column).
fn flow(share: &Figures, k: FigureKey, v: f64) -> Cell {
    if share.unstated.contains(k) {
        Cell::Dash
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
    let mut titles: Vec<String> = [
        "序号",
        "单位",
        "单位代码",
        "文件名",
        "版本",
        "位置",
        "项目名称",
        "投资方",
        "产业类别",
        "项目进展",
        "签约日期",
    ]
    .map(str::to_string)
    .to_vec();
    titles.extend([
        titled("合同投资额", "万元"),
        "开工日期".to_string(),
        titled("本月到位资金", "万元"),
        titled("本年累计到位资金", "万元"),
        titled("本月实际使用外资", "万美元"),
        titled("本年累计实际使用外资", "万美元"),
        "资金来源".to_string(),
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
        let mut cells = vec![
            ordinal(i + 1),
            text(&*line.unit_name),
            label(&*line.unit_code),
            text(&*line.file),
            line.version.map_or(Cell::Blank, Cell::Ordinal),
            label(line.place()),
            text(&pr.name),
            text(&pr.investor),
            text(&pr.industry),
            label(pr.stage.label()),
            date(pr.signed_on),
            pr.contract_amount
                .map_or(Cell::Blank, |a| Cell::Amount(a.as_f64())),
            date(pr.started_on),
            flow(
                &line.month,
                FigureKey::FundsInPlace,
                pr.funds_month.as_f64(),
            ),
            flow(&line.ytd, FigureKey::FundsInPlace, pr.funds_ytd.as_f64()),
            flow(&line.month, FigureKey::FdiUsd, pr.fdi_month.as_f64()),
            flow(&line.ytd, FigureKey::FdiUsd, pr.fdi_ytd.as_f64()),
            label(pr.funds_source.map_or("", crate::model::FundsSource::label)),
        ];
        cells.extend(
            PROJECT_FLAGS
                .iter()
                .map(|(_, counts)| Cell::Count(i64::from(counts(&line.month, &line.ytd)))),
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
        "共 {} 个单位：已报送 {} 个，待核实 {} 个，未通过审核 {} 个，未报送 {} 个。",
        b.units.len(),
        accepted,
        b.held.len(),
        b.rejected.len(),
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
    g.rows.push(Row::caption(
        "五、未填报部分指标的单位（表中以“—”表示，合计不含）",
    ));
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
