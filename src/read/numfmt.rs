//! Which .xlsx cells hold dates: a number is a date when its cell's style (`s`, an index
//! into `cellXfs`) has a number format that shows a date or a time. The rules are
//! calamine 0.38's with its `dates` feature (`detect_custom_number_format` for the
//! formats a workbook defines, `builtin_format_by_id` for the built-in ids, including the
//! East Asian date formats 27–36 and 50–58 a Chinese Excel uses), so that a cell is a
//! date here exactly where calamine made it one;
//! `tests/it/calamine_assumptions.rs` reads the same cells with calamine to hold them
//! together.
//!
//! `styles.xml` is read once, with quick-xml as calamine configures it, counting the
//! style records against [`MAX_STYLE_RECORDS`] on the way.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::Event;

use super::fault::Fault;
use super::guard::too_large;
use super::xml::doctype;
use super::xml::{self, raw_attrs, ScanError};
use super::Budget;

/// Most style records (`xf`, `font`, `fill`, `border`, `numFmt`, `dxf`) a styles part may
/// hold. Excel itself allows 64 000 cell formats.
pub(crate) const MAX_STYLE_RECORDS: u64 = 100_000;

/// What a number format makes of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberKind {
    /// A number.
    Other,
    /// A date or a time of day.
    DateTime,
    /// An elapsed time (`[h]:mm:ss`).
    TimeDelta,
}

/// Whether a format code shows a date or time (calamine's `detect_custom_number_format`):
/// its first section holds `d`, `m`, `h`, `y` or `s` outside quotes, brackets and
/// escapes, or `a`/`p` of AM/PM, or a bracketed `[h]`, `[m]`, `[s]` (an elapsed time).
pub(crate) fn format_kind(format: &str) -> NumberKind {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumberKind::Other,
            ('[', ..) => brackets = brackets.saturating_add(1),
            (']', .., 1) if hms => return NumberKind::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberKind::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumberKind::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumberKind::Other
}

/// What a built-in format id shows (calamine's `builtin_format_by_id`, on the id as
/// written).
pub(crate) fn builtin_kind(id: &[u8]) -> NumberKind {
    match id {
        b"14" | b"15" | b"16" | b"17" | b"18" | b"19" | b"20" | b"21" | b"22" | b"45" | b"47" => {
            NumberKind::DateTime
        }
        b"27" | b"28" | b"29" | b"30" | b"31" | b"32" | b"33" | b"34" | b"35" | b"36" | b"50"
        | b"51" | b"52" | b"53" | b"54" | b"55" | b"56" | b"57" | b"58" => NumberKind::DateTime,
        b"46" => NumberKind::TimeDelta,
        _ => NumberKind::Other,
    }
}

