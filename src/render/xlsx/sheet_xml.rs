//! Cells written as sheet XML by hand, the way rust_xlsxwriter writes them, and the
//! saved package's parts replaced.
//!
//! rust_xlsxwriter spends most of its time per cell: it hashes the cell's whole `Format`
//! to find its style, keeps a shared-strings table and formats each number through
//! `write!`. Sheets with many cells whose styles are known in advance (the bulletin's long
//! lists, `long_list`; the county's sheets copied into a receipt, `render::receipt`) are
//! therefore written with rust_xlsxwriter down to their frame (columns, merges, notes,
//! page setup), saved, and have their cells written into the saved sheet with these
//! functions, byte for byte as rust_xlsxwriter's constant-memory mode writes them (text as
//! inline strings).

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::XlsxError;

/// A finite number as rust_xlsxwriter writes it (Rust's `Display` of `f64`): whole
/// numbers below 10^15 through `itoa`, which gives the same digits, faster.
pub(crate) fn push_number(w: &mut Vec<u8>, n: f64) {
    const WHOLE: f64 = 1e15;
    if n.fract() == 0.0 && n.abs() < WHOLE && !(n == 0.0 && n.is_sign_negative()) {
        // Exact: |n| < 10^15 < 2^53 and n has no fraction.
        let whole = n as i64;
        w.extend_from_slice(itoa::Buffer::new().format(whole).as_bytes());
    } else {
        // Writing to a Vec cannot fail.
        let _ = write!(w, "{n}");
    }
}

/// Escapes cell text as rust_xlsxwriter does: a literal `_xHHHH_` gets its underscore
/// escaped (`_x005F`), then `&`, `<`, `>` and control characters (`_xHHHH_`, but tab and
/// line feed) and the non-characters U+FFFE and U+FFFF.
pub(crate) fn escape_text(w: &mut Vec<u8>, s: &str) {
    if s.contains("_x") {
        escape_data(w, &escape_escapes(s));
    } else {
        escape_data(w, s);
    }
}

/// Escapes element text as rust_xlsxwriter does outside cells (its `escape_xml_data`):
/// `&`, `<`, `>`, control characters as `_xHHHH_` (but tab and line feed) and the
/// non-characters U+FFFE and U+FFFF.
pub(crate) fn escape_data(w: &mut Vec<u8>, s: &str) {
    // Most text has nothing to escape: found by bytes, it is copied whole.
    if !s.bytes().any(needs_escape) {
        w.extend_from_slice(s.as_bytes());
        return;
    }
    let mut rest = 0;
    for (i, ch) in s.char_indices() {
        let replace: Option<std::borrow::Cow<'static, str>> = match ch {
            '&' => Some("&amp;".into()),
            '<' => Some("&lt;".into()),
            '>' => Some("&gt;".into()),
            '\t' | '\n' => None,
            '\x00'..='\x1F' => Some(format!("_x{:04X}_", u32::from(ch)).into()),
            '\u{FFFE}' => Some("_xFFFE_".into()),
            '\u{FFFF}' => Some("_xFFFF_".into()),
            _ => None,
        };
        if let Some(r) = replace {
            w.extend_from_slice(&s.as_bytes()[rest..i]);
            w.extend_from_slice(r.as_bytes());
            rest = i + ch.len_utf8();
        }
    }
    w.extend_from_slice(&s.as_bytes()[rest..]);
}

/// Whether a byte may start something [`escape_data`] replaces: `&`, `<`, `>`, a control
/// character but tab and line feed, or 0xEF, the first byte of U+FFFE and U+FFFF in UTF-8
/// (and of other characters, which the slow path then leaves as they are).
fn needs_escape(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | 0xEF) || (b < 0x20 && b != b'\t' && b != b'\n')
}

