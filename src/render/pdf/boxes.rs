//! What the layout engine places on a page: items (text, lines, rectangles) inside boxes,
//! the frame of the page's text block, and how one line of glyphs becomes text items.
//! The layout ([`super::layout`]), the tables and the charts all build these.

use super::blocks::Align;
use super::text::{place_line, FaceId, Glyph};

/// Points per millimetre.
pub(super) const PT_PER_MM: f32 = 72.0 / 25.4;

/// Height of the ideographic em box above the baseline, in em (Noto CJK, and the usual
/// value of Chinese fonts): text is set with its em box centred in the line.
pub(super) const ASCENT: f32 = 0.88;

/// An RGB colour, each channel 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

pub(super) const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
/// The red of the red header (红头) and its rule.
pub(super) const RED: Rgb = Rgb(0.9, 0.0, 0.0);

/// One thing drawn on a page. Coordinates are points from the page's top-left corner,
/// `y` growing downwards.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of text on one baseline.
    Text {
        x: f32,
        /// Baseline.
        y: f32,
        size: f32,
        face: FaceId,
        text: String,
        /// Space added after each character (PDF `Tc`).
        spacing: f32,
        color: Rgb,
    },
    /// A straight stroke.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// A filled rectangle; `y` is its top edge.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    /// A stroked open path (a chart series).
    Polyline {
        points: Vec<(f32, f32)>,
        width: f32,
        color: Rgb,
    },
    /// A filled closed shape (a chart marker).
    Polygon { points: Vec<(f32, f32)>, fill: Rgb },
}

impl Item {
    /// The item moved down by `dy`.
    pub fn shifted(&self, dy: f32) -> Item {
        let mut item = self.clone();
        match &mut item {
            Item::Text { y, .. } | Item::Rect { y, .. } => *y += dy,
            Item::Line { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
            Item::Polyline { points, .. } | Item::Polygon { points, .. } => {
                for p in points {
                    p.1 += dy;
                }
            }
        }
        item
    }
}

/// The page frame of GB/T 9704-2012: A4 portrait, a 156 × 225 mm text block, 22 lines of
/// 28 characters of 16 pt type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub page_width: f32,
    pub page_height: f32,
    /// Left edge of the text block (28 mm binding margin).
    pub left: f32,
    /// Top edge of the text block (37 mm).
    pub top: f32,
    /// 156 mm.
    pub width: f32,
    /// 225 mm.
    pub height: f32,
    /// Body type size, 16 pt (三号).
    pub body_size: f32,
    /// Distance between body baselines: 22 lines fill the text block.
    pub line_pitch: f32,
    /// Width of one grid character: 28 fill the text block.
    pub char_pitch: f32,
}

impl Frame {
    /// The frame of an official document (公文).
    pub fn official() -> Frame {
        let width = 156.0 * PT_PER_MM;
        let height = 225.0 * PT_PER_MM;
        Frame {
            page_width: 210.0 * PT_PER_MM,
            page_height: 297.0 * PT_PER_MM,
            left: 28.0 * PT_PER_MM,
            top: 37.0 * PT_PER_MM,
            width,
            height,
            body_size: 16.0,
            line_pitch: height / 22.0,
            char_pitch: width / 28.0,
        }
    }

    /// The frame of a briefing (简报): the same page and side margins, a taller text block
    /// and 14 pt (四号) body type, 30 lines of 31 characters, so that a briefing's figures,
    /// chart and projects fit two pages.
    pub fn briefing() -> Frame {
        let width = 156.0 * PT_PER_MM;
        let height = 245.0 * PT_PER_MM;
        Frame {
            page_width: 210.0 * PT_PER_MM,
            page_height: 297.0 * PT_PER_MM,
            left: 28.0 * PT_PER_MM,
            top: 25.0 * PT_PER_MM,
            width,
            height,
            body_size: 14.0,
            line_pitch: height / 30.0,
            char_pitch: width / 31.0,
        }
    }

    /// The same frame turned across the page: A4 landscape with the margins turned with
    /// it (binding edge at the top), the text block 225 × 156 mm, the same type and
    /// line pitch.
    pub fn landscape(&self) -> Frame {
        Frame {
            page_width: self.page_height,
            page_height: self.page_width,
            left: self.top,
            top: self.left,
            width: self.height,
            height: self.width,
            ..*self
        }
    }

    /// Spacing after each body character that puts exactly 28 on a line (slightly
    /// negative: 16 pt characters on a 15.79 pt grid, as word processors do).
    pub fn tracking(&self) -> f32 {
        self.char_pitch - self.body_size
    }

    pub fn right(&self) -> f32 {
        self.left + self.width
    }

    pub fn bottom(&self) -> f32 {
        self.top + self.height
    }
}

/// What a box is, for pagination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxKind {
    /// Ordinary content.
    Flow,
    /// A forced page break; has no content.
    PageBreak,
    /// The header row of table `n`, repeated where the table breaks.
    TableHeader(usize),
    /// A body row of table `n`.
    TableRow(usize),
    /// A chart: may float to the top of the next page when it does not fit.
    Figure,
    /// Set at the foot of the page (the 版记): on the current page when it fits under
    /// what is there, else at the foot of a new one.
    PageFoot,
}

/// A slice of the document that is never split: a line of text, a table row, a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Boxed {
    pub height: f32,
    /// Space above the box, dropped at the top of a page.
    pub space_before: f32,
    /// Must be on the same page as the box after it.
    pub keep_with_next: bool,
    /// Content, `x` on the page, `y` from the box's top edge.
    pub items: Vec<Item>,
    pub kind: BoxKind,
}

impl Boxed {
    /// An ordinary box.
    pub fn flow(height: f32, items: Vec<Item>) -> Boxed {
        Boxed {
            height,
            space_before: 0.0,
            keep_with_next: false,
            items,
            kind: BoxKind::Flow,
        }
    }
}

/// The text items of one line set in a cell of height `pitch` whose top is y = 0.
#[allow(clippy::too_many_arguments)]
pub(super) fn line_items(
    glyphs: &[Glyph],
    line: &super::text::Line,
    align: Align,
    x: f32,
    width: f32,
    size: f32,
    tracking: f32,
    pitch: f32,
    color: Rgb,
) -> Vec<Item> {
    let baseline = (pitch - size) / 2.0 + ASCENT * size;
    items_on_baseline(
        glyphs, line, align, x, width, size, tracking, baseline, color,
    )
}

/// The text items of one line of `width` set from `x`, its baseline at `baseline`.
#[allow(clippy::too_many_arguments)]
pub(super) fn items_on_baseline(
    glyphs: &[Glyph],
    line: &super::text::Line,
    align: Align,
    x: f32,
    width: f32,
    size: f32,
    tracking: f32,
    baseline: f32,
    color: Rgb,
) -> Vec<Item> {
    place_line(glyphs, line, align, width, size, tracking)
        .into_iter()
        .map(|run| Item::Text {
            x: x + run.x,
            y: baseline,
            size,
            face: run.face,
            text: run.text,
            spacing: run.spacing,
            color,
        })
        .collect()
}
