//! The briefing's workbook: the same figures as its PDF, as sheets a clerk can sort and
//! reuse — 主要指标, 各单位, 各月 (for a span of several months), 重点项目.

use super::grid::{Cell, Grid, Row};
use super::sheets::value_cell;
use super::titles::titled;
use crate::aggregate::brief::Brief;
use crate::model::FigureKey;

/// Every sheet of the briefing's workbook.
pub(super) fn all(brief: &Brief) -> Vec<Grid<'_>> {
    let mut grids = vec![headline(brief), members(brief)];
    if !brief.months.is_empty() {
        grids.push(months(brief));
    }
    grids.push(projects(brief));
    grids
}

fn title(brief: &Brief, what: &str) -> String {
    format!("{}{}（{}）", brief.subject, what, brief.span.label())
}

fn pct(brief_pct: &crate::aggregate::Pct, k: FigureKey) -> Cell {
    Cell::Pct(brief_pct.get(&k).copied().flatten())
}

fn headline(brief: &Brief) -> Grid<'static> {
    let mut g = Grid::new("主要指标", title(brief, "主要指标"));
    g.main_header(Row::header(&[
        "指标",
        "单位",
        "本期",
        "上年同期",
        "同比（%）",
    ]));
    for k in FigureKey::ALL {
        g.rows.push(Row::body(vec![
            Cell::Text(k.label().to_string()),
            Cell::Label(k.print_unit().to_string()),
            value_cell(k, brief.total.value(k)),
            brief
                .total_last_year
                .as_ref()
                .map_or(Cell::Dash, |l| value_cell(k, l.value(k))),
            pct(&brief.total_yoy_pct, k),
        ]));
    }
    g.rows.push(Row::note(format!(
        "注：{}个单位中{}个有截至{}月的已通过报表；同比按可比口径（上年同期也有报表的单位）计算。",
        brief.units.len(),
        brief.reported,
        brief.span.to.month
    )));
    g
}

fn members(brief: &Brief) -> Grid<'static> {
    let mut g = Grid::new("各单位", title(brief, "各单位主要指标"));
    let keys = [
        FigureKey::SignedCount,
        FigureKey::SignedAmount,
        FigureKey::BigCount,
        FigureKey::StartedCount,
        FigureKey::StartedInvestment,
        FigureKey::FundsInPlace,
        FigureKey::FdiUsd,
    ];
    let mut titles = vec!["单位".to_string(), "分组".to_string()];
    for k in keys {
        titles.push(titled(k.label(), k.print_unit()));
        if matches!(k, FigureKey::SignedAmount | FigureKey::FundsInPlace) {
            titles.push("同比（%）".to_string());
        }
    }
    titles.extend(["赛马榜得分".to_string(), "赛马榜名次".to_string()]);
    g.main_header(Row::header_owned(titles));
    g.freeze_cols = 1;
    g.filter = true;
    for u in &brief.units {
        let mut cells = vec![Cell::Text(u.name.clone()), Cell::Label(u.group.clone())];
        for k in keys {
            cells.push(
                u.now
                    .as_ref()
                    .map_or(Cell::Dash, |n| value_cell(k, n.figures.value(k))),
            );
            if matches!(k, FigureKey::SignedAmount | FigureKey::FundsInPlace) {
                cells.push(pct(&u.yoy_pct, k));
            }
        }
        cells.push(Cell::Score(u.league.as_ref().map(|s| s.score)));
        cells.push(
            u.league
                .as_ref()
                .map_or(Cell::Dash, |s| Cell::Ordinal(i64::from(s.rank))),
        );
        g.rows.push(Row::body(cells));
    }
    g
}

fn months(brief: &Brief) -> Grid<'static> {
    let mut g = Grid::new("各月", title(brief, "各月情况"));
    let keys = [
        FigureKey::SignedCount,
        FigureKey::SignedAmount,
        FigureKey::StartedCount,
        FigureKey::FundsInPlace,
        FigureKey::FdiUsd,
    ];
    let mut titles = vec!["月份".to_string(), "报送单位数".to_string()];
    titles.extend(keys.iter().map(|k| titled(k.label(), k.print_unit())));
    g.main_header(Row::header_owned(titles));
    for (p, f, reported) in &brief.months {
        let mut cells = vec![
            Cell::Label(format!("{}年{}月", p.year, p.month)),
            Cell::Count(i64::try_from(*reported).unwrap_or(i64::MAX)),
        ];
        cells.extend(keys.iter().map(|&k| value_cell(k, f.value(k))));
        g.rows.push(Row::body(cells));
    }
    g.rows.push(Row::note(
        "注：各月数为当月报表的本月数；期间合计按累计数之差计算，个别单位补报、更正前期数据时两者可能略有出入。",
    ));
    g
}

fn projects(brief: &Brief) -> Grid<'static> {
    let mut g = Grid::new("重点项目", title(brief, "签约投资额居前的项目"));
    g.main_header(Row::header(&[
        "序号",
        "项目名称",
        "单位",
        "投资方",
        "产业类别",
        "合同投资额（亿元）",
        "签约日期",
        "项目进展",
    ]));
    for (i, p) in brief.projects.iter().enumerate() {
        g.rows.push(Row::body(vec![
            Cell::Ordinal(i64::try_from(i + 1).unwrap_or(i64::MAX)),
            Cell::Text(p.name.clone()),
            Cell::Label(p.unit.clone()),
            Cell::Text(p.investor.clone()),
            Cell::Label(p.industry.clone()),
            Cell::Yi(p.amount.as_f64()),
            Cell::Label(p.signed_on.format("%Y-%m-%d").to_string()),
            Cell::Label(p.stage.label().to_string()),
        ]));
    }
    if brief.projects.is_empty() {
        g.rows.push(Row::note("期间无新签约项目。"));
    }
    g
}
