//! Formulas whose result the file does not hold, as openpyxl and other libraries write
//! them (`<c r="N4"><f>150+50</f></c>`, no `<v>`): never read as empty cells. In the
//! ledger and in 基本信息 each is `E-FORMULA-NO-VALUE` at its cell (the return refused);
//! in 主要指标 the indicator is not reported. A formula saved with its result, as Excel,
//! WPS and LibreOffice save it, is read as that result.

use tongbao::diag::{Code, Diagnostic, Severity};
use tongbao::read::{read_bytes, CellValue};
use zip::CompressionMethod;

use crate::hostile::{part, rezip, unzip};
use crate::support::*;

/// The element `<c r="{at}" …>…</c>` (or `<c r="{at}" …/>`) of a sheet's XML.
fn cell_element(xml: &str, at: &str) -> String {
    let start = xml
        .find(&format!(r#"<c r="{at}""#))
        .unwrap_or_else(|| panic!("no cell {at}"));
    let rest = &xml[start..];
    let open_end = rest.find('>').expect("end of tag");
    let end = if rest[..open_end].ends_with('/') {
        open_end + 1
    } else {
        rest.find("</c>").expect("end of cell") + 4
    };
    rest[..end].to_string()
}

/// Zero-based column of an A1 address's letters, and its one-based row.
fn split_a1(at: &str) -> (u32, u32) {
    let letters = at.trim_end_matches(|c: char| c.is_ascii_digit());
    let col = letters
        .bytes()
        .fold(0, |n, b| n * 26 + u32::from(b - b'A') + 1)
        - 1;
    (col, at[letters.len()..].parse().expect("row number"))
}

/// `xml` with an empty cell `<c r="{at}"/>` put in its place in its row, if the row has
/// no cell there.
fn ensure_cell(xml: &str, at: &str) -> String {
    if xml.contains(&format!(r#"<c r="{at}""#)) {
        return xml.to_string();
    }
    let (col, row) = split_a1(at);
    let start = xml
        .find(&format!(r#"<row r="{row}""#))
        .unwrap_or_else(|| panic!("no row {row}"));
    let end = start + xml[start..].find("</row>").expect("end of row");
    // Before the first cell to the right, else at the end of the row.
    let mut insert = end;
    let mut i = start;
    while let Some(found) = xml[i..end].find(r#"<c r=""#) {
        let from = i + found + 6;
        let addr = &xml[from..from + xml[from..].find('"').expect("quote")];
        if split_a1(addr).0 > col {
            insert = i + found;
            break;
        }
        i = from;
    }
    format!(r#"{}<c r="{at}"/>{}"#, &xml[..insert], &xml[insert..])
}

/// A cell's address and what makes its new element of the old one.
type CellEdit<'a> = (&'a str, &'a dyn Fn(&str) -> String);

/// `bytes` with the cells `at` of worksheet part `sheet` replaced by `by(old)`.
fn with_cells(bytes: &[u8], sheet: &str, cells: &[CellEdit<'_>]) -> Vec<u8> {
    let mut parts = unzip(bytes);
    let data = part(&mut parts, sheet);
    let mut xml = String::from_utf8(std::mem::take(data)).expect("utf-8 part");
    for (at, by) in cells {
        xml = ensure_cell(&xml, at);
        let old = cell_element(&xml, at);
        xml = xml.replacen(&old, &by(&old), 1);
    }
    *data = xml.into_bytes();
    rezip(&parts, CompressionMethod::Deflated)
}

/// A formula cell at `at` as openpyxl writes it: the formula, an empty value, no type.
fn bare(at: &str, formula: &str) -> String {
    format!(r#"<c r="{at}"><f>{formula}</f><v /></c>"#)
}

/// The standard return's ledger part (基本信息 is sheet 1, 项目明细 sheet 2).
const LEDGER: &str = "xl/worksheets/sheet2.xml";

/// The standard return with N4 (本月到位资金 of the second project) `=150+50` and P3
/// (本月实际使用外资 of the first) `=1+2`, written without results: the tester's file.
fn tester_return() -> Vec<u8> {
    with_cells(
        &Form::valid().xlsx(),
        LEDGER,
        &[
            ("N4", &|_| bare("N4", "150+50")),
            ("P3", &|_| bare("P3", "1+2")),
        ],
    )
}

fn formula_diags(r: &tongbao::batch::FileReport) -> Vec<&Diagnostic> {
    r.diagnostics
        .0
        .iter()
        .filter(|d| d.code == Code::FormulaNoValue)
        .collect()
}

fn arg<'a>(d: &'a Diagnostic, key: &str) -> Option<&'a str> {
    d.args
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_reader_keeps_a_formula_without_result_as_such() {
    let wb = read_bytes(&tester_return(), &tongbao::config::Limits::default()).expect("read");
    let ledger = &wb.sheets[1];
    assert_eq!(
        ledger.get(3, 13),
        Some(&CellValue::Uncalculated("=150+50".into()))
    );
    assert_eq!(
        ledger.get(2, 15),
        Some(&CellValue::Uncalculated("=1+2".into()))
    );
}

#[test]
fn ledger_formulas_without_results_are_refused_at_their_cells() {
    let r = check_bytes("巴南区-2025-06-formula.xlsx", &tester_return());
    assert!(r.rejected(), "{:#?}", r.diagnostics.0);
    let found: Vec<_> = formula_diags(&r)
        .iter()
        .map(|d| {
            (
                format!(
                    "{}!{}",
                    d.sheet.as_deref().unwrap_or_default(),
                    d.cell_a1().unwrap_or_default()
                ),
                arg(d, "column").unwrap_or_default().to_string(),
                d.value.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "项目明细!P3".to_string(),
                "本月实际使用外资".to_string(),
                "=1+2".to_string()
            ),
            (
                "项目明细!N4".to_string(),
                "本月到位资金".to_string(),
                "=150+50".to_string()
            ),
        ]
    );
    assert!(formula_diags(&r)
        .iter()
        .all(|d| d.severity() == Severity::Error));
    // Said once, as what it is: not as a blank or as text that is not a number.
    let errors = codes(&r, Severity::Error);
    assert!(
        errors.iter().all(|c| *c == Code::FormulaNoValue),
        "{errors:?}"
    );
}

#[test]
fn a_formula_in_a_required_text_column_is_not_called_unfilled() {
    // 项目名称 of the first project (C3) and 项目进展 (I3) as formulas without results.
    let bytes = with_cells(
        &Form::valid().xlsx(),
        LEDGER,
        &[
            ("C3", &|_| {
                bare("C3", "&quot;新建&quot;&amp;&quot;项目&quot;")
            }),
            ("I3", &|_| bare("I3", "&quot;已签约&quot;")),
        ],
    );
    let r = check_bytes("巴南区.xlsx", &bytes);
    let errors = codes(&r, Severity::Error);
    assert_eq!(
        errors,
        vec![Code::FormulaNoValue, Code::FormulaNoValue],
        "{:#?}",
        r.diagnostics.0
    );
    assert_eq!(
        formula_diags(&r)[0].value.as_deref(),
        Some(r#"="新建"&"项目""#)
    );
}

#[test]
fn a_formula_saved_with_its_result_is_read_as_the_result() {
    // As Excel writes it: the formula and, beside it, the result it showed.
    let standard = Form::valid().xlsx();
    let bytes = with_cells(
        &standard,
        LEDGER,
        &[("N4", &|old: &str| {
            old.replacen("<v>", "<f>150+50</f><v>", 1)
        })],
    );
    assert_ne!(bytes, standard);
    let wb = read_bytes(&bytes, &tongbao::config::Limits::default()).expect("read");
    assert!(matches!(
        wb.sheets[1].get(3, 13),
        Some(CellValue::Number(_))
    ));
    let r = check_bytes("巴南区.xlsx", &bytes);
    let plain = check_bytes("巴南区.xlsx", &standard);
    assert!(r.accepted(), "{:#?}", r.diagnostics.0);
    assert_eq!(format!("{:?}", r.figures), format!("{:?}", plain.figures));
}

/// The standard return with its true 主要指标 (sheet 2), whose 实际到位资金 本月 (C8) is
/// replaced by `cell`.
fn with_summary_funds(cell: &dyn Fn(&str) -> String) -> Vec<u8> {
    with_cells(
        &Form::valid().with_true_summary().xlsx(),
        "xl/worksheets/sheet2.xml",
        &[("C8", cell)],
    )
}

#[test]
fn a_summary_formula_without_result_is_not_reported() {
    // With a result that disagrees with the ledger, the mismatch is said…
    let saved = with_summary_funds(&|_| r#"<c r="C8"><f>1+1</f><v>2</v></c>"#.to_string());
    let r = check_bytes("巴南区.xlsx", &saved);
    assert!(
        r.diagnostics
            .0
            .iter()
            .any(|d| d.code == Code::SummaryMismatch),
        "{:#?}",
        r.diagnostics.0
    );
    // …without one, the indicator is not reported: nothing compared, the return accepted.
    let bare_formula = with_summary_funds(&|_| bare("C8", "1+1"));
    let r = check_bytes("巴南区.xlsx", &bare_formula);
    assert!(r.accepted(), "{:#?}", r.diagnostics.0);
    assert!(formula_diags(&r).is_empty());
    assert!(!r
        .diagnostics
        .0
        .iter()
        .any(|d| d.code == Code::SummaryMismatch));
    let summary = r
        .parsed
        .as_ref()
        .and_then(|p| p.summary.as_ref())
        .expect("summary read");
    let funds = summary
        .iter()
        .find(|i| i.indicator.label() == "实际到位资金")
        .expect("实际到位资金");
    assert_eq!(funds.month, None);
    assert!(funds.ytd.is_some());
}

#[test]
fn an_info_formula_without_result_is_refused_at_its_cell() {
    // 基本信息: 填报单位 in B1, 报告期 in B3.
    for (at, formula, title) in [
        ("B3", "&quot;2025年6月&quot;", "报告期"),
        ("B1", "A1", "填报单位"),
    ] {
        let bytes = with_cells(
            &Form::valid().xlsx(),
            "xl/worksheets/sheet1.xml",
            &[(at, &|_| bare(at, formula))],
        );
        let r = check_bytes("巴南区.xlsx", &bytes);
        assert!(r.rejected(), "{at}");
        let found = formula_diags(&r);
        assert_eq!(found.len(), 1, "{at}: {:#?}", r.diagnostics.0);
        assert_eq!(found[0].sheet.as_deref(), Some("基本信息"));
        assert_eq!(found[0].cell_a1().as_deref(), Some(at));
        assert_eq!(arg(found[0], "column"), Some(title));
        // Not also said to be an unknown unit or a period that cannot be read.
        assert!(
            !r.diagnostics
                .0
                .iter()
                .any(|d| matches!(d.code, Code::UnitUnknown | Code::PeriodInvalid)),
            "{:#?}",
            r.diagnostics.0
        );
    }
}

/// An .ods written by a program: a ledger amount is a formula with no saved value
/// (`table:formula` and no `office:value`). calamine reads such a cell as empty; tongbao
/// refuses it at its cell, as for .xlsx.
#[test]
fn an_ods_formula_without_a_saved_value_is_refused_at_its_cell() {
    let sample = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/returns/2025-06/垫江县-2025-06.ods"),
    )
    .expect("sample .ods");
    let mut parts = unzip(&sample);
    let content = String::from_utf8(part(&mut parts, "content.xml").clone()).expect("utf-8");
    // A ledger amount that stands once in the file, in a cell of its own (not repeated).
    let ledger = content
        .find(r#"table:name="项目明细""#)
        .expect("the ledger sheet");
    let (start, end, value) = content[ledger..]
        .match_indices(r#"office:value=""#)
        .find_map(|(i, _)| {
            let at = ledger + i;
            let value: String = content[at + 14..]
                .chars()
                .take_while(|c| *c != '"')
                .collect();
            let open = content[..at].rfind("<table:table-cell")?;
            let close = at + content[at..].find("</table:table-cell>")? + 19;
            let tag = &content[open..at];
            let unique = content
                .matches(&format!(r#"office:value="{value}""#))
                .count()
                == 1;
            (unique && value.len() >= 3 && !tag.contains("repeated"))
                .then_some((open, close, value))
        })
        .expect("a unique amount in the ledger");
    let wb = read_bytes(&sample, &Default::default()).expect("the sample reads");
    let sheet = wb
        .sheets
        .iter()
        .find(|s| s.name == "项目明细")
        .expect("ledger");
    let cell = sheet
        .cells
        .iter()
        .find(|c| matches!(&c.value, CellValue::Number(n) if n.to_string() == value))
        .expect("the amount as read");
    let at = tongbao::model::a1(cell.row, cell.col);

    let mut edited = content.clone();
    edited.replace_range(
        start..end,
        r#"<table:table-cell table:formula="of:=[.A1]*2"/>"#,
    );
    *part(&mut parts, "content.xml") = edited.into_bytes();
    let bytes = rezip(&parts, CompressionMethod::Deflated);
    let report = check_bytes("垫江县.ods", &bytes);
    assert!(report.rejected());
    let found: Vec<&Diagnostic> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == Code::FormulaNoValue)
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", report.diagnostics.0);
    assert_eq!(found[0].cell_a1().as_deref(), Some(at.as_str()));
    assert_eq!(found[0].value.as_deref(), Some("of:=[.A1]*2"));
    assert_eq!(found[0].severity(), Severity::Error);
}
