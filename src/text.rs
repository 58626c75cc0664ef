//! Text normalisation shared by header matching, label matching and identity keys.
//!
//! Returns are typed by hand in many offices: traditional characters, full-width forms,
//! stray spaces and line breaks inside cells. Everything that compares text goes through
//! here so that one rule decides what counts as "the same words".

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// Excel's longest cell text, in UTF-16 units: what a workbook, a receipt and Excel itself
/// can hold in one cell.
pub(crate) const CELL_TEXT_MAX: usize = 32_767;

/// Whether `s` is longer than one Excel cell holds.
pub(crate) fn over_cell(s: &str) -> bool {
    longer_than(s, CELL_TEXT_MAX)
}

/// Whether `s` takes more than `max` UTF-16 units.
fn longer_than(s: &str, max: usize) -> bool {
    // A UTF-16 unit takes at least one byte of UTF-8: most text is decided by its length.
    s.len() > max && s.encode_utf16().count() > max
}

/// `s` as one Excel cell can hold it: whole when it fits, else cut on a character boundary
/// with "…" at the end, so that the cut shows.
pub(crate) fn cell_text(s: &str) -> Cow<'_, str> {
    cut_to(s, CELL_TEXT_MAX)
}

/// `s` in at most `max` UTF-16 units: whole when it fits, else cut on a character boundary
/// with "…" (one unit) at the end.
pub(crate) fn cut_to(s: &str, max: usize) -> Cow<'_, str> {
    if !longer_than(s, max) {
        return Cow::Borrowed(s);
    }
    let mut units = 0;
    let mut cut: String = s
        .chars()
        .take_while(|c| {
            units += c.len_utf16();
            units < max
        })
        .collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// Converts full-width ASCII forms (Ａ-Ｚ, ０-９, （）：，．) to half-width and the
/// ideographic space to a space.
pub fn to_half_width(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Traditional to simplified Chinese.
pub fn to_simplified(s: &str) -> String {
    simplified(s).into_owned()
}

/// Traditional to simplified Chinese, without a copy when no character of `s` is one the
/// simplifier would change, as in nearly all text, which is typed in simplified
/// characters: the simplifier looks each character up in three hash maps, and every
/// header cell, project name and investor passes through here.
pub fn simplified(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(may_simplify) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fast2s::convert(s))
    }
}

/// The characters fast2s converts only next to certain others (慰藉 stays, 藉口 becomes
/// 借口): its exclusions and special cases, the only characters whose conversion depends
/// on their neighbours.
const SIMPLIFIED_IN_CONTEXT: [char; 15] = [
    '兒', '覆', '夥', '藉', '瞭', '麽', '幺', '於', '乾', '著', '苧', '闔', '鍾', '讎', '畫',
];

/// Whether fast2s may turn `c` into another character. fast2s converts only characters of
/// three UTF-8 bytes (U+0800–U+FFFF); each is asked of fast2s once per process and the
/// answer kept (0 not yet asked, 1 unchanged, 2 changed). Threads that ask at the same
/// time store the same answer.
fn may_simplify(c: char) -> bool {
    static ANSWERS: [AtomicU8; 1 << 16] = [const { AtomicU8::new(0) }; 1 << 16];
    if c.len_utf8() != 3 {
        return false;
    }
    // Below U+10000, so the index is in range.
    let answer = &ANSWERS[c as usize & 0xFFFF];
    match answer.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let mut buf = [0; 4];
            let one: &str = c.encode_utf8(&mut buf);
            let changes = SIMPLIFIED_IN_CONTEXT.contains(&c) || fast2s::convert(one) != *one;
            answer.store(if changes { 2 } else { 1 }, Ordering::Relaxed);
            changes
        }
    }
}

/// Whether a character is white space of any kind, including the ideographic space and
/// the no-break space that pasted web text brings along.
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_whitespace() || c == '\u{0B}';
    }
    // The CJK ideographs and syllables (U+4E00–U+D7FF) are never space: the common case,
    // without Unicode's table.
    !('\u{4E00}'..='\u{D7FF}').contains(&c)
        && (c.is_whitespace() || c == '\u{3000}' || c == '\u{A0}' || c == '\u{FEFF}')
}

