//! Where everything goes: the GB/T 9704 page frame, blocks turned into boxes, boxes
//! paginated, all as plain data (a display list of [`Item`]s per page) that `draw` turns
//! into PDF operators. Nothing here touches PDF or font files; measurement goes through
//! [`Metrics`], so the rules are unit-tested with a fake font.
//!
//! The vertical model: a document is a sequence of boxes (a text line, a table row, a
//! chart, …), each with the space above it (dropped at the top of a page) and a
//! *keep with next* flag. A box that does not fit starts a new page and takes with it the
//! boxes before it that must stay with it: a heading moves with the first line of its
//! text, a table caption and header with the first row, the last text line with the
//! signature. A table that breaks repeats its header row at the top of the next page.

use super::blocks::{Align, Block, FontRole};
use super::boxes::{
    items_on_baseline, line_items, BoxKind, Boxed, Frame, Item, Rgb, ASCENT, BLACK, PT_PER_MM, RED,
};
use super::text::{balanced_lines, break_lines, natural_width, place_line, Shaper};
pub use super::text::{FaceId, Metrics, MissingGlyph, Resolved};

/// Tolerance when comparing heights, so that 22 lines of 225/22 mm fill a page.
const EPSILON: f32 = 0.01;

/// Assigns boxes to pages: for each page, the boxes on it (index into `boxes`; a table's
/// repeated header appears again) and their top edge from the text block's top.
pub fn paginate(boxes: &[Boxed], height: f32) -> Vec<Vec<(usize, f32)>> {
    let mut pages: Vec<Vec<(usize, f32)>> = vec![Vec::new()];
    let mut y = 0.0f32;
    // Entries of the current page before this one are a repeated table header.
    let mut content_start = 0;
    let mut i = 0;
    while i < boxes.len() {
        let b = &boxes[i];
        let Some(page) = pages.last_mut() else {
            break;
        };
        let has_content = page.len() > content_start;
        if b.kind == BoxKind::PageBreak {
            if has_content {
                pages.push(Vec::new());
                y = 0.0;
                content_start = 0;
            }
            i += 1;
            continue;
        }
        let space = if has_content { b.space_before } else { 0.0 };
        if !has_content || y + space + b.height <= height + EPSILON {
            page.push((i, y + space));
            y += space + b.height;
            i += 1;
            continue;
        }
        // Box i does not fit: take along the boxes that must stay with it, unless that
        // would leave the page empty (a keep chain longer than a page breaks where it
        // must).
        let mut keep = page.len();
        let mut first = i;
        while keep > content_start {
            let (prev, _) = page[keep - 1];
            if prev + 1 == first && boxes[prev].keep_with_next {
                keep -= 1;
                first = prev;
            } else {
                break;
            }
        }
        if keep == content_start {
            first = i;
        } else {
            page.truncate(keep);
        }
        pages.push(Vec::new());
        y = 0.0;
        content_start = 0;
        if let BoxKind::TableRow(t) = boxes[first].kind {
            if let Some(header) = (0..first)
                .rev()
                .find(|&k| boxes[k].kind == BoxKind::TableHeader(t))
            {
                if let Some(page) = pages.last_mut() {
                    page.push((header, 0.0));
                }
                y = boxes[header].height;
                content_start = 1;
            }
        }
        i = first;
    }
    if pages.len() > 1 && pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

/// Turns blocks into boxes.
pub struct Composer<'s, 'm, M: Metrics> {
    pub frame: Frame,
    pub shaper: &'s mut Shaper<'m, M>,
    boxes: Vec<Boxed>,
    /// Space owed above the next box (after a title, around a table or chart).
    pending_space: f32,
    tables: usize,
}

impl<'s, 'm, M: Metrics> Composer<'s, 'm, M> {
    pub fn new(frame: Frame, shaper: &'s mut Shaper<'m, M>) -> Self {
        Composer {
            frame,
            shaper,
            boxes: Vec::new(),
            pending_space: 0.0,
            tables: 0,
        }
    }

    /// The boxes of all blocks, in order.
    pub fn compose(mut self, blocks: &[Block]) -> Vec<Boxed> {
        for block in blocks {
            self.block(block);
        }
        self.boxes
    }

    fn push(&mut self, mut b: Boxed) {
        b.space_before += self.pending_space;
        self.pending_space = 0.0;
        self.boxes.push(b);
    }

    fn block(&mut self, block: &Block) {
        let f = self.frame;
        match block {
            Block::RedHeader { issuer, doc_number } => self.red_header(issuer, doc_number),
            Block::Masthead { title, line } => self.masthead(title, line),
            Block::Title(text) => {
                let size: f32 = 22.0;
                let pitch = (size * 1.5).max(f.line_pitch);
                self.centred_lines(text, FontRole::Title, size, pitch, false);
                // 标题下空一行.
                self.pending_space += f.line_pitch;
            }
            Block::Subtitle(text) => {
                // Directly under the title: the title's empty line moves below the subtitle.
                self.pending_space = 0.0;
                self.centred_lines(text, FontRole::Kai, f.body_size, f.line_pitch, true);
                self.pending_space += 0.5 * f.line_pitch;
            }
            Block::Salutation(text) => {
                self.text_lines(text, FontRole::Body, 0.0, false);
            }
            Block::Heading1(text) => self.text_lines(text, FontRole::Heading, 2.0, true),
            Block::Heading2(text) => self.text_lines(text, FontRole::Kai, 2.0, true),
            Block::Paragraph(text) => self.text_lines(text, FontRole::Body, 2.0, false),
            Block::Table(table) => {
                let id = self.tables;
                self.tables += 1;
                let boxes = super::table::table_boxes(table, &f, id, self.shaper);
                self.pending_space += 0.4 * f.line_pitch;
                for b in boxes {
                    self.push(b);
                }
                self.pending_space += 0.4 * f.line_pitch;
            }
            Block::BarChart(chart) => {
                let b = super::chart::bar_chart(chart, &f, self.shaper);
                self.pending_space += 0.4 * f.line_pitch;
                self.push(b);
                self.pending_space += 0.4 * f.line_pitch;
            }
            Block::LineChart(chart) => {
                let b = super::chart::line_chart(chart, &f, self.shaper);
                self.pending_space += 0.4 * f.line_pitch;
                self.push(b);
                self.pending_space += 0.4 * f.line_pitch;
            }
            Block::Signature { issuer, date } => self.signature(issuer, date),
            Block::PageBreak => {
                self.pending_space = 0.0;
                self.boxes.push(Boxed {
                    height: 0.0,
                    space_before: 0.0,
                    keep_with_next: false,
                    items: Vec::new(),
                    kind: BoxKind::PageBreak,
                });
            }
        }
    }

    /// A paragraph or heading on the body grid, first line indented `indent` grid
    /// characters, justified, one box per line.
    /// Centred lines of balanced length, kept together (and, with `keep_last`, with what
    /// follows): the title and the subtitle.
    fn centred_lines(
        &mut self,
        text: &str,
        role: FontRole,
        size: f32,
        pitch: f32,
        keep_last: bool,
    ) {
        let f = self.frame;
        let glyphs = self.shaper.shape(text, role);
        let lines = balanced_lines(&glyphs, size, 0.0, f.width);
        let n = lines.len();
        for (k, line) in lines.iter().enumerate() {
            let items = line_items(
                &glyphs,
                line,
                Align::Center,
                f.left,
                f.width,
                size,
                0.0,
                pitch,
                BLACK,
            );
            let mut b = Boxed::flow(pitch, items);
            b.keep_with_next = keep_last || k + 1 < n;
            self.push(b);
        }
    }

    fn text_lines(&mut self, text: &str, role: FontRole, indent: f32, keep: bool) {
        let f = self.frame;
        let size = f.body_size;
        let tracking = f.tracking();
        let glyphs = self.shaper.shape(text, role);
        let first_indent = indent * f.char_pitch;
        let lines = break_lines(&glyphs, size, tracking, f.width - first_indent, f.width);
        for (k, line) in lines.iter().enumerate() {
            let (x, w) = if k == 0 {
                (f.left + first_indent, f.width - first_indent)
            } else {
                (f.left, f.width)
            };
            let items = line_items(
                &glyphs,
                line,
                Align::Justify,
                x,
                w,
                size,
                tracking,
                f.line_pitch,
                BLACK,
            );
            let mut b = Boxed::flow(f.line_pitch, items);
            b.keep_with_next = keep;
            self.push(b);
        }
    }

    /// 版头: the issuer in red 小标宋 with its top edge 35 mm below the text block's top,
    /// the 发文字号 two lines below it, a red rule 4 mm under the number, and two empty
    /// lines before the title (GB/T 9704 §7.2).
    fn red_header(&mut self, issuer: &str, doc_number: &str) {
        self.red_band(issuer, doc_number, 35.0 * PT_PER_MM, 2.0, 36.0);
    }

    /// A briefing's 报头: the red band of [`Self::red_header`] from the top of the text
    /// block, tighter (one line between the name and the issue line, one after the rule),
    /// so the figures start on the first page.
    fn masthead(&mut self, title: &str, line: &str) {
        self.red_band(title, line, 0.0, 0.5, 28.0);
    }

    /// A red name at `top`, a line of body text `gap` lines below it, a red rule under
    /// that and `gap` empty lines after.
    fn red_band(&mut self, issuer: &str, doc_number: &str, top: f32, gap: f32, max_size: f32) {
        let f = self.frame;
        let glyphs = self.shaper.shape(issuer, FontRole::Title);
        let em: f32 = glyphs.iter().map(|g| g.adv).sum();
        // As large as the text block allows, at most 36 pt: a red header is meant to be
        // seen from across a desk.
        let size = if em > 0.0 {
            (0.96 * f.width / em).min(max_size)
        } else {
            max_size
        };
        let mut items = Vec::new();
        let line = super::text::Line::single(&glyphs, size, 0.0);
        for run in place_line(&glyphs, &line, Align::Center, f.width, size, 0.0) {
            items.push(Item::Text {
                x: f.left + run.x,
                y: top + ASCENT * size,
                size,
                face: run.face,
                text: run.text,
                spacing: run.spacing,
                color: RED,
            });
        }
        let number_cell = top + size + gap * f.line_pitch;
        let number_items = self.single_line(
            doc_number,
            FontRole::Body,
            f.body_size,
            Align::Center,
            f.left,
            f.width,
            number_cell,
            f.line_pitch,
            BLACK,
        );
        items.extend(number_items);
        let number_bottom = number_cell + (f.line_pitch + f.body_size) / 2.0;
        let rule = number_bottom + 4.0 * PT_PER_MM;
        items.push(Item::Line {
            x1: f.left,
            y1: rule,
            x2: f.right(),
            y2: rule,
            width: 1.0,
            color: RED,
        });
        let mut b = Boxed::flow(rule + gap * f.line_pitch, items);
        b.keep_with_next = true;
        self.push(b);
    }

    /// 落款: one empty line after the text, the issuer right-aligned two characters in,
    /// the date on the next line starting two characters right of the issuer's start; a
    /// date longer than that is set two characters in and the issuer moves left
    /// (GB/T 9704 §7.3.5.2).
    fn signature(&mut self, issuer: &str, date: &str) {
        let f = self.frame;
        let size = f.body_size;
        let tracking = f.tracking();
        let issuer_w = self.shaper.width(issuer, FontRole::Body, size, tracking);
        let date_w = self.shaper.width(date, FontRole::Body, size, tracking);
        let right = f.right() - 2.0 * f.char_pitch;
        let mut issuer_x = right - issuer_w;
        let mut date_x = issuer_x + 2.0 * f.char_pitch;
        if date_x + date_w > right + 0.01 {
            date_x = right - date_w;
            issuer_x = date_x - 2.0 * f.char_pitch;
        }
        let issuer_x = issuer_x.max(f.left);
        let date_x = date_x.max(f.left);
        if let Some(last) = self.boxes.last_mut() {
            last.keep_with_next = true;
        }
        let items = self.single_line(
            issuer,
            FontRole::Body,
            size,
            Align::Left,
            issuer_x,
            f.right() - issuer_x,
            0.0,
            f.line_pitch,
            BLACK,
        );
        let mut first = Boxed::flow(f.line_pitch, items);
        first.space_before = f.line_pitch;
        first.keep_with_next = true;
        self.push(first);
        let items = self.single_line(
            date,
            FontRole::Body,
            size,
            Align::Left,
            date_x,
            f.right() - date_x,
            0.0,
            f.line_pitch,
            BLACK,
        );
        self.push(Boxed::flow(f.line_pitch, items));
    }

    /// Text set on one line (never broken) in a cell `top..top + pitch`.
    #[allow(clippy::too_many_arguments)]
    fn single_line(
        &mut self,
        text: &str,
        role: FontRole,
        size: f32,
        align: Align,
        x: f32,
        width: f32,
        top: f32,
        pitch: f32,
        color: Rgb,
    ) -> Vec<Item> {
        let tracking = if role == FontRole::Title {
            0.0
        } else if size == self.frame.body_size {
            self.frame.tracking()
        } else {
            0.0
        };
        let glyphs = self.shaper.shape(text, role);
        let line = super::text::Line::single(&glyphs, size, tracking);
        line_items(
            &glyphs, &line, align, x, width, size, tracking, pitch, color,
        )
        .into_iter()
        .map(|i| i.shifted(top))
        .collect()
    }
}

/// The page number of GB/T 9704 §7.5: `— N —` in 14 pt, its dashes 7 mm below the text
/// block; odd pages right-aligned and even pages left-aligned, one character in.
pub fn page_number<M: Metrics>(
    page: usize,
    frame: &Frame,
    shaper: &mut Shaper<'_, M>,
) -> Vec<Item> {
    let size = 14.0;
    let text = format!("— {page} —");
    let glyphs = shaper.shape(&text, FontRole::Body);
    let width = natural_width(&glyphs, size, 0.0);
    let x = if page % 2 == 1 {
        frame.right() - size - width
    } else {
        frame.left + size
    };
    // The dash sits about a third of an em above the baseline.
    let baseline = frame.bottom() + 7.0 * PT_PER_MM + 0.33 * size;
    let line = super::text::Line::single(&glyphs, size, 0.0);
    items_on_baseline(
        &glyphs,
        &line,
        Align::Left,
        x,
        width,
        size,
        0.0,
        baseline,
        BLACK,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::pdf::blocks::{Column, Table};

    struct Fake;
    impl Metrics for Fake {
        fn resolve(&self, _role: FontRole, _ch: char) -> Resolved {
            Resolved::Primary(FaceId(0))
        }
        fn placeholder(&self, _role: FontRole) -> (FaceId, char) {
            (FaceId(0), '〓')
        }
        fn advance(&self, _face: FaceId, ch: char) -> f32 {
            if ch.is_ascii() {
                0.5
            } else {
                1.0
            }
        }
        fn face_name(&self, _face: FaceId) -> &str {
            "fake"
        }
    }

    fn compose(blocks: &[Block]) -> Vec<Boxed> {
        let mut shaper = Shaper::new(&Fake);
        Composer::new(Frame::official(), &mut shaper).compose(blocks)
    }

    fn pages(blocks: &[Block]) -> (Vec<Boxed>, Vec<Vec<(usize, f32)>>) {
        let boxes = compose(blocks);
        let pages = paginate(&boxes, Frame::official().height);
        (boxes, pages)
    }

    /// A paragraph of exactly `lines` full lines (28 characters each, minus the indent).
    fn paragraph(lines: usize) -> Block {
        Block::Paragraph("字".repeat(28 * lines - 2))
    }

    fn text_of(b: &Boxed) -> String {
        b.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_page_holds_22_body_lines() {
        let (_, pages) = pages(&[paragraph(23)]);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 22);
        assert_eq!(pages[1].len(), 1);
    }

    #[test]
    fn a_line_holds_28_characters_and_the_first_is_indented_two() {
        let boxes = compose(&[Block::Paragraph("字".repeat(60))]);
        assert_eq!(text_of(&boxes[0]).chars().count(), 26);
        assert_eq!(text_of(&boxes[1]).chars().count(), 28);
        let f = Frame::official();
        match &boxes[0].items[0] {
            Item::Text { x, .. } => assert!((x - (f.left + 2.0 * f.char_pitch)).abs() < 0.01),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_heading_at_the_foot_of_a_page_moves_to_the_next_with_its_first_line() {
        // 21 lines, then a heading on line 22 and its paragraph.
        let (boxes, pages) = pages(&[
            paragraph(21),
            Block::Heading1("二、分区县情况".into()),
            paragraph(2),
        ]);
        assert_eq!(pages[0].len(), 21, "the heading left page 1");
        let first_on_2 = &boxes[pages[1][0].0];
        assert_eq!(text_of(first_on_2), "二、分区县情况");
        assert_eq!(pages[1].len(), 3);
    }

    #[test]
    fn a_heading_with_room_for_its_first_line_stays() {
        let (_, pages) = pages(&[
            paragraph(20),
            Block::Heading1("二、分区县情况".into()),
            paragraph(2),
        ]);
        assert_eq!(pages[0].len(), 22);
    }

    #[test]
    fn the_signature_never_stands_alone_on_a_page() {
        // 21 lines: one blank line and the issuer would fit, not the date.
        let (boxes, pages) = pages(&[
            paragraph(21),
            Block::Signature {
                issuer: "某某市招商投资促进局".into(),
                date: "2025年7月10日".into(),
            },
        ]);
        assert_eq!(pages.len(), 2);
        assert_eq!(
            pages[1].len(),
            3,
            "the last text line moves with the signature"
        );
        assert!(text_of(&boxes[pages[1][1].0]).contains("促进局"));
    }

    #[test]
    fn page_break_starts_a_new_page() {
        let (_, pages) = pages(&[paragraph(1), Block::PageBreak, paragraph(1)]);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1][0].1, 0.0);
    }

    fn table(rows: usize) -> Table {
        Table {
            caption: Some("表1 主城都市区赛马榜".into()),
            columns: vec![
                Column {
                    title: "单位".into(),
                    align: Align::Left,
                },
                Column {
                    title: "签约额（亿元）".into(),
                    align: Align::Right,
                },
            ],
            rows: (0..rows)
                .map(|i| vec![format!("单位{i}"), format!("{}.00", i * 7)])
                .collect(),
            emphasis: vec![],
            size: 10.5,
            note: Some("注：金额单位为亿元。".into()),
        }
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page() {
        let (boxes, pages) = pages(&[Block::Table(table(100))]);
        assert!(pages.len() >= 3);
        for page in &pages[1..] {
            let (first, y) = page[0];
            assert_eq!(boxes[first].kind, BoxKind::TableHeader(0));
            assert_eq!(y, 0.0);
        }
        // Every row appears exactly once.
        let rows: usize = pages
            .iter()
            .flatten()
            .filter(|(i, _)| boxes[*i].kind == BoxKind::TableRow(0))
            .count();
        assert_eq!(rows, 100);
    }

    #[test]
    fn a_caption_never_stays_behind_without_rows() {
        // After 20 lines the caption and the header row fit on the page, a row not.
        let (boxes, pages) = pages(&[paragraph(20), Block::Table(table(5))]);
        let last_on_1 = pages[0].last().map(|&(i, _)| &boxes[i]).unwrap();
        assert_eq!(last_on_1.kind, BoxKind::Flow);
        assert!(!text_of(last_on_1).contains("表1"));
        assert!(text_of(&boxes[pages[1][0].0]).contains("表1"));
    }

    #[test]
    fn a_box_taller_than_a_page_gets_a_page_of_its_own() {
        let mut boxes = vec![Boxed::flow(10.0, vec![]), Boxed::flow(2000.0, vec![])];
        boxes.push(Boxed::flow(10.0, vec![]));
        let pages = paginate(&boxes, 600.0);
        assert_eq!(pages.len(), 3);
    }

    #[test]
    fn a_keep_chain_longer_than_a_page_still_breaks() {
        let mut boxes: Vec<Boxed> = (0..10).map(|_| Boxed::flow(100.0, vec![])).collect();
        for b in &mut boxes {
            b.keep_with_next = true;
        }
        let pages = paginate(&boxes, 350.0);
        let total: usize = pages.iter().map(Vec::len).sum();
        assert_eq!(total, 10);
    }

    #[test]
    fn space_before_is_dropped_at_the_top_of_a_page() {
        let mut boxes: Vec<Boxed> = (0..3).map(|_| Boxed::flow(100.0, vec![])).collect();
        boxes[2].space_before = 50.0;
        let pages = paginate(&boxes, 220.0);
        assert_eq!(pages[1], vec![(2, 0.0)]);
    }
}
