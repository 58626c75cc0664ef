//! The text of an .xlsx: its shared-string table and the text of cells (inline strings,
//! `str` results), decoded exactly as calamine 0.38 decodes it, because the .xlsx reader
//! (`xlsx`, `sheetscan`) now reads the cells itself and must hand the parser the same
//! strings calamine handed it before: XML 1.0 line ends normalised, entities and character
//! references decoded, a `<t>` trimmed of ASCII blanks unless `xml:space="preserve"`,
//! Excel's `_xHHHH_` escapes decoded, the runs of rich text joined and phonetic runs
//! (`<rPh>`) left out.
//!
//! The table is read once, with quick-xml configured as calamine configures it, and its
//! budgets are checked as it streams: the strings it declares (`uniqueCount`, which
//! calamine reserved before reading one), the strings present, and their text.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::fault::Fault;
use super::guard::too_large;
use super::sheetscan::count_strings;
use super::xml::doctype;
use super::xml::{self, raw_attrs, ScanError};
use super::xmltext::{push_reference, space_preserved, RichText};
use super::Budget;
use crate::config::Limits;

/// The shared-string table as the cells use it.
#[derive(Debug, Default)]
pub(crate) struct SharedStrings {
    /// The strings, in order: a cell's `t="s"` index points into it.
    pub(crate) strings: Vec<String>,
    /// Every `<si>` start tag in the part, nested or after the table's end included: the
    /// count the pre-scan checked indexes against before calamine read the table (an
    /// index below it but past `strings` was calamine's refusal, told later).
    pub(crate) count: u64,
    /// Bytes of text the strings hold, which stay in memory while the sheets are read.
    pub(crate) total_bytes: u64,
    /// What calamine refused in the table (malformed XML, a cut-off part): told after
    /// any fault the sheets show, as calamine read the table after the pre-scan.
    pub(crate) fault: Option<Fault>,
}

/// Why reading the table stopped.
enum Stop {
    /// calamine's refusal: the rest of the part is still counted.
    Fault(Fault),
    /// A budget, a DTD or damaged data: the file is refused at once.
    Refused(ScanError),
}

impl From<ScanError> for Stop {
    fn from(e: ScanError) -> Self {
        match e {
            ScanError::Xml(x) if !matches!(x, quick_xml::Error::Io(_)) => {
                Stop::Fault(Fault::Xml(x))
            }
            other => Stop::Refused(other),
        }
    }
}

impl From<quick_xml::Error> for Stop {
    fn from(e: quick_xml::Error) -> Self {
        Stop::from(ScanError::Xml(e))
    }
}

impl From<Fault> for Stop {
    fn from(f: Fault) -> Self {
        Stop::Fault(f)
    }
}

/// Reads the shared-string part, refusing more than `max_strings` strings (present, or
/// declared by `uniqueCount`).
pub(crate) fn read_strings<R: BufRead>(
    r: R,
    part: &str,
    limits: &Limits,
) -> Result<SharedStrings, ScanError> {
    let mut x = xml::reader(r);
    let mut table = SharedStrings::default();
    let stopped = match read_table(&mut x, part, limits, &mut table) {
        Ok(()) => None,
        Err(Stop::Refused(e)) => return Err(e),
        Err(Stop::Fault(f)) => Some(f),
    };
    table.fault = stopped;
    // The rest of the part, as the pre-scan counted it: every `<si>`, whatever quick-xml
    // refused (calamine's refusal is kept above) or calamine never read.
    let rest = x.into_inner();
    let mut count = table.count;
    let mut add = || -> Result<(), ScanError> {
        if count >= limits.max_strings {
            return Err(too_large(Budget::Strings, count + 1, limits.max_strings).into());
        }
        count += 1;
        Ok(())
    };
    count_strings(rest, part, &mut add)?;
    table.count = count;
    Ok(table)
}

impl SharedStrings {
    /// One more `<si>` start tag, within `max_strings`.
    fn add_si(&mut self, limits: &Limits) -> Result<(), ScanError> {
        if self.count >= limits.max_strings {
            return Err(too_large(Budget::Strings, self.count + 1, limits.max_strings).into());
        }
        self.count += 1;
        Ok(())
    }
}

/// calamine's reading of the table, up to `</sst>`.
fn read_table<R: BufRead>(
    x: &mut quick_xml::Reader<R>,
    part: &str,
    limits: &Limits,
    table: &mut SharedStrings,
) -> Result<(), Stop> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "sst" => {
                let mut declared = None;
                for attr in raw_attrs(e.attributes_raw().as_bytes()) {
                    match attr {
                        None => return Err(Fault::Attribute.into()),
                        Some((b"uniqueCount", v)) => {
                            declared = Some(v);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                // calamine reserves this many strings before reading one (when it reads
                // as a number).
                if let Some(n) = declared.and_then(xml::digits) {
                    if n > limits.max_strings {
                        let e = too_large(Budget::DeclaredStrings, n, limits.max_strings);
                        return Err(Stop::Refused(e.into()));
                    }
                }
                break;
            }
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                table.add_si(limits).map_err(Stop::Refused)?
            }
            Event::DocType(_) => return Err(Stop::Refused(doctype(part))),
            Event::Eof => return Err(Fault::Eof("sst").into()),
            _ => {}
        }
    }
    let mut inner = Vec::new();
    let mut text = Vec::new();
    let mut scratch = Scratch::default();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                table.add_si(limits).map_err(Stop::Refused)?;
                let s = read_string(x, &e, &mut inner, &mut text, &mut scratch, table, limits)?;
                table.total_bytes = table.total_bytes.saturating_add(s.len() as u64);
                table.strings.push(s);
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => return Ok(()),
            Event::DocType(_) => return Err(Stop::Refused(doctype(part))),
            Event::Eof => return Err(Fault::Eof("sst").into()),
            _ => {}
        }
    }
}

