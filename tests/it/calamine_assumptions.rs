//! What tongbao's readers assume about calamine 0.38 (pinned exactly in Cargo.toml), one
//! test per assumption, each reading the same bytes with calamine itself so that an
//! upgrade that changes the behaviour fails here first.
//!
//! .xlsx is no longer read by calamine (issue 13): the reader reproduces calamine's
//! values, and the first tests hold the two together. The others pin what the .xls and
//! .ods pre-scans replay of calamine, and the calamine behaviours the .xlsx reader refuses
//! on purpose (a wrapped row number, a malformed shared-string index).

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, Xls, Xlsx};
use chrono::NaiveDateTime;
use tongbao::config::Limits;
use tongbao::lang::Lang;
use tongbao::read::{read_bytes, CellValue, RawWorkbook, ReadError};

use crate::read::{biff_stream, number, ods_with, ole_of, rec, sheet_xml, zip_of};

fn read(bytes: &[u8]) -> Result<RawWorkbook, ReadError> {
    read_bytes(bytes, &Limits::default())
}

const WORKSHEET: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";

/// An .xlsx of one sheet "S" from its parts; `workbook_pr` goes into the workbook part
/// (`<workbookPr date1904="1"/>`), `worksheet_target` is the relationship's target.
fn package(
    sheet: &str,
    strings: Option<&str>,
    styles: Option<&str>,
    workbook_pr: &str,
    worksheet_target: &str,
) -> Vec<u8> {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = format!(
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{workbook_pr}<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let workbook_rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{WORKSHEET}" Target="{worksheet_target}"/></Relationships>"#
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(sst) = strings {
        entries.push(("xl/sharedStrings.xml", sst.as_bytes()));
    }
    if let Some(styles) = styles {
        entries.push(("xl/styles.xml", styles.as_bytes()));
    }
    zip_of(&entries)
}

/// The non-empty cells of sheet "S" as calamine's streaming reader yields them, in the
/// reader's value type (the mapping `src/read/convert.rs` made when calamine read .xlsx).
fn calamine_cells(bytes: &[u8]) -> Vec<(u32, u32, CellValue)> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens it");
    let mut reader = book.worksheet_cells_reader("S").expect("sheet S");
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().expect("calamine reads it") {
        let (row, col) = cell.get_position();
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) if s.is_empty() => continue,
            DataRef::SharedString("") => continue,
            DataRef::String(s) => CellValue::Text(s.as_str().into()),
            DataRef::SharedString(s) => CellValue::Text((*s).into()),
            DataRef::Float(f) => CellValue::Number(*f),
            DataRef::Int(i) => CellValue::Number(*i as f64),
            DataRef::Bool(b) => CellValue::Bool(*b),
            DataRef::DateTime(dt) => CellValue::DateTime(dt.as_datetime().expect("a date")),
            DataRef::DateTimeIso(s) => {
                match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
                    Ok(dt) => CellValue::DateTime(dt),
                    Err(_) => CellValue::Text(s.as_str().into()),
                }
            }
            DataRef::DurationIso(s) => CellValue::Text(s.as_str().into()),
            DataRef::Error(e) => CellValue::Error(e.to_string().into()),
        };
        cells.push((row, col, value));
    }
    cells.sort_by_key(|c| (c.0, c.1));
    cells
}

/// The cells of sheet "S" as tongbao reads them (formulas without a saved result, which
/// calamine reads as empty, left out).
fn our_cells(bytes: &[u8]) -> Vec<(u32, u32, CellValue)> {
    let book = read(bytes).expect("tongbao reads it");
    book.sheets[0]
        .cells
        .iter()
        .filter(|c| !matches!(c.value, CellValue::Uncalculated(_)))
        .map(|c| (c.row, c.col, c.value.clone()))
        .collect()
}

