//! From display lists to PDF bytes with printpdf: each run of texts in one text object,
//! every text placed by an absolute text matrix, the font, spacing and fill written only
//! when they change (PDF carries them from one text object to the next),
//! vector paths for rules, bars and series, the used faces embedded as subsets.
//!
//! The file is reproducible: font resource names are fixed, the dates come from
//! [`DocumentInfo::date`] and the trailer `/ID` is a hash of the input, so the same
//! blocks give the same bytes.

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, TextItem, TextMatrix,
    WindingOrder,
};
use sha2::{Digest, Sha256};

use super::blocks::DocumentInfo;
use super::boxes::{Frame, Item, Rgb, PT_PER_MM};
use super::fonts::FontSet;
use super::text::FaceId;
use super::PdfError;

/// The PDF resource name of a face, also the six letters of its subset tag.
fn font_id(face: FaceId) -> FontId {
    let mut name = String::from("TBFNT");
    name.push(char::from(b'A' + (face.0 % 26) as u8));
    FontId(name)
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// Points in layout coordinates (y down from the page top) as printpdf's line points.
fn line_points(points: &[(f32, f32)], frame: &Frame) -> Vec<LinePoint> {
    points
        .iter()
        .map(|&(x, y)| LinePoint {
            p: point(x, y, frame),
            bezier: false,
        })
        .collect()
}

/// The graphics and text state a page's content has set so far. PDF keeps the font, the
/// character spacing, the fill and stroke colours and the line width from one text object
/// or path to the next within a content stream (nothing here saves or restores the
/// state), so an operator is written only when it changes what is set: a table's cells
/// share one font, colour and spacing, and writing them for every cell made a national
/// bulletin's 2,200 pages of operators 400 MB.
#[derive(Default)]
struct Pen {
    font: Option<(FaceId, f32)>,
    spacing: Option<f32>,
    fill: Option<Rgb>,
    outline: Option<Rgb>,
    width: Option<f32>,
}

/// `value` into `slot`; whether it changed what was set.
fn changes<T: PartialEq>(slot: &mut Option<T>, value: T) -> bool {
    if slot.as_ref() == Some(&value) {
        return false;
    }
    *slot = Some(value);
    true
}

impl Pen {
    fn fill(&mut self, ops: &mut Vec<Op>, c: Rgb) {
        if changes(&mut self.fill, c) {
            ops.push(Op::SetFillColor { col: color(c) });
        }
    }

    /// Strokes an open line through `points`.
    fn stroke(
        &mut self,
        ops: &mut Vec<Op>,
        points: &[(f32, f32)],
        width: f32,
        c: Rgb,
        frame: &Frame,
    ) {
        if changes(&mut self.outline, c) {
            ops.push(Op::SetOutlineColor { col: color(c) });
        }
        if changes(&mut self.width, width) {
            ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        }
        ops.push(Op::DrawLine {
            line: Line {
                points: line_points(points, frame),
                is_closed: false,
            },
        });
    }
}

fn point(x: f32, y: f32, frame: &Frame) -> Point {
    Point {
        x: Pt(x),
        y: Pt(frame.page_height - y),
    }
}

/// How many operators [`page_ops`] draws an item with, at the most (a path counts the
/// text object it may close; the last text its own).
fn op_count(item: &Item) -> usize {
    match item {
        Item::Text { .. } => 7,
        Item::Line { .. } | Item::Polyline { .. } => 4,
        Item::Rect { .. } | Item::Polygon { .. } => 3,
    }
}

/// The operators of one page, its items consumed (their texts move into the operators).
/// Sized beforehand for the most an item can take, then shrunk to what was written: every
/// page of the document is held at once (a national bulletin has 2,200 pages).
fn page_ops(items: Vec<Item>, frame: &Frame) -> Vec<Op> {
    let mut ops = Vec::with_capacity(items.iter().map(op_count).sum());
    let mut pen = Pen::default();
    // Consecutive texts share one text object: each sets its own text matrix, and what
    // else it sets (font, spacing, fill) is graphics state, which PDF allows inside a
    // text object. A path ends the object (paths may not be drawn inside one).
    let mut in_text = false;
    for item in items {
        if in_text && !matches!(item, Item::Text { .. }) {
            ops.push(Op::EndTextSection);
            in_text = false;
        }
        match item {
            Item::Text {
                x,
                y,
                size,
                face,
                text,
                spacing,
                color: c,
            } => {
                if !in_text {
                    ops.push(Op::StartTextSection);
                    in_text = true;
                }
                if changes(&mut pen.font, (face, size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font_id(face)),
                        size: Pt(size),
                    });
                }
                pen.fill(&mut ops, c);
                if changes(&mut pen.spacing, spacing) {
                    ops.push(Op::SetCharacterSpacing {
                        multiplier: spacing,
                    });
                }
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(x), Pt(frame.page_height - y)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text)],
                });
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color: c,
            } => pen.stroke(&mut ops, &[(x1, y1), (x2, y2)], width, c, frame),
            Item::Rect { x, y, w, h, fill } => {
                pen.fill(&mut ops, fill);
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(x),
                        y: Pt(frame.page_height - y - h),
                        width: Pt(w),
                        height: Pt(h),
                        mode: Some(PaintMode::Fill),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
            Item::Polyline {
                points,
                width,
                color: c,
            } => pen.stroke(&mut ops, &points, width, c, frame),
            Item::Polygon { points, fill } => {
                pen.fill(&mut ops, fill);
                ops.push(Op::DrawPolygon {
                    polygon: Polygon {
                        rings: vec![PolygonRing {
                            points: line_points(&points, frame),
                        }],
                        mode: PaintMode::Fill,
                        winding_order: WindingOrder::NonZero,
                    },
                });
            }
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    ops.shrink_to_fit();
    ops
}

