//! `tongbao template`: blank forms for the test roster from the real binary, read back by
//! calamine (layout), by their own XML (validations, protection, formulas) and by
//! tongbao's reader (blank, filled in, and filled in and recalculated by LibreOffice).

use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::Value;
use tongbao::diag::{Code, Severity};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

use crate::binary::run;
use crate::support::*;

const UNITS: [&str; 3] = ["巴南区", "渝中区", "两江新区"];

/// A workspace with the test roster.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("tongbao.toml"), CONFIG).expect("config");
    dir
}

/// Runs `tongbao template --period 2025-06 --out forms EXTRA…` in `ws`; asserts exit 0.
fn template(ws: &Path, extra: &[&str]) -> String {
    let mut args = vec!["template", "--period", "2025-06", "--out", "forms"];
    args.extend_from_slice(extra);
    let out = run(&args, ws);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn form_path(ws: &Path, unit: &str) -> PathBuf {
    ws.join("forms").join(format!("{unit}-2025-06-月报表.xlsx"))
}

/// The bytes of 巴南区's form from a fresh workspace.
fn banan_form(extra: &[&str]) -> Vec<u8> {
    let ws = workspace();
    let mut args = vec!["--unit", "巴南区"];
    args.extend_from_slice(extra);
    template(ws.path(), &args);
    std::fs::read(form_path(ws.path(), "巴南区")).expect("form written")
}

fn calamine(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine reads the form")
}

fn cell_text(x: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, row: u32, col: u32) -> String {
    let r = x
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{sheet}: {e}"));
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other}"),
    }
}

/// One part of the package, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package");
    let mut f = zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut s = String::new();
    f.read_to_string(&mut s).expect("utf-8 part");
    s
}

/// The worksheet part of a sheet: the form's sheets are written in a fixed order.
fn sheet_part(bytes: &[u8], sheet: &str) -> String {
    let order = ["填报说明", "基本信息", "主要指标", "项目明细", "下拉选项"];
    let i = order
        .iter()
        .position(|s| *s == sheet)
        .expect("a form sheet")
        + 1;
    part(bytes, &format!("xl/worksheets/sheet{i}.xml"))
}

/// The `<dataValidation>` elements of a sheet, each with its whole text.
fn validations(sheet_xml: &str) -> Vec<String> {
    sheet_xml
        .split("<dataValidation ")
        .skip(1)
        .map(|s| s.split("</dataValidation>").next().unwrap_or(s).to_string())
        .collect()
}

/// The validation covering the prepared rows of a ledger column.
fn validation_of(sheet_xml: &str, column_letter: &str) -> String {
    let sqref = format!("sqref=\"{column_letter}3:{column_letter}502\"");
    validations(sheet_xml)
        .into_iter()
        .find(|v| v.contains(&sqref))
        .unwrap_or_else(|| panic!("no validation on {column_letter}3:{column_letter}502"))
}

/// Whether the cell format (xf) number `style` is unlocked.
fn style_unlocked(bytes: &[u8], style: usize) -> bool {
    let styles = part(bytes, "xl/styles.xml");
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .and_then(|s| s.split("</cellXfs>").next())
        .expect("cellXfs");
    let xf = xfs.split("<xf ").nth(style + 1).expect("the xf");
    let xf = xf.split("</xf>").next().unwrap_or(xf);
    xf.contains("locked=\"0\"")
}