/// What reading one string needs besides the reader's buffers, kept from one string to
/// the next (a table has thousands).
#[derive(Default)]
struct Scratch {
    /// The string's element name, whose end tag closes it.
    closing: Vec<u8>,
    /// The name of the `<t>` being read.
    name: Vec<u8>,
    /// Its text so far.
    value: String,
}

/// The string of one `<si>` (calamine's `read_string_with_bufs`): the text of its `<t>`
/// elements outside phonetic runs, up to the element's end tag.
fn read_string<R: BufRead>(
    x: &mut quick_xml::Reader<R>,
    start: &BytesStart<'_>,
    buf: &mut Vec<u8>,
    text_buf: &mut Vec<u8>,
    scratch: &mut Scratch,
    table: &mut SharedStrings,
    limits: &Limits,
) -> Result<String, Stop> {
    let Scratch {
        closing,
        name,
        value,
    } = scratch;
    closing.clear();
    closing.extend_from_slice(start.name().as_ref().as_bytes());
    let mut rich = RichText::default();
    loop {
        buf.clear();
        let event = x.read_event_into(buf)?;
        if let Event::Start(e) = &event {
            if e.local_name().as_ref() == "si" {
                table.add_si(limits).map_err(Stop::Refused)?;
            }
        }
        match event {
            Event::Start(e) if rich.starts(e.local_name().as_ref().as_bytes()) => {
                let preserve = space_preserved(e.attributes_raw().as_bytes())?;
                name.clear();
                name.extend_from_slice(e.name().as_ref().as_bytes());
                value.clear();
                loop {
                    text_buf.clear();
                    match x.read_event_into(text_buf)? {
                        Event::Start(e) if e.local_name().as_ref() == "si" => {
                            table.add_si(limits).map_err(Stop::Refused)?
                        }
                        Event::Text(t) => value.push_str(&t.xml10_content()),
                        Event::CData(t) => value.push_str(&t.xml10_content()),
                        Event::GeneralRef(r) => push_reference(&r, value)?,
                        Event::End(end) if end.name().as_ref().as_bytes() == name.as_slice() => {
                            break
                        }
                        Event::Eof => return Err(Fault::Eof("t").into()),
                        _ => {}
                    }
                }
                rich.push_run(value, preserve);
            }
            Event::End(e) if e.name().as_ref().as_bytes() == closing.as_slice() => {
                return Ok(rich.finish())
            }
            Event::End(e) => rich.ends(e.local_name().as_ref().as_bytes()),
            Event::Eof => return Err(Fault::Eof("").into()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::xmltext::unescape_xml;

    fn strings(xml: &str) -> Vec<String> {
        read_strings(xml.as_bytes(), "sst", &Limits::default())
            .expect("table")
            .strings
    }

    #[test]
    fn strings_are_decoded_as_calamine_decodes_them() {
        let xml = concat!(
            r#"<?xml version="1.0"?><sst count="3" uniqueCount="3">"#,
            r#"<si><t>巴南区</t></si>"#,
            r#"<si><t xml:space="preserve"> a &amp; b </t></si>"#,
            r#"<si><t> trimmed&#10;</t></si>"#,
            r#"<si><r><rPr><b/></rPr><t>富</t></r><r><t>文本</t></r><rPh><t>ふり</t></rPh></si>"#,
            r#"<si/><si><t/></si><si><t><![CDATA[<c>]]></t></si>"#,
            "<si><t>a_x000D_b_x005F_x0041_</t></si>",
            "<si><t>l1\r\nl2\rl3</t></si>",
            "</sst>"
        );
        assert_eq!(
            strings(xml),
            [
                "巴南区",
                " a & b ",
                "trimmed",
                "富文本",
                "",
                "",
                "<c>",
                "a\rb_x0041_",
                "l1\nl2\nl3"
            ]
        );
    }

    #[test]
    fn excel_escapes() {
        assert_eq!(unescape_xml("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape_xml("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(unescape_xml("_x00_"), "_x00_");
    }

    #[test]
    fn declared_and_present_strings_are_capped() {
        let limits = Limits {
            max_strings: 2,
            ..Limits::default()
        };
        let three = "<sst><si/><si/><si/></sst>";
        assert!(matches!(
            read_strings(three.as_bytes(), "sst", &limits),
            Err(ScanError::Reject(crate::read::ReadError::TooLarge {
                what: Budget::Strings,
                found: 3,
                ..
            }))
        ));
        let declared = r#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        assert!(matches!(
            read_strings(declared.as_bytes(), "sst", &Limits::default()),
            Err(ScanError::Reject(crate::read::ReadError::TooLarge {
                found: 4_000_000_000,
                ..
            }))
        ));
    }
}
