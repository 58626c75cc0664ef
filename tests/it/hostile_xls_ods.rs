//! Hostile .xls and .ods files that calamine reads without complaint into a wrong, empty
//! or endless workbook, or at a gigabyte of memory: each is refused by the pre-scans with
//! its own damage detail or budget, while genuine Excel 5.0/95 files and the sample
//! returns of both formats still read.
//!
//! The files are built here: hand-written BIFF records and OpenDocument rows, or a sample
//! return (samples/returns/2025-06) with one thing changed, as a county's broken export
//! or an attacker would change it.

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use tongbao::config::Limits;
use tongbao::diag::{Code, Severity};
use tongbao::lang::Lang;
use tongbao::read::{read_bytes, Budget, CellValue, RawWorkbook, ReadError};

use crate::binary::repo;
use crate::read::{biff_stream, number, ods_with, ole_of, rec, zip_of};
use crate::support::{check_bytes, codes};
use crate::xls_open::{encrypt, filepass_at, BUILT_IN, SCHEMES};

fn read(bytes: &[u8]) -> Result<RawWorkbook, ReadError> {
    read_bytes(bytes, &Limits::default())
}

/// The damage detail (Chinese, English) of a refused file.
fn damage(r: Result<RawWorkbook, ReadError>) -> (String, String) {
    match r {
        Err(ReadError::Truncated(d)) => (d.text(Lang::Zh), d.text(Lang::En)),
        other => panic!("expected damage, got {other:?}"),
    }
}

/// The budget a refused file exceeded, with what it had.
fn exceeded(r: Result<RawWorkbook, ReadError>) -> (Budget, u64) {
    match r {
        Err(ReadError::TooLarge { what, found, limit }) => {
            assert!(found > limit, "{what:?}: {found} should be over {limit}");
            (what, found)
        }
        other => panic!("expected a budget, got {other:?}"),
    }
}

/// English text says nothing in Chinese (the sheets here have ASCII names).
fn english(en: &str) -> &str {
    assert!(
        !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{en}"
    );
    en
}

/// Reads on a thread, failing after `limit` instead of waiting for a reader that never
/// returns (the spinning thread is left to the end of the test process).
fn read_within(bytes: Vec<u8>, limit: Duration) -> Result<RawWorkbook, ReadError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read(&bytes));
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("the read did not finish within {limit:?}"))
}

// ---------------------------------------------------------------------------------------
// BIFF builders

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const LABELSST: u16 = 0x00FD;
const STRING: u16 = 0x0207;
const FORMULA: u16 = 0x0006;
const MULRK: u16 = 0x00BD;
const LBL: u16 = 0x0018;

/// A BIFF8-sized BOF record of `version` and type `dt`.
fn bof(version: u16, dt: u16) -> Vec<u8> {
    rec(
        BOF,
        &[&version.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 12]].concat(),
    )
}

/// A BIFF8 BoundSheet of a worksheet at `pos`, named with one Latin-1 byte.
fn boundsheet(pos: u32, name: u8) -> Vec<u8> {
    rec(
        BOUNDSHEET,
        &[&pos.to_le_bytes()[..], &[0, 0, 1, 0, name]].concat(),
    )
}

/// A shared string table of Latin-1 strings.
fn sst(strings: &[&str]) -> Vec<u8> {
    let n = strings.len() as u32;
    let mut d = [n.to_le_bytes(), n.to_le_bytes()].concat();
    for s in strings {
        d.extend_from_slice(&(s.len() as u16).to_le_bytes());
        d.push(0);
        d.extend_from_slice(s.as_bytes());
    }
    rec(SST, &d)
}

fn labelsst(row: u16, col: u16, index: u32) -> Vec<u8> {
    let d = [
        &row.to_le_bytes()[..],
        &col.to_le_bytes(),
        &0u16.to_le_bytes(),
        &index.to_le_bytes(),
    ]
    .concat();
    rec(LABELSST, &d)
}

/// A FORMULA record with no tokens and the cached value `value` (8 bytes).
fn formula(row: u16, col: u16, value: [u8; 8]) -> Vec<u8> {
    let d = [
        &row.to_le_bytes()[..],
        &col.to_le_bytes(),
        &0u16.to_le_bytes(),
        &value,
        &[0; 6],
        &0u16.to_le_bytes(),
    ]
    .concat();
    rec(FORMULA, &d)
}

/// The cached value of a formula whose result is a string (given by the STRING after).
const STRING_RESULT: [u8; 8] = [0, 0, 0, 0, 0, 0, 0xFF, 0xFF];

/// A STRING record (a string formula's value) of Latin-1 text.
fn string(text: &str) -> Vec<u8> {
    let mut d = (text.len() as u16).to_le_bytes().to_vec();
    d.push(0);
    d.extend_from_slice(text.as_bytes());
    rec(STRING, &d)
}

