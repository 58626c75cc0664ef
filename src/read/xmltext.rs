//! The text of cells and shared strings as calamine 0.38 decodes it: `xml:space`,
//! rich-text runs, character and entity references, CDATA, XML 1.0 line ends and Excel's
//! `_xHHHH_` escapes — used by the shared-string table (`sst`) and by the sheets' own
//! strings (`sheetscan`) alike.

use std::borrow::Cow;
use std::sync::Arc;

use quick_xml::events::Event;

use super::fault::Fault;
use super::xml::{self, raw_attrs, ScanError};

/// Whether a `<t>` tag's raw attributes say `xml:space="preserve"` (the exact key, as
/// calamine looks it up).
pub(crate) fn space_preserved(attrs: &[u8]) -> Result<bool, Fault> {
    for attr in raw_attrs(attrs) {
        match attr {
            None => return Err(Fault::Attribute),
            Some((b"xml:space", v)) => return Ok(v == b"preserve"),
            Some(_) => {}
        }
    }
    Ok(false)
}

/// The state of calamine's rich-text reading between the events of one string: the runs
/// read so far and whether a phonetic run (`<rPh>`) is open.
#[derive(Debug, Default)]
pub(crate) struct RichText {
    text: Option<String>,
    phonetic: bool,
    /// The buffer of the strings finished before, kept for the next
    /// ([`RichText::finish_shared`]).
    spare: String,
}

impl RichText {
    /// A start tag of local name `local` inside the string: true when it is a `<t>`
    /// whose text counts (then read with [`RichText::push_run`]).
    pub(crate) fn starts(&mut self, local: &[u8]) -> bool {
        match local {
            b"r" if self.text.is_none() => {
                self.text = Some(self.fresh());
                false
            }
            b"rPh" => {
                self.phonetic = true;
                false
            }
            b"t" => !self.phonetic,
            _ => false,
        }
    }

    /// An end tag of local name `local` that does not close the string.
    pub(crate) fn ends(&mut self, local: &[u8]) {
        if local == b"rPh" {
            self.phonetic = false;
        }
    }

    /// The decoded text of one `<t>`.
    pub(crate) fn push_run(&mut self, value: &str, preserve: bool) {
        let value = if preserve {
            unescape_xml(value)
        } else {
            // ASCII blanks only: a no-break space is kept.
            unescape_xml(value.trim_matches([' ', '\t', '\r', '\n']))
        };
        match &mut self.text {
            Some(s) => s.push_str(&value),
            None => {
                let mut s = self.fresh();
                s.push_str(&value);
                self.text = Some(s);
            }
        }
    }

    /// Ready for the next string: nothing read, no phonetic run open (the buffer kept).
    pub(crate) fn reset(&mut self) {
        self.phonetic = false;
        if let Some(s) = self.text.take() {
            self.spare = s;
        }
    }

    /// An empty string, in the buffer of the strings finished before when there is one.
    fn fresh(&mut self) -> String {
        let mut s = std::mem::take(&mut self.spare);
        s.clear();
        s
    }

    /// The string once its end tag is read (an element without `<t>` is "").
    pub(crate) fn finish(self) -> String {
        self.text.unwrap_or_default()
    }

    /// [`RichText::finish`] as a shared string, leaving this one empty for the next
    /// string with the buffer it grew: a table of strings is read into one buffer, and
    /// each string allocated once, where it is kept.
    pub(crate) fn finish_shared(&mut self) -> Arc<str> {
        self.phonetic = false;
        match self.text.take() {
            Some(s) => {
                let shared = Arc::from(s.as_str());
                self.spare = s;
                shared
            }
            None => Arc::from(""),
        }
    }
}

/// Appends the character of an entity or character reference, as calamine does: the five
/// XML entities and `&#…;` references; anything else is an error.
pub(crate) fn push_reference(
    r: &quick_xml::events::BytesRef<'_>,
    out: &mut String,
) -> Result<(), ScanError> {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(r) {
        out.push_str(s);
        return Ok(());
    }
    if let Some(c) = r.resolve_char_ref()? {
        out.push(c);
        return Ok(());
    }
    Err(ScanError::Xml(quick_xml::Error::Escape(
        quick_xml::escape::EscapeError::UnrecognizedEntity(0..0, format!("&{};", &**r)),
    )))
}

/// Appends the text of `raw`, a run of character data without markup (the bytes between
/// two tags), decoded as quick-xml decodes text events for calamine: line ends normalised
/// and references resolved.
pub(crate) fn push_text(raw: &[u8], out: &mut String) -> Result<(), ScanError> {
    // Most text has neither a reference nor a carriage return: it is its own decoding.
    if memchr::memchr2(b'&', b'\r', raw).is_none() {
        let text = std::str::from_utf8(raw)
            .map_err(|e| ScanError::Xml(quick_xml::Error::Encoding(e.into())))?;
        out.push_str(text);
        return Ok(());
    }
    let mut x = xml::reader(raw);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => push_reference(&r, out)?,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Appends CDATA content, line ends normalised.
pub(crate) fn push_cdata(raw: &[u8], out: &mut String) -> Result<(), ScanError> {
    let text = std::str::from_utf8(raw)
        .map_err(|e| ScanError::Xml(quick_xml::Error::Encoding(e.into())))?;
    out.push_str(&normalize_eols(text));
    Ok(())
}

/// XML 1.0 line ends: `\r\n` and a lone `\r` read as `\n`.
pub(crate) fn normalize_eols(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The length of an `_xHHHH_` escape.
const ESCAPE_LEN: usize = 7;

/// Excel's escapes of characters XML cannot hold (`_x000D_` for a carriage return, a
/// surrogate pair for a character outside the basic plane, `_x005F_` for `_` itself),
/// decoded as calamine decodes them: an unpaired surrogate becomes U+FFFD.
pub(crate) fn unescape_xml(original: &str) -> Cow<'_, str> {
    let Some((mut index, mut unit)) = find_escape(original, 0) else {
        return Cow::Borrowed(original);
    };
    let mut out = String::with_capacity(original.len());
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..index]);
        index += ESCAPE_LEN;
        match unit {
            0xD800..=0xDBFF => match parse_escape(original, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += ESCAPE_LEN;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find_escape(original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
    Cow::Owned(out)
}

/// The first `_xHHHH_` at or after byte `start`: its index and UTF-16 unit.
fn find_escape(s: &str, mut start: usize) -> Option<(usize, u16)> {
    while let Some(offset) = s[start..].find('_') {
        let index = start + offset;
        if let Some(unit) = parse_escape(s, index) {
            return Some((index, unit));
        }
        start = index + 1;
    }
    None
}

fn parse_escape(s: &str, index: usize) -> Option<u16> {
    let b = s.as_bytes().get(index..index + ESCAPE_LEN)?;
    if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
}