/// `YYYY-MM-DD` as seconds since 1970-01-01 00:00 UTC.
fn unix_time(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (H. Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// A page side in millimetres, to the micrometre (210, 297: not 209.99999).
fn whole_mm(pt: f32) -> f32 {
    (pt / PT_PER_MM * 1000.0).round() / 1000.0
}

/// Writes the pages to a PDF file.
pub(super) fn write(
    pages: Vec<(Frame, Vec<Item>)>,
    info: &DocumentInfo,
    fonts: &FontSet,
    input_hash: [u8; 32],
) -> Result<Vec<u8>, PdfError> {
    let seconds = unix_time(&info.date).ok_or_else(|| PdfError::Date(info.date.clone()))?;
    let date = printpdf::OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| PdfError::Date(info.date.clone()))?;

    let mut doc = PdfDocument::new(&info.title);
    doc.metadata.info.author = info.author.clone();
    doc.metadata.info.creator = format!("tongbao {}", env!("CARGO_PKG_VERSION"));
    doc.metadata.info.producer = "tongbao (printpdf 0.12)".to_string();
    doc.metadata.info.creation_date = date;
    doc.metadata.info.modification_date = date;
    doc.metadata.info.metadata_date = date;

    // Embed only the faces drawn: an unused face would be written whole.
    let used: BTreeSet<FaceId> = pages
        .iter()
        .flat_map(|(_, items)| items)
        .filter_map(|i| match i {
            Item::Text { face, .. } => Some(*face),
            _ => None,
        })
        .collect();
    for face in &used {
        doc.resources
            .fonts
            .map
            .insert(font_id(*face), PdfFont::new(fonts.face(*face).font.clone()));
    }
    // Each page's items are let go as its operators are made.
    doc.pages = pages
        .into_iter()
        .map(|(frame, items)| {
            PdfPage::new(
                Mm(whole_mm(frame.page_width)),
                Mm(whole_mm(frame.page_height)),
                page_ops(items, &frame),
            )
        })
        .collect();

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    // The pages' operators are in `lo` now: let them go before its streams are
    // compressed and written.
    drop(doc);
    // printpdf draws the /ID from a process-wide counter: replace it with the hash of the
    // input, the same for the same document.
    let id = lopdf::Object::String(input_hash[..16].to_vec(), lopdf::StringFormat::Hexadecimal);
    lo.trailer
        .set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    compress_streams(&mut lo);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(PdfError::Write)?;
    Ok(bytes)
}

/// lopdf's `Document::compress` on every core: each stream that may be compressed is
/// deflated on its own, so the bytes are the same, and a national bulletin has thousands
/// of page streams.
fn compress_streams(doc: &mut lopdf::Document) {
    use rayon::prelude::*;
    let streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| match o {
            lopdf::Object::Stream(s) if s.allows_compression => Some(s),
            _ => None,
        })
        .collect();
    streams.into_par_iter().for_each(|s| {
        // As lopdf does: a stream that fails to compress is written as it is.
        let _ = s.compress();
    });
}

