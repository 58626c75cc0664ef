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

/// The pages being filled: what [`paginate`] knows of the current page.
struct Pages {
    pages: Vec<Vec<(usize, f32)>>,
    /// Where the next box goes on the current page.
    y: f32,
    /// Entries of the current page before this one are not content (a repeated table
    /// header, a figure carried over).
    content_start: usize,
    /// A figure that did not fit where it came: the text after it fills the page, and it
    /// opens the next one (a float, as in print).
    deferred: Option<usize>,
}

impl Pages {
    fn current(&mut self) -> &mut Vec<(usize, f32)> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn has_content(&self) -> bool {
        self.pages
            .last()
            .is_some_and(|p| p.len() > self.content_start)
    }

    /// Starts a new page, with the deferred figure at its top (content, unlike a
    /// repeated header).
    fn open(&mut self, boxes: &[Boxed]) {
        self.pages.push(Vec::new());
        self.y = 0.0;
        self.content_start = 0;
        if let Some(d) = self.deferred.take() {
            self.current().push((d, 0.0));
            self.y = boxes[d].height;
        }
    }

    /// Whether the current page opens with a figure carried over.
    fn opens_with_figure(&self, boxes: &[Boxed]) -> bool {
        self.pages
            .last()
            .and_then(|p| p.first())
            .is_some_and(|(k, _)| boxes[*k].kind == BoxKind::Figure)
    }
}

/// Assigns boxes to pages: for each page, the boxes on it (index into `boxes`; a table's
/// repeated header appears again) and their top edge from the text block's top.
///
/// A figure (a chart) that does not fit under what is on a page floats to the top of the
/// next, and the text after it fills the page; a table or text never moves past another.
pub fn paginate(boxes: &[Boxed], height: f32) -> Vec<Vec<(usize, f32)>> {
    paginate_after(boxes, height, 0)
}