/// Where the styles reader is.
enum Place {
    Top,
    /// Inside `<fonts>`, `<fills>` or `<borders>`, whose content calamine reads as a block
    /// up to the end tag of that local name.
    Block(&'static str),
    NumFmts,
    CellXfs,
    Xf,
    /// After calamine's refusal: the rest is only counted.
    Counting,
}

/// The number kind of each cell format (`cellXfs/xf`), by index, as calamine builds its
/// table: the `numFmtId` looked up among the workbook's `numFmt`s, else among the built-in
/// ids; an `xf` without one is a number.
pub(crate) fn read_styles<R: BufRead>(
    r: R,
    part: &str,
) -> Result<(Vec<NumberKind>, Option<Fault>), ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut records = 0u64;
    let mut custom: HashMap<Vec<u8>, String> = HashMap::new();
    let mut kinds = Vec::new();
    let mut place = Place::Top;
    let mut fault: Option<Fault> = None;
    loop {
        buf.clear();
        let event = x.read_event_into(&mut buf)?;
        if let Event::Start(e) = &event {
            if matches!(
                e.local_name().as_ref(),
                "xf" | "font" | "fill" | "border" | "numFmt" | "dxf"
            ) {
                records += 1;
                if records > MAX_STYLE_RECORDS {
                    return Err(too_large(Budget::StyleRecords, records, MAX_STYLE_RECORDS).into());
                }
            }
        }
        match (&place, event) {
            (_, Event::DocType(_)) => return Err(doctype(part)),
            (Place::Top, Event::Start(e)) => {
                place = match e.local_name().as_ref() {
                    "numFmts" => Place::NumFmts,
                    "cellXfs" => Place::CellXfs,
                    "fonts" => Place::Block("fonts"),
                    "fills" => Place::Block("fills"),
                    "borders" => Place::Block("borders"),
                    _ => Place::Top,
                }
            }
            (Place::Top, Event::End(e)) if e.local_name().as_ref() == "styleSheet" => {
                return Ok((kinds, fault))
            }
            (Place::Counting, Event::Eof) => return Ok((kinds, fault)),
            (Place::Top, Event::Eof) => {
                fault = Some(Fault::Eof("styleSheet"));
                place = Place::Counting;
            }
            (Place::Block(name), Event::End(e)) if e.local_name().as_ref() == *name => {
                place = Place::Top
            }
            (Place::Block(name), Event::Eof) => {
                fault = Some(Fault::Eof(name));
                place = Place::Counting;
            }
            (Place::NumFmts, Event::Start(e)) if e.local_name().as_ref() == "numFmt" => {
                // calamine's `get_attrs!`: each as last seen until both were seen.
                let (mut id, mut code, mut found) = (None, None, 0);
                for attr in raw_attrs(e.attributes_raw().as_bytes()) {
                    match attr {
                        None => {
                            fault = Some(Fault::Attribute);
                            place = Place::Counting;
                        }
                        Some((b"numFmtId", v)) => id = Some(v.to_vec()),
                        Some((b"formatCode", v)) => code = Some(v.to_vec()),
                        Some(_) => continue,
                    }
                    found += 1;
                    if found == 2 {
                        break;
                    }
                }
                if let (Some(id), Some(code)) = (id, code) {
                    let code = String::from_utf8_lossy(&code);
                    match quick_xml::escape::unescape(&code) {
                        Ok(decoded) => {
                            custom.insert(id, decoded.into_owned());
                        }
                        Err(e) => {
                            fault = Some(Fault::Xml(e.into()));
                            place = Place::Counting;
                        }
                    }
                }
            }
            (Place::NumFmts, Event::End(e)) if e.local_name().as_ref() == "numFmts" => {
                place = Place::Top
            }
            (Place::NumFmts, Event::Eof) => {
                fault = Some(Fault::Eof("numFmts"));
                place = Place::Counting;
            }
            (Place::CellXfs, Event::Start(e)) if e.local_name().as_ref() == "xf" => {
                let mut id = None;
                let mut malformed = false;
                for attr in raw_attrs(e.attributes_raw().as_bytes()) {
                    match attr {
                        None => {
                            malformed = true;
                            break;
                        }
                        Some((b"numFmtId", v)) => {
                            id = Some(v);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                if malformed {
                    fault = Some(Fault::Attribute);
                    place = Place::Counting;
                    continue;
                }
                kinds.push(match id {
                    None => NumberKind::Other,
                    Some(id) => match custom.get(id) {
                        Some(code) => format_kind(code),
                        None => builtin_kind(id),
                    },
                });
                place = Place::Xf;
            }
            (Place::CellXfs, Event::End(e)) if e.local_name().as_ref() == "cellXfs" => {
                place = Place::Top
            }
            (Place::CellXfs, Event::Eof) => {
                fault = Some(Fault::Eof("cellXfs"));
                place = Place::Counting;
            }
            (Place::Xf, Event::End(e)) if e.local_name().as_ref() == "xf" => place = Place::CellXfs,
            (Place::Xf, Event::Eof) => {
                fault = Some(Fault::Eof("xf"));
                place = Place::Counting;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_are_told_as_calamine_tells_them() {
        for (code, kind) in [
            ("yyyy\"年\"m\"月\"d\"日\"", NumberKind::DateTime),
            ("yyyy-mm-dd", NumberKind::DateTime),
            ("[h]:mm:ss", NumberKind::TimeDelta),
            ("h:mm AM/PM", NumberKind::DateTime),
            ("0.00", NumberKind::Other),
            ("#,##0.00_);[Red](#,##0.00)", NumberKind::Other),
            ("\"day\"0", NumberKind::Other),
            ("[Red]0;yyyy", NumberKind::Other),
            ("@", NumberKind::Other),
        ] {
            assert_eq!(format_kind(code), kind, "{code}");
        }
        assert_eq!(builtin_kind(b"14"), NumberKind::DateTime);
        assert_eq!(builtin_kind(b"57"), NumberKind::DateTime);
        assert_eq!(builtin_kind(b"46"), NumberKind::TimeDelta);
        assert_eq!(builtin_kind(b"014"), NumberKind::Other);
        assert_eq!(builtin_kind(b"2"), NumberKind::Other);
    }

    #[test]
    fn cell_formats_follow_cell_xfs() {
        let xml = concat!(
            r#"<styleSheet><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>"#,
            r#"<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>"#,
            r#"<cellXfs><xf numFmtId="0"/><xf numFmtId="176"><alignment/></xf><xf numFmtId="14"/><xf/></cellXfs></styleSheet>"#
        );
        assert_eq!(
            read_styles(xml.as_bytes(), "styles").expect("styles").0,
            [
                NumberKind::Other,
                NumberKind::DateTime,
                NumberKind::DateTime,
                NumberKind::Other
            ]
        );
        assert!(matches!(
            read_styles("<styleSheet><cellXfs>".as_bytes(), "styles"),
            Ok((_, Some(Fault::Eof("cellXfs"))))
        ));
    }
}
