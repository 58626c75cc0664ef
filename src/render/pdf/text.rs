//! Text measurement and Chinese line breaking, pure functions over font metrics.
//!
//! A string is first *shaped*: every character gets the face that draws it (the role's
//! face, a fallback face, or a placeholder when no face has it) and its advance width.
//! Lines are then filled greedily under the rules of Chinese typesetting (GB/T 15834 and
//! the W3C's clreq): closing punctuation never starts a line, opening punctuation never
//! ends one, `——` and `……` stay whole, and runs of ASCII letters and digits (`13209.91`,
//! `20.5%`, `2025`) are never split unless a single run is wider than the line. A full
//! line is justified by spreading the space left over the gaps between characters (not
//! inside a Latin or number run); the last line of a paragraph stays flush left.

use super::blocks::{Align, FontRole};

/// Index of a face in a [`Metrics`] implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FaceId(pub usize);

/// Which face draws a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// The role's own face.
    Primary(FaceId),
    /// A fallback face: the role's face lacks the character.
    Fallback(FaceId),
    /// No face has the character.
    Missing,
}

/// What layout needs to know about fonts: coverage and advance widths.
pub trait Metrics {
    /// The face that draws `ch` in `role`.
    fn resolve(&self, role: FontRole, ch: char) -> Resolved;
    /// The face and character drawn in place of a character no face has.
    fn placeholder(&self, role: FontRole) -> (FaceId, char);
    /// Advance width of `ch` in `face`, in em.
    fn advance(&self, face: FaceId, ch: char) -> f32;
    /// The face's name, for reports.
    fn face_name(&self, face: FaceId) -> &str;
}

/// A character the font of its role does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyph {
    /// The character.
    pub ch: char,
    /// The role whose face lacks it.
    pub role: FontRole,
    /// The string it occurs in (a paragraph, a cell, a label).
    pub text: String,
    /// The face that drew it instead; `None` when no face has it and a placeholder (〓)
    /// was drawn.
    pub drawn_with: Option<String>,
}

/// One shaped character.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// The character drawn (the placeholder for a missing one).
    pub ch: char,
    pub face: FaceId,
    /// Advance width in em.
    pub adv: f32,
}

/// Shapes strings and collects the characters their role's face lacks.
pub struct Shaper<'m, M: Metrics> {
    pub metrics: &'m M,
    missing: Vec<MissingGlyph>,
}

impl<'m, M: Metrics> Shaper<'m, M> {
    pub fn new(metrics: &'m M) -> Self {
        Shaper {
            metrics,
            missing: Vec::new(),
        }
    }

    /// Shapes `text` in `role`. Tabs become spaces; other control characters except
    /// `\n` (kept as a forced line break) are dropped.
    pub fn shape(&mut self, text: &str, role: FontRole) -> Vec<Glyph> {
        let mut out = Vec::with_capacity(text.len());
        for ch in text.chars() {
            let ch = if ch == '\t' { ' ' } else { ch };
            if ch == '\n' {
                let (face, _) = self.metrics.placeholder(role);
                out.push(Glyph { ch, face, adv: 0.0 });
                continue;
            }
            if ch.is_control() {
                continue;
            }
            let (face, drawn) = match self.metrics.resolve(role, ch) {
                Resolved::Primary(face) => (face, ch),
                Resolved::Fallback(face) => {
                    let name = self.metrics.face_name(face).to_string();
                    self.note(ch, role, text, Some(name));
                    (face, ch)
                }
                Resolved::Missing => {
                    self.note(ch, role, text, None);
                    self.metrics.placeholder(role)
                }
            };
            let adv = self.metrics.advance(face, drawn);
            out.push(Glyph {
                ch: drawn,
                face,
                adv,
            });
        }
        out
    }

    fn note(&mut self, ch: char, role: FontRole, text: &str, drawn_with: Option<String>) {
        let seen = self
            .missing
            .iter()
            .any(|m| m.ch == ch && m.role == role && m.text == text);
        if !seen {
            self.missing.push(MissingGlyph {
                ch,
                role,
                text: text.to_string(),
                drawn_with,
            });
        }
    }

