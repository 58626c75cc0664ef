//! Tables: column widths from content, cells wrapped inside their column, one box per
//! row so that a table breaks between rows and repeats its header on the next page.
//!
//! Widths follow the automatic table layout of word processors and browsers: each column
//! has a natural width (its widest cell on one line) and a minimum width (its widest
//! unbreakable piece: one CJK character, a whole number). Columns get their natural
//! width when the table fits, stretched to the text block; otherwise every column gets
//! its minimum and the rest is shared in proportion to what each would still need.
//! Fully ruled, in the manner of tables in official documents: header and `emphasis`
//! rows (totals) are shaded and set in 黑体.

use super::blocks::{Align, FontRole, Table};
use super::boxes::{line_items, BoxKind, Boxed, Frame, Item, Rgb, BLACK};
use super::text::Metrics;
use super::text::{break_lines, can_break, natural_width, Glyph, Line, Shaper};

/// Shade of the header row.
const HEADER_FILL: Rgb = Rgb(0.88, 0.88, 0.88);
/// Shade of an emphasis row (合计).
const EMPHASIS_FILL: Rgb = Rgb(0.94, 0.94, 0.94);
/// Rule widths: inner and outer.
const RULE: f32 = 0.5;
const FRAME_RULE: f32 = 0.9;

/// Body cells of at most this many characters are not broken (see `table_boxes`).
const SHORT_LABEL: usize = 6;

/// A table shorter than this share of the text block is kept whole on one page with its
/// caption; a longer one breaks, but never leaves fewer than [`MIN_ROWS`] rows on a page.
const KEEP_WHOLE_SHARE: f32 = 1.0 / 4.0;
const MIN_ROWS: usize = 3;

/// A shaped cell.
struct Cell {
    glyphs: Vec<Glyph>,
    role: FontRole,
}

/// Width of the widest piece of `glyphs` that cannot be broken.
fn widest_piece(glyphs: &[Glyph], size: f32) -> f32 {
    let mut widest = 0.0f32;
    let mut current = 0.0f32;
    for (k, g) in glyphs.iter().enumerate() {
        current += g.adv * size;
        let breaks_after = glyphs
            .get(k + 1)
            .is_none_or(|next| can_break(g.ch, next.ch));
        if breaks_after {
            widest = widest.max(current);
            current = 0.0;
        }
    }
    widest.max(current)
}