/// Whether a character is a letter or digit of any script, as `char::is_alphanumeric`,
/// with the CJK ideographs (U+4E00–U+9FFF, all alphabetic) answered without Unicode's
/// table.
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric()
    }
}

/// The form used to compare header and label text: simplified, half-width, no white
/// space, ASCII brackets and colons, lower-case Latin letters.
pub fn normalize_label(s: &str) -> String {
    // Header matching, identity keys and industry look-ups call this for every cell and
    // project, so it allocates once where it can: ASCII text skips both conversions, text
    // without full-width forms goes to the simplifier as it is, and text that needs no
    // mapping afterwards (most Chinese labels) is returned as the simplifier made it.
    let simplified = if s.is_ascii() {
        Cow::Borrowed(s)
    } else if s.chars().any(is_full_width) {
        Cow::Owned(to_simplified(&to_half_width(s)))
    } else {
        simplified(s)
    };
    if !simplified.chars().any(label_maps) {
        return simplified.into_owned();
    }
    let mut out = String::with_capacity(simplified.len());
    for c in simplified.chars().filter(|c| !is_space(*c)) {
        out.push(match c {
            '【' | '〔' | '［' | '[' => '(',
            '】' | '〕' | '］' | ']' => ')',
            '：' => ':',
            _ => c.to_ascii_lowercase(),
        });
    }
    out
}

/// Whether [`to_half_width`] changes the character.
fn is_full_width(c: char) -> bool {
    matches!(c, '\u{3000}' | '\u{FF01}'..='\u{FF5E}')
}

/// Whether [`normalize_label`]'s last step drops or changes the character.
fn label_maps(c: char) -> bool {
    is_space(c)
        || c.is_ascii_uppercase()
        || matches!(
            c,
            '【' | '〔' | '［' | '[' | '】' | '〕' | '］' | ']' | '：'
        )
}

/// The form used for identities (unit names, project names, investors): like
/// [`normalize_label`], and also without any punctuation.
pub fn normalize_key(s: &str) -> String {
    let mut key = normalize_label(s);
    key.retain(is_alphanumeric);
    key
}

/// Text from a file (a cell, a sheet or file name) made safe to print on a terminal:
/// control characters — escape sequences that would recolour or clear the screen, a
/// carriage return that would overwrite the line, a line feed that would forge a line of
/// the report — and the bidirectional overrides that reorder what is shown are written as
/// visible `\u{…}` escapes. Other text is returned as it is, without copying.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unprintable(c) {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Characters [`printable`] escapes.
fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Trims all kinds of white space from both ends.
pub fn trim(s: &str) -> &str {
    // Most cells start and end with a printable ASCII character or an ideograph: returned
    // as they are, without decoding from either end.
    let plain_start = |b: u8| b.is_ascii_graphic() || (0xE4..=0xED).contains(&b);
    match (s.as_bytes().first(), s.chars().next_back()) {
        (Some(&first), Some(last)) if plain_start(first) && !is_space(last) => s,
        _ => s.trim_matches(is_space),
    }
}

/// Whether a 备注 says the project was terminated: 终止, but not 未终止 (the register's
/// reading, `aggregate::register::RegisteredProject::terminated`).
pub fn says_terminated(note: &str) -> bool {
    note.contains("终止") && !note.contains("未终止")
}

/// Whether a 备注 says the project is in production (已投产).
pub fn says_in_production(note: &str) -> bool {
    note.contains("已投产")
}

