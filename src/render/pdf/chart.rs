//! Charts drawn with vector operators: a bar (column) chart of one series and a line
//! chart of several, each one box of the text block's width. Category labels wrap inside
//! their slot (a narrow slot stacks Chinese characters one above the other, which reads
//! naturally in Chinese); the value axis has round ticks in the chart's unit.

use super::blocks::{Align, BarChart, FontRole, LineChart};
use super::boxes::{line_items, Boxed, Frame, Item, Rgb, BLACK};
use super::text::Metrics;
use super::text::{balanced_lines, break_lines, Shaper};

const GRID: Rgb = Rgb(0.82, 0.82, 0.82);
const BAR: Rgb = Rgb(0.16, 0.35, 0.58);
/// Series colours of line charts: dark blue, red, green, amber, purple, grey.
const SERIES: [Rgb; 6] = [
    Rgb(0.12, 0.30, 0.52),
    Rgb(0.78, 0.10, 0.10),
    Rgb(0.24, 0.50, 0.20),
    Rgb(0.80, 0.55, 0.05),
    Rgb(0.45, 0.25, 0.60),
    Rgb(0.40, 0.40, 0.40),
];
const TITLE_SIZE: f32 = 13.0;
const LABEL_SIZE: f32 = 9.0;
/// Height of a chart's plot area, and of a compact one (a briefing's).
const PLOT_HEIGHT: f32 = 170.0;
const COMPACT_PLOT_HEIGHT: f32 = 80.0;
/// Most lines a category label may take.
const MAX_LABEL_LINES: usize = 6;

/// A legend entry: series name, colour, marker shape.
type LegendEntry = (String, Rgb, usize);

/// A value axis from `lo` to `hi` with ticks every `step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

impl Scale {
    /// Round ticks (1, 2, 5 × 10ⁿ) covering the values and zero, about five of them.
    pub(super) fn nice(values: impl Iterator<Item = f64>) -> Scale {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if (hi - lo).abs() < f64::EPSILON {
            hi = lo + 1.0;
        }
        let raw = (hi - lo) / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        Scale {
            lo: (lo / step).floor() * step,
            hi: (hi / step).ceil() * step,
            step,
        }
    }

    /// The tick values, bottom to top.
    pub(super) fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n).map(|k| self.lo + k as f64 * self.step).collect()
    }

    /// Decimals that show every tick exactly.
    fn decimals(&self) -> usize {
        decimals_for(&self.ticks())
    }
}

/// The fewest decimals (at most 2) that write every value exactly to 0.01.
pub(super) fn decimals_for(values: &[f64]) -> usize {
    (0..=2)
        .find(|&d| {
            let f = 10f64.powi(d as i32);
            values
                .iter()
                .all(|v| ((v * f).round() - v * f).abs() < 1e-6 * f.max(1.0))
        })
        .unwrap_or(2)
}