/// Column widths summing to `total`, from natural and minimum widths.
pub(super) fn column_widths(natural: &[f32], minimum: &[f32], total: f32) -> Vec<f32> {
    let sum_nat: f32 = natural.iter().sum();
    let sum_min: f32 = minimum.iter().sum();
    if natural.is_empty() {
        return Vec::new();
    }
    if sum_nat <= total {
        // Everything fits on one line: share the spare width in proportion.
        let extra = total - sum_nat;
        return natural
            .iter()
            .map(|n| n + extra * n / sum_nat.max(f32::EPSILON))
            .collect();
    }
    if sum_min <= total {
        // Columns narrower than a fair share of what is left keep their natural width (a
        // unit name stays on one line); the others share the rest in proportion to what
        // they lack, above their minimum.
        let mut whole = vec![false; natural.len()];
        loop {
            let left: f32 = total
                - natural
                    .iter()
                    .zip(&whole)
                    .filter(|(_, w)| **w)
                    .map(|(n, _)| n)
                    .sum::<f32>();
            let open = whole.iter().filter(|w| !**w).count();
            if open == 0 {
                break;
            }
            let fair = left / open as f32;
            let mut changed = false;
            for (k, n) in natural.iter().enumerate() {
                if !whole[k] && *n <= fair {
                    whole[k] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let fixed: f32 = natural
            .iter()
            .zip(&whole)
            .filter(|(_, w)| **w)
            .map(|(n, _)| n)
            .sum();
        let open_min: f32 = minimum
            .iter()
            .zip(&whole)
            .filter(|(_, w)| !**w)
            .map(|(m, _)| m)
            .sum();
        if fixed + open_min <= total {
            let need: f32 = natural
                .iter()
                .zip(minimum)
                .zip(&whole)
                .filter(|(_, w)| !**w)
                .map(|((n, m), _)| n - m)
                .sum();
            let spare = total - fixed - open_min;
            return natural
                .iter()
                .zip(minimum)
                .zip(&whole)
                .map(|((n, m), w)| {
                    if *w {
                        *n
                    } else {
                        m + spare * (n - m) / need.max(f32::EPSILON)
                    }
                })
                .collect();
        }
        let need: f32 = natural.iter().zip(minimum).map(|(n, m)| n - m).sum();
        let spare = total - sum_min;
        return natural
            .iter()
            .zip(minimum)
            .map(|(n, m)| m + spare * (n - m) / need.max(f32::EPSILON))
            .collect();
    }
    // Even the minimum does not fit: scale the minimums (cells then break anywhere).
    minimum.iter().map(|m| m * total / sum_min).collect()
}

/// A table's cells shaped, with each column's natural and minimum width.
struct Measured {
    header: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
    natural: Vec<f32>,
    minimum: Vec<f32>,
}

/// The type size of a table.
fn type_size(table: &Table) -> f32 {
    if table.size > 0.0 {
        table.size.clamp(8.0, 14.0)
    } else {
        10.5
    }
}

fn column_count(table: &Table) -> usize {
    table
        .columns
        .len()
        .max(table.rows.iter().map(Vec::len).max().unwrap_or(0))
}

fn measure<M: Metrics>(
    table: &Table,
    ncols: usize,
    size: f32,
    pad_x: f32,
    shaper: &mut Shaper<'_, M>,
) -> Measured {
    let header: Vec<Cell> = (0..ncols)
        .map(|c| {
            let title = table.columns.get(c).map_or("", |col| col.title.as_str());
            Cell {
                glyphs: shaper.shape(title, FontRole::Heading),
                role: FontRole::Heading,
            }
        })
        .collect();
    let rows: Vec<Vec<Cell>> = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let role = if table.emphasis.contains(&r) {
                FontRole::Heading
            } else {
                FontRole::Body
            };
            (0..ncols)
                .map(|c| Cell {
                    glyphs: shaper.shape(row.get(c).map_or("", String::as_str), role),
                    role,
                })
                .collect()
        })
        .collect();

    let mut natural = vec![0.0f32; ncols];
    let mut minimum = vec![0.0f32; ncols];
    for (r, row) in std::iter::once(&header).chain(rows.iter()).enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let nat = natural_width(&cell.glyphs, size, 0.0);
            natural[c] = natural[c].max(nat + 2.0 * pad_x);
            // A short label in the body (a unit's name, 已报送) is one word: broken, it
            // reads as two (「渝中|区」). Headers may wrap.
            let piece = if r > 0 && cell.glyphs.len() <= SHORT_LABEL {
                nat
            } else {
                widest_piece(&cell.glyphs, size)
            };
            minimum[c] = minimum[c].max(piece + 2.0 * pad_x);
        }
    }
    // A header may wrap, but not to one character a line when the data is narrow.
    for (c, cell) in header.iter().enumerate() {
        let two_chars = cell
            .glyphs
            .iter()
            .take(2)
            .map(|g| g.adv * size)
            .sum::<f32>();
        minimum[c] = minimum[c].max(two_chars + 2.0 * pad_x);
    }
    Measured {
        header,
        rows,
        natural,
        minimum,
    }
}

/// Whether a table needs more than `width` across: it cannot be set that narrow
/// without breaking a number or a short label, or its text would wrap to half as many
/// lines again as it has (so a landscape page serves it better).
pub(super) fn needs_width<M: Metrics>(
    table: &Table,
    width: f32,
    shaper: &mut Shaper<'_, M>,
) -> bool {
    let size = type_size(table);
    let ncols = column_count(table);
    let m = measure(table, ncols, size, 0.4 * size, shaper);
    m.minimum.iter().sum::<f32>() > width || m.natural.iter().sum::<f32>() > 1.4 * width
}

