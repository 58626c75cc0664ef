//! Small helpers for the streaming XML pre-scans of .xlsx and .ods parts.
//!
//! The pre-scans read the same parts with the same quick-xml settings as calamine, so that
//! what they count (cells, rows, strings) is what calamine will later build.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{NotWorkbook, ReadError};

/// Why a scan of one part stopped early.
#[derive(Debug)]
pub(crate) enum ScanError {
    /// The XML is malformed, or the read under it failed (which may be a tripped budget).
    Xml(quick_xml::Error),
    /// The part breaks a rule; the error says which.
    Reject(ReadError),
}

impl From<quick_xml::Error> for ScanError {
    fn from(e: quick_xml::Error) -> Self {
        ScanError::Xml(e)
    }
}

impl From<ReadError> for ScanError {
    fn from(e: ReadError) -> Self {
        ScanError::Reject(e)
    }
}

/// A reader configured like calamine's (`expand_empty_elements` in particular, so `<c/>`
/// and `<c></c>` produce the same events for both).
pub(crate) fn reader<R: BufRead>(r: R) -> Reader<R> {
    let mut x = Reader::from_reader(r);
    let config = x.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    x
}

/// The raw value of the attribute whose full name is `key`, leniently (duplicate or
/// malformed attributes are skipped rather than failing the scan, as calamine does).
pub(crate) fn attr<'a>(e: &'a BytesStart<'_>, key: &str) -> Option<Cow<'a, str>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value)
}

/// An attribute value as text, with the five XML entities and numeric references decoded.
pub(crate) fn attr_text(raw: &str) -> String {
    match quick_xml::escape::unescape(raw) {
        Ok(u) => u.into_owned(),
        Err(_) => raw.to_string(),
    }
}

/// A run of ASCII digits as a number, saturating at `u64::MAX`; `None` if anything else
/// is in it. Saturating matters: a declared count of 10^30 must read as "too many", not
/// wrap around to a small number.
pub(crate) fn digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(raw.iter().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

/// A count attribute (`table:number-columns-repeated`, `text:c` …) as calamine reads it,
/// with Rust's integer parser: entities decoded, one leading `+` allowed. Saturating like
/// [`digits`]; `None` for anything calamine refuses (it then fails the read).
pub(crate) fn count(raw: &str) -> Option<u64> {
    if !raw.contains('&') {
        return digits(raw.strip_prefix('+').unwrap_or(raw).as_bytes());
    }
    let decoded = attr_text(raw);
    digits(decoded.strip_prefix('+').unwrap_or(&decoded).as_bytes())
}

/// The last row of a worksheet (Excel's limit), one-based.
pub(crate) const MAX_ROWS: u32 = 1_048_576;
/// The last column of a worksheet (XFD), one-based.
pub(crate) const MAX_COLUMNS: u32 = 16_384;

/// Why a reference such as `K3` cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadRef {
    /// Not letters then digits (`$C$4`, `K`, `3K`, `K0`).
    Malformed,
    /// Well formed but past row 1 048 576 or column XFD (`K4294967299`, `XFE1`).
    OutOfRange,
}

/// An A1-style cell reference (`B7`, any case) as zero-based (row, col), within Excel's
/// limits. calamine adds up the digits of a reference in a `u32` that wraps, so
/// `K4294967299` would land on K3; here nothing past XFD1048576 is a position at all.
pub(crate) fn a1_ref(raw: &[u8]) -> Result<(u32, u32), BadRef> {
    let letters = raw.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return Err(BadRef::Malformed);
    }
    let row = row_number(&raw[letters..])?;
    if letters > 3 {
        return Err(BadRef::OutOfRange);
    }
    let col = raw[..letters].iter().fold(0u32, |n, c| {
        n * 26 + u32::from(c.to_ascii_uppercase() - b'A') + 1
    });
    if col > MAX_COLUMNS {
        return Err(BadRef::OutOfRange);
    }
    Ok((row, col - 1))
}

/// A one-based row number (the `r` of a `<row>`) as a zero-based row within Excel's
/// limit.
pub(crate) fn row_number(raw: &[u8]) -> Result<u32, BadRef> {
    if raw.is_empty() {
        return Err(BadRef::Malformed);
    }
    // Eight digits are past the limit already (leading zeros aside); more cannot wrap.
    let mut n = 0u64;
    for &d in raw {
        if !d.is_ascii_digit() {
            return Err(BadRef::Malformed);
        }
        n = (n * 10 + u64::from(d - b'0')).min(u64::from(MAX_ROWS) + 1);
    }
    match n {
        0 => Err(BadRef::Malformed),
        n if n > u64::from(MAX_ROWS) => Err(BadRef::OutOfRange),
        n => Ok(n as u32 - 1),
    }
}

/// The attributes of a tag as calamine reads them (its `RawAttrIter`): each key runs to
/// the next `=` (so `a b="1"` is one key, `a b`), the value is quoted with `"` or `'`;
/// `None` for a malformed attribute, after which nothing more is read. The same keys as
/// calamine's, so that what is checked here is what it will use.
pub(crate) fn raw_attrs(raw: &[u8]) -> RawAttrs<'_> {
    RawAttrs { rest: raw }
}