    /// The characters noted so far, in the order first met.
    pub fn into_missing(self) -> Vec<MissingGlyph> {
        self.missing
    }

    /// Width in points of `text` in one line (no breaking), with `tracking` after each
    /// character.
    pub fn width(&mut self, text: &str, role: FontRole, size: f32, tracking: f32) -> f32 {
        let glyphs = self.shape(text, role);
        natural_width(&glyphs, size, tracking)
    }
}

/// Width of a glyph in points: its advance plus the tracking that follows it.
fn advance_pt(g: &Glyph, size: f32, tracking: f32) -> f32 {
    g.adv * size + tracking
}

/// Width of glyphs set on one line.
pub fn natural_width(glyphs: &[Glyph], size: f32, tracking: f32) -> f32 {
    glyphs.iter().map(|g| advance_pt(g, size, tracking)).sum()
}

/// Part of a Latin word or number: never split, never letter-spaced.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '.' | ','
                | '%'
                | '‰'
                | '+'
                | '-'
                | '/'
                | ':'
                | '_'
                | '\''
                | '#'
                | '&'
                | '@'
                | '°'
                | '℃'
                | '±'
                | '×'
                | '='
                | '~'
                | '$'
                | '¥'
        )
}

/// Characters that must not start a line: closing and pausing punctuation.
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '，'
            | '。'
            | '．'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '］'
            | '｝'
            | '〕'
            | '〉'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〗'
            | '〙'
            | '〛'
            | '’'
            | '”'
            | '％'
            | '‰'
            | '℃'
            | '·'
            | '・'
            | '～'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '%'
            | 'ー'
            | '々'
            | '〻'
    )
}

/// Characters that must not end a line: opening punctuation.
fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '（' | '［'
            | '｛'
            | '〔'
            | '〈'
            | '《'
            | '「'
            | '『'
            | '【'
            | '〖'
            | '〘'
            | '〚'
            | '‘'
            | '“'
            | '('
            | '['
            | '{'
            | '¥'
            | '$'
            | '#'
    )
}

/// Whether the characters `a` and `b`, in this order, may be split by a line break.
pub fn can_break(a: char, b: char) -> bool {
    if a == '\n' || b == '\n' {
        return false;
    }
    if b == ' ' || b == '\u{3000}' {
        // Break after spaces, never before: the spaces then end the line and are dropped.
        return false;
    }
    if a == ' ' {
        return true;
    }
    if is_word_char(a) && is_word_char(b) {
        return false;
    }
    // 1—6月, 2025—2026: a dash between figures is part of the figure.
    if (is_word_char(a) && (b == '—' || b == '–')) || ((a == '—' || a == '–') && is_word_char(b))
    {
        return false;
    }
    if (a == '—' && b == '—') || (a == '…' && b == '…') {
        return false;
    }
    !no_line_start(b) && !no_line_end(a)
}

/// Full-width punctuation whose right half is blank (，。、；： and closing brackets and
/// quotes in simplified Chinese fonts): that half may be squeezed out.
fn blank_right_half(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '）'
            | '”'
            | '’'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
    )
}

/// Opening brackets and quotes, whose left half is blank.
fn blank_left_half(c: char) -> bool {
    matches!(
        c,
        '（' | '“' | '‘' | '《' | '「' | '『' | '【' | '〔' | '〈'
    )
}

/// The blank width, in points, that may be squeezed out after glyph `k` of `glyphs`
/// (its own right half, and the left half of an opening bracket that follows it).
fn squeezable_after(glyphs: &[Glyph], k: usize, size: f32) -> f32 {
    let mut w = 0.0;
    if blank_right_half(glyphs[k].ch) {
        w += 0.5 * glyphs[k].adv * size;
    }
    if let Some(next) = glyphs.get(k + 1) {
        if blank_left_half(next.ch) {
            w += 0.5 * next.adv * size;
        }
    }
    w
}

/// Total blank width that may be squeezed out of a line made of `glyphs`.
fn squeezable(glyphs: &[Glyph], size: f32) -> f32 {
    (0..glyphs.len())
        .map(|k| squeezable_after(glyphs, k, size))
        .sum()
}