/// The number in `attr="…"` of an XML tag's text.
fn attr_number(tag: &str, attr: &str) -> Option<usize> {
    tag.split(&format!(" {attr}=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
}

/// Whether the style a cell uses is unlocked.
fn unlocked(bytes: &[u8], sheet: &str, cell: &str) -> bool {
    let xml = sheet_part(bytes, sheet);
    let start = xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let tag = &xml[start..start + xml[start..].find('>').expect("tag end")];
    style_unlocked(bytes, attr_number(tag, "s").unwrap_or(0))
}

#[test]
fn every_roster_unit_gets_a_form_named_after_it() {
    let ws = workspace();
    let stdout = template(ws.path(), &[]);
    let written: BTreeSet<String> = std::fs::read_dir(ws.path().join("forms"))
        .expect("forms folder created")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = UNITS
        .iter()
        .map(|u| format!("{u}-2025-06-月报表.xlsx"))
        .collect();
    assert_eq!(written, expected);
    for u in UNITS {
        assert!(
            stdout.contains(&format!("已生成：forms/{u}-2025-06-月报表.xlsx")),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("共生成 3 份 2025年6月 空白报表"),
        "{stdout}"
    );
}

#[test]
fn unit_is_matched_by_name_alias_or_code_without_repeats() {
    let ws = workspace();
    template(
        ws.path(),
        &["--unit", "巴南", "--unit", "LJXQ", "--unit", "巴南区"],
    );
    let mut written: Vec<String> = std::fs::read_dir(ws.path().join("forms"))
        .expect("forms")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["两江新区-2025-06-月报表.xlsx", "巴南区-2025-06-月报表.xlsx"]
    );
}

#[test]
fn an_unknown_unit_is_exit_2_and_writes_nothing() {
    let ws = workspace();
    let out = run(
        &[
            "template",
            "--period",
            "2025-06",
            "--unit",
            "巴南区",
            "--unit",
            "不存在县",
            "--out",
            "forms",
        ],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("不存在县"), "{stderr}");
    assert!(stderr.contains("未生成任何文件"), "{stderr}");
    assert!(!ws.path().join("forms").exists());
}

#[test]
fn the_same_inputs_give_byte_identical_forms() {
    let (a, b) = (workspace(), workspace());
    template(a.path(), &[]);
    template(b.path(), &[]);
    for u in UNITS {
        let x = std::fs::read(form_path(a.path(), u)).expect("first");
        let y = std::fs::read(form_path(b.path(), u)).expect("second");
        assert!(x == y, "{u}: two runs differ");
    }
}

#[test]
fn a_blank_form_is_accepted_with_zero_figures_and_no_diagnostics() {
    let ws = workspace();
    template(ws.path(), &[]);
    let out = run(&["check", "--format", "json", "forms"], ws.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["period"], "2025-06");
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    let mut units = BTreeSet::new();
    for f in files {
        assert_eq!(f["status"], "accepted", "{f}");
        assert_eq!(f["period"], "2025-06");
        assert_eq!(f["diagnostics"], Value::Array(vec![]), "{f}");
        units.insert(f["unit"]["name"].as_str().unwrap_or_default().to_string());
        for span in ["month", "ytd"] {
            for (key, value) in f["figures"][span].as_object().expect("figures") {
                assert_eq!(value.as_f64(), Some(0.0), "{span}.{key}");
            }
        }
    }
    assert_eq!(units, UNITS.iter().map(|u| u.to_string()).collect());
}

#[test]
fn info_sheet_is_prefilled_locked_and_leaves_the_preparer_to_the_county() {
    let bytes = banan_form(&[]);
    let mut x = calamine(&bytes);
    let info = "基本信息";
    let pairs = [
        ("填报单位", "巴南区"),
        ("行政区划代码", "500113"),
        ("报告期", "2025年6月"),
        ("填报人", ""),
        ("联系电话", ""),
        ("审核人", ""),
        ("填报日期", ""),
    ];
    for (i, (label, value)) in pairs.iter().enumerate() {
        let row = 1 + i as u32;
        assert_eq!(cell_text(&mut x, info, row, 0), *label);
        assert_eq!(cell_text(&mut x, info, row, 1), *value, "{label}");
        let cell = format!("B{}", row + 1);
        assert_eq!(
            unlocked(&bytes, info, &cell),
            value.is_empty(),
            "{label} {cell}"
        );
    }
    for sheet in ["填报说明", "基本信息", "主要指标", "项目明细", "下拉选项"] {
        assert!(
            sheet_part(&bytes, sheet).contains("<sheetProtection sheet=\"1\""),
            "{sheet} is protected"
        );
    }
}

#[test]
fn instructions_name_the_deadline_the_issuer_and_the_rules() {
    let bytes = banan_form(&[]);
    let mut x = calamine(&bytes);
    let r = x.worksheet_range("填报说明").expect("instructions");
    let text: String = r
        .rows()
        .flat_map(|row| row.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "招商引资工作月报表填报说明（2025年6月）",
        "2025年7月5日前",
        "招商投资促进局",
        "不得修改",
        "在谈——正在洽谈",
        "万美元",
        "yyyy-mm-dd",
        "10000 万元",
        "外出招商活动次数",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn ledger_header_is_the_v1_titles_frozen_protected_and_filterable() {
    let bytes = banan_form(&[]);
    let mut x = calamine(&bytes);
    for (c, title) in HEADER.iter().enumerate() {
        assert_eq!(cell_text(&mut x, "项目明细", 1, c as u32), *title);
    }
    assert!(cell_text(&mut x, "项目明细", 0, 0).starts_with("巴南区招商引资项目明细表"));
    let xml = sheet_part(&bytes, "项目明细");
    assert!(xml.contains("ySplit=\"2\"") && xml.contains("state=\"frozen\""));
    assert!(xml.contains("<autoFilter ref=\"A2:S502\"/>"));
    let protection = xml
        .split("<sheetProtection ")
        .nth(1)
        .and_then(|s| s.split("/>").next())
        .expect("protection");
    // In OOXML "0" means the action is not blocked.
    for allowed in [
        "insertRows",
        "deleteRows",
        "sort",
        "autoFilter",
        "formatCells",
    ] {
        assert!(
            protection.contains(&format!("{allowed}=\"0\"")),
            "{allowed}: {protection}"
        );
    }
    assert!(!protection.contains("insertColumns=\"0\""));
    assert!(!unlocked(&bytes, "项目明细", "C2"), "header locked");
    // The data area takes its (unlocked) format from the columns.
    let cols = xml
        .split("<cols>")
        .nth(1)
        .and_then(|s| s.split("</cols>").next())
        .expect("cols");
    let mut covered = 0;
    for col in cols.split("<col").skip(1) {
        let (min, max) = (attr_number(col, "min"), attr_number(col, "max"));
        covered += max.unwrap_or(0) + 1 - min.unwrap_or(1);
        let style = attr_number(col, "style").expect("a column format");
        assert!(style_unlocked(&bytes, style), "{col}");
    }
    assert_eq!(covered, 19, "{cols}");
}

#[test]
fn ledger_offers_drop_downs_with_the_rosters_industries_and_checks_dates_and_amounts() {
    let bytes = banan_form(&[]);
    let xml = sheet_part(&bytes, "项目明细");
    let list = |letter: &str| {
        let v = validation_of(&xml, letter);
        assert!(v.contains("type=\"list\""), "{letter}: {v}");
        v.split("<formula1>")
            .nth(1)
            .and_then(|s| s.split("</formula1>").next())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(list("F"), "\"市内,省内市外,省外境内,境外\"");
    assert_eq!(list("G"), "'下拉选项'!$A$2:$A$4");
    assert_eq!(list("H"), "\"新建,增资扩产\"");
    assert_eq!(list("I"), "\"在谈,已签约,已开工,已投产\"");
    assert_eq!(list("R"), "\"是,否\"");
    // Dates from 2000-01-01 to the end of the report month (2025-06-30 is serial 45838).
    for letter in ["J", "M"] {
        let v = validation_of(&xml, letter);
        assert!(v.contains("type=\"date\""), "{v}");
        assert!(
            v.contains("<formula1>36526</formula1><formula2>45838</formula2>"),
            "{v}"
        );
    }
    for letter in ["K", "L", "N", "O", "P", "Q"] {
        let v = validation_of(&xml, letter);
        assert!(v.contains("type=\"decimal\""), "{v}");
        assert!(v.contains("operator=\"greaterThanOrEqual\""), "{v}");
        assert!(v.contains("<formula1>0</formula1>"), "{v}");
    }
    // Every column explains itself when a cell is selected.
    assert_eq!(validations(&xml).len(), 19);
    for v in validations(&xml) {
        assert!(
            v.contains("showInputMessage=\"1\"") && v.contains("prompt=\""),
            "{v}"
        );
    }
    assert!(validation_of(&xml, "J").contains("不得晚于报告期末 2025-06-30"));

    // The list sheet is hidden and holds the roster's industries.
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("<sheet name=\"下拉选项\" sheetId=\"5\" state=\"hidden\""));
    let mut x = calamine(&bytes);
    let industries: Vec<String> = (1..=3)
        .map(|r| cell_text(&mut x, "下拉选项", r, 0))
        .collect();
    assert_eq!(
        industries,
        ["先进材料", "智能装备及智能制造", "软件信息服务"]
    );
    assert_eq!(cell_text(&mut x, "下拉选项", 4, 0), "");
}

#[test]
fn summary_rows_are_formulas_over_the_ledger_with_cached_zeros() {
    let bytes = banan_form(&[]);
    let mut x = calamine(&bytes);
    let header: Vec<String> = (0..5)
        .map(|c| cell_text(&mut x, "主要指标", 1, c))
        .collect();
    assert_eq!(
        header,
        ["指标", "单位", "本月", "1-6月累计", "上年同期累计"]
    );
    let formulas = x.worksheet_formula("主要指标").expect("formulas");
    let values = x.worksheet_range("主要指标").expect("values");
    let formula = |row: u32, col: u32| formulas.get_value((row, col)).cloned().unwrap_or_default();
    // 新签约项目数, month: signings in June 2025.
    assert_eq!(
        formula(2, 2),
        "COUNTIFS('项目明细'!$I:$I,\"<>在谈\",'项目明细'!$J:$J,\">=\"&DATE(2025,6,1),\
         '项目明细'!$J:$J,\"<\"&DATE(2025,7,1))"
    );
    // 实际到位资金, year to date: the ledger's 本年累计到位资金 column.
    assert_eq!(formula(8, 3), "SUM('项目明细'!$O:$O)");
    for row in 2..=11 {
        for col in [2, 3] {
            assert!(!formula(row, col).is_empty(), "row {row} col {col}");
            assert_eq!(
                values
                    .get_value((row, col))
                    .and_then(calamine::DataType::as_f64),
                Some(0.0),
                "cached result at row {row} col {col}"
            );
            assert!(!unlocked(
                &bytes,
                "主要指标",
                &format!("{}{}", ["C", "D"][col as usize - 2], row + 1)
            ));
        }
    }
    // 外出招商活动次数 and 接待客商批次 are typed in.
    for cell in ["C13", "D13", "C14", "D14", "E3"] {
        assert!(unlocked(&bytes, "主要指标", cell), "{cell}");
    }
    assert_eq!(cell_text(&mut x, "主要指标", 12, 0), "外出招商活动次数");
    assert!(formula(12, 2).is_empty());
}

#[test]
fn english_explains_in_english_but_keeps_the_chinese_layout() {
    let ws = workspace();
    let stdout = template(ws.path(), &["--lang", "en", "--unit", "渝中区"]);
    assert!(
        stdout.contains("wrote forms/渝中区-2025-06-月报表.xlsx"),
        "{stdout}"
    );
    assert!(stdout.contains("1 blank returns for 2025-06"), "{stdout}");
    let bytes = std::fs::read(form_path(ws.path(), "渝中区")).expect("form");
    let mut x = calamine(&bytes);
    assert_eq!(
        x.sheet_names(),
        ["填报说明", "基本信息", "主要指标", "项目明细", "下拉选项"]
    );
    assert!(cell_text(&mut x, "填报说明", 0, 0).starts_with("How to fill in"));
    assert_eq!(cell_text(&mut x, "基本信息", 1, 0), "填报单位");
    assert_eq!(cell_text(&mut x, "主要指标", 2, 0), "新签约项目数");
    for (c, title) in HEADER.iter().enumerate() {
        assert_eq!(cell_text(&mut x, "项目明细", 1, c as u32), *title);
    }
    assert!(validation_of(&sheet_part(&bytes, "项目明细"), "C")
        .contains("promptTitle=\"Project name\""));
    let report = check_bytes("渝中区.xlsx", &bytes);
    assert!(report.accepted(), "{:?}", report.diagnostics);
}

// ---------------------------------------------------------------------------------------
// Filled in

/// Escapes text for XML character data.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The standard return's ledger rows as sheet XML rows from row 3: inline strings,
/// numbers, and dates as Excel serial numbers — what a program that edits cells writes.
fn ledger_rows_xml(rows: &[Vec<V>]) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let r = 3 + i;
        out.push_str(&format!("<row r=\"{r}\">"));
        for (c, v) in row.iter().enumerate() {
            let at = format!("{}{r}", tongbao::model::column_letters(c as u32));
            match v {
                V::S(s) => out.push_str(&format!(
                    "<c r=\"{at}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    escape(s)
                )),
                V::N(n) => out.push_str(&format!("<c r=\"{at}\"><v>{n}</v></c>")),
                V::D(y, m, d) => {
                    let date = chrono::NaiveDate::from_ymd_opt(
                        i32::from(*y),
                        u32::from(*m),
                        u32::from(*d),
                    )
                    .expect("date");
                    let serial = (date - base).num_days();
                    out.push_str(&format!("<c r=\"{at}\"><v>{serial}</v></c>"));
                }
                V::E => {}
            }
        }
        out.push_str("</row>");
    }
    out
}

/// The form with the standard return's four projects typed into its ledger, every other
/// part (and so every cached formula result) left as it was.
fn fill_ledger(form: &[u8]) -> Vec<u8> {
    fill_ledger_with(form, &ledger_rows())
}

/// The form with `rows` typed into its ledger (see [`fill_ledger`]).
pub(crate) fn fill_ledger_with(form: &[u8], ledger: &[Vec<V>]) -> Vec<u8> {
    let mut source = zip::ZipArchive::new(Cursor::new(form)).expect("package");
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let rows = ledger.len();
    for i in 0..source.len() {
        let mut entry = source.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read entry");
        if name == "xl/worksheets/sheet4.xml" {
            let xml = String::from_utf8(data).expect("utf-8");
            assert!(xml.contains("<dimension ref=\"A1:S2\"/>"), "a blank ledger");
            let xml = xml
                .replace(
                    "<dimension ref=\"A1:S2\"/>",
                    &format!("<dimension ref=\"A1:S{}\"/>", 2 + rows),
                )
                .replace(
                    "</sheetData>",
                    &format!("{}</sheetData>", ledger_rows_xml(ledger)),
                );
            data = xml.into_bytes();
        }
        z.start_file(name, SimpleFileOptions::default())
            .expect("start entry");
        z.write_all(&data).expect("write entry");
    }
    z.finish().expect("zip").into_inner()
}

/// The standard return's figures (see `support::ledger_rows`) in hundredths or counts.
fn assert_standard_figures(report: &tongbao::batch::FileReport) {
    let f = report.figures.as_ref().expect("figures");
    assert_eq!(f.month.signed_count, 2);
    assert_eq!(f.month.signed_amount.cents(), 6_700_000);
    assert_eq!(f.month.big_count, 2);
    assert_eq!(f.month.started_count, 1);
    assert_eq!(f.month.started_investment.cents(), 5_200_000);
    assert_eq!(f.month.funds_in_place.cents(), 170_050);
    assert_eq!(f.month.funds_out_of_province.cents(), 120_050);
    assert_eq!(f.month.fdi_usd.cents(), 5_000);
    assert_eq!(f.month.negotiating_count, 1);
    assert_eq!(f.ytd.signed_count, 3);
    assert_eq!(f.ytd.signed_amount.cents(), 7_500_000);
    assert_eq!(f.ytd.big_amount.cents(), 6_700_000);
    assert_eq!(f.ytd.funds_in_place.cents(), 550_000);
    assert_eq!(f.ytd.funds_out_of_province.cents(), 300_000);
    assert_eq!(f.ytd.fdi_usd.cents(), 12_000);
}

/// A program that types into cells without recalculating leaves the 主要指标 formulas'
/// cached zeros: the return is still accepted with the ledger's figures, and each stale
/// summary figure is the warning the county would see.
#[test]
fn a_filled_in_form_is_accepted_with_the_ledgers_figures() {
    let filled = fill_ledger(&banan_form(&[]));
    let report = check_bytes("巴南区.xlsx", &filled);
    assert!(report.accepted(), "{:?}", report.diagnostics);
    assert_standard_figures(&report);
    let warnings: BTreeSet<Code> = codes(&report, Severity::Warning).into_iter().collect();
    assert_eq!(warnings, BTreeSet::from([Code::SummaryMismatch]));
}

fn tool_available(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The path a county takes with a spreadsheet program: openpyxl types the ledger and the
/// two activity counts, LibreOffice opens and saves the file (recalculating, as Excel and
/// WPS do on every edit). The summary then agrees with the ledger: no warning at all.
/// Needs python3 with openpyxl and soffice; skipped, loudly, where they are missing.
#[test]
fn a_form_filled_and_recalculated_in_libreoffice_reads_back_without_warnings() {
    if !tool_available("python3", &["-c", "import openpyxl"])
        || !tool_available("soffice", &["--version"])
    {
        let why = "needs python3 with openpyxl and LibreOffice (soffice)";
        // CI installs them (.ci/run) and says so: there, a missing tool is a failure.
        assert!(std::env::var_os("TONGBAO_REQUIRE_TOOLS").is_none(), "{why}");
        eprintln!(
            "SKIPPED a_form_filled_and_recalculated_in_libreoffice_reads_back_without_warnings: {why}"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let form = dir.path().join("form.xlsx");
    std::fs::write(&form, banan_form(&[])).expect("form");
    let script = r#"
import sys, datetime, openpyxl
src, dst = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(src)
ws = wb["项目明细"]
d = datetime.date
rows = [
 [1,"P001","新材料产业园","甲材料有限公司","江苏南京","省外境内","先进材料","新建","已开工",d(2025,6,10),52000,None,d(2025,6,20),1200.5,3000,None,None,"否",None],
 [2,"P002","智能装备基地","乙装备股份公司","重庆","市内","智能装备及智能制造","新建","已签约",d(2025,3,5),8000,None,None,500,2500,None,None,"否",None],
 [3,"P003","软件园","丙科技（香港）有限公司","香港","境外","软件信息服务","新建","已签约",d(2025,6,1),15000,1000,None,0,0,50,120,"是",None],
 [4,"P004","新能源材料项目","丁能源集团","上海","省外境内","先进材料","新建","在谈",None,30000,None,None,None,None,None,None,"否","正在洽谈"],
]
for i, r in enumerate(rows):
    for j, v in enumerate(r):
        if v is not None:
            ws.cell(row=3 + i, column=1 + j, value=v)
s = wb["主要指标"]
s["C13"], s["D13"], s["C14"], s["D14"] = 3, 15, 5, 28
wb["基本信息"]["B5"] = "张三"
wb.save(dst)
"#;
    let typed = dir.path().join("typed.xlsx");
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&form)
        .arg(&typed)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Before LibreOffice: openpyxl keeps the summary's formulas but not their results.
    // The ledger is read as typed; the derived summary rows are not reported (nothing to
    // compare), the two typed ones are.
    let typed_report = check_bytes("巴南区.xlsx", &std::fs::read(&typed).expect("typed"));
    assert!(typed_report.accepted(), "{:?}", typed_report.diagnostics);
    assert_standard_figures(&typed_report);
    assert_eq!(codes(&typed_report, Severity::Warning), vec![]);
    let typed_summary = typed_report
        .parsed
        .as_ref()
        .and_then(|p| p.summary.as_ref())
        .expect("summary read");
    let typed_funds = typed_summary
        .iter()
        .find(|r| r.indicator == tongbao::model::Indicator::FundsInPlace)
        .map(|r| (r.month, r.ytd));
    assert_eq!(typed_funds, Some((None, None)));
    let trips = typed_summary
        .iter()
        .find(|r| r.indicator == tongbao::model::Indicator::OutboundTrips)
        .map(|r| (r.month, r.ytd));
    assert_eq!(trips, Some((Some(3), Some(15))));

    let saved = dir.path().join("saved");
    // A private profile, so a LibreOffice already running for someone else is not used.
    let profile = format!("file://{}", dir.path().join("lo-profile").display());
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(&saved)
        .arg(&typed)
        .output()
        .expect("soffice");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(saved.join("typed.xlsx")).expect("LibreOffice wrote the file");

    let report = check_bytes("巴南区.xlsx", &bytes);
    assert!(report.accepted(), "{:?}", report.diagnostics);
    assert_standard_figures(&report);
    assert_eq!(codes(&report, Severity::Warning), vec![]);
    let summary = report
        .parsed
        .as_ref()
        .and_then(|p| p.summary.as_ref())
        .expect("summary read");
    let reported = |i: tongbao::model::Indicator| {
        summary
            .iter()
            .find(|r| r.indicator == i)
            .map(|r| (r.month, r.ytd))
    };
    use tongbao::model::Indicator::*;
    assert_eq!(
        reported(SignedAmount),
        Some((Some(6_700_000), Some(7_500_000)))
    );
    assert_eq!(reported(FundsInPlace), Some((Some(170_050), Some(550_000))));
    assert_eq!(reported(NegotiatingCount), Some((Some(1), Some(1))));
    assert_eq!(reported(OutboundTrips), Some((Some(3), Some(15))));
    assert_eq!(reported(VisitorsReceived), Some((Some(5), Some(28))));
}
