//! Hostile and odd .xlsx files, each made here from the standard good return: damage in a
//! sheet or in the container is refused with a detail that names the sheet and the cell,
//! in words of both languages and none of the libraries', and is never read into changed
//! figures; odd but valid files are read as the return they are; and one shared string
//! copied into many cells is refused before its copies fill memory.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use tongbao::batch::read_error_diagnostic;
use tongbao::config::Limits;
use tongbao::diag::{Code, Severity};
use tongbao::lang::Lang;
use tongbao::read::{read_bytes, Budget, NotWorkbook, RawWorkbook, ReadError};
use zip::CompressionMethod;

use crate::hostile::{edited_return, part, rezip, run_bounded, unzip};
use crate::support::*;

/// The parts of the standard return: 基本信息 (B1 holds 巴南区 as a shared string) and
/// 项目明细 (K3 holds the first project's 合同投资额, 52000).
const INFO: &str = "xl/worksheets/sheet1.xml";
const LEDGER: &str = "xl/worksheets/sheet2.xml";

fn read(bytes: &[u8]) -> Result<RawWorkbook, ReadError> {
    read_bytes(bytes, &Limits::default())
}

/// The standard return with the text of part `name` edited by `edit`.
fn edit(name: &str, edit: impl FnOnce(&mut String)) -> Vec<u8> {
    edited_return(|parts| {
        let data = part(parts, name);
        let mut text = String::from_utf8(std::mem::take(data)).expect("utf-8 part");
        edit(&mut text);
        *data = text.into_bytes();
    })
}