/// A hash of everything that decides the output, for the file's `/ID`.
/// The description is hashed as it is formatted: a national bulletin's blocks print as
/// tens of megabytes.
pub(super) fn input_hash(description: std::fmt::Arguments<'_>) -> [u8; 32] {
    struct Hashing(Sha256);
    impl std::fmt::Write for Hashing {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.update(s.as_bytes());
            Ok(())
        }
    }
    let mut h = Hashing(Sha256::new());
    h.0.update(env!("CARGO_PKG_VERSION").as_bytes());
    // Writing into a hash cannot fail.
    let _ = std::fmt::Write::write_fmt(&mut h, description);
    h.0.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(x: f32, s: &str) -> Item {
        Item::Text {
            x,
            y: 100.0,
            size: 16.0,
            face: FaceId(0),
            text: s.to_string(),
            spacing: 0.0,
            color: Rgb(0.0, 0.0, 0.0),
        }
    }

    /// What the operators draw, a letter each: `(`, `)` a text object's start and end,
    /// `T` a text shown, `P` a path or rectangle, `.` anything else.
    fn shape(ops: &[Op]) -> String {
        ops.iter()
            .map(|op| match op {
                Op::StartTextSection => '(',
                Op::EndTextSection => ')',
                Op::ShowText { .. } => 'T',
                Op::DrawLine { .. } | Op::DrawRectangle { .. } | Op::DrawPolygon { .. } => 'P',
                _ => '.',
            })
            .filter(|&c| c != '.')
            .collect()
    }

    #[test]
    fn a_run_of_texts_shares_one_text_object_and_paths_stay_outside() {
        let frame = Frame::official();
        let rule = Item::Line {
            x1: 0.0,
            y1: 120.0,
            x2: 100.0,
            y2: 120.0,
            width: 1.0,
            color: Rgb(0.0, 0.0, 0.0),
        };
        let cell = Item::Rect {
            x: 0.0,
            y: 130.0,
            w: 10.0,
            h: 10.0,
            fill: Rgb(0.9, 0.9, 0.9),
        };
        let items = vec![
            text(10.0, "一"),
            text(40.0, "二"),
            text(70.0, "三"),
            rule,
            cell,
            text(10.0, "四"),
        ];
        assert_eq!(shape(&page_ops(items, &frame)), "(TTT)PP(T)");
        assert_eq!(shape(&page_ops(vec![text(0.0, "一")], &frame)), "(T)");
        assert_eq!(shape(&page_ops(Vec::new(), &frame)), "");
    }

    #[test]
    fn dates_become_unix_time() {
        assert_eq!(unix_time("1970-01-01"), Some(0));
        assert_eq!(unix_time("2025-07-10"), Some(1_752_105_600));
        assert_eq!(unix_time("2024-02-29"), Some(1_709_164_800));
        assert_eq!(unix_time("2025-13-01"), None);
        assert_eq!(unix_time("10 July"), None);
    }
}