fn format_value(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    // -0 reads oddly on an axis.
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// Text of one line, `align`ed in `x..x+width`, its em box centred on `centre_y`.
#[allow(clippy::too_many_arguments)]
fn label<M: Metrics>(
    shaper: &mut Shaper<'_, M>,
    text: &str,
    role: FontRole,
    size: f32,
    align: Align,
    x: f32,
    width: f32,
    centre_y: f32,
    color: Rgb,
) -> Vec<Item> {
    let glyphs = shaper.shape(text, role);
    let line = super::text::Line::single(&glyphs, size, 0.0);
    line_items(&glyphs, &line, align, x, width, size, 0.0, size, color)
        .into_iter()
        .map(|i| i.shifted(centre_y - size / 2.0))
        .collect()
}

/// A bar from the zero line to `end` (either side of it): its start and its length.
fn from_zero(zero: f32, end: f32) -> (f32, f32) {
    (end.min(zero), (end - zero).abs())
}

/// A chart's title, wrapped and centred across the text block from its top; the height
/// it takes.
fn title_lines<M: Metrics>(
    shaper: &mut Shaper<'_, M>,
    title: &str,
    frame: &Frame,
    items: &mut Vec<Item>,
) -> f32 {
    let pitch = TITLE_SIZE * 1.6;
    let glyphs = shaper.shape(title, FontRole::Heading);
    let mut y = 0.0;
    for line in break_lines(&glyphs, TITLE_SIZE, 0.0, frame.width, frame.width) {
        for item in line_items(
            &glyphs,
            &line,
            Align::Center,
            frame.left,
            frame.width,
            TITLE_SIZE,
            0.0,
            pitch,
            BLACK,
        ) {
            items.push(item.shifted(y));
        }
        y += pitch;
    }
    y
}

/// The parts every chart shares: title, unit, value axis with grid, category labels.
struct Axes {
    items: Vec<Item>,
    plot_left: f32,
    plot_right: f32,
    plot_top: f32,
    plot_bottom: f32,
    scale: Scale,
    /// Height of the whole chart.
    height: f32,
}

impl Axes {
    fn y_of(&self, v: f64) -> f32 {
        let t = (v - self.scale.lo) / (self.scale.hi - self.scale.lo);
        self.plot_bottom - t as f32 * (self.plot_bottom - self.plot_top)
    }

    /// The centre of category `k` of `n`.
    fn x_of(&self, k: usize, n: usize) -> f32 {
        let slot = (self.plot_right - self.plot_left) / n.max(1) as f32;
        self.plot_left + slot * (k as f32 + 0.5)
    }

    #[allow(clippy::too_many_arguments)]
    fn build<M: Metrics>(
        frame: &Frame,
        shaper: &mut Shaper<'_, M>,
        title: &str,
        unit: &str,
        categories: &[String],
        values: &[f64],
        legend: &[LegendEntry],
        plot_height: f32,
    ) -> Axes {
        let mut items = Vec::new();
        let left = frame.left;
        let width = frame.width;
        let mut y = 0.0;

        y += title_lines(shaper, title, frame, &mut items);

        // Legend: swatches and names, centred, wrapping to more rows if needed.
        if !legend.is_empty() {
            let entries: Vec<(f32, &LegendEntry)> = legend
                .iter()
                .map(|e| {
                    let w = shaper.width(&e.0, FontRole::Body, LABEL_SIZE, 0.0);
                    (22.0 + w, e)
                })
                .collect();
            let gap = 14.0;
            let mut rows: Vec<Vec<(f32, &LegendEntry)>> = vec![Vec::new()];
            let mut row_w = 0.0;
            for e in entries {
                if row_w > 0.0 && row_w + gap + e.0 > width {
                    rows.push(Vec::new());
                    row_w = 0.0;
                }
                row_w += if row_w > 0.0 { gap } else { 0.0 } + e.0;
                if let Some(r) = rows.last_mut() {
                    r.push(e);
                }
            }
            for row in rows {
                let total: f32 = row.iter().map(|e| e.0).sum::<f32>()
                    + gap * (row.len().saturating_sub(1)) as f32;
                let mut x = left + (width - total) / 2.0;
                let cy = y + LABEL_SIZE;
                for (w, (name, color, marker)) in row {
                    items.push(Item::Line {
                        x1: x,
                        y1: cy,
                        x2: x + 18.0,
                        y2: cy,
                        width: 1.5,
                        color: *color,
                    });
                    items.push(marker_item(*marker, x + 9.0, cy, *color));
                    items.extend(label(
                        shaper,
                        name,
                        FontRole::Body,
                        LABEL_SIZE,
                        Align::Left,
                        x + 22.0,
                        w - 22.0,
                        cy,
                        BLACK,
                    ));
                    x += w + gap;
                }
                y += LABEL_SIZE * 2.0;
            }
        }

        // Unit above the value axis.
        if !unit.is_empty() {
            let unit_text = format!("单位：{unit}");
            items.extend(label(
                shaper,
                &unit_text,
                FontRole::Body,
                LABEL_SIZE,
                Align::Left,
                left,
                width,
                y + LABEL_SIZE,
                BLACK,
            ));
            y += LABEL_SIZE * 2.0;
        }

        let scale = Scale::nice(values.iter().copied());
        let decimals = scale.decimals();
        let ticks: Vec<(f64, String)> = scale
            .ticks()
            .into_iter()
            .map(|t| (t, format_value(t, decimals)))
            .collect();
        let tick_w = ticks
            .iter()
            .map(|(_, s)| shaper.width(s, FontRole::Body, LABEL_SIZE, 0.0))
            .fold(0.0f32, f32::max);
        let plot_left = left + tick_w + 6.0;
        let plot_right = left + width - 4.0;
        // Room above the highest tick for value labels.
        let plot_top = y + LABEL_SIZE * 1.5;
        let plot_bottom = plot_top + plot_height;

        // Category labels, wrapped to their slot.
        let n = categories.len().max(1);
        let slot = (plot_right - plot_left) / n as f32;
        let inner = (slot - 3.0).max(LABEL_SIZE);
        let label_pitch = LABEL_SIZE * 1.25;
        let mut max_lines = 1;
        let mut label_items = Vec::new();
        for (k, cat) in categories.iter().enumerate() {
            let glyphs = shaper.shape(cat, FontRole::Body);
            let mut lines = balanced_lines(&glyphs, LABEL_SIZE, 0.0, inner);
            if lines.len() > MAX_LABEL_LINES {
                lines.truncate(MAX_LABEL_LINES);
            }
            max_lines = max_lines.max(lines.len());
            let x = plot_left + slot * k as f32 + (slot - inner) / 2.0;
            for (l, line) in lines.iter().enumerate() {
                for item in line_items(
                    &glyphs,
                    line,
                    Align::Center,
                    x,
                    inner,
                    LABEL_SIZE,
                    0.0,
                    label_pitch,
                    BLACK,
                ) {
                    label_items.push(item.shifted(plot_bottom + 4.0 + l as f32 * label_pitch));
                }
            }
        }
        let height = plot_bottom + 4.0 + max_lines as f32 * label_pitch + 6.0;

        let mut axes = Axes {
            items: Vec::new(),
            plot_left,
            plot_right,
            plot_top,
            plot_bottom,
            scale,
            height,
        };
        for (t, text) in &ticks {
            let ty = axes.y_of(*t);
            items.push(Item::Line {
                x1: plot_left,
                y1: ty,
                x2: plot_right,
                y2: ty,
                width: if t.abs() < 1e-12 { 0.8 } else { 0.4 },
                color: if t.abs() < 1e-12 { BLACK } else { GRID },
            });
            items.extend(label(
                shaper,
                text,
                FontRole::Body,
                LABEL_SIZE,
                Align::Right,
                left,
                tick_w,
                ty,
                BLACK,
            ));
        }
        items.push(Item::Line {
            x1: plot_left,
            y1: plot_top,
            x2: plot_left,
            y2: plot_bottom,
            width: 0.6,
            color: BLACK,
        });
        items.extend(label_items);
        axes.items = items;
        axes
    }
}

/// A marker shape centred on (x, y): 0 circle, 1 square, 2 triangle, 3 diamond.
fn marker_item(kind: usize, x: f32, y: f32, fill: Rgb) -> Item {
    let r = 2.6;
    let points: Vec<(f32, f32)> = match kind % 4 {
        0 => (0..12)
            .map(|k| {
                let a = k as f32 * std::f32::consts::PI / 6.0;
                (x + r * a.cos(), y + r * a.sin())
            })
            .collect(),
        1 => vec![
            (x - r, y - r),
            (x + r, y - r),
            (x + r, y + r),
            (x - r, y + r),
        ],
        2 => vec![
            (x, y - r * 1.2),
            (x + r * 1.1, y + r * 0.8),
            (x - r * 1.1, y + r * 0.8),
        ],
        _ => vec![
            (x, y - r * 1.3),
            (x + r * 1.3, y),
            (x, y + r * 1.3),
            (x - r * 1.3, y),
        ],
    };
    Item::Polygon { points, fill }
}

fn plot_height(compact: bool) -> f32 {
    if compact {
        COMPACT_PLOT_HEIGHT
    } else {
        PLOT_HEIGHT
    }
}

/// A bar chart: one bar per category with its value above it.
/// Above this many bars, a bar chart is drawn horizontally: a list of units reads down
/// the page with every name whole and every value beside its bar, where upright bars
/// would overlap their labels.
const UPRIGHT_BARS: usize = 12;

/// Horizontal bars: label size, row pitch, bar thickness.
const HBAR_LABEL: f32 = 8.0;
const HBAR_PITCH: f32 = 10.5;
const HBAR_THICK: f32 = 7.0;

/// `text` cut to fit `width` at `size`, ending in an ellipsis when cut.
fn fitted<M: Metrics>(shaper: &mut Shaper<'_, M>, text: &str, size: f32, width: f32) -> String {
    if shaper.width(text, FontRole::Body, size, 0.0) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().chain(['…'].iter()).collect();
        if shaper.width(&candidate, FontRole::Body, size, 0.0) <= width {
            return candidate;
        }
    }
    "…".to_string()
}