/// The boxes of a table: caption, header row, body rows, note.
pub(super) fn table_boxes<M: Metrics>(
    table: &Table,
    frame: &Frame,
    id: usize,
    shaper: &mut Shaper<'_, M>,
) -> Vec<Boxed> {
    let size = type_size(table);
    let pad_x = 0.4 * size;
    // Rows as tight as print allows: a bulletin's tables are most of its body.
    let pad_y = 0.2 * size;
    let line_h = 1.25 * size;
    let ncols = column_count(table);
    let mut boxes = Vec::new();

    if let Some(caption) = &table.caption {
        let cap_size = 14.0;
        let pitch = cap_size * 1.8;
        let glyphs = shaper.shape(caption, FontRole::Heading);
        for line in break_lines(&glyphs, cap_size, 0.0, frame.width, frame.width) {
            let items = line_items(
                &glyphs,
                &line,
                Align::Center,
                frame.left,
                frame.width,
                cap_size,
                0.0,
                pitch,
                BLACK,
            );
            let mut b = Boxed::flow(pitch, items);
            b.keep_with_next = true;
            boxes.push(b);
        }
    }
    if ncols == 0 {
        return boxes;
    }

    let Measured {
        header,
        rows,
        natural,
        minimum,
    } = measure(table, ncols, size, pad_x, shaper);
    let widths = column_widths(&natural, &minimum, frame.width);
    let mut xs = vec![frame.left];
    for w in &widths {
        let next = xs.last().copied().unwrap_or(frame.left) + w;
        xs.push(next);
    }

    // A row is laid out in pieces of at most `max_lines` lines, so that a cell longer
    // than a page (a project name of thousands of characters) continues on the next page
    // instead of running off this one. Every other row is one piece.
    let layout_row = |cells: &[Cell], aligns: &dyn Fn(usize) -> Align, max_lines: usize| {
        let laid: Vec<(Vec<Line>, Align)> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let inner = (widths[c] - 2.0 * pad_x).max(size);
                (
                    break_lines(&cell.glyphs, size, 0.0, inner, inner),
                    aligns(c),
                )
            })
            .collect();
        let lines = laid.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1);
        let max_lines = max_lines.max(1);
        let one_piece = lines <= max_lines;
        let mut pieces = Vec::new();
        let mut from = 0;
        while from < lines {
            let to = (from + max_lines).min(lines);
            let height = (to - from) as f32 * line_h + 2.0 * pad_y;
            let mut items = Vec::new();
            for (c, (cell_lines, align)) in laid.iter().enumerate() {
                // Cells with fewer lines are centred vertically in a row of one piece.
                let top = if one_piece {
                    pad_y + (lines - cell_lines.len()) as f32 * line_h / 2.0
                } else {
                    pad_y
                };
                for (k, line) in cell_lines.iter().enumerate().take(to).skip(from) {
                    let line_top = top + (k - from) as f32 * line_h;
                    for item in line_items(
                        &cells[c].glyphs,
                        line,
                        *align,
                        xs[c] + pad_x,
                        widths[c] - 2.0 * pad_x,
                        size,
                        0.0,
                        line_h,
                        BLACK,
                    ) {
                        items.push(item.shifted(line_top));
                    }
                }
            }
            pieces.push((height, items));
            from = to;
        }
        pieces
    };

    let right = xs.last().copied().unwrap_or(frame.left);
    let rules = |height: f32, top_rule: Option<f32>, bottom_rule: f32| {
        let mut items = Vec::new();
        for (k, &x) in xs.iter().enumerate() {
            let outer = k == 0 || k == xs.len() - 1;
            items.push(Item::Line {
                x1: x,
                y1: 0.0,
                x2: x,
                y2: height,
                width: if outer { FRAME_RULE } else { RULE },
                color: BLACK,
            });
        }
        if let Some(w) = top_rule {
            items.push(Item::Line {
                x1: frame.left,
                y1: 0.0,
                x2: right,
                y2: 0.0,
                width: w,
                color: BLACK,
            });
        }
        items.push(Item::Line {
            x1: frame.left,
            y1: height,
            x2: right,
            y2: height,
            width: bottom_rule,
            color: BLACK,
        });
        items
    };

    let (h, text) = layout_row(&header, &|_| Align::Center, usize::MAX)
        .into_iter()
        .next()
        .unwrap_or_default();
    // The lines a piece of a body row may hold: a page less the repeated header.
    let max_lines = ((frame.height - h - 2.0 * pad_y) / line_h).floor().max(1.0) as usize;
    let mut items = vec![Item::Rect {
        x: frame.left,
        y: 0.0,
        w: right - frame.left,
        h,
        fill: HEADER_FILL,
    }];
    items.extend(text);
    items.extend(rules(h, Some(FRAME_RULE), RULE));
    boxes.push(Boxed {
        height: h,
        space_before: 0.0,
        keep_with_next: true,
        items,
        kind: BoxKind::TableHeader(id),
    });

    let column_align = |c: usize| match table.columns.get(c).map(|col| col.align) {
        Some(Align::Right) => Align::Right,
        Some(Align::Center) => Align::Center,
        _ => Align::Left,
    };
    let last_row = rows.len().saturating_sub(1);
    let first_body = boxes.len();
    for (r, cells) in rows.iter().enumerate() {
        let pieces = layout_row(cells, &column_align, max_lines);
        let last_piece = pieces.len().saturating_sub(1);
        for (p, (h, text)) in pieces.into_iter().enumerate() {
            let mut items = Vec::new();
            if cells.first().is_some_and(|c| c.role == FontRole::Heading) {
                items.push(Item::Rect {
                    x: frame.left,
                    y: 0.0,
                    w: right - frame.left,
                    h,
                    fill: EMPHASIS_FILL,
                });
            }
            items.extend(text);
            // Every row closes itself with a rule, so a table that breaks after any row
            // is closed at the foot of the page.
            items.extend(rules(
                h,
                None,
                if r == last_row && p == last_piece {
                    FRAME_RULE
                } else {
                    RULE
                },
            ));
            boxes.push(Boxed {
                height: h,
                space_before: 0.0,
                // The last row stays with the note under the table.
                keep_with_next: r == last_row && p == last_piece && table.note.is_some(),
                items,
                kind: BoxKind::TableRow(id),
            });
        }
    }
    let body = first_body..boxes.len();

    if let Some(note) = &table.note {
        let glyphs = shaper.shape(note, FontRole::Body);
        let lines = break_lines(&glyphs, size, 0.0, frame.width, frame.width);
        let n = lines.len();
        for (k, line) in lines.iter().enumerate() {
            let items = line_items(
                &glyphs,
                line,
                Align::Justify,
                frame.left,
                frame.width,
                size,
                0.0,
                line_h,
                BLACK,
            );
            let mut b = Boxed::flow(line_h, items);
            b.space_before = if k == 0 { pad_y } else { 0.0 };
            b.keep_with_next = k + 1 < n;
            boxes.push(b);
        }
    }
    keep_together(&mut boxes, body, frame.height);
    boxes
}