/// A MULRK of the integers `values` from column `first` on.
fn mulrk(row: u16, first: u16, values: &[i32]) -> Vec<u8> {
    let mut d = [row.to_le_bytes(), first.to_le_bytes()].concat();
    for v in values {
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&((v << 2) | 2).to_le_bytes());
    }
    d.extend_from_slice(&(first + values.len() as u16 - 1).to_le_bytes());
    rec(MULRK, &d)
}

/// A defined name "A" whose formula is `rgce` (BIFF8 layout of the name).
fn defined_name(rgce: &[u8]) -> Vec<u8> {
    let mut d = vec![0, 0, 0, 1];
    d.extend_from_slice(&(rgce.len() as u16).to_le_bytes());
    d.extend_from_slice(&[0; 8]);
    d.extend_from_slice(&[0, b'A']);
    d.extend_from_slice(rgce);
    rec(LBL, &d)
}

/// A PtgArea3d as BIFF8 writes it: 11 bytes.
const AREA3D_BIFF8: [u8; 11] = [0x3b, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0];

/// `biff_stream` with the globals' BOF claiming `version`.
fn claiming(version: u16, mut stream: Vec<u8>) -> Vec<u8> {
    stream[4..6].copy_from_slice(&version.to_le_bytes());
    stream
}

/// An .xls of one Workbook stream. Version 3 (512-byte sectors): calamine refuses a
/// version 4 file without a mini stream, which is what `ole_of` makes of a large stream.
pub(crate) fn xls(stream: &[u8]) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
        .expect("cfb");
    cf.create_stream("/Workbook")
        .and_then(|mut s| s.write_all(stream))
        .expect("stream");
    cf.flush().expect("flush");
    cf.into_inner().into_inner()
}

/// Where `biff_stream(globals_extra, …)` writes its sheet's position.
fn sheet_pos_at(globals_extra: &[u8]) -> usize {
    20 + globals_extra.len() + 4
}

/// `biff_stream(globals_extra, …)` with its BoundSheet fitting the Excel 5.0/95 layout:
/// a name of two characters (the BIFF8 flags byte, then "S") instead of one.
fn as_biff5(mut stream: Vec<u8>, globals_extra: &[u8]) -> Vec<u8> {
    stream[sheet_pos_at(globals_extra) + 6] = 2;
    stream
}

// ---------------------------------------------------------------------------------------
// BIFF: the format the BOF claims

#[test]
fn a_bof_claiming_excel_95_over_excel_97_records_is_damage() {
    // The probe's F1: calamine decodes the BIFF8 defined name with the BIFF5 layout and
    // panics ("range end index 13 out of range for slice of length 11").
    let globals = [defined_name(&AREA3D_BIFF8), sst(&["a"])].concat();
    let stream = claiming(0x0500, biff_stream(&globals, &labelsst(0, 0, 0)));
    let (zh, en) = damage(read(&xls(&stream)));
    assert!(zh.contains("BIFF5") && zh.contains("共享字符串表"), "{zh}");
    assert!(english(&en).contains("Excel 5.0/95"), "{en}");

    // Without an SST, the BoundSheet's BIFF8 layout (a flags byte before the name) gives
    // it away; the sheets' own BOFs (version 0x0600) do not, since Excel writes those in
    // genuine Excel 5.0/95 files too (tests/it/xls_open.rs).
    let stream = claiming(0x0500, biff_stream(&[], &number(0, 0, 1.0)));
    let (zh, en) = damage(read(&xls(&stream)));
    assert!(zh.contains("BoundSheet"), "{zh}");
    assert!(english(&en).contains("BoundSheet"), "{en}");

    // And with every BOF claiming BIFF5 and the BoundSheet read as BIFF5, a shared-string
    // cell does.
    let mut stream = as_biff5(claiming(0x0500, biff_stream(&[], &labelsst(0, 0, 0))), &[]);
    let sheet = sheet_pos_at(&[]) + 9 + 4 + 4;
    stream[sheet..sheet + 2].copy_from_slice(&0x0500u16.to_le_bytes());
    let (_, en) = damage(read(&xls(&stream)));
    assert!(en.contains("LABELSST"), "{en}");
}

#[test]
fn a_bof_claiming_excel_2_to_4_is_damage() {
    // Those versions wrote neither this BOF record nor compound files; calamine would
    // read everything with the BIFF5 layouts.
    for version in [0x0200u16, 0x0002, 0x0007, 0x0300, 0x0400] {
        let stream = claiming(version, biff_stream(&[], &number(0, 0, 1.0)));
        let (zh, en) = damage(read(&xls(&stream)));
        let shown = format!("0x{version:04X}");
        assert!(zh.contains(&shown) && english(&en).contains(&shown), "{en}");
    }
}

