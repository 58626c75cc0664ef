//! OLE compound files: .xls (BIFF5/BIFF8) read with calamine after a pre-scan, and the
//! other things that share the OLE signature told apart (an encrypted .xlsx, a Word .doc,
//! a PowerPoint file).
//!
//! The order matters. The cfb crate, which validates chains strictly, lists the streams
//! to say what the file is. [`cfbview`](super::cfbview) then replays calamine's own,
//! unguarded, walk of the compound file. A stream encrypted with Excel's built-in password
//! is decrypted in place ([`xls_crypt`](super::xls_crypt)), in a private copy of the
//! bytes, and [`biff`](super::biff) counts what calamine will build from the (decrypted)
//! Workbook stream. Last, every FORMULA record's token length is set
//! to zero in that copy before calamine parses it: tongbao reads the
//! cached values only, and calamine's formula-to-text decoder costs memory and time that a
//! crafted token list can inflate without bound (a 4-byte `PtgAttrSpace` inserts 255
//! spaces at the front of the text, a 5-byte `PtgName` copies a 255-character name).

use std::io::Cursor;

use calamine::{Reader, SheetType, SheetVisible, Xls, XlsError};

use super::convert::from_data;
use super::guard::fenced;
use super::raw::sort_cells;
use super::Damage;
use super::{
    biff, cfbview, xls_crypt, Container, Merge, NotWorkbook, RawCell, RawSheet, RawWorkbook,
    ReadError,
};
use crate::config::Limits;
use crate::diag::damage::CompoundProblem;

/// What an OLE compound file holds.
enum Kind {
    Workbook,
    Not(ReadError),
}

/// Reads an OLE compound file that should be an .xls.
pub(crate) fn read_ole(bytes: &[u8], limits: &Limits) -> Result<RawWorkbook, ReadError> {
    match fenced("cfb", || classify(bytes)) {
        Ok(Kind::Workbook) => {}
        Ok(Kind::Not(e)) => return Err(e),
        // The cfb crate is stricter than calamine; when only calamine's reading of the
        // file holds together, that is what the pre-scan below checks anyway.
        Err(e @ (ReadError::Truncated(_) | ReadError::Internal(_))) => {
            if cfbview::workbook_stream(bytes).is_err() {
                return Err(e);
            }
        }
        Err(e) => return Err(e),
    }
    let stream = fenced("xls pre-scan", || cfbview::workbook_stream(bytes))?;
    // calamine reads a private copy: decrypted (a workbook under Excel's built-in
    // password) and with its formulas blanked.
    let mut copy = bytes.to_vec();
    let stream = match fenced("xls decryption", || xls_crypt::decrypt(&stream.data))? {
        None => stream,
        Some(plain) => fenced("xls decryption", || write_stream(&mut copy, &stream, plain))?,
    };
    let plan = fenced("xls pre-scan", || biff::scan(&stream.data, limits))?;
    blank_formulas(&mut copy, &stream, &plan)?;
    drop(stream);
    load(&copy)
}

/// Writes `plain`, the decrypted Workbook stream, over the encrypted one in `file`, byte
/// for byte where each sector of the stream lies, and returns the stream as calamine
/// will now read it. A stream whose sectors overlap each other or the file's own tables
/// would read back as something else than was decrypted, and is refused as damage.
fn write_stream(
    file: &mut [u8],
    stream: &cfbview::Stream,
    plain: Vec<u8>,
) -> Result<cfbview::Stream, ReadError> {
    let outside = || ReadError::Truncated(Damage::EncryptedStreamOutside);
    let mut covered = 0;
    for &(at, file_at, len) in &stream.runs {
        if at != covered {
            return Err(outside());
        }
        let from = plain.get(at..at + len).ok_or_else(outside)?;
        file.get_mut(file_at..file_at + len)
            .ok_or_else(outside)?
            .copy_from_slice(from);
        covered += len;
    }
    if covered != plain.len() {
        return Err(outside());
    }
    let again = cfbview::workbook_stream(file)?;
    if again.data != plain {
        return Err(ReadError::Truncated(Damage::EncryptedStreamOverlap));
    }
    Ok(again)
}

/// Names the content of a compound file from its root streams.
fn classify(bytes: &[u8]) -> Result<Kind, ReadError> {
    let file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
        ReadError::Truncated(Damage::Compound {
            problem: CompoundProblem::Unreadable {
                detail: e.to_string(),
            },
        })
    })?;
    let names: Vec<String> = file
        .read_root_storage()
        .map(|e| e.name().to_string())
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    // An encrypted .xlsx (or .docx) is an OLE file holding the encrypted package.
    if has("EncryptionInfo") || has("EncryptedPackage") {
        return Ok(Kind::Not(ReadError::Encrypted));
    }
    if has("Workbook") || has("Book") {
        return Ok(Kind::Workbook);
    }
    if has("WordDocument") {
        return Ok(Kind::Not(ReadError::Word));
    }
    if has("PowerPoint Document") {
        return Ok(Kind::Not(ReadError::Other(NotWorkbook::PowerPoint)));
    }
    if names.iter().any(|n| n.starts_with("__substg1.0_")) {
        return Ok(Kind::Not(ReadError::Other(NotWorkbook::OutlookMessage)));
    }
    Ok(Kind::Not(ReadError::Other(NotWorkbook::Ole)))
}