#[test]
fn xlsx_cell_values_are_calamines() {
    let sheet = sheet_xml(concat!(
        r#"<row r="1"><c r="A1"><v>1.5</v></c><c r="B1" t="n"><v>-2e3</v></c><c r="C1"><v>text</v></c>"#,
        r#"<c r="D1" t="b"><v>1</v></c><c r="E1" t="b"><v>false</v></c><c r="F1" t="e"><v>#DIV/0!</v></c>"#,
        r#"<c r="G1" t="e"><v>#N/A</v></c><c r="H1" t="str"><v>a &amp; b_x000D_c</v></c>"#,
        r#"<c r="I1" t="d"><v>2025-06-30T10:30:00</v></c><c r="J1" t="inlineStr"><is><t> in </t></is></c>"#,
        r#"<c r="K1" t="inlineStr"><is><r><t xml:space="preserve"> rich </t></r><r><t>text</t></r><rPh><t>ふり</t></rPh></is></c></row>"#,
        r#"<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2"><v>3</v><f>1+2</f></c><c r="C2" t="str"><f>"x"</f><v></v></c>"#,
        r#"<c r="D2" t="s"><v>0</v></c><c r="E2" t="s"><v>1</v></c><c r="F2" t="b"><v> </v></c><c r="G2"><v>inf</v></c>"#,
        r#"<c r="H2"><v>1e400</v></c><c r="I2"><v><x/>5</v></c><c r="J2"><v>7<!-- c --></v></c><c r="K2" t="n"><v>.5</v></c></row>"#,
        r#"<row><c><v>10</v></c><c/><c><v>12</v></c></row>"#,
    ));
    let sst = r#"<sst><si><t>巴南区</t></si><si><r><t>富</t></r><r><t xml:space="preserve"> 文本 </t></r></si></sst>"#;
    let bytes = package(&sheet, Some(sst), None, "", "worksheets/sheet1.xml");
    let ours = our_cells(&bytes);
    assert_eq!(ours, calamine_cells(&bytes));
    assert_eq!(ours.len(), 20, "{ours:?}");
}

#[test]
fn xlsx_dates_follow_calamines_number_formats() {
    // Built-in ids (14 a date, 31 and 57 Chinese dates, 46 an elapsed time, 2 a number)
    // and custom formats, in the 1900 and the 1904 date systems.
    let styles = concat!(
        r#"<styleSheet><numFmts><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>"#,
        r##"<numFmt numFmtId="177" formatCode="#,##0.00_);[Red]\(#,##0.00\)"/><numFmt numFmtId="178" formatCode="[h]:mm"/>"##,
        r#"<numFmt numFmtId="179" formatCode="&quot;d&quot;0"/></numFmts>"#,
        r#"<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="57"/><xf numFmtId="46"/>"#,
        r#"<xf numFmtId="2"/><xf numFmtId="176"/><xf numFmtId="177"/><xf numFmtId="178"/><xf numFmtId="179"/><xf/></cellXfs></styleSheet>"#
    );
    let cells: String = (0..12)
        .map(|s| {
            format!(
                r#"<c r="{}1" s="{s}"><v>45838.25</v></c>"#,
                (b'A' + s as u8) as char
            )
        })
        .collect();
    let sheet = sheet_xml(&format!(
        r#"<row r="1">{cells}<c r="M1"><v>45838</v></c></row>"#
    ));
    for workbook_pr in ["", r#"<workbookPr date1904="1"/>"#] {
        let bytes = package(
            &sheet,
            None,
            Some(styles),
            workbook_pr,
            "worksheets/sheet1.xml",
        );
        let ours = our_cells(&bytes);
        assert_eq!(ours, calamine_cells(&bytes), "{workbook_pr}");
        let dates = ours
            .iter()
            .filter(|c| matches!(c.2, CellValue::DateTime(_)))
            .count();
        assert_eq!(dates, 6, "{ours:?}");
    }
}

