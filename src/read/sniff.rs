//! What a file really is, told from its leading bytes and never from its name.
//!
//! Counties rename files freely: a government system's "export to Excel" is often an HTML
//! table saved as `.xls`, a CSV gets an `.xlsx` name, a screenshot is attached instead of
//! the workbook. Each of these gets its own message, so the first look at the bytes sorts
//! them out before any spreadsheet reader is tried. ZIP and OLE containers need a look
//! inside, which `zipscan` and `xls` do.

use super::{ImageKind, NotWorkbook, ReadError};

/// The first verdict on a file.
#[derive(Debug, PartialEq)]
pub(crate) enum Sniffed {
    /// A ZIP container (.xlsx, .xlsm, .ods, but also .docx, .pptx …).
    Zip,
    /// An OLE compound file (.xls, but also .doc, an encrypted .xlsx …).
    Ole,
    /// Not a workbook, and the error says what it is.
    Rejected(ReadError),
}

const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// How much of a text file is looked at to decide between CSV, HTML and the rest.
const TEXT_HEAD: usize = 8192;

/// Classifies `bytes` by their leading bytes.
pub(crate) fn sniff(bytes: &[u8]) -> Sniffed {
    use Sniffed::Rejected;
    if bytes.is_empty() {
        return Rejected(ReadError::Empty);
    }
    // PK\x05\x06 is the end record of an empty archive; PK\x07\x08 starts a spanned one.
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return Sniffed::Zip;
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Sniffed::Ole;
    }
    if let Some(e) = binary_kind(bytes) {
        return Rejected(e);
    }
    match text_kind(bytes) {
        Some(e) => Rejected(e),
        None => Rejected(ReadError::Other(NotWorkbook::Unknown)),
    }
}

/// Recognisable binary formats that are not workbooks.
fn binary_kind(b: &[u8]) -> Option<ReadError> {
    let image = |k| Some(ReadError::Image(k));
    if b.starts_with(b"%PDF") {
        return Some(ReadError::Pdf);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return image(ImageKind::Png);
    }
    if b.starts_with(b"\xFF\xD8\xFF") {
        return image(ImageKind::Jpeg);
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return image(ImageKind::Gif);
    }
    // "BM" alone also starts plenty of text ("BMW,…"); a bitmap's two reserved words are 0.
    if b.len() >= 26 && b.starts_with(b"BM") && b[6..10] == [0, 0, 0, 0] {
        return image(ImageKind::Bmp);
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return image(ImageKind::Tiff);
    }
    if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
        return image(ImageKind::Webp);
    }
    let other = |what| Some(ReadError::Other(what));
    if b.starts_with(b"Rar!\x1a\x07") {
        return other(NotWorkbook::Rar);
    }
    if b.starts_with(b"7z\xBC\xAF\x27\x1C") {
        return other(NotWorkbook::SevenZip);
    }
    if b.starts_with(b"\x1F\x8B") {
        return other(NotWorkbook::Gzip);
    }
    None
}

/// If the head of the file is text, which kind: HTML, another recognised text format, or
/// plain text (CSV). `None` when it does not look like text at all.
fn text_kind(bytes: &[u8]) -> Option<ReadError> {
    let head = &bytes[..bytes.len().min(TEXT_HEAD)];
    let lower = text_head_lowercase(head)?;
    let start = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(lower.len());
    let body = &lower[start..];
    let contains = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);

    if body.starts_with(b"{\\rtf") {
        return Some(ReadError::Other(NotWorkbook::Rtf));
    }
    // Excel 2003 XML holds <Table> elements, so it is told apart before the HTML test.
    if body.starts_with(b"<?xml") && contains(b"urn:schemas-microsoft-com:office:spreadsheet") {
        return Some(ReadError::Other(NotWorkbook::Excel2003Xml));
    }
    const HTML_STARTS: [&[u8]; 8] = [
        b"<!doctype html",
        b"<html",
        b"<table",
        b"<meta",
        b"<head",
        b"<body",
        b"<style",
        b"<title",
    ];
    if HTML_STARTS.iter().any(|p| body.starts_with(p)) || contains(b"<table") || contains(b"<html")
    {
        return Some(ReadError::Html);
    }
    // Excel's "single file web page" (.mht) is a MIME message wrapping HTML.
    if body.starts_with(b"mime-version:") && contains(b"text/html") {
        return Some(ReadError::Html);
    }
    Some(ReadError::Text)
}