/// Widow and orphan control of a table's boxes (`body` are its row pieces): a table
/// shorter than a third of the text block is kept whole with its caption; a longer one
/// keeps its first [`MIN_ROWS`] rows with its header and its last [`MIN_ROWS`] together,
/// so that a break never leaves one or two rows alone on a page.
fn keep_together(boxes: &mut [Boxed], body: std::ops::Range<usize>, page_height: f32) {
    let total: f32 = boxes.iter().map(|b| b.height + b.space_before).sum();
    let Some(last) = boxes.len().checked_sub(1) else {
        return;
    };
    if total < page_height * KEEP_WHOLE_SHARE || body.len() < 2 * MIN_ROWS {
        for b in &mut boxes[..last] {
            b.keep_with_next = true;
        }
        return;
    }
    let (head, tail) = (
        body.start..body.start + MIN_ROWS - 1,
        body.end - MIN_ROWS..body.end - 1,
    );
    for b in &mut boxes[head] {
        b.keep_with_next = true;
    }
    for b in &mut boxes[tail] {
        b.keep_with_next = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_that_fit_share_the_spare_width_in_proportion() {
        let w = column_widths(&[100.0, 50.0], &[20.0, 50.0], 300.0);
        assert_eq!(w, vec![200.0, 100.0]);
    }

    #[test]
    fn columns_too_wide_keep_their_minimum_and_share_the_rest() {
        // Numbers (minimum = natural) keep their width; the text column wraps.
        let w = column_widths(&[400.0, 60.0], &[30.0, 60.0], 300.0);
        assert!((w[1] - 60.0).abs() < 1e-3);
        assert!((w[0] - 240.0).abs() < 1e-3);
    }

    #[test]
    fn short_columns_keep_their_natural_width() {
        // A unit-name column (48 pt) beside two long text columns keeps its width.
        let w = column_widths(
            &[20.0, 300.0, 48.0, 260.0],
            &[20.0, 16.0, 16.0, 16.0],
            442.0,
        );
        assert_eq!(w[0], 20.0);
        assert_eq!(w[2], 48.0);
        assert!((w.iter().sum::<f32>() - 442.0).abs() < 1e-2, "{w:?}");
    }

    #[test]
    fn widths_always_sum_to_the_text_block() {
        for (nat, min) in [
            (vec![10.0, 20.0, 30.0], vec![5.0, 5.0, 5.0]),
            (vec![500.0, 500.0], vec![100.0, 100.0]),
            (vec![500.0, 500.0], vec![300.0, 300.0]),
        ] {
            let w = column_widths(&nat, &min, 442.0);
            assert!((w.iter().sum::<f32>() - 442.0).abs() < 1e-2, "{w:?}");
        }
    }
}