/// [`paginate`] for a stretch of a document that starts after `before` pages (so that
/// the 版记 lands on an even page of the whole).
pub fn paginate_after(boxes: &[Boxed], height: f32, before: usize) -> Vec<Vec<(usize, f32)>> {
    let mut p = Pages {
        pages: vec![Vec::new()],
        y: 0.0,
        content_start: 0,
        deferred: None,
    };
    let mut i = 0;
    while i < boxes.len() {
        let b = &boxes[i];
        let has_content = p.has_content();
        if b.kind == BoxKind::PageBreak {
            // A figure still waiting goes on a page of its own before the break: it must
            // not drift into what follows (an annex).
            if p.deferred.is_some() {
                p.open(boxes);
            }
            if p.has_content() {
                p.open(boxes);
            }
            i += 1;
            continue;
        }
        let space = if has_content { b.space_before } else { 0.0 };
        if b.kind == BoxKind::PageFoot {
            // At the foot of this page when it fits under what is there (and the space
            // it asks above it), else at the foot of a page of its own; always on an even
            // page, the back of the last sheet printed two-sided.
            if p.deferred.is_some() {
                p.open(boxes);
            }
            if p.has_content() && p.y + space + b.height > height + EPSILON {
                p.open(boxes);
            }
            if (before + p.pages.len()) % 2 == 1 {
                p.open(boxes);
            }
            p.current().push((i, (height - b.height).max(0.0)));
            p.y = height;
            i += 1;
            continue;
        }
        if !has_content || p.y + space + b.height <= height + EPSILON {
            let y = p.y;
            p.current().push((i, y + space));
            p.y += space + b.height;
            i += 1;
            continue;
        }
        // A figure that does not fit, unless something before it must stay with it,
        // waits for the next page while what follows fills this one.
        let kept_by_previous = i > 0 && boxes[i - 1].keep_with_next;
        if b.kind == BoxKind::Figure && p.deferred.is_none() && !kept_by_previous {
            p.deferred = Some(i);
            i += 1;
            continue;
        }
        // Box i does not fit: take along the boxes that must stay with it, unless that
        // would leave the page empty (a keep chain longer than a page breaks where it
        // must).
        let content_start = p.content_start;
        let page = p.current();
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
        p.open(boxes);
        if let BoxKind::TableRow(t) = boxes[first].kind {
            if let Some(header) = (0..first)
                .rev()
                .find(|&k| boxes[k].kind == BoxKind::TableHeader(t))
            {
                let y = p.y;
                p.current().push((header, y));
                p.y += boxes[header].height;
            }
        }
        p.content_start = if p.opens_with_figure(boxes) {
            0
        } else {
            p.current().len()
        };
        i = first;
    }
    if p.deferred.is_some() {
        p.open(boxes);
    }
    let mut pages = p.pages;
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
                let mut b = super::chart::bar_chart(chart, &f, self.shaper);
                b.kind = BoxKind::Figure;
                self.pending_space += 0.4 * f.line_pitch;
                self.push(b);
                self.pending_space += 0.4 * f.line_pitch;
            }
            Block::LineChart(chart) => {
                let mut b = super::chart::line_chart(chart, &f, self.shaper);
                b.kind = BoxKind::Figure;
                self.pending_space += 0.4 * f.line_pitch;
                self.push(b);
                self.pending_space += 0.4 * f.line_pitch;
            }
            Block::Signature { issuer, date } => self.signature(issuer, date),
            Block::Attachments(items) => self.attachments(items),
            Block::AnnexMark(text) => self.text_lines(text, FontRole::Heading, 0.0, true),
            Block::AnnexTitle(text) => {
                let size: f32 = 22.0;
                let pitch = (size * 1.5).max(f.line_pitch);
                self.pending_space += 0.5 * f.line_pitch;
                self.centred_lines(text, FontRole::Title, size, pitch, true);
                self.pending_space += 0.5 * f.line_pitch;
            }
            Block::Colophon {
                copy_to,
                printed_by,
                printed_on,
            } => self.colophon(copy_to.as_deref(), printed_by, printed_on),
            Block::PageBreak | Block::Orientation(_) => {
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
        // A paragraph that opens with a run-in heading, `（一）新签约项目。…`, sets the
        // heading in 楷体 like a `（一）` heading on a line of its own: one style for the
        // second level wherever it appears (GB/T 9704 §7.3.3).
        let glyphs = match run_in_heading(text).filter(|_| role == FontRole::Body) {
            Some(end) => {
                let mut g = self.shaper.shape(&text[..end], FontRole::Kai);
                g.extend(self.shaper.shape(&text[end..], role));
                g
            }
            None => self.shaper.shape(text, role),
        };
        let first_indent = indent * f.char_pitch;
        let mut lines = break_lines(&glyphs, size, tracking, f.width - first_indent, f.width);
        // No paragraph ends on a line of one or two characters (「元。」 alone): set a
        // character shorter, the lines above hand it more.
        let orphan = |lines: &[super::text::Line]| {
            lines.len() > 1 && lines.last().is_some_and(|l| l.end - l.start <= 2)
        };
        if orphan(&lines) {
            let narrower = break_lines(
                &glyphs,
                size,
                tracking,
                f.width - first_indent - f.char_pitch,
                f.width - f.char_pitch,
            );
            if narrower.len() == lines.len() && !orphan(&narrower) {
                lines = narrower;
            }
        }
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

    /// 附件说明: `附件：` two characters in, the titles under one another after it, each
    /// wrapping under its own text.
    fn attachments(&mut self, items: &[String]) {
        let f = self.frame;
        let size = f.body_size;
        let tracking = f.tracking();
        let label = "附件：";
        // 正文下空一行.
        self.pending_space += f.line_pitch;
        let x0 = f.left + 2.0 * f.char_pitch;
        let x1 = x0 + label.chars().count() as f32 * f.char_pitch;
        for (n, item) in items.iter().enumerate() {
            // The number before the title (`1．`, `2.`), under which nothing wraps.
            let number: String = item
                .chars()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '．' | '.'))
                .collect();
            let x2 = x1 + number.chars().count() as f32 * f.char_pitch;
            let glyphs = self.shaper.shape(item, FontRole::Body);
            let mut lines = break_lines(&glyphs, size, tracking, f.right() - x1, f.right() - x2);
            // As in a paragraph: no title ends on a line of one or two characters.
            if lines.len() > 1 && lines.last().is_some_and(|l| l.end - l.start <= 2) {
                let narrower = break_lines(
                    &glyphs,
                    size,
                    tracking,
                    f.right() - x1 - f.char_pitch,
                    f.right() - x2 - f.char_pitch,
                );
                if narrower.len() == lines.len() {
                    lines = narrower;
                }
            }
            for (k, line) in lines.iter().enumerate() {
                let x = if k == 0 { x1 } else { x2 };
                let mut line_items_ = line_items(
                    &glyphs,
                    line,
                    Align::Justify,
                    x,
                    f.right() - x,
                    size,
                    tracking,
                    f.line_pitch,
                    BLACK,
                );
                if n == 0 && k == 0 {
                    line_items_.extend(self.single_line(
                        label,
                        FontRole::Body,
                        size,
                        Align::Left,
                        x0,
                        x1 - x0,
                        0.0,
                        f.line_pitch,
                        BLACK,
                    ));
                }
                let mut b = Boxed::flow(f.line_pitch, line_items_);
                b.keep_with_next = true;
                self.push(b);
            }
        }
    }

    /// 版记 (GB/T 9704 §7.4): 14 pt 仿宋 lines one character in from each side — 抄送
    /// (wrapping under its own start when long), then 印发机关 left and 印发日期 right —
    /// with rules the width of the text block: 0.35 mm above and below, 0.25 mm between.
    fn colophon(&mut self, copy_to: Option<&str>, printed_by: &str, printed_on: &str) {
        let f = self.frame;
        let size = 14.0;
        let pitch = 1.75 * size;
        let inset = size;
        let thick = 0.35 * PT_PER_MM;
        let thin = 0.25 * PT_PER_MM;
        let rule = |y: f32, width: f32| Item::Line {
            x1: f.left,
            y1: y,
            x2: f.right(),
            y2: y,
            width,
            color: BLACK,
        };
        let mut items = vec![rule(0.0, thick)];
        let mut y = 0.0;
        if let Some(copy) = copy_to {
            let glyphs = self.shaper.shape(copy, FontRole::Body);
            let inner = f.width - 2.0 * inset;
            // Continuation lines align under the first character after 抄送：.
            let hang = self.shaper.width("抄送：", FontRole::Body, size, 0.0);
            for (k, line) in break_lines(&glyphs, size, 0.0, inner, inner - hang)
                .iter()
                .enumerate()
            {
                let (x, w) = if k == 0 {
                    (f.left + inset, inner)
                } else {
                    (f.left + inset + hang, inner - hang)
                };
                items.extend(
                    line_items(&glyphs, line, Align::Left, x, w, size, 0.0, pitch, BLACK)
                        .into_iter()
                        .map(|i| i.shifted(y)),
                );
                y += pitch;
            }
            items.push(rule(y, thin));
        }
        let inner = f.width - 2.0 * inset;
        let by = self.single_line(
            printed_by,
            FontRole::Body,
            size,
            Align::Left,
            f.left + inset,
            inner,
            y,
            pitch,
            BLACK,
        );
        let on = self.single_line(
            printed_on,
            FontRole::Body,
            size,
            Align::Right,
            f.left + inset,
            inner,
            y,
            pitch,
            BLACK,
        );
        items.extend(by);
        items.extend(on);
        y += pitch;
        items.push(rule(y, thick));
        self.pending_space = 0.0;
        self.boxes.push(Boxed {
            height: y,
            space_before: f.line_pitch,
            keep_with_next: false,
            items,
            kind: BoxKind::PageFoot,
        });
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

/// The end (a byte index) of a run-in second-level heading at the start of `text`:
/// `（一）` to `（十）` followed by a short title closed by `。` (at most 16 characters).
fn run_in_heading(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('（')?;
    let close = rest.find('）')?;
    let numeral = &rest[..close];
    if numeral.is_empty()
        || numeral.chars().count() > 2
        || !numeral.chars().all(|c| "一二三四五六七八九十".contains(c))
    {
        return None;
    }
    let after = '（'.len_utf8() + close + '）'.len_utf8();
    let title_end = text[after..]
        .char_indices()
        .take(17)
        .find(|(_, c)| *c == '。')
        .map(|(i, c)| after + i + c.len_utf8())?;
    Some(title_end)
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

    /// The table rows on each page.
    fn rows_per_page(boxes: &[Boxed], pages: &[Vec<(usize, f32)>]) -> Vec<usize> {
        pages
            .iter()
            .map(|p| {
                p.iter()
                    .filter(|(i, _)| matches!(boxes[*i].kind, BoxKind::TableRow(_)))
                    .count()
            })
            .filter(|n| *n > 0)
            .collect()
    }

    #[test]
    fn a_table_that_breaks_leaves_at_least_three_rows_on_each_page() {
        // Every position of the break: after 0 to 22 lines of text, a 30-row table.
        for lines in 0..22 {
            let mut blocks = Vec::new();
            if lines > 0 {
                blocks.push(paragraph(lines));
            }
            blocks.push(Block::Table(table(30)));
            let (boxes, pages) = pages(&blocks);
            let rows = rows_per_page(&boxes, &pages);
            assert_eq!(rows.iter().sum::<usize>(), 30);
            assert!(
                rows.iter().all(|n| *n >= 3),
                "after {lines} lines: {rows:?}"
            );
        }
    }

    #[test]
    fn a_short_table_is_kept_whole_with_its_caption() {
        for lines in 0..22 {
            let mut blocks = Vec::new();
            if lines > 0 {
                blocks.push(paragraph(lines));
            }
            blocks.push(Block::Table(table(5)));
            let (boxes, pages) = pages(&blocks);
            assert_eq!(
                rows_per_page(&boxes, &pages),
                vec![5],
                "after {lines} lines"
            );
        }
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next_inside_the_text_block() {
        let mut t = table(3);
        t.rows[1][0] = "很长的项目名称".repeat(700);
        let (boxes, pages) = pages(&[Block::Table(t)]);
        let f = Frame::official();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for page in &pages {
            for &(i, y) in page {
                assert!(
                    y + boxes[i].height <= f.height + 0.01,
                    "a box runs past the foot of the page"
                );
            }
        }
        // Every character drawn once (lines may break inside the phrase: count them).
        let chars: usize = pages
            .iter()
            .flatten()
            .map(|&(i, _)| text_of(&boxes[i]).chars().filter(|c| *c == '很').count())
            .sum();
        assert_eq!(chars, 700);
    }

    fn chart(title: &str, bars: usize) -> Block {
        Block::BarChart(crate::render::pdf::blocks::BarChart {
            title: title.into(),
            unit: "亿元".into(),
            bars: (0..bars).map(|i| (format!("单位{i}"), i as f64)).collect(),
            compact: false,
        })
    }

    #[test]
    fn a_chart_that_does_not_fit_floats_to_the_next_page_and_text_fills_this_one() {
        let (boxes, pages) = pages(&[paragraph(18), chart("图1", 30), paragraph(3)]);
        assert_eq!(pages.len(), 2);
        // Page 1: the 18 lines, then the 3 lines after the chart.
        assert_eq!(pages[0].len(), 21);
        assert_eq!(boxes[pages[1][0].0].kind, BoxKind::Figure);
    }

    #[test]
    fn a_waiting_chart_does_not_drift_past_a_page_break() {
        let (boxes, pages) = pages(&[
            paragraph(18),
            chart("图1", 30),
            paragraph(1),
            Block::PageBreak,
            Block::AnnexMark("附件1".into()),
        ]);
        let annex_page = pages
            .iter()
            .position(|p| p.iter().any(|&(i, _)| text_of(&boxes[i]) == "附件1"))
            .unwrap();
        let chart_page = pages
            .iter()
            .position(|p| p.iter().any(|&(i, _)| boxes[i].kind == BoxKind::Figure))
            .unwrap();
        assert!(chart_page < annex_page);
        assert_eq!(pages[annex_page].len(), 1);
    }

    #[test]
    fn the_colophon_is_at_the_foot_of_an_even_page() {
        let colophon = Block::Colophon {
            copy_to: Some("抄送：市政府办公厅。".into()),
            printed_by: "某某局".into(),
            printed_on: "2025年7月8日印发".into(),
        };
        let f = Frame::official();
        for lines in [1, 21, 30, 50] {
            let (boxes, pages) = pages(&[paragraph(lines), colophon.clone()]);
            assert_eq!(pages.len() % 2, 0, "after {lines} lines");
            let &(last, y) = pages.last().and_then(|p| p.last()).unwrap();
            assert_eq!(boxes[last].kind, BoxKind::PageFoot);
            assert!((y + boxes[last].height - f.height).abs() < 0.01);
        }
    }

    #[test]
    fn a_run_in_heading_is_the_numbered_title_up_to_its_full_stop() {
        let t = "（一）新签约项目。1—6月，全市新签约项目951个。";
        assert_eq!(
            run_in_heading(t).map(|e| &t[..e]),
            Some("（一）新签约项目。")
        );
        assert_eq!(run_in_heading("（注）说明。"), None);
        assert_eq!(
            run_in_heading("（一）没有句号的一段很长很长很长很长很长的文字，"),
            None
        );
        assert_eq!(run_in_heading("正文（一）项目。"), None);
    }
}