/// A bar chart of many categories, bars running left to right: names on the left (cut
/// with an ellipsis only if longer than a quarter of the text block), a value after each
/// bar, the value axis below.
fn horizontal_bar_chart<M: Metrics>(
    chart: &BarChart,
    frame: &Frame,
    shaper: &mut Shaper<'_, M>,
) -> Boxed {
    let mut items = Vec::new();
    let left = frame.left;
    let width = frame.width;
    let mut y = title_lines(shaper, &chart.title, frame, &mut items);
    let unit = format!("单位：{}", chart.unit);
    items.extend(label(
        shaper,
        &unit,
        FontRole::Body,
        LABEL_SIZE,
        Align::Right,
        left,
        width,
        y + LABEL_SIZE / 2.0,
        BLACK,
    ));
    y += LABEL_SIZE * 1.6;

    let values: Vec<f64> = chart.bars.iter().map(|(_, v)| *v).collect();
    let decimals = decimals_for(&values);
    let scale = Scale::nice(values.iter().copied());
    let names_w = chart
        .bars
        .iter()
        .map(|(c, _)| shaper.width(c, FontRole::Body, HBAR_LABEL, 0.0))
        .fold(0.0f32, f32::max)
        .min(width / 4.0);
    let value_w = values
        .iter()
        .map(|v| shaper.width(&format_value(*v, decimals), FontRole::Body, HBAR_LABEL, 0.0))
        .fold(0.0f32, f32::max);
    let plot_left = left + names_w + 4.0;
    let plot_right = left + width - value_w - 4.0;
    let x_of = |v: f64| {
        let t = (v - scale.lo) / (scale.hi - scale.lo);
        plot_left + t as f32 * (plot_right - plot_left)
    };
    let plot_top = y;
    let plot_bottom = y + chart.bars.len() as f32 * HBAR_PITCH;
    let tick_decimals = decimals_for(&scale.ticks());
    for t in scale.ticks() {
        let x = x_of(t);
        items.push(Item::Line {
            x1: x,
            y1: plot_top,
            x2: x,
            y2: plot_bottom,
            width: 0.4,
            color: GRID,
        });
        items.extend(label(
            shaper,
            &format_value(t, tick_decimals),
            FontRole::Body,
            HBAR_LABEL,
            Align::Center,
            x - 30.0,
            60.0,
            plot_bottom + HBAR_LABEL,
            BLACK,
        ));
    }
    let zero = x_of(0.0);
    for (k, (name, v)) in chart.bars.iter().enumerate() {
        let centre = plot_top + (k as f32 + 0.5) * HBAR_PITCH;
        let name = fitted(shaper, name, HBAR_LABEL, names_w);
        items.extend(label(
            shaper,
            &name,
            FontRole::Body,
            HBAR_LABEL,
            Align::Right,
            left,
            names_w,
            centre,
            BLACK,
        ));
        if !v.is_finite() {
            continue;
        }
        let end = x_of(*v);
        let (x, w) = from_zero(zero, end);
        items.push(Item::Rect {
            x,
            y: centre - HBAR_THICK / 2.0,
            w,
            h: HBAR_THICK,
            fill: BAR,
        });
        items.extend(label(
            shaper,
            &format_value(*v, decimals),
            FontRole::Body,
            HBAR_LABEL,
            Align::Left,
            end.max(zero) + 2.0,
            value_w + 2.0,
            centre,
            BLACK,
        ));
    }
    items.push(Item::Line {
        x1: zero,
        y1: plot_top,
        x2: zero,
        y2: plot_bottom,
        width: 0.8,
        color: BLACK,
    });
    let height = plot_bottom + HBAR_LABEL * 2.2;
    Boxed::flow(height, items)
}