/// The iterator of [`raw_attrs`].
pub(crate) struct RawAttrs<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for RawAttrs<'a> {
    type Item = Option<(&'a [u8], &'a [u8])>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest.trim_ascii_start();
        self.rest = &[];
        if rest.is_empty() {
            return None;
        }
        let Some(eq) = rest.iter().position(|&b| b == b'=') else {
            return Some(None);
        };
        let key = rest[..eq].trim_ascii_end();
        let (quote, body) = match rest[eq + 1..].trim_ascii_start().split_first() {
            Some((&q @ (b'"' | b'\''), body)) => (q, body),
            _ => return Some(None),
        };
        let value = match body.iter().position(|&b| b == quote) {
            Some(end) => {
                self.rest = &body[end + 1..];
                &body[..end]
            }
            None => body,
        };
        Some(Some((key, value)))
    }
}

/// Bytes quoted from a file in a message: decoded leniently, control characters shown as
/// `�`, and cut after 40 characters, so a crafted value neither floods nor garbles the
/// report.
pub(crate) fn shown(raw: &[u8]) -> String {
    const MAX: usize = 40;
    let text = String::from_utf8_lossy(raw);
    let mut out: String = text
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// The refusal of a part that declares a DTD.
pub(crate) fn doctype(part: &str) -> ScanError {
    ScanError::Reject(ReadError::Other(NotWorkbook::Doctype(part.to_string())))
}

/// For parts calamine read but tolerated damage in (the theme): only a DTD is refused.
/// A DTD can only come before the root element, so the scan stops at the first element
/// and never holds more than the prolog.
pub(crate) fn scan_for_doctype<R: BufRead>(r: R, part: &str) -> Result<(), ScanError> {
    let mut x = reader(r);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf) {
            Ok(Event::DocType(_)) => return Err(doctype(part)),
            Ok(Event::Start(_) | Event::Empty(_) | Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_refs_stay_within_excels_limits() {
        assert_eq!(a1_ref(b"A1"), Ok((0, 0)));
        assert_eq!(a1_ref(b"k3"), Ok((2, 10)));
        assert_eq!(a1_ref(b"XFD1048576"), Ok((1_048_575, 16_383)));
        assert_eq!(a1_ref(b"K03"), Ok((2, 10)));
        for wrapped in [
            &b"K4294967299"[..],
            b"C4294967300",
            b"A1048577",
            b"XFE1",
            b"AAAA1",
        ] {
            assert_eq!(a1_ref(wrapped), Err(BadRef::OutOfRange), "{wrapped:?}");
        }
        for bad in [&b"$C$4"[..], b"K", b"3", b"K0", b"K3x", b"", b"K-3", b"K 3"] {
            assert_eq!(a1_ref(bad), Err(BadRef::Malformed), "{bad:?}");
        }
        assert_eq!(row_number(b"1048576"), Ok(1_048_575));
        assert_eq!(row_number(b"4294967300"), Err(BadRef::OutOfRange));
        assert_eq!(row_number(b"A3"), Err(BadRef::Malformed));
    }

    #[test]
    fn attributes_are_split_like_calamine_splits_them() {
        fn all(raw: &[u8]) -> Vec<Option<(&[u8], &[u8])>> {
            raw_attrs(raw).collect()
        }
        assert_eq!(
            all(br#" r="A1" s='3'  t = "s""#),
            [
                Some((&b"r"[..], &b"A1"[..])),
                Some((b"s", b"3")),
                Some((b"t", b"s"))
            ]
        );
        // A key without a value swallows the next key: calamine never sees `t` here.
        assert_eq!(
            all(br#"r="A1" junk t="s""#),
            [Some((&b"r"[..], &b"A1"[..])), Some((b"junk t", b"s"))]
        );
        assert_eq!(all(b"r=A1 t=\"s\""), [None]);
        assert_eq!(all(b"r"), [None]);
    }

    #[test]
    fn quoted_values_are_cut_and_cleaned() {
        assert_eq!(shown(b"-1"), "-1");
        assert_eq!(shown(b"a\x1b[2J"), "a\u{FFFD}[2J");
        assert_eq!(shown(&[b'9'; 50]), format!("{}…", "9".repeat(40)));
    }

    #[test]
    fn counts_read_as_calamine_reads_them() {
        assert_eq!(count("60000"), Some(60_000));
        assert_eq!(count("+60000"), Some(60_000));
        assert_eq!(count("&#54;0000"), Some(60_000));
        assert_eq!(count("+&#52;000000000"), Some(4_000_000_000));
        assert_eq!(count("++1"), None);
        assert_eq!(count(" 1"), None);
        assert_eq!(count("-1"), None);
    }

    #[test]
    fn digit_runs() {
        assert_eq!(digits(b"4000000000"), Some(4_000_000_000));
        assert_eq!(digits(b"99999999999999999999999"), Some(u64::MAX));
        assert_eq!(digits(b"+5"), None);
        assert_eq!(digits(b""), None);
    }
}
