//! Small helpers for the streaming XML pre-scans of .xlsx and .ods parts.
//!
//! The pre-scans read the same parts with the same quick-xml settings as calamine, so that
//! what they count (cells, rows, strings) is what calamine will later build.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::events::BytesStart;
use quick_xml::Reader;

use super::ReadError;

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

/// The attribute whose local name (after any `prefix:`) is `local`.
pub(crate) fn attr_local<'a>(e: &'a BytesStart<'_>, local: &str) -> Option<Cow<'a, str>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| {
            let k: &str = a.key.as_ref();
            k == local
                || k.strip_suffix(local)
                    .is_some_and(|prefix| prefix.ends_with(':'))
        })
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

/// A cell reference such as `B7` as zero-based (row, col), or just the row for `7`
/// (calamine accepts both on `<row r>`). Saturating, like [`digits`].
pub(crate) fn cell_ref(raw: &[u8]) -> Option<(u64, Option<u64>)> {
    let letters = raw.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let col = raw[..letters].iter().fold(0u64, |n, c| {
        n.saturating_mul(26)
            .saturating_add(u64::from(c.to_ascii_uppercase() - b'A') + 1)
    });
    let row = digits(&raw[letters..])?.checked_sub(1)?;
    Some((row, col.checked_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref(b"A1"), Some((0, Some(0))));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, Some(16_383))));
        assert_eq!(cell_ref(b"7"), Some((6, None)));
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"A1x"), None);
        assert_eq!(
            cell_ref(b"ZZZZZZZZZZZZZZZZ99999999999999999999999"),
            Some((u64::MAX - 1, Some(u64::MAX - 1)))
        );
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