/// Whether the gap between two characters takes justification space.
fn stretchable(a: char, b: char) -> bool {
    !(is_word_char(a) && is_word_char(b))
}

/// One line of a paragraph: the glyphs `start..end` (trailing spaces excluded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
    /// Natural width in points.
    pub width: f32,
    /// Ends the paragraph or a forced break (`\n`): never justified.
    pub last: bool,
    /// Points taken out of the blank halves of full-width punctuation (标点挤压) so that
    /// the line holds what it does; 0 for most lines.
    pub squeeze: f32,
}

impl Line {
    /// All of `glyphs` on one line, never broken.
    pub fn single(glyphs: &[Glyph], size: f32, tracking: f32) -> Line {
        Line {
            start: 0,
            end: glyphs.len(),
            width: natural_width(glyphs, size, tracking),
            last: true,
            squeeze: 0.0,
        }
    }
}

/// Room left when a line is compared with its measure, so that exactly 28 grid
/// characters fit 156 mm despite rounding.
const FIT_EPSILON: f32 = 0.05;

/// Breaks glyphs into lines of at most `first_width` (the first line) and `width` (the
/// others) points.
pub fn break_lines(
    glyphs: &[Glyph],
    size: f32,
    tracking: f32,
    first_width: f32,
    width: f32,
) -> Vec<Line> {
    let n = glyphs.len();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut first = true;
    while start < n {
        if !first {
            while start < n && glyphs[start].ch == ' ' {
                start += 1;
            }
            if start >= n {
                break;
            }
        }
        let measure = if first { first_width } else { width };
        first = false;
        let mut x = 0.0;
        let mut last_break: Option<usize> = None;
        let mut i = start;
        let mut next_start = n;
        let mut end = n;
        let mut forced_last = true;
        let mut squeeze = 0.0;
        while i < n {
            let g = &glyphs[i];
            if g.ch == '\n' {
                end = i;
                next_start = i + 1;
                break;
            }
            let w = advance_pt(g, size, tracking);
            if x + w > measure + FIT_EPSILON && i > start && g.ch != ' ' {
                forced_last = false;
                let break_at = last_break.filter(|&j| j > start);
                // Breaking would leave a visible hole (a glued “33618” pushed down):
                // try to keep the piece on this line by squeezing punctuation instead.
                let hole = break_at.map_or(measure, |j| {
                    measure - natural_width(&glyphs[start..j], size, tracking)
                });
                if hole > 0.9 * size {
                    let mut k = i + 1;
                    while k < n
                        && glyphs[k].ch != '\n'
                        && !can_break(glyphs[k - 1].ch, glyphs[k].ch)
                    {
                        k += 1;
                    }
                    let piece = &glyphs[start..k];
                    let natural = natural_width(piece, size, tracking);
                    if natural - squeezable(piece, size) <= measure + FIT_EPSILON {
                        squeeze = (natural - measure).max(0.0);
                        end = k;
                        next_start = if k < n && glyphs[k].ch == '\n' {
                            k + 1
                        } else {
                            k
                        };
                        forced_last = k >= n || glyphs[k].ch == '\n';
                        i = k;
                        break;
                    }
                }
                match break_at {
                    Some(j) => {
                        end = j;
                        next_start = j;
                    }
                    None => {
                        end = i;
                        next_start = i;
                    }
                }
                break;
            }
            x += w;
            if i + 1 < n && can_break(g.ch, glyphs[i + 1].ch) {
                last_break = Some(i + 1);
            }
            i += 1;
        }
        if i >= n && squeeze == 0.0 {
            end = n;
            next_start = n;
        }
        let mut trimmed = end;
        while trimmed > start && matches!(glyphs[trimmed - 1].ch, ' ' | '\n') {
            trimmed -= 1;
        }
        lines.push(Line {
            start,
            end: trimmed,
            width: natural_width(&glyphs[start..trimmed], size, tracking) - squeeze,
            last: forced_last,
            squeeze,
        });
        start = next_start;
        if start == n && forced_last {
            break;
        }
    }
    if lines.is_empty() {
        lines.push(Line {
            start: 0,
            end: 0,
            width: 0.0,
            last: true,
            squeeze: 0.0,
        });
    }
    lines
}

