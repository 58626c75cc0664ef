//! Hostile .xls files that calamine reads without complaint into a wrong or empty
//! workbook, or panics on: each is refused by the pre-scan with its own damage detail,
//! while genuine Excel 5.0/95 files and the sample returns still read.
//!
//! The files are built here: hand-written BIFF records and OpenDocument rows, or a sample
//! return (samples/returns/2025-06) with one thing changed, as a county's broken export
//! or an attacker would change it.

use std::io::{Cursor, Read, Write};

use tongbao::config::Limits;
use tongbao::diag::{Code, Severity};
use tongbao::read::{read_bytes, CellValue, RawWorkbook, ReadError};

use crate::binary::repo;
use crate::read::{biff_stream, number, ole_of, rec};
use crate::support::{check_bytes, codes};

fn read(bytes: &[u8]) -> Result<RawWorkbook, ReadError> {
    read_bytes(bytes, &Limits::default())
}

/// The damage detail (Chinese, English) of a refused file.
fn damage(r: Result<RawWorkbook, ReadError>) -> (String, String) {
    match r {
        Err(ReadError::Truncated(d)) => (d.zh, d.en),
        other => panic!("expected damage, got {other:?}"),
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
fn xls(stream: &[u8]) -> Vec<u8> {
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

    // Without an SST, the sheets' own BOFs (version 0x0600) give it away.
    let stream = claiming(0x0500, biff_stream(&[], &number(0, 0, 1.0)));
    let (_, en) = damage(read(&xls(&stream)));
    assert!(en.contains("BIFF8 BOF"), "{en}");

    // And with every BOF claiming BIFF5, a shared-string cell does.
    let mut stream = claiming(0x0500, biff_stream(&[], &labelsst(0, 0, 0)));
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
    let stream = claiming(0x0500, biff_stream(&defined_name(&AREA3D_BIFF8), &[]));
    let mut stream = stream;
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
fn sample_stream() -> Vec<u8> {
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