/// The former name a 备注 gives: the text after 「原名：」, 「原名:」 or 「原项目名称：」, up
/// to the end of the clause; `None` when the note names none. The history rules and the
/// project register (`aggregate::register`) both read renames with it.
pub fn former_name(note: &str) -> Option<String> {
    let (at, marker) = ["原项目名称", "原名"]
        .iter()
        .filter_map(|m| note.find(m).map(|at| (at, *m)))
        .min_by_key(|(at, _)| *at)?;
    let rest = note[at + marker.len()..].trim_start();
    let rest = rest
        .strip_prefix('：')
        .or_else(|| rest.strip_prefix(':'))?
        .trim_start();
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' if depth > 0 => depth -= 1,
            '）' | ')' | '；' | ';' | '，' | ',' | '。' | '\n' | '\r' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let quotes: &[char] = &[
        '“', '”', '「', '」', '"', '\'', '《', '》', '‘', '’', ' ', '　',
    ];
    let name = rest[..end].trim_matches(quotes);
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_shared_up_to_the_kept_number_and_always_the_same_text() {
        let mut words = Words::default();
        let a = words.get("制造业");
        assert!(Arc::ptr_eq(&a, &words.get("制造业")), "shared");
        assert!(
            !Arc::ptr_eq(&a, &words.get("制造")),
            "another text, another word"
        );
        for i in 0..Words::KEPT * 2 {
            assert_eq!(&*words.get(&format!("地{i}")), format!("地{i}"));
        }
        assert_eq!(words.0.len(), Words::KEPT, "no more kept than the bound");
        assert!(Arc::ptr_eq(&a, &words.get("制造业")), "still shared");
        let past = format!("地{}", Words::KEPT * 2 - 1);
        assert_eq!(
            &*words.get(&past),
            past,
            "past the bound: the same text, held apart"
        );
    }

    #[test]
    fn a_cell_text_is_cut_only_past_excels_limit_and_shows_the_cut() {
        let units = |t: &str| t.encode_utf16().count();
        let fits = "长".repeat(CELL_TEXT_MAX);
        assert!(matches!(cell_text(&fits), Cow::Borrowed(_)));
        assert!(!over_cell(&fits));
        for long in [
            "长".repeat(CELL_TEXT_MAX + 1),
            "a".repeat(100_000),
            // Two units a character: the cut falls between characters.
            "𠀀".repeat(CELL_TEXT_MAX / 2 + 1),
            format!("{}𠀀", "a".repeat(CELL_TEXT_MAX - 1)),
        ] {
            assert!(over_cell(&long));
            let cut = cell_text(&long);
            assert!(units(&cut) <= CELL_TEXT_MAX, "{}", units(&cut));
            assert!(units(&cut) >= CELL_TEXT_MAX - 1, "{}", units(&cut));
            assert!(cut.ends_with('…'));
            assert!(long.starts_with(cut.trim_end_matches('…')));
        }
    }

    #[test]
    fn traditional_headers_become_simplified() {
        assert_eq!(normalize_label("簽約日期"), "签约日期");
        assert_eq!(normalize_label("項目名稱"), "项目名称");
        assert_eq!(normalize_label("本年累計到位資金"), "本年累计到位资金");
        assert_eq!(normalize_label("實際使用外資"), "实际使用外资");
    }

    #[test]
    fn full_width_forms_and_spaces_are_folded() {
        assert_eq!(normalize_label("合同投资额（亿元）"), "合同投资额(亿元)");
        assert_eq!(normalize_label("项目\n名称"), "项目名称");
        assert_eq!(normalize_label("填报单位："), "填报单位:");
        assert_eq!(to_half_width("５０００"), "5000");
    }

    #[test]
    fn keys_drop_punctuation() {
        assert_eq!(
            normalize_key("重庆 XX（集团）有限公司"),
            "重庆xx集团有限公司"
        );
    }

    /// The three-step definition the fast paths of [`normalize_label`] must agree with.
    fn normalize_label_by_definition(s: &str) -> String {
        fast2s::convert(&to_half_width(s))
            .chars()
            .filter(|c| !is_space(*c))
            .map(|c| match c {
                '【' | '〔' | '［' | '[' => '(',
                '】' | '〕' | '］' | ']' => ')',
                '：' => ':',
                _ => c.to_ascii_lowercase(),
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn the_fast_paths_agree_with_the_definition(
            s in "[ a-zA-Z0-9\\[\\]【】〔〕［］：:\u{3000}\u{A0}\u{FEFF}\u{FF01}-\u{FF5E}簽約項目名稱計資實際本年累签约项目一-龥]{0,24}"
        ) {
            proptest::prop_assert_eq!(normalize_label(&s), normalize_label_by_definition(&s));
            let key: String = normalize_label_by_definition(&s).chars().filter(|c| c.is_alphanumeric()).collect();
            proptest::prop_assert_eq!(normalize_key(&s), key);
        }
    }

    /// White space and letters as Unicode defines them, which the fast paths of
    /// [`is_space`] and [`is_alphanumeric`] must agree with for every character.
    #[test]
    fn the_character_classes_agree_with_unicode_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let space = c.is_whitespace() || matches!(c, '\u{3000}' | '\u{A0}' | '\u{FEFF}');
            assert_eq!(is_space(c), space, "{:X}", c as u32);
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{:X}", c as u32);
        }
    }

    #[test]
    fn the_simplifier_is_skipped_only_where_it_would_change_nothing() {
        // Every character fast2s converts in some context, alone and beside each of the
        // others (its special cases are pairs).
        for c in (0x800..=0xFFFF).filter_map(char::from_u32) {
            let one = c.to_string();
            assert_eq!(simplified(&one), fast2s::convert(&one), "{:X}", c as u32);
        }
        for w in [
            "慰藉", "藉口", "憑藉", "狼藉", "看著", "著作", "計畫", "企畫", "畫面", "回覆", "覆蓋",
            "乾隆", "乾燥", "闔家", "鍾書", "苧麻", "校讎", "瞭望", "於是", "兒寬",
        ] {
            assert_eq!(simplified(w), fast2s::convert(w), "{w}");
            assert_eq!(
                simplified(&format!("项目{w}")),
                fast2s::convert(&format!("项目{w}"))
            );
        }
        assert!(matches!(simplified("重庆两江新区项目"), Cow::Borrowed(_)));
        assert_eq!(simplified("項目名稱"), "项目名称");
    }

    proptest::proptest! {
        #[test]
        fn simplifying_agrees_with_fast2s(
            s in "[ a-z0-9慰藉憑狼看著計企畫回覆蓋乾隆闔家鍾書苧麻校讎瞭望於兒寬簽約項目名稱一-龥]{0,16}"
        ) {
            proptest::prop_assert_eq!(simplified(&s), fast2s::convert(&s));
        }

        #[test]
        fn trimming_agrees_with_the_definition(
            s in "[ \t\r\n\u{0B}\u{85}\u{A0}\u{3000}\u{FEFF}\u{2028}a-z0-9（）—项目一-龥\u{E000}-\u{E010}\u{FF01}-\u{FF0F}]{0,8}"
        ) {
            proptest::prop_assert_eq!(trim(&s), s.trim_matches(is_space));
        }
    }

    #[test]
    fn text_from_files_cannot_drive_the_terminal() {
        assert_eq!(printable("巴南区"), "巴南区");
        assert!(matches!(
            printable("巴南区 2025-06"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("巴南区\u{1b}[2J\r\n✓ 伪造"),
            "巴南区\\u{1B}[2J\\u{D}\\u{A}✓ 伪造"
        );
        assert_eq!(printable("a\u{202E}cba\u{9b}"), "a\\u{202E}cba\\u{9B}");
        assert_eq!(printable("项目\t名称"), "项目\\u{9}名称");
    }
}

/// Texts that repeat down a column (an industry, a place), each held once: a national
/// register holds 1.2 million projects' rows, with a few dozen industries among them.
/// Up to [`Words::KEPT`] texts are kept to be shared; past that each is a text of its own,
/// so that a column of texts all different costs no more than without sharing.
#[derive(Debug, Default)]
pub(crate) struct Words(HashSet<Arc<str>>);

impl Words {
    const KEPT: usize = 1024;

    /// `text`, shared with the same text given before.
    pub(crate) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(kept) = self.0.get(text) {
            return Arc::clone(kept);
        }
        let new: Arc<str> = Arc::from(text);
        if self.0.len() < Self::KEPT {
            self.0.insert(Arc::clone(&new));
        }
        new
    }
}
