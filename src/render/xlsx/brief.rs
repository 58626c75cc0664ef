//! The briefing's workbook: the same figures as its PDF, as sheets a clerk can sort and
//! reuse — 主要指标, 各单位, 各月 (for a span of several months), 重点项目.

use super::grid::{Cell, Grid, Row};
use super::sheets::value_cell;
use super::titles::titled;
use crate::aggregate::brief::{Brief, FLOW_KEYS};
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
        // Flows nobody's returns allow to work out are not figures (never 0).
        let flow = FLOW_KEYS.contains(&k);
        let now = if flow && !brief.flows_known {
            Cell::Dash
        } else {
            value_cell(k, brief.total.value(k))
        };
        let last = match &brief.total_last_year {
            Some(l) if !flow || brief.last_year_flows_known => value_cell(k, l.value(k)),
            _ => Cell::Dash,
        };
        g.rows.push(Row::body(vec![
            Cell::Text(k.label().to_string()),
            Cell::Label(k.print_unit().to_string()),
            now,
            last,
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
    // The league ranks the year to date, whatever the briefing's span.
    let league_months = match brief.span.to.month {
        1 => "1月".to_string(),
        m => format!("1—{m}月"),
    };
    titles.extend([
        titled("赛马榜得分", &league_months),
        titled("赛马榜名次", &league_months),
    ]);
    g.main_header(Row::header_owned(titles));
    g.freeze_cols = 1;
    g.filter = true;
    for u in &brief.units {
        let mut cells = vec![Cell::Text(u.name.clone()), Cell::Label(u.group.clone())];
        for k in keys {
            cells.push(match &u.now {
                Some(n) if n.flows_complete || !FLOW_KEYS.contains(&k) => {
                    value_cell(k, n.figures.value(k))
                }
                _ => Cell::Dash,
            });
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
    let count = |n: usize| Cell::Count(i64::try_from(n).unwrap_or(i64::MAX));
    for m in &brief.months {
        let mut cells = vec![
            Cell::Label(format!("{}年{}月", m.period.year, m.period.month)),
            count(m.returned),
        ];
        cells.extend(keys.iter().map(|&k| {
            if FLOW_KEYS.contains(&k) && m.flows_from == 0 {
                Cell::Dash
            } else {
                value_cell(k, m.figures.value(k))
            }
        }));
        g.rows.push(Row::body(cells));
    }
    g.rows.push(Row::note(
        "注：各月签约、开工为期末报表中签约、开工日期在当月的项目，各月之和等于期间合计；到位资金、外资为当月报表的本月数，当月无报表的单位不计，“—”为当月无报表；期间合计按累计数之差计算，个别单位补报、更正前期数据时两者可能略有出入。",
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
