//! 图表: the two native Excel charts of the workbook — units' year-to-date contract amount
//! as columns and industries' year-to-date signed amount as bars — above the small tables
//! they plot, so the charts stay live if a clerk corrects a figure.

use rust_xlsxwriter::{Chart, ChartAxisCrossing, ChartDataLabel, ChartFont, ChartType};

use crate::aggregate::Bulletin;
use crate::model::FigureKey;

use super::grid::{Cell, Grid, PlacedChart, Row};
use super::titles::{span, span_title, titled};

/// The sheet's name.
const NAME: &str = "图表";
/// Column of the units table, and of the industries table; one empty column between.
const UNIT_COL: u16 = 0;
const INDUSTRY_COL: u16 = 3;
/// Chart size in pixels: one landscape page wide, at most one page high.
const CHART_WIDTH: u32 = 960;
const CHART_HEIGHT: u32 = 400;
/// The units chart has a page of its own: room for rotated unit names.
const UNITS_CHART_HEIGHT: u32 = 520;
const MAX_CHART_HEIGHT: u32 = 620;
/// Pixels per industry on the bar chart.
const BAR_PIXELS: u32 = 26;
/// Point size of axis labels.
const LABEL_POINTS: u8 = 9;
/// Pixels of one row (17 points).
const ROW_PIXELS: f64 = 17.0 * 4.0 / 3.0;
/// Above this many units the columns carry no value labels: they would overlap.
const MAX_LABELLED_UNITS: usize = 20;

/// Sheet rows a chart of `height` pixels covers, with one row to spare.
fn rows_for(height: u32) -> usize {
    (f64::from(height) / ROW_PIXELS).ceil() as usize + 1
}

/// The 图表 sheet: the charts on top, the tables they plot below them; each chart and the
/// tables start a printed page of their own, so that no page cuts a chart.
pub(super) fn sheet(b: &Bulletin) -> Grid<'static> {
    let span = span(b.period);
    let mut g = Grid::new(NAME, format!("{}招商引资图表", span_title(b.period)));

    // Units by contract amount, largest first (roster order among equals), as a ranking reads.
    let mut units: Vec<(&str, f64)> = b
        .units
        .iter()
        .filter_map(|u| {
            u.ytd
                .as_ref()
                .map(|f| (u.name.as_str(), f.signed_amount.as_f64()))
        })
        .collect();
    units.sort_by(|a, b| b.1.total_cmp(&a.1));
    let industries: Vec<(&str, f64)> = b
        .industries
        .iter()
        .map(|r| (r.name.as_str(), r.signed_amount.as_f64()))
        .collect();
    if units.is_empty() && industries.is_empty() {
        g.rows.push(Row::note("暂无已通过审核的报表，无图表。"));
        return g;
    }

    let bars = u32::try_from(industries.len()).unwrap_or(u32::MAX);
    let industry_height = bars
        .saturating_mul(BAR_PIXELS)
        .saturating_add(100)
        .clamp(CHART_HEIGHT, MAX_CHART_HEIGHT);
    let mut units_at = None;
    let mut industries_at = None;
    if !units.is_empty() {
        units_at = Some(g.next_sheet_row());
        g.rows
            .extend(std::iter::repeat_with(Row::space).take(rows_for(UNITS_CHART_HEIGHT)));
    }
    if !industries.is_empty() {
        let at = g.next_sheet_row();
        industries_at = Some(at);
        if units_at.is_some() {
            g.page_breaks.push(at);
        }
        g.rows
            .extend(std::iter::repeat_with(Row::space).take(rows_for(industry_height)));
    }
    g.page_breaks.push(g.next_sheet_row());

    let amount_title = titled(
        &format!("{span}{}", FigureKey::SignedAmount.label()),
        FigureKey::SignedAmount.print_unit(),
    );
    g.rows.push(Row::header_cells(vec![
        Cell::Label("单位".into()),
        Cell::Label(amount_title),
        Cell::Gap,
        Cell::Label("产业类别".into()),
        Cell::Label(titled(&format!("{span}签约合同投资额"), "亿元")),
    ]));
    let first = g.next_sheet_row();
    for i in 0..units.len().max(industries.len()) {
        let pair = |v: Option<&(&str, f64)>| match v {
            Some((name, wan)) => [Cell::Text((*name).to_string()), Cell::Yi(*wan)],
            None => [Cell::Gap, Cell::Gap],
        };
        let mut cells = Vec::with_capacity(5);
        cells.extend(pair(units.get(i)));
        cells.push(Cell::Gap);
        cells.extend(pair(industries.get(i)));
        g.rows.push(Row::body(cells));
    }

    let small = || {
        let mut f = ChartFont::new();
        f.set_size(LABEL_POINTS);
        f
    };
    if let Some(row) = units_at {
        let last = first + u32::try_from(units.len()).unwrap_or(1) - 1;
        let mut chart = Chart::new(ChartType::Column);
        let series = chart
            .add_series()
            .set_name(FigureKey::SignedAmount.label())
            .set_categories((NAME, first, UNIT_COL, last, UNIT_COL))
            .set_values((NAME, first, UNIT_COL + 1, last, UNIT_COL + 1));
        if units.len() <= MAX_LABELLED_UNITS {
            series.set_data_label(ChartDataLabel::new().show_value());
        }
        chart
            .title()
            .set_name(&format!("各单位{span}新签约合同投资额"));
        chart.x_axis().set_name("单位").set_font(&small());
        chart.y_axis().set_name("亿元").set_num_format("0.00");
        chart.legend().set_hidden();
        chart.set_width(CHART_WIDTH).set_height(UNITS_CHART_HEIGHT);
        g.charts.push(PlacedChart { row, col: 0, chart });
    }
    if let Some(row) = industries_at {
        let last = first + u32::try_from(industries.len()).unwrap_or(1) - 1;
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name("签约合同投资额")
            .set_categories((NAME, first, INDUSTRY_COL, last, INDUSTRY_COL))
            .set_values((NAME, first, INDUSTRY_COL + 1, last, INDUSTRY_COL + 1))
            .set_data_label(ChartDataLabel::new().show_value());
        chart
            .title()
            .set_name(&format!("{span}分产业签约合同投资额"));
        // A bar chart's categories run up the vertical axis: reverse them so the largest
        // industry is on top, and keep the value axis at the bottom.
        chart
            .y_axis()
            .set_name("产业类别")
            .set_font(&small())
            .set_label_interval(1)
            .set_reverse()
            .set_crossing(ChartAxisCrossing::Max);
        chart.x_axis().set_name("亿元").set_num_format("0.00");
        chart.legend().set_hidden();
        chart.set_width(CHART_WIDTH).set_height(industry_height);
        g.charts.push(PlacedChart { row, col: 0, chart });
    }
    g
}