/// A run of glyphs drawn with one text position, one face and one character spacing.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Left edge, relative to the line's left edge, in points.
    pub x: f32,
    pub face: FaceId,
    pub text: String,
    /// Space after each glyph (PDF `Tc`), in points.
    pub spacing: f32,
}

/// Positions the glyphs of a line in a measure of `width` points: runs relative to the
/// measure's left edge.
pub fn place_line(
    glyphs: &[Glyph],
    line: &Line,
    align: Align,
    width: f32,
    size: f32,
    tracking: f32,
) -> Vec<Run> {
    let slice = &glyphs[line.start..line.end];
    if slice.is_empty() {
        return Vec::new();
    }
    let free = (width - line.width).max(0.0);
    let (mut x, extra_per_gap) = match align {
        Align::Left => (0.0, 0.0),
        Align::Center => (free / 2.0, 0.0),
        Align::Right => (free, 0.0),
        Align::Justify => {
            let gaps = slice
                .windows(2)
                .filter(|w| stretchable(w[0].ch, w[1].ch))
                .count();
            if line.last || gaps == 0 {
                (0.0, 0.0)
            } else {
                (0.0, free / gaps as f32)
            }
        }
    };
    let squeeze_ratio = if line.squeeze > 0.0 {
        (line.squeeze / squeezable(slice, size).max(f32::EPSILON)).min(1.0)
    } else {
        0.0
    };
    let mut runs: Vec<Run> = Vec::new();
    // Spacing after the previous glyph: a glyph joins the open run only if that spacing
    // is the run's `Tc` and its face is the run's.
    let mut prev_after = f32::NAN;
    for (k, g) in slice.iter().enumerate() {
        if g.ch == '\n' {
            // Only a text set on one line can hold a forced break; it draws nothing.
            continue;
        }
        let after = match slice.get(k + 1) {
            Some(next) if extra_per_gap > 0.0 && stretchable(g.ch, next.ch) => {
                tracking + extra_per_gap
            }
            _ => tracking,
        } - squeeze_ratio * squeezable_after(slice, k, size);
        match runs.last_mut() {
            Some(r) if r.face == g.face && (r.spacing - prev_after).abs() < 1e-4 => {
                r.text.push(g.ch);
            }
            _ => runs.push(Run {
                x,
                face: g.face,
                text: g.ch.to_string(),
                spacing: after,
            }),
        }
        prev_after = after;
        x += g.adv * size + after;
    }
    runs
}