/// The element `<c r="{at}" …>…</c>` of a sheet's XML.
fn cell(xml: &str, at: &str) -> String {
    let start = xml
        .find(&format!(r#"<c r="{at}""#))
        .unwrap_or_else(|| panic!("no cell {at}"));
    let end = start + xml[start..].find("</c>").expect("end of cell") + 4;
    xml[start..end].to_string()
}

/// The element `<row r="{n}" …>…</row>` of a sheet's XML.
fn row(xml: &str, n: u32) -> String {
    let start = xml
        .find(&format!(r#"<row r="{n}""#))
        .unwrap_or_else(|| panic!("no row {n}"));
    let end = start + xml[start..].find("</row>").expect("end of row") + 6;
    xml[start..end].to_string()
}

/// The damage detail of a refused file, (Chinese, English), checked for the words of
/// the libraries underneath.
fn damage(bytes: &[u8]) -> (String, String) {
    match read(bytes) {
        Err(ReadError::Truncated(d)) => {
            let (zh, en) = (d.text(Lang::Zh), d.text(Lang::En));
            assert_no_library_words(&zh, true);
            assert_no_library_words(&en, false);
            (zh, en)
        }
        other => panic!("expected a damaged file, got {other:?}"),
    }
}

/// A message free of what calamine, zip and quick-xml say in English (and, in Chinese,
/// of any English word but the few names a county knows), once what it quotes from the
/// file (“…” or "…") is taken out.
fn assert_no_library_words(text: &str, chinese: bool) {
    for phrase in [
        "Expecting",
        "Range is",
        "Parse",
        "zip::",
        "Unexpected",
        "I/O error",
        "Xml error",
        "Zip archive",
        "not found",
        "Worksheet '",
    ] {
        assert!(!text.contains(phrase), "{phrase:?} in {text}");
    }
    if chinese {
        let mut unquoted = String::new();
        let mut quoted = false;
        for c in text.chars() {
            match c {
                '“' => quoted = true,
                '”' => quoted = false,
                c if !quoted => unquoted.push(c),
                _ => {}
            }
        }
        for word in unquoted.split(|c: char| !c.is_ascii_alphabetic()) {
            assert!(
                word.len() < 5 || ["Excel", "dimension", "FALSE"].contains(&word),
                "English word {word:?} in {text}"
            );
        }
    }
}

/// The code of the only error the batch reports for a file, which must be refused.
fn refused_with(bytes: &[u8]) -> Code {
    let report = check_bytes("巴南区.xlsx", bytes);
    let errors = codes(&report, Severity::Error);
    assert_eq!(errors.len(), 1, "{:#?}", report.diagnostics.0);
    errors[0]
}

/// Asserts that the batch accepts `bytes` with the standard return's figures.
fn read_as_the_standard_return(bytes: &[u8]) {
    let standard = check_bytes("巴南区.xlsx", &Form::valid().xlsx());
    let report = check_bytes("巴南区.xlsx", bytes);
    assert!(report.accepted(), "{:#?}", report.diagnostics.0);
    assert!(standard.figures.is_some());
    assert_eq!(
        format!("{:?}", report.figures),
        format!("{:?}", standard.figures)
    );
}

// ---------------------------------------------------------------------------------------
// F3: one long shared string in many cells

/// The standard return with a `len`-byte shared string used by cells D11 to D{10 + uses}
/// of 基本信息.
fn long_string_in_many_cells(len: usize, uses: u32) -> Vec<u8> {
    edited_return(|p| {
        let sst = part(p, "xl/sharedStrings.xml");
        let text = String::from_utf8(std::mem::take(sst)).expect("utf-8");
        let index = text.matches("<si>").count();
        let long = "a".repeat(len);
        *sst = text
            .replacen("</sst>", &format!("<si><t>{long}</t></si></sst>"), 1)
            .into_bytes();
        let cells: String = (11..11 + uses)
            .map(|r| format!(r#"<row r="{r}"><c r="D{r}" t="s"><v>{index}</v></c></row>"#))
            .collect();
        let info = part(p, INFO);
        let text = String::from_utf8(std::mem::take(info)).expect("utf-8");
        *info = text
            .replacen("</sheetData>", &format!("{cells}</sheetData>"), 1)
            .into_bytes();
    })
}

#[test]
fn one_shared_string_copied_into_many_cells_is_refused_in_bounded_memory() {
    // 2 MB used 250 times: 500 MB of text from 25 KB of file.
    let bytes = long_string_in_many_cells(2_000_000, 250);
    assert!(bytes.len() < 100 << 10);
    match read(&bytes) {
        Err(ReadError::TooLarge {
            what: Budget::TextTotal,
            found,
            limit,
        }) => {
            assert_eq!(limit, 64 << 20, "an eighth of the decompression budget");
            assert!(found > limit);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }

    // Through the binary, beside a good return that is still accepted.
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    std::fs::write(ws.path().join("long-string.xlsx"), &bytes).expect("hostile");
    std::fs::write(ws.path().join("good.xlsx"), Form::valid().xlsx()).expect("good");
    let r = run_bounded(
        &[
            "check",
            "--format",
            "json",
            "--period",
            "2025-06",
            "long-string.xlsx",
            "good.xlsx",
        ],
        ws.path(),
        Duration::from_secs(120),
    );
    println!(
        "long string: {:.1} s, peak RSS {:.0} MB",
        r.elapsed.as_secs_f64(),
        r.peak_rss_kb as f64 / 1024.0
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let files = v["files"].as_array().expect("files");
    let by_name = |name: &str| {
        files
            .iter()
            .find(|f| f["file"].as_str().is_some_and(|p| p.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} not reported"))
    };
    assert_eq!(by_name("good.xlsx")["status"], "accepted");
    assert_eq!(
        by_name("long-string.xlsx")["diagnostics"][0]["code"],
        "E-FILE-TOO-LARGE"
    );
    assert!(
        r.peak_rss_kb < 200 * 1024,
        "peak RSS {} MB",
        r.peak_rss_kb / 1024
    );
}

#[test]
fn much_text_used_once_is_within_the_text_budget() {
    // 100 cells of 100 KB each: 10 MB of text, as much as any return holds many times over.
    let bytes = edited_return(|p| {
        let sst = part(p, "xl/sharedStrings.xml");
        let text = String::from_utf8(std::mem::take(sst)).expect("utf-8");
        let first = text.matches("<si>").count();
        let strings: String = (0..100)
            .map(|i| format!("<si><t>{}</t></si>", format!("{i:03}").repeat(33_000)))
            .collect();
        *sst = text
            .replacen("</sst>", &format!("{strings}</sst>"), 1)
            .into_bytes();
        let cells: String = (0..100)
            .map(|i| {
                let r = 11 + i;
                format!(
                    r#"<row r="{r}"><c r="D{r}" t="s"><v>{}</v></c></row>"#,
                    first + i
                )
            })
            .collect();
        let info = part(p, INFO);
        let text = String::from_utf8(std::mem::take(info)).expect("utf-8");
        *info = text
            .replacen("</sheetData>", &format!("{cells}</sheetData>"), 1)
            .into_bytes();
    });
    assert!(read(&bytes).is_ok());
}

// ---------------------------------------------------------------------------------------
// F5: references past XFD1048576

#[test]
fn cell_and_row_numbers_past_excels_last_cell_are_refused_not_wrapped() {
    // calamine's u32 reads K4294967299 as K3 and C4294967300 as C4.
    for (from, to) in [
        ("K3", "K4294967299"),
        ("C4", "C4294967300"),
        ("K3", "K1048577"),
        ("K3", "XFE3"),
    ] {
        let bytes = edit(LEDGER, |x| {
            *x = x.replacen(&format!(r#"<c r="{from}""#), &format!(r#"<c r="{to}""#), 1);
        });
        let (zh, en) = damage(&bytes);
        assert_eq!(
            zh,
            format!("工作表“项目明细”的单元格地址“{to}”超出了 Excel 的范围（最大为 XFD1048576）")
        );
        assert!(
            en.contains(&format!("\"{to}\" past Excel's last cell")),
            "{en}"
        );
        assert_eq!(refused_with(&bytes), Code::FileTruncated);
    }
    let bytes = edit(LEDGER, |x| {
        *x = x.replacen(r#"<row r="5""#, r#"<row r="4294967301""#, 1);
    });
    let (zh, _) = damage(&bytes);
    assert!(zh.contains("行号“4294967301”超出了 Excel 的范围"), "{zh}");
}

// ---------------------------------------------------------------------------------------
// F7: shared-string indexes that are not plain numbers

#[test]
fn shared_string_indexes_that_are_not_plain_numbers_are_refused_naming_the_cell() {
    for index in [
        "-1",
        "abc",
        "1.5",
        " 2 ",
        "+2",
        "0x2",
        "18446744073709551616",
    ] {
        let bytes = edit(INFO, |x| {
            let b1 = cell(x, "B1");
            assert!(b1.contains(r#"t="s""#), "{b1}");
            let start = b1.find("<v>").expect("value") + 3;
            let end = b1.find("</v>").expect("end of value");
            let changed = format!("{}{index}{}", &b1[..start], &b1[end..]);
            *x = x.replacen(&b1, &changed, 1);
        });
        let (zh, en) = damage(&bytes);
        assert!(
            zh.starts_with("工作表“基本信息”的单元格 B1 "),
            "{index:?}: {zh}"
        );
        assert!(en.contains("cell B1 of sheet \"基本信息\""), "{en}");
        assert_eq!(refused_with(&bytes), Code::FileTruncated, "{index:?}");
    }
}

// ---------------------------------------------------------------------------------------
// F8: duplicates

#[test]
fn a_cell_given_twice_is_refused_naming_it() {
    for second in [r#"<c r="K3"><v>99999</v></c>"#, r#"<c r="K3"/>"#] {
        let bytes = edit(LEDGER, |x| {
            let k3 = cell(x, "K3");
            *x = x.replacen(&k3, &format!("{k3}{second}"), 1);
        });
        let (zh, en) = damage(&bytes);
        assert_eq!(zh, "工作表“项目明细”的单元格 K3 出现了两次");
        assert_eq!(en, "cell K3 of sheet \"项目明细\" appears twice");
        assert_eq!(refused_with(&bytes), Code::FileTruncated);
    }
    // The same address further on, after other rows.
    let bytes = edit(LEDGER, |x| {
        *x = x.replacen(
            "</sheetData>",
            r#"<row r="40"><c r="K3"><v>1</v></c></row></sheetData>"#,
            1,
        );
    });
    assert_eq!(damage(&bytes).0, "工作表“项目明细”的单元格 K3 出现了两次");
}

#[test]
fn a_row_given_twice_is_refused() {
    let bytes = edit(LEDGER, |x| {
        let fourth = row(x, 4);
        *x = x.replacen(&fourth, &format!("{fourth}{fourth}"), 1);
    });
    assert_eq!(damage(&bytes).0, "工作表“项目明细”的第 4 行出现了两次");
    let bytes = edit(LEDGER, |x| {
        let fourth = row(x, 4);
        *x = x.replacen(&fourth, &format!(r#"{fourth}<row r="4"/>"#), 1);
    });
    assert_eq!(damage(&bytes).0, "工作表“项目明细”的第 4 行出现了两次");
}

#[test]
fn cells_and_rows_without_addresses_are_read_where_they_stand() {
    // An address is optional: a cell is then the one after the previous cell of its row,
    // a row the one after the previous row. Every address that says no more is dropped.
    let strip = |x: &mut String| {
        let mut out = String::new();
        let (mut rest, mut last_row, mut last_col) = (x.as_str(), 0u32, None::<u32>);
        while let Some(at) = rest.find(" r=\"") {
            let tag_start = rest[..at].rfind('<').expect("tag");
            let name = &rest[tag_start + 1..at];
            let value_end = at + 4 + rest[at + 4..].find('"').expect("end of r");
            let value = &rest[at + 4..value_end];
            let letters = value.chars().take_while(char::is_ascii_alphabetic).count();
            let implied = match name {
                "row" => {
                    let n: u32 = value.parse().expect("row number");
                    let implied = n == last_row + 1;
                    (last_row, last_col) = (n, None);
                    implied
                }
                "c" => {
                    let col = value[..letters]
                        .bytes()
                        .fold(0, |n, c| n * 26 + u32::from(c - b'A') + 1);
                    let implied = col == last_col.map_or(1, |c| c + 1);
                    last_col = Some(col);
                    implied
                }
                _ => false,
            };
            out.push_str(&rest[..at]);
            if !implied {
                out.push_str(&rest[at..value_end + 1]);
            }
            rest = &rest[value_end + 1..];
        }
        out.push_str(rest);
        *x = out;
    };
    let bytes = edited_return(|p| {
        for name in [INFO, LEDGER] {
            let data = part(p, name);
            let mut text = String::from_utf8(std::mem::take(data)).expect("utf-8");
            let before = text.matches(" r=\"").count();
            strip(&mut text);
            assert!(text.matches(" r=\"").count() * 2 < before, "{text}");
            *data = text.into_bytes();
        }
    });
    read_as_the_standard_return(&bytes);
}

/// The standard return, stored, with a second part named `name` (the same length as
/// `xl/worksheets/sheet2.xml`) whose K3 says 99999.
fn with_second_ledger_named(name: &str) -> Vec<u8> {
    assert_eq!(name.len(), LEDGER.len());
    let mut parts = unzip(&Form::valid().xlsx());
    let ledger = String::from_utf8(part(&mut parts, LEDGER).clone()).expect("utf-8");
    let k3 = cell(&ledger, "K3");
    let forged = ledger.replacen(&k3, r#"<c r="K3"><v>99999</v></c>"#, 1);
    parts.push(("xl/worksheets/sheet9.xml".into(), forged.into_bytes()));
    // The zip writer refuses two entries of one name, so the name is put in afterwards
    // (in the local header and the directory alike).
    let mut bytes = rezip(&parts, CompressionMethod::Stored);
    let placeholder = b"xl/worksheets/sheet9.xml";
    let mut at = 0;
    while let Some(i) = bytes[at..]
        .windows(placeholder.len())
        .position(|w| w == placeholder)
    {
        bytes[at + i..at + i + placeholder.len()].copy_from_slice(name.as_bytes());
        at += i + placeholder.len();
    }
    bytes
}

#[test]
fn two_parts_with_one_name_are_refused() {
    let (zh, en) = damage(&with_second_ledger_named(LEDGER));
    assert_eq!(zh, "压缩包内有两个同名的部件“xl/worksheets/sheet2.xml”");
    assert_eq!(
        en,
        "the ZIP archive holds two parts named \"xl/worksheets/sheet2.xml\""
    );
    // calamine finds parts whatever their case: these two are one name to it.
    let (zh, _) = damage(&with_second_ledger_named("XL/worksheets/Sheet2.xml"));
    assert!(zh.contains("只差大小写"), "{zh}");
    assert_eq!(
        refused_with(&with_second_ledger_named(LEDGER)),
        Code::FileTruncated
    );
}

// ---------------------------------------------------------------------------------------
// F11b: relationship targets

#[test]
fn relative_relationship_targets_are_resolved_and_read() {
    let rels = "xl/_rels/workbook.xml.rels";
    for (part_name, from, to) in [
        (
            rels,
            r#"Target="worksheets/sheet1.xml""#,
            r#"Target="../xl/worksheets/sheet1.xml""#,
        ),
        (
            rels,
            r#"Target="worksheets/sheet2.xml""#,
            r#"Target="/xl/./worksheets/sheet2.xml""#,
        ),
        (
            rels,
            r#"Target="worksheets/sheet2.xml""#,
            r#"Target="worksheets\sheet2.xml""#,
        ),
        (
            "_rels/.rels",
            r#"Target="xl/workbook.xml""#,
            r#"Target="./xl/workbook.xml""#,
        ),
    ] {
        let bytes = edit(part_name, |x| {
            assert!(x.contains(from), "{x}");
            *x = x.replacen(from, to, 1);
        });
        read_as_the_standard_return(&bytes);
    }
    let escaping = edit(rels, |x| {
        *x = x.replacen(
            r#"Target="worksheets/sheet1.xml""#,
            r#"Target="../../worksheets/sheet1.xml""#,
            1,
        );
    });
    let (zh, en) = damage(&escaping);
    assert_eq!(zh, "关系的目标“../../worksheets/sheet1.xml”指向压缩包之外");
    assert!(en.contains("points outside the package"), "{en}");
}

// ---------------------------------------------------------------------------------------
// F11e: the libraries' words

#[test]
fn damage_inside_a_sheet_is_told_in_both_languages() {
    let ledger_cell = |to: &str| {
        edit(LEDGER, |x| {
            let k3 = cell(x, "K3");
            *x = x.replacen(&k3, to, 1);
        })
    };
    let cases = [
        (
            ledger_cell(r#"<c r="$K$3"><v>1</v></c>"#),
            "工作表“项目明细”的单元格地址“$K$3”无效",
        ),
        (
            ledger_cell(r#"<c r="K"><v>1</v></c>"#),
            "工作表“项目明细”的单元格地址“K”无效",
        ),
        (
            ledger_cell(r#"<c r="K3" t="n"><v>abc</v></c>"#),
            "工作表“项目明细”的单元格 K3 标为数值，但内容“abc”不是数字",
        ),
        (
            ledger_cell(r#"<c r="K3" t="e"><v>#BOGUS</v></c>"#),
            "工作簿内容无法解析：工作表“项目明细”J3 之后：错误值“#BOGUS”无法识别",
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(damage(&bytes).0, expected);
    }
    // A sheet cut off in the middle: quick-xml's error, told in Chinese.
    let cut = edit(LEDGER, |x| {
        let half = x.len() / 2;
        let at = x[..half].rfind('<').expect("a tag");
        x.truncate(at + 3);
    });
    let (zh, en) = damage(&cut);
    assert!(zh.contains("工作表“项目明细”"), "{zh}");
    assert!(en.contains("sheet \"项目明细\""), "{en}");

    // The batch words the English report in English.
    let err = read(&ledger_cell(r#"<c r="$K$3"><v>1</v></c>"#)).expect_err("refused");
    let d = read_error_diagnostic(&err, Path::new("a.xlsx"), Lang::En);
    assert_eq!(d.code, Code::FileTruncated);
    assert!(
        d.message(Lang::En)
            .contains("sheet \"项目明细\" has an invalid cell address \"$K$3\""),
        "{}",
        d.message(Lang::En)
    );
}

/// The offset of the headers of `name`: (local header, central directory header).
fn headers_of(bytes: &[u8], name: &str) -> (usize, usize) {
    let find = |signature: &[u8], name_at: usize| {
        (0..bytes.len() - 4)
            .find(|&i| {
                bytes[i..].starts_with(signature)
                    && bytes.get(i + name_at..i + name_at + name.len()) == Some(name.as_bytes())
            })
            .unwrap_or_else(|| panic!("no header of {name}"))
    };
    (find(b"PK\x03\x04", 30), find(b"PK\x01\x02", 46))
}

#[test]
fn damage_to_the_container_is_told_in_both_languages() {
    // A compression method the reader does not have is not an XML error.
    for (method, name) in [(12u16, "Bzip2 (12)"), (14, "Lzma (14)"), (99, "Aes (99)")] {
        let mut bytes = rezip(&unzip(&Form::valid().xlsx()), CompressionMethod::Stored);
        let (local, central) = headers_of(&bytes, LEDGER);
        bytes[local + 8..local + 10].copy_from_slice(&method.to_le_bytes());
        bytes[central + 10..central + 12].copy_from_slice(&method.to_le_bytes());
        assert_eq!(
            read(&bytes).err(),
            Some(ReadError::Other(NotWorkbook::UnsupportedCompression(
                name.into()
            )))
        );
        assert_eq!(refused_with(&bytes), Code::FileOther);
    }

    // A part's local header cut off by the end of the file.
    let mut bytes = Form::valid().xlsx();
    let last = bytes
        .windows(4)
        .rposition(|w| w == b"PK\x01\x02")
        .expect("a directory entry");
    let near_end = (bytes.len() as u32 - 10).to_le_bytes();
    bytes[last + 42..last + 46].copy_from_slice(&near_end);
    let (zh, en) = damage(&bytes);
    assert!(
        zh.starts_with("ZIP 压缩包损坏：") && zh.ends_with("的文件头损坏或不完整"),
        "{zh}"
    );
    assert!(en.contains("is damaged or cut short"), "{en}");

    // Data that does not match its checksum.
    let mut bytes = rezip(&unzip(&Form::valid().xlsx()), CompressionMethod::Stored);
    let (local, _) = headers_of(&bytes, LEDGER);
    let data = local + 30 + LEDGER.len() + 100;
    bytes[data] ^= 0x20;
    let (zh, en) = damage(&bytes);
    assert_eq!(zh, format!("ZIP 压缩包损坏：“{LEDGER}”的数据与校验和不符"));
    assert!(en.contains("does not match its checksum"), "{en}");
}

#[test]
fn an_end_record_inside_the_archive_comment_is_not_taken_for_the_archives() {
    // The comment begins with the end record's signature and reads as 16 705 entries.
    let mut bytes = Form::valid().xlsx();
    let comment = [&b"PK\x05\x06"[..], &[b'A'; 40]].concat();
    let n = bytes.len();
    assert_eq!(&bytes[n - 22..n - 18], b"PK\x05\x06", "no comment yet");
    bytes[n - 2..].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    bytes.extend_from_slice(&comment);
    read_as_the_standard_return(&bytes);
}