/// rust_xlsxwriter's `escape_xml_escapes`: `_x` followed by four hex digits and `_` gets
/// `_x005F` put before it, so that Excel reads it as the literal text.
fn escape_escapes(original: &str) -> String {
    const LEN: usize = 7; // _xHHHH_
    let mut escaped = original.to_string();
    for (index, _) in original.rmatch_indices("_x") {
        if index + LEN > original.len() || !original.is_char_boundary(index + LEN - 1) {
            continue;
        }
        if !original[index + LEN - 1..].starts_with('_') {
            continue;
        }
        if original[index + 2..index + LEN - 1]
            .chars()
            .all(|c| c.is_ascii_hexdigit())
        {
            escaped.replace_range(index..index, "_x005F");
        }
    }
    escaped
}

/// Where the `<dimension …/>` element is in the sheet's XML.
pub(crate) fn dimension_span(xml: &str) -> Option<(usize, usize)> {
    let at = xml.find("<dimension ")?;
    let end = at + xml[at..].find("/>")? + 2;
    Some((at, end))
}

/// The last column of a `<dimension ref="A1:X3"/>` element (zero-based).
pub(crate) fn dimension_last_col(element: &str) -> Option<u16> {
    let quoted = element.split('"').nth(1)?;
    let last = quoted.rsplit(':').next()?;
    let letters: String = last.chars().take_while(char::is_ascii_uppercase).collect();
    let mut n: u32 = 0;
    for b in letters.bytes() {
        n = n * 26 + u32::from(b - b'A' + 1);
    }
    u16::try_from(n.checked_sub(1)?).ok()
}

/// Appends a column's letters.
pub(crate) fn push_column_name(w: &mut Vec<u8>, col: u16) {
    if col < 26 {
        w.push(b'A' + col as u8);
    } else {
        w.extend_from_slice(column_name(col).as_bytes());
    }
}

/// A column's letters (0 is A, 26 is AA).
pub(crate) fn column_name(col: u16) -> String {
    crate::model::column_letters(u32::from(col))
}

/// Appends text as an inline-string cell's tail, from its type on:
/// ` t="inlineStr"><is><t>…</t></is></c>`, with `xml:space="preserve"` when the text
/// starts or ends with a space, tab or line feed.
pub(crate) fn push_inline_text(w: &mut Vec<u8>, s: &str) {
    let edge = ['\t', '\n', ' '];
    w.extend_from_slice(b" t=\"inlineStr\"><is><t");
    if s.starts_with(edge) || s.ends_with(edge) {
        w.extend_from_slice(b" xml:space=\"preserve\"");
    }
    w.push(b'>');
    escape_text(w, s);
    w.extend_from_slice(b"</t></is></c>");
}

/// One part of a saved package, inflated.
pub(crate) fn read_part(saved: &[u8], name: &str) -> Result<String, XlsxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(saved))?;
    let mut xml = String::new();
    archive.by_name(name)?.read_to_string(&mut xml)?;
    Ok(xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_are_excel_letters() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(23), "X");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(
            dimension_last_col("<dimension ref=\"A1:X40829\"/>"),
            Some(23)
        );
        assert_eq!(dimension_last_col("<dimension ref=\"A1\"/>"), Some(0));
    }

    #[test]
    fn text_is_escaped_as_rust_xlsxwriter_escapes_it() {
        let escaped = |s: &str| {
            let mut w = Vec::new();
            escape_data(&mut w, s);
            String::from_utf8(w).unwrap()
        };
        for (text, want) in [
            ("项目明细 K45", "项目明细 K45"),
            ("a & b < c > d", "a &amp; b &lt; c &gt; d"),
            ("tab\there\nline", "tab\there\nline"),
            ("bell\u{7}", "bell_x0007_"),
            ("\u{0}\u{1F}", "_x0000__x001F_"),
            ("\u{FFFE}\u{FFFF}", "_xFFFE__xFFFF_"),
            // Characters whose UTF-8 starts as U+FFFE's does, and which stay.
            (
                "\u{FEFF}\u{FF08}括号\u{FF09}",
                "\u{FEFF}\u{FF08}括号\u{FF09}",
            ),
            ("", ""),
        ] {
            assert_eq!(escaped(text), want, "{text:?}");
        }
    }
}