/// Breaks a title into `n` balanced lines (梯形 rather than a long line over a short
/// one): the narrowest measure not wider than `width` that still gives the fewest lines.
pub fn balanced_lines(glyphs: &[Glyph], size: f32, tracking: f32, width: f32) -> Vec<Line> {
    let greedy = break_lines(glyphs, size, tracking, width, width);
    let count = greedy.len();
    if count <= 1 {
        return greedy;
    }
    let total = natural_width(glyphs, size, tracking);
    let mut measure = (total / count as f32).max(size);
    while measure < width {
        let lines = break_lines(glyphs, size, tracking, measure, measure);
        if lines.len() <= count {
            return lines;
        }
        measure += size / 4.0;
    }
    greedy
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK characters 1 em, ASCII ½ em; 𠀀 missing everywhere, 龘 only in the fallback.
    struct Fake;
    impl Metrics for Fake {
        fn resolve(&self, _role: FontRole, ch: char) -> Resolved {
            match ch {
                '𠀀' => Resolved::Missing,
                '龘' => Resolved::Fallback(FaceId(1)),
                _ => Resolved::Primary(FaceId(0)),
            }
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
        fn face_name(&self, face: FaceId) -> &str {
            if face.0 == 0 {
                "main"
            } else {
                "fallback"
            }
        }
    }

    fn lines_of(text: &str, chars_per_line: usize) -> Vec<String> {
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape(text, FontRole::Body);
        let w = chars_per_line as f32 * 10.0;
        break_lines(&glyphs, 10.0, 0.0, w, w)
            .iter()
            .map(|l| glyphs[l.start..l.end].iter().map(|g| g.ch).collect())
            .collect()
    }

    #[test]
    fn fills_lines_with_whole_characters() {
        assert_eq!(lines_of("一二三四五六七", 3), ["一二三", "四五六", "七"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // "。" would start line 2: "三" moves down with it.
        assert_eq!(lines_of("一二三。四五", 3), ["一二", "三。四", "五"]);
        for p in [
            '、', '，', '；', '：', '？', '！', '）', '》', '”', '’', '」',
        ] {
            let text = format!("一二三{p}四");
            let lines = lines_of(&text, 3);
            assert!(
                lines.iter().all(|l| !l.starts_with(p)),
                "{p} starts a line: {lines:?}"
            );
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        assert_eq!(lines_of("一二（三）", 3), ["一二", "（三）"]);
        for p in ['（', '《', '“', '‘', '「'] {
            let text = format!("一二{p}三四");
            let lines = lines_of(&text, 3);
            assert!(
                lines.iter().all(|l| !l.ends_with(p)),
                "{p} ends a line: {lines:?}"
            );
        }
    }

    #[test]
    fn numbers_and_percentages_stay_whole() {
        // 13209.91 is 4 em wide: it moves to the next line whole.
        assert_eq!(
            lines_of("签约额13209.91亿元", 6),
            ["签约额", "13209.91亿元"]
        );
        assert_eq!(lines_of("增长20.5%，较", 4), ["增长", "20.5%，", "较"]);
        let lines = lines_of("同比增长20.5%以上", 5);
        assert!(lines.iter().any(|l| l.contains("20.5%")), "{lines:?}");
    }

    #[test]
    fn a_run_wider_than_the_line_is_split() {
        let lines = lines_of("1234567890123", 3);
        assert_eq!(lines.concat(), "1234567890123");
        assert!(lines.len() >= 2);
    }

    #[test]
    fn dashes_and_ellipses_stay_whole() {
        let lines = lines_of("一二——三四", 3);
        assert!(lines.iter().any(|l| l.contains("——")), "{lines:?}");
        let lines = lines_of("一二……三四", 3);
        assert!(lines.iter().any(|l| l.contains("……")), "{lines:?}");
        let lines = lines_of("一二1—6月", 3);
        assert!(lines.iter().any(|l| l.contains("1—6")), "{lines:?}");
    }

    #[test]
    fn punctuation_is_squeezed_rather_than_leaving_a_hole() {
        // Breaking before the glued “丁” would leave 1 em empty: the four squeezable
        // punctuation marks give up half their width and the whole text fits 6 em.
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape("甲，乙，丙“丁”", FontRole::Body);
        let lines = break_lines(&glyphs, 10.0, 0.0, 60.0, 60.0);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!((lines[0].squeeze - 20.0).abs() < 1e-3);
        let runs = place_line(&glyphs, &lines[0], Align::Justify, 60.0, 10.0, 0.0);
        let mut x_end = 0.0;
        for r in &runs {
            let n = r.text.chars().count() as f32;
            x_end = r.x + n * 10.0 + (n - 1.0) * r.spacing;
        }
        // The closing quote's box ends at 6.5 em; its ink (left half) inside 6 em.
        assert!((x_end - 65.0).abs() < 1e-3, "{runs:?}");
    }

    #[test]
    fn small_holes_are_not_squeezed() {
        assert_eq!(lines_of("一二三。四五", 3), ["一二", "三。四", "五"]);
    }

    #[test]
    fn newline_forces_a_break() {
        assert_eq!(lines_of("一二\n三", 5), ["一二", "三"]);
    }

    #[test]
    fn justified_line_fills_the_measure_and_last_line_stays_left() {
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape("一二三。四五六七八", FontRole::Body);
        // 4.5 em: "四" overflows, line 1 is "一二三。" (4 em) stretched by ½ em.
        let lines = break_lines(&glyphs, 10.0, 0.0, 45.0, 45.0);
        assert_eq!(lines.len(), 3);
        let runs = place_line(&glyphs, &lines[0], Align::Justify, 45.0, 10.0, 0.0);
        let last_run = runs.last().unwrap();
        let n = last_run.text.chars().count() as f32;
        let right = last_run.x + n * 10.0 + (n - 1.0) * last_run.spacing;
        assert!((right - 45.0).abs() < 0.01, "right edge {right}");
        let runs = place_line(&glyphs, &lines[2], Align::Justify, 45.0, 10.0, 0.0);
        assert_eq!(runs[0].x, 0.0);
        assert!(runs.iter().all(|r| r.spacing == 0.0));
    }

    #[test]
    fn justification_does_not_space_out_numbers() {
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape("金额13209.91亿元，增长", FontRole::Body);
        let lines = break_lines(&glyphs, 10.0, 0.0, 105.0, 105.0);
        let runs = place_line(&glyphs, &lines[0], Align::Justify, 105.0, 10.0, 0.0);
        assert!(runs.iter().any(|r| r.spacing > 0.0), "{runs:?}");
        // Expand the runs to glyph positions: the number's glyphs sit ½ em apart.
        let mut xs = Vec::new();
        for r in &runs {
            let mut x = r.x;
            for ch in r.text.chars() {
                xs.push((ch, x));
                x += Fake.advance(FaceId(0), ch) * 10.0 + r.spacing;
            }
        }
        let first = xs.iter().position(|&(c, _)| c == '1').unwrap();
        for k in first..first + 7 {
            assert!((xs[k + 1].1 - xs[k].1 - 5.0).abs() < 1e-3, "{xs:?}");
        }
    }

    #[test]
    fn centred_and_right_aligned_lines() {
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape("一二", FontRole::Body);
        let lines = break_lines(&glyphs, 10.0, 0.0, 100.0, 100.0);
        assert_eq!(
            place_line(&glyphs, &lines[0], Align::Center, 100.0, 10.0, 0.0)[0].x,
            40.0
        );
        assert_eq!(
            place_line(&glyphs, &lines[0], Align::Right, 100.0, 10.0, 0.0)[0].x,
            80.0
        );
    }

    #[test]
    fn missing_characters_are_reported_and_drawn_from_fallback_or_placeholder() {
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape("甲龘乙𠀀", FontRole::Heading);
        assert_eq!(glyphs[1].face, FaceId(1));
        assert_eq!(glyphs[3].ch, '〓');
        let missing = shaper.into_missing();
        assert_eq!(missing.len(), 2);
        assert_eq!(missing[0].ch, '龘');
        assert_eq!(missing[0].drawn_with.as_deref(), Some("fallback"));
        assert_eq!(missing[1].ch, '𠀀');
        assert_eq!(missing[1].drawn_with, None);
        assert_eq!(missing[1].role, FontRole::Heading);
        assert_eq!(missing[1].text, "甲龘乙𠀀");
    }

    #[test]
    fn faces_split_runs() {
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape("甲龘乙", FontRole::Body);
        let lines = break_lines(&glyphs, 10.0, 0.0, 100.0, 100.0);
        let runs = place_line(&glyphs, &lines[0], Align::Left, 100.0, 10.0, 0.0);
        assert_eq!(runs.len(), 3);
        assert_eq!(runs[1].x, 10.0);
        assert_eq!(runs[2].x, 20.0);
    }

    #[test]
    fn titles_are_balanced() {
        let mut shaper = Shaper::new(&Fake);
        let glyphs = shaper.shape("一二三四五六七八九十甲乙", FontRole::Title);
        // Greedy at 10 em would give 10 + 2; balanced gives 6 + 6.
        let lines = balanced_lines(&glyphs, 10.0, 0.0, 100.0);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].end - lines[0].start, 6);
    }

    #[test]
    fn twenty_eight_grid_characters_fit_the_text_block() {
        let mut shaper = Shaper::new(&Fake);
        let text = "字".repeat(56);
        let glyphs = shaper.shape(&text, FontRole::Body);
        let width = 156.0 / 25.4 * 72.0;
        let tracking = width / 28.0 - 16.0;
        let lines = break_lines(&glyphs, 16.0, tracking, width, width);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].end - lines[0].start, 28);
    }
}