pub(super) fn bar_chart<M: Metrics>(
    chart: &BarChart,
    frame: &Frame,
    shaper: &mut Shaper<'_, M>,
) -> Boxed {
    if chart.bars.len() > UPRIGHT_BARS {
        return horizontal_bar_chart(chart, frame, shaper);
    }
    let categories: Vec<String> = chart.bars.iter().map(|(c, _)| c.clone()).collect();
    let values: Vec<f64> = chart.bars.iter().map(|(_, v)| *v).collect();
    let axes = Axes::build(
        frame,
        shaper,
        &chart.title,
        &chart.unit,
        &categories,
        &values,
        &[],
        plot_height(chart.compact),
    );
    let mut items = axes.items.clone();
    let n = values.len().max(1);
    let slot = (axes.plot_right - axes.plot_left) / n as f32;
    let bar_w = (slot * 0.6).min(36.0);
    let decimals = decimals_for(&values);
    let zero = axes.y_of(0.0);
    for (k, v) in values.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let cx = axes.x_of(k, n);
        let vy = axes.y_of(*v);
        let (top, h) = from_zero(zero, vy);
        items.push(Item::Rect {
            x: cx - bar_w / 2.0,
            y: top,
            w: bar_w,
            h,
            fill: BAR,
        });
        let text = format_value(*v, decimals);
        let em = shaper.width(&text, FontRole::Body, 1.0, 0.0);
        let size = (0.95 * slot / em.max(0.1)).clamp(5.0, 8.5);
        let label_y = if *v >= 0.0 {
            vy - size * 0.8
        } else {
            vy + size * 0.8
        };
        items.extend(label(
            shaper,
            &text,
            FontRole::Body,
            size,
            Align::Center,
            cx - slot / 2.0,
            slot,
            label_y,
            BLACK,
        ));
    }
    let mut b = Boxed::flow(axes.height, items);
    b.keep_with_next = false;
    b
}