#[test]
fn xlsx_shared_strings_are_calamines() {
    let sst = concat!(
        r#"<?xml version="1.0"?><sst count="9" uniqueCount="9"><si><t>巴南区</t></si>"#,
        r#"<si><t xml:space="preserve"> a &amp; b </t></si><si><t> trimmed&#10;</t></si>"#,
        r#"<si><r><rPr><b/></rPr><t>富</t></r><r><t>文本</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></si>"#,
        r#"<si/><si><t><![CDATA[<c r="A1">]]></t></si><si><t>a_x000D_b_x005F_x0041_</t></si>"#,
        "<si><t>l1\r\nl2\rl3</t></si><si><t>_xD83D__xDCF7_ 相机</t></si></sst>"
    );
    let cells: String = (0..9)
        .map(|i| {
            format!(
                r#"<c r="{}1" t="s"><v>{i}</v></c>"#,
                (b'A' + i as u8) as char
            )
        })
        .collect();
    let sheet = sheet_xml(&format!(r#"<row r="1">{cells}</row>"#));
    let bytes = package(&sheet, Some(sst), None, "", "worksheets/sheet1.xml");
    let ours = our_cells(&bytes);
    assert_eq!(ours, calamine_cells(&bytes));
    assert_eq!(ours.len(), 8, "the empty string is no cell: {ours:?}");
}

#[test]
fn calamine_wraps_row_numbers_past_excels_last_row() {
    // Why the reader refuses K4294967299 rather than reading it: calamine adds the digits
    // up in a u32 that wraps, and would put the value at K3.
    let sheet = sheet_xml(r#"<row r="3"><c r="K4294967299"><v>99999</v></c></row>"#);
    let bytes = package(&sheet, None, None, "", "worksheets/sheet1.xml");
    let position = std::panic::catch_unwind(|| {
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("opens");
        let mut reader = book.worksheet_cells_reader("S").expect("sheet");
        reader.next_cell().map(|c| c.map(|c| c.get_position()))
    });
    match position {
        // A release build wraps the sum...
        Ok(Ok(Some(at))) => assert_eq!(at, (2, 10)),
        // ...and a debug build stops at the overflow.
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            assert!(text.contains("overflow"), "{text}");
        }
        Ok(other) => panic!("calamine now reads it otherwise: {other:?}"),
    }
    assert!(matches!(read(&bytes), Err(ReadError::Truncated(_))));
}

#[test]
fn calamine_reads_a_malformed_shared_string_index_as_the_first_string() {
    // Why the reader refuses an index that is not a plain number: calamine reads it as 0.
    let sst = r#"<sst><si><t>巴南区</t></si><si><t>other</t></si></sst>"#;
    for index in ["-1", "abc", "1.5"] {
        let sheet = sheet_xml(&format!(
            r#"<row r="1"><c r="A1" t="s"><v>{index}</v></c></row>"#
        ));
        let bytes = package(&sheet, Some(sst), None, "", "worksheets/sheet1.xml");
        assert_eq!(
            calamine_cells(&bytes),
            [(0, 0, CellValue::Text("巴南区".into()))],
            "{index}"
        );
        assert!(
            matches!(read(&bytes), Err(ReadError::Truncated(_))),
            "{index}"
        );
    }
}

#[test]
fn calamine_does_not_resolve_relative_relationship_targets() {
    // Why the reader resolves targets itself: calamine joins `../xl/…` to `xl/` as it is.
    let sheet = sheet_xml(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
    let bytes = package(&sheet, None, None, "", "../xl/worksheets/sheet1.xml");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("opens");
    assert!(book.worksheet_cells_reader("S").is_err());
    assert_eq!(our_cells(&bytes), [(0, 0, CellValue::Number(1.0))]);
}

#[test]
fn calamine_reads_the_first_merge_cells_element_only() {
    let sheet = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="B3:B5"/></mergeCells><mergeCells><mergeCell ref="Z9:Z10"/></mergeCells></worksheet>"#;
    let bytes = package(sheet, None, None, "", "worksheets/sheet1.xml");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("opens");
    let theirs: Vec<_> = book
        .merge_cells_by_sheet_name("S")
        .expect("merges")
        .into_iter()
        .map(|d| (d.start, d.end))
        .collect();
    let ours: Vec<_> = read(&bytes).expect("reads").sheets[0]
        .merges
        .iter()
        .map(|m| ((m.first_row, m.first_col), (m.last_row, m.last_col)))
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 2);
}

#[test]
fn calamine_refuses_an_error_value_excel_does_not_have() {
    // The reader refuses it in calamine's place, after the cell before.
    let sheet =
        sheet_xml(r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="e"><v>#BOGUS</v></c></row>"#);
    let bytes = package(&sheet, None, None, "", "worksheets/sheet1.xml");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("opens");
    let mut reader = book.worksheet_cells_reader("S").expect("sheet");
    assert!(reader.next_cell().is_ok());
    assert!(reader.next_cell().is_err());
    match read(&bytes) {
        Err(ReadError::Truncated(d)) => {
            assert!(
                d.text(Lang::Zh).contains("A1 之后：错误值“#BOGUS”无法识别"),
                "{d}"
            )
        }
        other => panic!("expected damage, got {other:?}"),
    }
}

/// The cell values of the first sheet of an .xls, read by calamine.
fn calamine_xls(bytes: &[u8]) -> Vec<(u32, u32, Data)> {
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes.to_vec())).expect("calamine opens it");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    range
        .used_cells()
        .map(|(r, c, v)| {
            (
                r as u32 + range.start().map_or(0, |s| s.0),
                c as u32,
                v.clone(),
            )
        })
        .collect()
}

#[test]
fn calamine_keeps_the_last_of_a_biff_cell_stored_twice() {
    // Why the BIFF pre-scan refuses a repeated cell: calamine keeps the second silently.
    let stream = biff_stream(
        &[],
        &[number(2, 10, 6720.0), number(2, 10, 99999.0)].concat(),
    );
    let bytes = ole_of(&[("Workbook", &stream)]);
    let theirs = calamine_xls(&bytes);
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].2, Data::Float(99999.0));
    assert!(matches!(read(&bytes), Err(ReadError::Truncated(_))));
}