/// Sets every FORMULA record's token length (`cce`) in the copy of the file to 0, so that
/// calamine records an unparsed formula instead of decoding the tokens. A stream in the
/// mini stream (under 4 KB) is patched too: a small file's formula with a token length
/// past its record made calamine panic (a read_xls fuzz finding).
fn blank_formulas(
    copy: &mut [u8],
    stream: &cfbview::Stream,
    plan: &biff::Plan,
) -> Result<(), ReadError> {
    for &at in &plan.formula_lengths {
        for byte in at..at + 2 {
            // A formula that cannot be found in the file cannot be blanked, and calamine
            // would expand it: the file is refused rather than read half-checked.
            let slot = stream
                .file_offset(byte)
                .and_then(|f| copy.get_mut(f))
                .ok_or(ReadError::Truncated(Damage::FormulaOutside))?;
            *slot = 0;
        }
    }
    Ok(())
}

fn xls_error(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        other => ReadError::Truncated(Damage::XlsUnparsable {
            detail: other.to_string(),
        }),
    }
}

/// Reads the cells with calamine, once the pre-scan has passed.
fn load(bytes: &[u8]) -> Result<RawWorkbook, ReadError> {
    fenced("calamine", || {
        let mut book: Xls<Cursor<&[u8]>> = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
        let metadata = book.sheets_metadata().to_vec();
        let mut sheets = Vec::with_capacity(metadata.len());
        for sheet in metadata {
            if sheet.typ != SheetType::WorkSheet {
                continue;
            }
            let range = book.worksheet_range(&sheet.name).map_err(xls_error)?;
            let (row0, col0) = range.start().unwrap_or((0, 0));
            let mut cells: Vec<RawCell> = range
                .used_cells()
                .filter_map(|(r, c, v)| {
                    Some(RawCell {
                        row: row0 + r as u32,
                        col: col0 + c as u32,
                        value: from_data(v)?,
                    })
                })
                .collect();
            drop(range);
            sort_cells(&mut cells);
            let merges = book
                .merge_cells_by_sheet_name(&sheet.name)
                .map_err(xls_error)?
                .iter()
                .map(|d| Merge {
                    first_row: d.start.0,
                    first_col: d.start.1,
                    last_row: d.end.0,
                    last_col: d.end.1,
                })
                .collect();
            sheets.push(RawSheet {
                name: sheet.name,
                visible: sheet.visible == SheetVisible::Visible,
                cells,
                merges,
            });
        }
        Ok(RawWorkbook {
            container: Container::Xls,
            sheets,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        [
            &typ.to_le_bytes()[..],
            &(data.len() as u16).to_le_bytes(),
            data,
        ]
        .concat()
    }

    /// A FORMULA record at (row, 0) with cached value 42 and `tokens` as its rgce.
    fn formula(row: u16, tokens: &[u8]) -> Vec<u8> {
        let mut d = [
            &row.to_le_bytes()[..],
            &0u16.to_le_bytes(),
            &0u16.to_le_bytes(),
            &42f64.to_le_bytes(),
        ]
        .concat();
        d.extend_from_slice(&[0; 6]);
        d.extend_from_slice(&(tokens.len() as u16).to_le_bytes());
        d.extend_from_slice(tokens);
        rec(0x0006, &d)
    }

    /// An .xls whose Workbook stream is large enough to live in regular sectors.
    fn xls_with_formula(tokens: &[u8]) -> Vec<u8> {
        let bof = |dt: u16| {
            rec(
                0x0809,
                &[&0x0600u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 12]].concat(),
            )
        };
        let boundsheet = |pos: u32| {
            rec(
                0x0085,
                &[&pos.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat(),
            )
        };
        let head = bof(5).len() + boundsheet(0).len() + 4;
        let mut sheet = bof(0x10);
        for row in 1..400u16 {
            let d = [
                &row.to_le_bytes()[..],
                &1u16.to_le_bytes(),
                &0u16.to_le_bytes(),
                &1f64.to_le_bytes(),
            ]
            .concat();
            sheet.extend(rec(0x0203, &d));
        }
        sheet.extend(formula(0, tokens));
        sheet.extend(rec(0x000A, &[]));
        let stream = [bof(5), boundsheet(head as u32), rec(0x000A, &[]), sheet].concat();
        assert!(stream.len() >= 4096);
        let mut cf =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .expect("cfb");
        cf.create_stream("/Workbook")
            .expect("stream")
            .write_all(&stream)
            .expect("write");
        cf.flush().expect("flush");
        cf.into_inner().into_inner()
    }

    #[test]
    fn formulas_are_blanked_but_their_values_read() {
        // 2 000 PtgAttrSpace tokens of 255 spaces each after one PtgInt: calamine would
        // insert half a million spaces one at a time at the front of the text.
        let mut tokens = vec![0x1E, 7, 0];
        for _ in 0..2000 {
            tokens.extend_from_slice(&[0x19, 0x40, 0x00, 0xFF]);
        }
        let file = xls_with_formula(&tokens);
        let stream = cfbview::workbook_stream(&file).expect("stream");
        let plan = biff::scan(&stream.data, &Limits::default()).expect("scan");
        assert_eq!(plan.formula_lengths.len(), 1);
        let mut blanked = file.clone();
        blank_formulas(&mut blanked, &stream, &plan).expect("blanked");
        let again = cfbview::workbook_stream(&blanked).expect("stream");
        let at = plan.formula_lengths[0];
        assert_eq!(
            &stream.data[at..at + 2],
            &(tokens.len() as u16).to_le_bytes()
        );
        assert_eq!(&again.data[at..at + 2], &[0, 0]);
        let book = read_ole(&file, &Limits::default()).expect("reads");
        assert_eq!(
            book.sheets[0].get(0, 0),
            Some(&super::super::CellValue::Number(42.0))
        );
        assert_eq!(book.sheets[0].cells.len(), 400);
    }
}