/// A line chart: one polyline per series with markers; a missing value breaks the line.
pub(super) fn line_chart<M: Metrics>(
    chart: &LineChart,
    frame: &Frame,
    shaper: &mut Shaper<'_, M>,
) -> Boxed {
    let values: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|(_, vs)| vs.iter().flatten().copied())
        .collect();
    let legend: Vec<LegendEntry> = chart
        .series
        .iter()
        .enumerate()
        .map(|(k, (name, _))| (name.clone(), SERIES[k % SERIES.len()], k))
        .collect();
    let axes = Axes::build(
        frame,
        shaper,
        &chart.title,
        &chart.unit,
        &chart.x_labels,
        &values,
        &legend,
        plot_height(chart.compact),
    );
    let mut items = axes.items.clone();
    let n = chart
        .x_labels
        .len()
        .max(chart.series.iter().map(|(_, v)| v.len()).max().unwrap_or(0))
        .max(1);
    for (k, (_, vs)) in chart.series.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        let mut segment: Vec<(f32, f32)> = Vec::new();
        let mut markers = Vec::new();
        for (i, v) in vs.iter().enumerate() {
            match v {
                Some(v) if v.is_finite() => {
                    let p = (axes.x_of(i, n), axes.y_of(*v));
                    segment.push(p);
                    markers.push(marker_item(k, p.0, p.1, color));
                }
                _ => {
                    if segment.len() > 1 {
                        items.push(Item::Polyline {
                            points: std::mem::take(&mut segment),
                            width: 1.5,
                            color,
                        });
                    }
                    segment.clear();
                }
            }
        }
        if segment.len() > 1 {
            items.push(Item::Polyline {
                points: segment,
                width: 1.5,
                color,
            });
        }
        items.extend(markers);
    }
    Boxed::flow(axes.height, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_have_round_steps_and_include_zero() {
        let s = Scale::nice([3.2, 17.9, 8.0].into_iter());
        assert_eq!((s.lo, s.hi, s.step), (0.0, 20.0, 5.0));
        let s = Scale::nice([-12.5, 30.0].into_iter());
        assert_eq!((s.lo, s.hi, s.step), (-20.0, 30.0, 10.0));
        let s = Scale::nice([0.12, 0.9].into_iter());
        assert_eq!(s.step, 0.2);
        assert_eq!(s.ticks().len(), 6);
    }

    #[test]
    fn flat_or_empty_data_still_has_an_axis() {
        let s = Scale::nice(std::iter::empty());
        assert!(s.hi > s.lo);
        let s = Scale::nice([0.0, 0.0].into_iter());
        assert!(s.hi > s.lo);
    }

    #[test]
    fn values_show_the_decimals_they_need() {
        assert_eq!(decimals_for(&[1.0, 20.0]), 0);
        assert_eq!(decimals_for(&[1.5, 20.0]), 1);
        assert_eq!(decimals_for(&[13209.91, 3.0]), 2);
        assert_eq!(format_value(-0.0, 1), "0.0");
        assert_eq!(format_value(12.346, 2), "12.35");
    }
}