/// The head decoded to bytes with ASCII lowercased, or `None` if it is binary.
///
/// UTF-16 (with a BOM, or recognisable by its zero bytes) is folded to its ASCII subset;
/// anything ASCII-compatible (UTF-8, GB18030, Big5 …) is kept as bytes, since every
/// marker looked for is ASCII.
fn text_head_lowercase(head: &[u8]) -> Option<Vec<u8>> {
    let utf16 = |bytes: &[u8], le: bool| -> Vec<u8> {
        let units = bytes.chunks_exact(2).map(|p| {
            if le {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| match c {
                Ok(c) if c.is_ascii() => c.to_ascii_lowercase() as u8,
                Ok(c) if c.is_control() => 0,
                _ => b'?',
            })
            .collect()
    };
    let decoded = if let Some(rest) = head.strip_prefix(b"\xFF\xFE") {
        utf16(rest, true)
    } else if let Some(rest) = head.strip_prefix(b"\xFE\xFF") {
        utf16(rest, false)
    } else if let Some(le) = bomless_utf16(head) {
        utf16(head, le)
    } else {
        head.strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(head)
            .to_ascii_lowercase()
    };
    let controls = decoded
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B) || b == 0x7F)
        .count();
    // Text has no NUL and next to no control bytes; binary formats are full of both.
    (controls * 50 <= decoded.len()).then_some(decoded)
}

/// Whether `head` looks like UTF-16 without a BOM, and if so whether little-endian:
/// most even (or odd) bytes are zero, as they are for ASCII text in UTF-16.
fn bomless_utf16(head: &[u8]) -> Option<bool> {
    let pairs = head.len() / 2;
    if pairs < 8 {
        return None;
    }
    let zero_at = |parity: usize| head.chunks_exact(2).filter(|p| p[parity] == 0).count();
    let (odd, even) = (zero_at(1), zero_at(0));
    if odd * 10 >= pairs * 8 && even * 10 < pairs {
        Some(true)
    } else if even * 10 >= pairs * 8 && odd * 10 < pairs {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(bytes: &[u8]) -> ReadError {
        match sniff(bytes) {
            Sniffed::Rejected(e) => e,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn containers_are_recognised_by_magic() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert_eq!(sniff(b"PK\x05\x06\0\0\0\0"), Sniffed::Zip);
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"), Sniffed::Ole);
    }

    #[test]
    fn empty_pdf_and_images() {
        assert_eq!(rejected(b""), ReadError::Empty);
        assert_eq!(rejected(b"%PDF-1.7\n"), ReadError::Pdf);
        assert_eq!(
            rejected(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            ReadError::Image(ImageKind::Png)
        );
        assert_eq!(
            rejected(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            ReadError::Image(ImageKind::Jpeg)
        );
        assert_eq!(rejected(b"GIF89a\x01\0"), ReadError::Image(ImageKind::Gif));
        let mut bmp = b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
        bmp.resize(70, 0);
        assert_eq!(rejected(&bmp), ReadError::Image(ImageKind::Bmp));
        assert_eq!(
            rejected(b"II*\0\x08\0\0\0"),
            ReadError::Image(ImageKind::Tiff)
        );
        assert_eq!(
            rejected(b"RIFF\x24\0\0\0WEBPVP8 "),
            ReadError::Image(ImageKind::Webp)
        );
    }

    #[test]
    fn html_in_its_usual_disguises() {
        assert_eq!(
            rejected(b"<!DOCTYPE html><html><body><table>"),
            ReadError::Html
        );
        assert_eq!(
            rejected(b"\r\n  <html xmlns:o=\"urn:schemas-microsoft-com:office:office\">"),
            ReadError::Html
        );
        assert_eq!(
            rejected(b"<table border=1><tr><td>\xcc\xee\xb1\xa8</td></tr></table>"),
            ReadError::Html
        );
        assert_eq!(
            rejected(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"),
            ReadError::Html
        );
        assert_eq!(rejected(b"\xEF\xBB\xBF<html>"), ReadError::Html);
        let utf16: Vec<u8> = "\u{feff}<html><table>"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(rejected(&utf16), ReadError::Html);
        let bomless: Vec<u8> = "<html><body><table><tr>"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(rejected(&bomless), ReadError::Html);
        assert_eq!(
            rejected(b"<!-- exported -->\n<div><table></table></div>"),
            ReadError::Html
        );
        assert_eq!(
            rejected(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; type=\"text/html\""),
            ReadError::Html
        );
    }

    #[test]
    fn other_text_formats() {
        let xml2003 = b"<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet><Table>";
        assert_eq!(
            rejected(xml2003),
            ReadError::Other(NotWorkbook::Excel2003Xml)
        );
        assert_eq!(
            rejected(b"{\\rtf1\\ansi"),
            ReadError::Other(NotWorkbook::Rtf)
        );
        assert_eq!(
            rejected("填报单位,报告期\n巴南区,2024年3月\n".as_bytes()),
            ReadError::Text
        );
        // GB18030 bytes of the same CSV.
        assert_eq!(
            rejected(b"\xcc\xee\xb1\xa8\xb5\xa5\xce\xbb,\xb1\xa8\xb8\xe6\xc6\xda\r\n"),
            ReadError::Text
        );
        assert_eq!(rejected(b"BMW,5 Series\n"), ReadError::Text);
    }

    #[test]
    fn binary_noise_is_unknown() {
        let noise: Vec<u8> = (0..512u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect();
        assert_eq!(rejected(&noise), ReadError::Other(NotWorkbook::Unknown));
        assert_eq!(
            rejected(b"Rar!\x1a\x07\x01\0"),
            ReadError::Other(NotWorkbook::Rar)
        );
    }
}