#[test]
fn a_genuine_excel_95_workbook_still_reads() {
    let bof5 = |dt: u16| {
        rec(
            BOF,
            &[&0x0500u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 4]].concat(),
        )
    };
    let boundsheet5 = |pos: u32| {
        rec(
            BOUNDSHEET,
            &[&pos.to_le_bytes()[..], &[0, 0, 1, b'S']].concat(),
        )
    };
    let head = bof5(5).len() + boundsheet5(0).len() + 4;
    let stream = [
        bof5(5),
        boundsheet5(head as u32),
        rec(EOF, &[]),
        bof5(0x10),
        number(0, 0, 1.0),
        rec(EOF, &[]),
    ]
    .concat();
    let book = read(&ole_of(&[("Book", &stream)])).expect("Excel 95 reads");
    assert_eq!(book.sheets[0].name, "S");
    assert_eq!(book.sheets[0].get(0, 0), Some(&CellValue::Number(1.0)));
}

#[test]
fn a_defined_name_cut_short_is_damage() {
    // calamine reads a 3-D reference's fields without checking the formula holds them.
    let stream = biff_stream(&defined_name(&[0x3b, 0, 0]), &number(0, 0, 1.0));
    let (_, en) = damage(read(&xls(&stream)));
    assert!(english(&en).contains("defined name"), "{en}");
    // BIFF5 layouts are ten bytes longer: the 11 bytes of a BIFF8 area are not enough.
    let globals = defined_name(&AREA3D_BIFF8);
    let stream = claiming(0x0500, biff_stream(&globals, &[]));
    let mut stream = as_biff5(stream, &globals);
    let sheet = sheet_pos_at(&defined_name(&AREA3D_BIFF8)) + 9 + 4 + 4;
    stream[sheet..sheet + 2].copy_from_slice(&0x0500u16.to_le_bytes());
    assert!(damage(read(&xls(&stream))).1.contains("defined name"));
    // A whole one reads.
    let stream = biff_stream(&defined_name(&AREA3D_BIFF8), &number(0, 0, 1.0));
    assert!(read(&xls(&stream)).is_ok());
}

// ---------------------------------------------------------------------------------------
// BIFF: where the sheets are

#[test]
fn an_empty_workbook_stream_is_damage() {
    let (zh, en) = damage(read(&xls(&[])));
    assert!(
        zh.contains("0 字节") && english(&en).contains("empty"),
        "{en}"
    );
    let report = check_bytes("巴南区.xls", &xls(&[]));
    assert_eq!(codes(&report, Severity::Error), [Code::FileTruncated]);
}

#[test]
fn a_stream_that_does_not_open_with_a_bof_is_damage() {
    let mut stream = biff_stream(&[], &number(0, 0, 1.0));
    stream.splice(0..0, number(0, 0, 2.0));
    assert!(english(&damage(read(&xls(&stream))).1).contains("BOF"));
}

#[test]
fn a_workbook_without_sheets_is_damage() {
    let stream = [bof(0x0600, 5), rec(EOF, &[])].concat();
    assert!(english(&damage(read(&xls(&stream))).1).contains("no sheets"));
}

#[test]
fn a_sheet_position_that_is_not_a_sheet_start_is_damage() {
    let good = biff_stream(&[], &[number(0, 0, 1.0), number(1, 0, 2.0)].concat());
    let at = sheet_pos_at(&[]);
    let with_pos = |pos: usize| {
        let mut s = good.clone();
        s[at..at + 4].copy_from_slice(&(pos as u32).to_le_bytes());
        xls(&s)
    };
    // At the globals: calamine would read the globals as an empty sheet.
    let (_, en) = damage(read(&with_pos(0)));
    assert!(english(&en).contains("globals"), "{en}");
    // At the last EOF: an empty sheet again.
    let (_, en) = damage(read(&with_pos(good.len() - 4)));
    assert!(english(&en).contains("not the start of a sheet"), "{en}");
    // At the second cell: a sheet without its first rows.
    let sheet = at + 4 + 5 + 4;
    let (_, en) = damage(read(&with_pos(sheet + 20 + 18)));
    assert!(en.contains("not the start of a sheet"), "{en}");
    assert!(read(&with_pos(sheet)).is_ok());
}

#[test]
fn only_worksheets_are_held_to_their_position() {
    // A chart sheet listed at the globals is left as calamine reads it: the reader keeps
    // worksheets only.
    let chart = rec(
        BOUNDSHEET,
        &[&0u32.to_le_bytes()[..], &[0, 2, 1, 0, b'C']].concat(),
    );
    let stream = biff_stream(&chart, &number(0, 0, 1.0));
    let book = read(&xls(&stream)).expect("reads");
    assert_eq!(book.sheets.len(), 1);
    assert_eq!(book.sheets[0].get(0, 0), Some(&CellValue::Number(1.0)));
}

