//! Minimal .xlsx packages that Excel opens without asking and calamine reads are read, not
//! refused (issue 13): no `[Content_Types].xml`, no `docProps`, no styles, no shared
//! strings (inline strings only), no theme, and a workbook part that is not
//! `xl/workbook.xml` but is named by the package's relationships.

use tongbao::config::Limits;
use tongbao::read::{read_bytes, CellValue, Container};

use crate::hostile::{rezip, unzip};
use crate::read::{sheet_xml, zip_of};
use crate::support::*;

const PACKAGE_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="项目明细" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheet1.xml"/></Relationships>"#;

/// A package of one sheet whose cells are inline strings and numbers, with its workbook
/// part at `workbook` (e.g. `xl/workbook.xml`), the sheet beside it, and nothing else.
fn bare_package(workbook: &str) -> Vec<u8> {
    let (dir, name) = workbook.rsplit_once('/').unwrap_or(("", workbook));
    let folder = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let rels = PACKAGE_RELS.replace("{target}", workbook);
    let workbook_rels_path = format!("{folder}_rels/{name}.rels");
    let sheet_path = format!("{folder}sheet1.xml");
    let sheet = sheet_xml(concat!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c><c r="B1" t="inlineStr"><is><t>合同投资额</t></is></c></row>"#,
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>新材料产业园</t></is></c><c r="B2"><v>52000</v></c></row>"#,
    ));
    zip_of(&[
        ("_rels/.rels", rels.as_bytes()),
        (workbook, WORKBOOK.as_bytes()),
        (&workbook_rels_path, WORKBOOK_RELS.as_bytes()),
        (&sheet_path, sheet.as_bytes()),
    ])
}

fn assert_reads_the_ledger(bytes: &[u8]) {
    let book = read_bytes(bytes, &Limits::default()).expect("read, not refused");
    assert_eq!(book.container, Container::Xlsx);
    assert_eq!(book.sheets.len(), 1);
    let sheet = &book.sheets[0];
    assert_eq!(sheet.name, "项目明细");
    assert_eq!(
        sheet.get(1, 0),
        Some(&CellValue::Text("新材料产业园".into()))
    );
    assert_eq!(sheet.get(1, 1), Some(&CellValue::Number(52000.0)));
}

#[test]
fn a_package_of_four_parts_is_read() {
    // No [Content_Types].xml, docProps, styles, theme or shared strings.
    assert_reads_the_ledger(&bare_package("xl/workbook.xml"));
}

#[test]
fn a_workbook_part_elsewhere_is_found_by_its_relationship() {
    for workbook in ["wb/book.xml", "workbook.xml", "xl/book.xml"] {
        assert_reads_the_ledger(&bare_package(workbook));
    }
}

#[test]
fn a_zip_whose_relationships_name_no_part_it_holds_is_not_a_workbook() {
    let rels = PACKAGE_RELS.replace("{target}", "xl/missing.xml");
    let bytes = zip_of(&[("_rels/.rels", rels.as_bytes()), ("a.txt", b"hello")]);
    assert!(matches!(
        read_bytes(&bytes, &Limits::default()),
        Err(tongbao::read::ReadError::Other(
            tongbao::read::NotWorkbook::Zip
        ))
    ));
}

#[test]
fn the_standard_return_without_its_optional_parts_is_the_same_return() {
    let standard = check_bytes("巴南区.xlsx", &Form::valid().xlsx());
    assert!(standard.accepted(), "{:#?}", standard.diagnostics.0);
    let optional = |name: &str| {
        name == "[Content_Types].xml" || name.starts_with("docProps/") || name.contains("theme")
    };
    let mut parts = unzip(&Form::valid().xlsx());
    let before = parts.len();
    parts.retain(|(name, _)| !optional(name));
    assert!(
        parts.len() < before,
        "the standard return has optional parts"
    );
    let bare = rezip(&parts, zip::CompressionMethod::Deflated);
    let report = check_bytes("巴南区.xlsx", &bare);
    assert!(report.accepted(), "{:#?}", report.diagnostics.0);
    assert_eq!(
        format!("{:?}", report.figures),
        format!("{:?}", standard.figures)
    );
}

#[test]
fn a_return_without_styles_is_read() {
    // Without styles no number is a date, so this return's dates are serial numbers; it
    // is read (not refused as damaged) and the parser says what it makes of them.
    let mut parts = unzip(&Form::valid().xlsx());
    parts.retain(|(name, _)| name != "xl/styles.xml");
    let bytes = rezip(&parts, zip::CompressionMethod::Deflated);
    let book = read_bytes(&bytes, &Limits::default()).expect("read, not refused");
    assert!(book.sheets.iter().all(|s| !s
        .cells
        .iter()
        .any(|c| matches!(c.value, CellValue::DateTime(_)))));
    assert!(book.sheets.len() >= 2);
}