#[test]
fn calamine_leaves_a_biff_string_past_the_table_blank() {
    // Why the BIFF pre-scan refuses a LABELSST index past the SST: calamine reads nothing.
    let sst = {
        let mut d = [1u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
        d.extend_from_slice(&[1, 0, 0, b'a']);
        rec(0x00FC, &d)
    };
    let labelsst = |index: u32| {
        let d = [
            &0u16.to_le_bytes()[..],
            &0u16.to_le_bytes(),
            &0u16.to_le_bytes(),
            &index.to_le_bytes(),
        ]
        .concat();
        rec(0x00FD, &d)
    };
    let stream = biff_stream(&sst, &[labelsst(5), number(1, 0, 1.0)].concat());
    let bytes = ole_of(&[("Workbook", &stream)]);
    let theirs = calamine_xls(&bytes);
    assert!(theirs.iter().all(|c| (c.0, c.1) != (0, 0)), "{theirs:?}");
    assert!(matches!(read(&bytes), Err(ReadError::Truncated(_))));
}

#[test]
fn calamine_caps_ods_column_repeats_at_the_last_column() {
    // The ODS pre-scan counts repeated cells as calamine expands them: cut at XFD.
    let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="20000" office:value-type="float" office:value="1"/></table:table-row>"#;
    let bytes = ods_with(row);
    let mut book: calamine::Ods<_> =
        calamine::Ods::new(Cursor::new(bytes.clone())).expect("calamine opens it");
    let range = book.worksheet_range("T").expect("table");
    assert_eq!(range.width(), 16_384);
    // The reader refuses content past the last column rather than cutting it.
    assert!(read(&bytes).is_err());
}

#[test]
fn calamine_reads_an_ods_formula_without_a_value_as_empty() {
    // Why the ODS reader marks such a cell itself (E-FORMULA-NO-VALUE).
    let row = r#"<table:table-row><table:table-cell table:formula="of:=1+1"/><table:table-cell office:value-type="float" office:value="3"/></table:table-row>"#;
    let bytes = ods_with(row);
    let mut book: calamine::Ods<_> =
        calamine::Ods::new(Cursor::new(bytes.clone())).expect("calamine opens it");
    let range = book.worksheet_range("T").expect("table");
    assert!(matches!(range.get_value((0, 0)), None | Some(Data::Empty)));
    assert_eq!(range.get_value((0, 1)), Some(&Data::Float(3.0)));
    let ours = read(&bytes).expect("reads");
    assert!(matches!(
        ours.sheets[0].get(0, 0),
        Some(CellValue::Uncalculated(_))
    ));
}

#[test]
fn the_pinned_calamine_is_the_one_tested() {
    // Cargo.toml pins calamine to =0.38.0 so that these tests are about the code in use.
    let mut toml = String::new();
    std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .and_then(|mut f| f.read_to_string(&mut toml))
        .expect("Cargo.toml");
    assert!(
        toml.contains(r#"calamine = { version = "=0.38.0""#),
        "calamine is no longer pinned to the version these tests describe"
    );
}