#[test]
fn two_sheets_at_one_place_are_damage() {
    // Sheet A holds a chart; sheet B is given the same position as A, then the chart's.
    let globals_len = 20 + 2 * 13 + 4;
    let sheet_a = [
        bof(0x0600, 0x10),
        number(0, 0, 1.0),
        bof(0x0600, 0x20),
        rec(EOF, &[]),
        rec(EOF, &[]),
    ]
    .concat();
    let chart_at = globals_len + 20 + 18;
    for b_at in [globals_len, chart_at] {
        let stream = [
            bof(0x0600, 5),
            boundsheet(globals_len as u32, b'A'),
            boundsheet(b_at as u32, b'B'),
            rec(EOF, &[]),
            sheet_a.clone(),
        ]
        .concat();
        let (_, en) = damage(read(&xls(&stream)));
        assert!(
            english(&en).contains("sheet \"B\" starts inside the records of sheet \"A\""),
            "{en}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// BIFF: cells calamine would drop or overwrite

#[test]
fn a_shared_string_cell_past_the_table_is_damage_at_its_cell() {
    // The probe's F6: calamine leaves the cell blank and the return reads short.
    let stream = biff_stream(&sst(&["a"]), &labelsst(2, 5, 1));
    let (zh, en) = damage(read(&xls(&stream)));
    assert!(zh.contains("“S”") && zh.contains("F3"), "{zh}");
    assert!(
        english(&en).contains("cell F3") && en.contains("#1"),
        "{en}"
    );
    let stream = biff_stream(&sst(&["a"]), &labelsst(2, 5, u32::MAX));
    assert!(damage(read(&xls(&stream))).1.contains("#4294967295"));
    // Within the table it reads.
    let stream = biff_stream(&sst(&["a"]), &labelsst(2, 5, 0));
    let book = read(&xls(&stream)).expect("reads");
    assert_eq!(book.sheets[0].get(2, 5), Some(&CellValue::Text("a".into())));
}

#[test]
fn a_shared_string_cell_without_a_table_is_damage() {
    let stream = biff_stream(&[], &labelsst(0, 0, 0));
    let (_, en) = damage(read(&xls(&stream)));
    assert!(english(&en).contains("no shared string table"), "{en}");
    let report = check_bytes("巴南区.xls", &xls(&stream));
    assert_eq!(codes(&report, Severity::Error), [Code::FileTruncated]);
}

#[test]
fn a_cell_stored_twice_is_damage_at_its_cell() {
    let twice = |records: &[Vec<u8>]| {
        let stream = biff_stream(&sst(&["a"]), &records.concat());
        let (zh, en) = damage(read(&xls(&stream)));
        assert!(zh.contains("存储了不止一次"), "{zh}");
        english(&en).to_string()
    };
    // The probe's F8: the second NUMBER silently replaces the first.
    assert!(twice(&[number(2, 10, 6720.0), number(2, 10, 99999.0)]).contains("cell K3"));
    assert!(twice(&[number(2, 10, 1.0), labelsst(2, 10, 0)]).contains("cell K3"));
    // Apart in the stream, out of order.
    let apart = [number(5, 0, 1.0), number(1, 0, 2.0), number(5, 0, 3.0)];
    assert!(twice(&apart).contains("cell A6"));
    // Inside a MULRK's run.
    assert!(twice(&[mulrk(3, 1, &[1, 2, 3]), number(3, 2, 4.0)]).contains("cell C4"));
    // A STRING after a formula that had a number already.
    let numeric = formula(2, 1, 5.0f64.to_le_bytes());
    assert!(twice(&[numeric, string("x")]).contains("cell B3"));
}

#[test]
fn cells_stored_once_are_not_repeats() {
    // Out of order but distinct; a string formula's value in its STRING record.
    let records = [
        number(5, 0, 1.0),
        number(1, 0, 2.0),
        formula(2, 1, STRING_RESULT),
        string("x"),
        mulrk(3, 1, &[1, 2]),
        number(3, 3, 3.0),
    ]
    .concat();
    let book = read(&xls(&biff_stream(&[], &records))).expect("reads");
    let sheet = &book.sheets[0];
    assert_eq!(sheet.get(2, 1), Some(&CellValue::Text("x".into())));
    assert_eq!(sheet.get(3, 2), Some(&CellValue::Number(2.0)));
    assert_eq!(sheet.cells.len(), 6);
}

// ---------------------------------------------------------------------------------------
// BIFF: the same on a real county return

/// The Workbook stream of the sample 丰都县 return.
pub(crate) fn sample_stream() -> Vec<u8> {
    let file = std::fs::read(repo().join("samples/returns/2025-06/丰都县-2025-06.xls"))
        .expect("sample .xls");
    let mut cf = cfb::CompoundFile::open(Cursor::new(file)).expect("compound file");
    let mut stream = Vec::new();
    cf.open_stream("/Workbook")
        .expect("Workbook stream")
        .read_to_end(&mut stream)
        .expect("read stream");
    stream
}

/// (offset of the header, type, data length) of every record.
fn records(stream: &[u8]) -> Vec<(usize, u16, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        out.push((at, typ, len));
        at += 4 + len;
    }
    out
}

/// The stream offset of each sheet's BOF, from the BoundSheet records, with where each
/// position is written.
fn sheet_positions(stream: &[u8]) -> Vec<(usize, usize)> {
    records(stream)
        .into_iter()
        .filter(|&(_, typ, _)| typ == BOUNDSHEET)
        .map(|(at, _, _)| {
            let field = at + 4;
            let pos = u32::from_le_bytes(stream[field..field + 4].try_into().unwrap());
            (field, pos as usize)
        })
        .collect()
}

/// The ledger (项目明细) is the sample's third sheet: its records' range.
fn ledger(stream: &[u8]) -> std::ops::Range<usize> {
    let positions = sheet_positions(stream);
    let start = positions[2].1;
    let end = records(stream)
        .into_iter()
        .find(|&(at, typ, _)| at > start && typ == EOF)
        .map(|(at, _, _)| at)
        .expect("ledger EOF");
    start..end
}

#[test]
fn the_sample_xls_reads_until_it_is_broken() {
    let stream = sample_stream();
    let book = read(&xls(&stream)).expect("the sample reads");
    assert_eq!(book.sheets[2].name, "项目明细");

    // F1: its BOF says Excel 95.
    let (zh, _) = damage(read(&xls(&claiming(0x0500, stream.clone()))));
    assert!(zh.contains("BIFF5"), "{zh}");
    let report = check_bytes("丰都县.xls", &xls(&claiming(0x0500, stream.clone())));
    assert_eq!(codes(&report, Severity::Error), [Code::FileTruncated]);

    // F6: a ledger cell's string index past the table.
    let range = ledger(&stream);
    let (at, _, _) = records(&stream)
        .into_iter()
        .find(|&(at, typ, _)| range.contains(&at) && typ == LABELSST)
        .expect("a shared-string cell in the ledger");
    let mut broken = stream.clone();
    broken[at + 10..at + 14].copy_from_slice(&u32::MAX.to_le_bytes());
    let (zh, _) = damage(read(&xls(&broken)));
    assert!(
        zh.contains("“项目明细”") && zh.contains("4294967295"),
        "{zh}"
    );

    // F8: two neighbouring ledger cells given one address.
    let cells: Vec<usize> = records(&stream)
        .into_iter()
        .filter(|&(at, typ, _)| range.contains(&at) && [0x0203, 0x027E, LABELSST].contains(&typ))
        .map(|(at, _, _)| at)
        .collect();
    let pair = cells
        .windows(2)
        .find(|w| stream[w[0] + 4..w[0] + 6] == stream[w[1] + 4..w[1] + 6])
        .expect("two cells in one row");
    let mut broken = stream.clone();
    let first_col = [stream[pair[0] + 6], stream[pair[0] + 7]];
    broken[pair[1] + 6..pair[1] + 8].copy_from_slice(&first_col);
    let row = u32::from(u16::from_le_bytes([
        stream[pair[0] + 4],
        stream[pair[0] + 5],
    ]));
    let col = u32::from(u16::from_le_bytes(first_col));
    let cell = tongbao::model::a1(row, col);
    let (zh, _) = damage(read(&xls(&broken)));
    assert!(
        zh.contains(&format!("单元格 {cell} 存储了不止一次")),
        "{zh}"
    );
}

#[test]
fn the_sample_xls_with_its_sheets_misplaced_or_its_strings_gone_is_damage() {
    let stream = sample_stream();
    let (field, _) = sheet_positions(&stream)[2];
    let last_eof = records(&stream).last().expect("records").0;
    for pos in [0, last_eof] {
        let mut broken = stream.clone();
        broken[field..field + 4].copy_from_slice(&(pos as u32).to_le_bytes());
        let report = check_bytes("丰都县.xls", &xls(&broken));
        assert_eq!(
            codes(&report, Severity::Error),
            [Code::FileTruncated],
            "{pos}"
        );
    }

    // No SST: the table and its CONTINUE records taken out, the sheets moved up.
    let all = records(&stream);
    let i = all.iter().position(|r| r.1 == SST).expect("SST");
    let mut end = i + 1;
    while all[end].1 == 0x003C {
        end += 1;
    }
    let (from, to) = (all[i].0, all[end].0);
    let mut broken = [&stream[..from], &stream[to..]].concat();
    for (field, pos) in sheet_positions(&broken) {
        broken[field..field + 4].copy_from_slice(&((pos - (to - from)) as u32).to_le_bytes());
    }
    let (zh, _) = damage(read(&xls(&broken)));
    assert!(zh.contains("没有共享字符串表"), "{zh}");
}

// ---------------------------------------------------------------------------------------
// BIFF: encrypted with Excel's built-in password, then broken

#[test]
fn a_filepass_cut_short_is_encrypted_at_every_length() {
    let stream = sample_stream();
    for scheme in SCHEMES {
        let encrypted = encrypt(&stream, scheme, BUILT_IN);
        let (at, len) = filepass_at(&encrypted);
        for n in 0..len {
            // The record shortened to n bytes, the rest of the stream moved up.
            let mut cut = [&encrypted[..at + n], &encrypted[at + len..]].concat();
            cut[at - 2..at].copy_from_slice(&(n as u16).to_le_bytes());
            assert_eq!(
                read(&xls(&cut)).err(),
                Some(ReadError::Encrypted),
                "{scheme:?}: {n} bytes"
            );
        }
    }
}

#[test]
fn a_garbled_filepass_reads_the_same_or_stays_encrypted() {
    // A changed salt, verifier, key size or size field fails the password check; a
    // changed field the decryption does not use (flags, provider name) changes nothing.
    let stream = sample_stream();
    let plain = read(&xls(&stream)).expect("the sample reads");
    for scheme in SCHEMES {
        let encrypted = encrypt(&stream, scheme, BUILT_IN);
        let (at, len) = filepass_at(&encrypted);
        for i in at..at + len {
            let mut garbled = encrypted.clone();
            garbled[i] ^= 0xA5;
            match read(&xls(&garbled)) {
                Ok(book) => assert_eq!(book, plain, "{scheme:?}: byte {}", i - at),
                Err(e) => assert_eq!(e, ReadError::Encrypted, "{scheme:?}: byte {}", i - at),
            }
        }
    }
}

#[test]
fn a_garbled_encrypted_stream_never_fails_inside_a_reader() {
    // Record headers garbled shift what is decrypted; data garbled decrypts to garbage.
    // Either is refused or read, never a panic (E-FILE-INTERNAL).
    let stream = sample_stream();
    for scheme in SCHEMES {
        let encrypted = encrypt(&stream, scheme, BUILT_IN);
        let (at, len) = filepass_at(&encrypted);
        for i in (at + len..encrypted.len()).step_by(211) {
            let mut garbled = encrypted.clone();
            garbled[i] ^= 0x5A;
            let r = read(&xls(&garbled));
            assert!(
                !matches!(r, Err(ReadError::Internal(_))),
                "{scheme:?}: byte {i}: {r:?}"
            );
        }
    }
}

#[test]
fn an_encrypted_excel_95_workbook_stays_encrypted() {
    // Excel 5.0/95's FILEPASS has another layout; such a workbook keeps its password,
    // even the built-in one (this is its XOR key and verifier).
    let filepass = rec(0x002F, &[0x59, 0xB3, 0x0A, 0x9A]);
    let stream = claiming(0x0500, biff_stream(&filepass, &number(0, 0, 1.0)));
    assert_eq!(read(&xls(&stream)).err(), Some(ReadError::Encrypted));
}

// ---------------------------------------------------------------------------------------
// ODS builders

/// The entries of the sample 垫江县 return, `content.xml` edited by `edit`.
fn sample_ods(edit: impl FnOnce(&mut String)) -> Vec<u8> {
    let file = std::fs::read(repo().join("samples/returns/2025-06/垫江县-2025-06.ods"))
        .expect("sample .ods");
    let mut z = zip::ZipArchive::new(Cursor::new(file)).expect("zip");
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("inflate");
        entries.push((f.name().expect("name").to_string(), data));
    }
    let content = entries
        .iter_mut()
        .find(|(n, _)| n == "content.xml")
        .expect("content.xml");
    let mut text = String::from_utf8(std::mem::take(&mut content.1)).expect("utf-8");
    edit(&mut text);
    content.1 = text.into_bytes();
    let list: Vec<(&str, &[u8])> = entries
        .iter()
        .filter(|(n, _)| !n.ends_with('/'))
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_of(&list)
}

/// An .ods whose `content.xml` is exactly `content`.
fn ods_content(content: &[u8]) -> Vec<u8> {
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ("content.xml", content),
    ])
}

/// A string cell holding `inner` as its paragraph.
fn text_cell(inner: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{inner}</text:p></table:table-cell>"#
    )
}

fn float_cell(v: f64) -> String {
    format!(r#"<table:table-cell office:value-type="float" office:value="{v}"/>"#)
}

fn row(cells: &str) -> String {
    format!("<table:table-row>{cells}</table:table-row>")
}

/// The ledger amount cell of the 垫江县 sample that the probe's files were built around.
const AMOUNT: &str = r#"<table:table-cell table:style-name="ce9" office:value-type="float" office:value="4990" calcext:value-type="float"><text:p>4,990.00</text:p></table:table-cell>"#;

/// The probe's F2: 2 950 runs of 60 000 spaces (177 million) inside one company name.
fn sample_ods_with_177m_spaces() -> Vec<u8> {
    sample_ods(|c| {
        let name = "<text:p>上海明骏农业科技有限公司</text:p>";
        assert!(c.contains(name));
        let spaces = r#"<text:s text:c="60000"/>"#.repeat(2950);
        *c = c.replacen(name, &format!("<text:p>上海{spaces}公司</text:p>"), 1);
    })
}

// ---------------------------------------------------------------------------------------
// ODS: text

#[test]
fn a_cell_of_millions_of_repeated_spaces_is_too_large() {
    let spaces = r#"<text:s text:c="60000"/>"#.repeat(40);
    let (what, found) = exceeded(read(&ods_with(&row(&text_cell(&spaces)))));
    assert_eq!(what, Budget::CellText("T".into()));
    assert!(found > 2 << 20);
    let (what, _) = exceeded(read(&sample_ods_with_177m_spaces()));
    assert_eq!(what, Budget::CellText("项目明细".into()));
    let zh = tongbao::messages::budget(&what, tongbao::lang::Lang::Zh);
    assert!(zh.contains("单个单元格的文字长度"), "{zh}");
}

#[test]
fn space_runs_are_counted_as_calamine_expands_them() {
    // calamine parses the count with Rust's integer parser after decoding entities: "+"
    // and "&#54;" count as much as the plain digits.
    for count in ["+60000", "&#54;0000"] {
        let spaces = format!(r#"<text:s text:c="{count}"/>"#).repeat(40);
        let (what, _) = exceeded(read(&ods_with(&row(&text_cell(&spaces)))));
        assert_eq!(what, Budget::CellText("T".into()), "{count}");
    }
    // An ordinary run reads as its spaces.
    let book = read(&ods_with(&row(&text_cell(r#"a<text:s text:c="3"/>b"#)))).expect("reads");
    assert_eq!(
        book.sheets[0].get(0, 0),
        Some(&CellValue::Text("a   b".into()))
    );
}

#[test]
fn a_repeated_row_charges_its_text_for_every_copy() {
    // 1 001 bytes (a paragraph of 1 000) in a row repeated 100 times: held once as read,
    // then 100 times in each of calamine's dense block, the copy it hands out and the
    // reader's own cells.
    let rows = format!(
        r#"<table:table-row table:number-rows-repeated="100">{}</table:table-row>"#,
        text_cell(&"x".repeat(1000))
    );
    let bytes = ods_with(&rows);
    let limits = |max| Limits {
        max_decompressed_bytes: max,
        ..Limits::default()
    };
    assert!(read_bytes(&bytes, &limits(302_000)).is_ok());
    let r = read_bytes(&bytes, &limits(300_000));
    assert!(
        matches!(
            r,
            Err(ReadError::TooLarge {
                what: Budget::TextTotal,
                found: 301_301,
                ..
            })
        ),
        "{r:?}"
    );
}

// ---------------------------------------------------------------------------------------
// ODS: cells past the edge of the sheet

#[test]
fn content_past_the_last_column_is_too_large() {
    // The probe's F11c: calamine stops the row at column 16 384, the amount after the
    // repeat vanishes and the ledger row reads as "合同投资额未填写".
    let cells = format!(
        r#"{}<table:table-cell table:number-columns-repeated="1000000000"/>{}"#,
        float_cell(1.0),
        float_cell(2.0)
    );
    let (what, found) = exceeded(read(&ods_with(&row(&cells))));
    assert_eq!(
        (what, found),
        (Budget::SheetColumns("T".into()), 1_000_000_002)
    );
    let bytes = sample_ods(|c| {
        assert!(c.contains(AMOUNT));
        let repeat = r#"<table:table-cell table:number-columns-repeated="1000000000"/>"#;
        *c = c.replacen(AMOUNT, &format!("{repeat}{AMOUNT}"), 1);
    });
    let (what, found) = exceeded(read(&bytes));
    assert_eq!(what, Budget::SheetColumns("项目明细".into()));
    assert!(found > 1_000_000_000);
    let report = check_bytes("垫江县.ods", &bytes);
    assert_eq!(codes(&report, Severity::Error), [Code::FileTooLarge]);
}

#[test]
fn content_below_the_last_row_is_too_large() {
    let rows = format!(
        r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row>{}"#,
        row(&float_cell(1.0))
    );
    let (what, found) = exceeded(read(&ods_with(&rows)));
    assert_eq!((what, found), (Budget::SheetRows("T".into()), 1_048_577));
}

#[test]
fn empty_runs_past_the_edges_still_read() {
    // What spreadsheet programs write to fill rows and the sheet, even overshooting.
    let rows = format!(
        r#"{}<table:table-row table:number-rows-repeated="2000000"><table:table-cell table:number-columns-repeated="20000"/></table:table-row>"#,
        row(&format!(
            r#"{}<table:table-cell table:number-columns-repeated="20000"/>"#,
            float_cell(1.0)
        ))
    );
    let book = read(&ods_with(&rows)).expect("reads");
    assert_eq!(book.sheets[0].cells.len(), 1);
}

#[test]
fn a_repeat_of_zero_is_damage() {
    // calamine would drop the cell and move the 2 into its column.
    let cells = format!(
        r#"<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="0"/>{}"#,
        float_cell(2.0)
    );
    let (_, en) = damage(read(&ods_with(&row(&cells))));
    assert!(
        english(&en).contains("table:number-columns-repeated=\"0\""),
        "{en}"
    );
    let rows = format!(
        r#"<table:table-row table:number-rows-repeated="0">{}</table:table-row>"#,
        float_cell(1.0)
    );
    assert!(damage(read(&ods_with(&rows)))
        .1
        .contains("repeated 0 times"));
}

// ---------------------------------------------------------------------------------------
// ODS: content.xml that is empty, garbage or cut short

#[test]
fn an_empty_or_garbage_content_is_damage() {
    // The probe's F11f: calamine reads no sheet and the return is "missing" its unit.
    let head = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body><office:spreadsheet/></office:body></office:document-content>"#;
    for content in [
        &b""[..],
        b"\x00\x01 garbage \xff\xfe",
        b"<<<>>>",
        head.as_bytes(),
    ] {
        let (_, en) = damage(read(&ods_content(content)));
        english(&en);
    }
    let empty = sample_ods(|c| c.clear());
    let report = check_bytes("垫江县.ods", &empty);
    assert_eq!(codes(&report, Severity::Error), [Code::FileTruncated]);
}

#[test]
fn a_content_cut_off_inside_a_table_is_damage_not_a_hang() {
    // calamine's table loop waits for the table's end tag forever.
    let mut z = zip::ZipArchive::new(Cursor::new(ods_with(&row(&float_cell(1.0))))).expect("zip");
    let mut full = String::new();
    z.by_name("content.xml")
        .expect("content.xml")
        .read_to_string(&mut full)
        .expect("utf-8");
    let cut = &full[..full.find("</table:table>").expect("table end")];
    let (_, en) = damage(read_within(
        ods_content(cut.as_bytes()),
        Duration::from_secs(20),
    ));
    assert!(
        english(&en).contains("ends in the middle of sheet \"T\""),
        "{en}"
    );
}

#[test]
fn end_tags_inside_a_cell_do_not_end_its_row() {
    // calamine skips a number cell's content to the cell's own end tag, so the row goes
    // on after these; the scan must count what follows too (16 384 × 200 cells).
    for inner in ["</table:table-row>", "</table:table-row></table:table>"] {
        let rows = format!(
            r#"<table:table-row table:number-rows-repeated="200"><table:table-cell office:value-type="float" office:value="1"><text:p>{inner}</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16383"/></table:table-row>"#
        );
        let (what, _) = exceeded(read(&ods_with(&rows)));
        assert!(
            matches!(what, Budget::SheetArea(_) | Budget::SheetCells(_)),
            "{what:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Memory

/// Child side of [`huge_space_runs_are_refused_in_bounded_memory`].
#[test]
fn memory_child() {
    if std::env::var("TONGBAO_XLS_ODS_CHILD").is_err() {
        return;
    }
    let result = read(&sample_ods_with_177m_spaces());
    assert!(result.is_err(), "{result:?}");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kb) = status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
        println!("VMHWM_KB={}", kb.trim().trim_end_matches("kB").trim());
    }
}

/// The probe's F2 file cost calamine a gigabyte; refused in the pre-scan it costs what
/// the scan holds. Measured in a process of its own (this binary run on [`memory_child`]).
#[test]
fn huge_space_runs_are_refused_in_bounded_memory() {
    let exe: PathBuf = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "hostile_xls_ods::memory_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("TONGBAO_XLS_ODS_CHILD", "1")
        .output()
        .expect("child");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    // The harness may print the line after the test's name, on the same line.
    let Some(kb) = said
        .lines()
        .find_map(|l| l.split_once("VMHWM_KB="))
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
    else {
        if cfg!(target_os = "linux") {
            panic!("no VmHWM from the child: {said}");
        }
        eprintln!("no VmHWM (not Linux): memory not measured");
        return;
    };
    println!(
        "peak RSS reading the 177 M-space .ods: {:.1} MB",
        kb as f64 / 1024.0
    );
    assert!(kb < 200 * 1024, "{kb} KB");
}
