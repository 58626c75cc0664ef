//! Files Excel opens without asking are read, not refused: an .xls encrypted with Excel's
//! built-in password ("VelvetSweatshop") reads with exactly the cells and figures of the
//! plain file, under each BIFF8 scheme, with every budget applied to what it decrypts to;
//! one under another password is still E-FILE-ENCRYPTED; and an Excel 5.0/95 workbook whose
//! sheets open with Excel 97 BOF records (as Excel's own "save as" writes them) reads with
//! its cells decoded as the workbook's BOF says.
//!
//! The encrypted files are made here from the sample 丰都县 return, by an encryption
//! written from [MS-XLS] 2.2.10 and [MS-OFFCRYPTO] 2.3.5–2.3.7 apart from the reader's
//! (its own RC4 and key derivation; the XOR array of the built-in password as
//! msoffcrypto-tool computes it). Hostile FILEPASS records are in `hostile_xls_ods.rs`.

use md5::{Digest, Md5};
use sha1::Sha1;
use tongbao::config::Limits;
use tongbao::diag::{Code, Severity};
use tongbao::lang::Lang;
use tongbao::read::{read_bytes, Budget, CellValue, RawWorkbook, ReadError};

use crate::hostile_xls_ods::{sample_stream, xls};
use crate::read::{biff_stream, number, rec};
use crate::support::{check_bytes, codes};

pub(crate) const BUILT_IN: &str = "VelvetSweatshop";

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const FILEPASS: u16 = 0x002F;

fn read(bytes: &[u8]) -> Result<RawWorkbook, ReadError> {
    read_bytes(bytes, &Limits::default())
}

/// (offset of the data, type, data length) of every record, CONTINUE records included.
fn records(stream: &[u8]) -> Vec<(usize, u16, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        out.push((at + 4, typ, len));
        at += 4 + len;
    }
    out
}

// ---------------------------------------------------------------------------------------
// An encryption of BIFF8, written from the specifications

/// The BIFF8 encryption schemes, as a FILEPASS record names them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scheme {
    /// RC4 CryptoAPI with a 128-bit key (Excel 2002–2003's default).
    CryptoApi128,
    /// RC4 CryptoAPI with a 40-bit key (a 128-bit RC4 key whose last 88 bits are zero).
    CryptoApi40,
    /// RC4 keyed by MD5 (Excel 97/2000).
    Rc4,
    /// XOR obfuscation, method 1.
    Xor,
}

pub(crate) const SCHEMES: [Scheme; 4] = [
    Scheme::CryptoApi128,
    Scheme::CryptoApi40,
    Scheme::Rc4,
    Scheme::Xor,
];

/// RC4's first `n` keystream bytes for `key`, written out here so the test does not share
/// the reader's cipher.
fn rc4_keystream(key: &[u8], n: usize) -> Vec<u8> {
    let mut s: Vec<u8> = (0..=255).collect();
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    (0..n)
        .map(|_| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))]
        })
        .collect()
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

const SALT: [u8; 16] = *b"tongbao-salt-16b";
const VERIFIER: [u8; 16] = *b"tongbao-verifier";

/// The XOR array of "VelvetSweatshop" and its key and verifier, as msoffcrypto-tool
/// computes them ([MS-OFFCRYPTO] 2.3.7.2–2.3.7.3).
const XOR_ARRAY: [u8; 16] = [
    0x87, 0x6b, 0x9a, 0xe2, 0x1e, 0xe3, 0x05, 0x62, 0x1e, 0x69, 0x96, 0x60, 0x98, 0x6e, 0x94, 0x04,
];
const XOR_KEY: u16 = 0xB359;
const XOR_VERIFIER: u16 = 0x9A0A;
/// The key and verifier of another password ("123456789012345").
const OTHER_XOR: (u16, u16) = (0x8265, 0x9EB1);

/// The RC4 key of 1024-byte block `block` ([MS-OFFCRYPTO] 2.3.6.2, 2.3.5.2).
fn block_key(scheme: Scheme, password: &str, block: u32) -> Vec<u8> {
    match scheme {
        Scheme::Rc4 => {
            let h0 = Md5::digest(utf16le(password));
            let buffer: Vec<u8> = (0..16)
                .flat_map(|_| h0[..5].iter().chain(&SALT).copied())
                .collect();
            let h1 = Md5::digest(&buffer);
            Md5::digest([&h1[..5], &block.to_le_bytes()[..]].concat()).to_vec()
        }
        Scheme::CryptoApi128 | Scheme::CryptoApi40 => {
            let h0 = Sha1::digest([&SALT[..], &utf16le(password)].concat());
            let h = Sha1::digest([&h0[..], &block.to_le_bytes()[..]].concat());
            if scheme == Scheme::CryptoApi40 {
                [&h[..5], &[0u8; 11][..]].concat()
            } else {
                h[..16].to_vec()
            }
        }
        Scheme::Xor => unreachable!("XOR has no blocks"),
    }
}

/// The FILEPASS record's data for `password`, its verifier sealed as Excel seals it.
pub(crate) fn filepass(scheme: Scheme, password: &str) -> Vec<u8> {
    let seal = |hash: &[u8]| -> Vec<u8> {
        let clear = [&VERIFIER[..], hash].concat();
        let keystream = rc4_keystream(&block_key(scheme, password, 0), clear.len());
        clear.iter().zip(keystream).map(|(c, k)| c ^ k).collect()
    };
    match scheme {
        Scheme::Rc4 => [
            &[1, 0, 1, 0, 1, 0][..],
            &SALT,
            &seal(&Md5::digest(VERIFIER)),
        ]
        .concat(),
        Scheme::CryptoApi128 | Scheme::CryptoApi40 => {
            let bits: u32 = if scheme == Scheme::CryptoApi40 {
                40
            } else {
                128
            };
            let mut header = Vec::new();
            for field in [0x04u32, 0, 0x6801, 0x8004, bits, 1, 0, 0] {
                header.extend_from_slice(&field.to_le_bytes());
            }
            header.extend(utf16le("Microsoft Enhanced Cryptographic Provider v1.0\0"));
            let sealed = seal(&Sha1::digest(VERIFIER));
            [
                &[1, 0, 4, 0, 2, 0][..],
                &0x04u32.to_le_bytes(),
                &(header.len() as u32).to_le_bytes(),
                &header,
                &16u32.to_le_bytes(),
                &SALT,
                &sealed[..16],
                &20u32.to_le_bytes(),
                &sealed[16..],
            ]
            .concat()
        }
        Scheme::Xor => {
            let (key, verifier) = if password == BUILT_IN {
                (XOR_KEY, XOR_VERIFIER)
            } else {
                OTHER_XOR
            };
            [[0, 0], key.to_le_bytes(), verifier.to_le_bytes()].concat()
        }
    }
}

/// `stream` encrypted as Excel encrypts it under `password`: a FILEPASS record after the
/// globals' BOF (the sheets' positions moved along), then every record's data after it
/// encrypted but for the records [MS-XLS] 2.2.10 leaves in the clear and the position
/// field of BoundSheet8.
pub(crate) fn encrypt(stream: &[u8], scheme: Scheme, password: &str) -> Vec<u8> {
    let mut out = with_filepass(stream, scheme, password);
    let (pass_at, pass_len) = filepass_at(&out);
    let clear_records = [BOF, FILEPASS, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138];
    let blocks: Vec<Vec<u8>> = if scheme == Scheme::Xor {
        Vec::new()
    } else {
        (0..=out.len() / 1024)
            .map(|b| rc4_keystream(&block_key(scheme, password, b as u32), 1024))
            .collect()
    };
    for (at, typ, len) in records(&out) {
        if at < pass_at + pass_len || clear_records.contains(&typ) {
            continue;
        }
        let from = if typ == BOUNDSHEET { at + 4 } else { at };
        for pos in from..at + len {
            out[pos] = match scheme {
                Scheme::Xor => out[pos].rotate_left(5) ^ XOR_ARRAY[(pos + len) % 16],
                _ => out[pos] ^ blocks[pos / 1024][pos % 1024],
            };
        }
    }
    out
}

/// `stream` with the FILEPASS record of `password` after the globals' BOF, the sheets'
/// positions moved along, nothing encrypted yet.
fn with_filepass(stream: &[u8], scheme: Scheme, password: &str) -> Vec<u8> {
    let pass = rec(FILEPASS, &filepass(scheme, password));
    let (bof_data, typ, bof_len) = records(stream)[0];
    assert_eq!(typ, BOF);
    let split = bof_data + bof_len;
    let mut out = [&stream[..split], &pass, &stream[split..]].concat();
    for (at, typ, _) in records(&out) {
        if typ == BOUNDSHEET {
            let pos = u32::from_le_bytes(out[at..at + 4].try_into().expect("4 bytes"));
            out[at..at + 4].copy_from_slice(&(pos + pass.len() as u32).to_le_bytes());
        }
    }
    out
}

/// Where `encrypt` put the FILEPASS record: (offset of its data, its length).
pub(crate) fn filepass_at(stream: &[u8]) -> (usize, usize) {
    let (at, typ, len) = records(stream)[1];
    assert_eq!(typ, FILEPASS);
    (at, len)
}

// ---------------------------------------------------------------------------------------
// VelvetSweatshop

#[test]
fn a_workbook_under_excels_built_in_password_reads_as_the_plain_file() {
    let stream = sample_stream();
    let plain = xls(&stream);
    let book = read(&plain).expect("the plain sample reads");
    let report = check_bytes("丰都县-2025-06.xls", &plain);
    assert!(report.figures.is_some(), "{:?}", report.diagnostics);
    for scheme in SCHEMES {
        let encrypted = encrypt(&stream, scheme, BUILT_IN);
        // Most of it is unreadable as it stands.
        let changed = encrypted
            .iter()
            .zip(with_filepass(&stream, scheme, BUILT_IN))
            .filter(|(a, b)| **a != *b)
            .count();
        assert!(changed > stream.len() / 2, "{scheme:?}: {changed}");
        let file = xls(&encrypted);
        assert_eq!(read(&file).as_ref(), Ok(&book), "{scheme:?}");
        let encrypted_report = check_bytes("丰都县-2025-06.xls", &file);
        assert_eq!(encrypted_report.figures, report.figures, "{scheme:?}");
        assert_eq!(
            codes(&encrypted_report, Severity::Info),
            codes(&report, Severity::Info),
            "{scheme:?}"
        );
    }
}

#[test]
fn a_workbook_under_another_password_is_still_encrypted() {
    let stream = sample_stream();
    for scheme in SCHEMES {
        let file = xls(&encrypt(&stream, scheme, "secret"));
        assert_eq!(read(&file).err(), Some(ReadError::Encrypted), "{scheme:?}");
        let report = check_bytes("丰都县-2025-06.xls", &file);
        assert_eq!(
            codes(&report, Severity::Error),
            [Code::FileEncrypted],
            "{scheme:?}"
        );
    }
}

#[test]
fn the_budgets_apply_to_what_the_stream_decrypts_to() {
    // Two numbers 16.7 million cells apart, and a cell stored twice.
    let far = biff_stream(&[], &[number(0, 0, 1.0), number(65535, 255, 2.0)].concat());
    let twice = biff_stream(&[], &[number(3, 1, 1.0), number(3, 1, 2.0)].concat());
    for scheme in SCHEMES {
        match read(&xls(&encrypt(&far, scheme, BUILT_IN))) {
            Err(ReadError::TooLarge {
                what: Budget::SheetArea(_),
                found: 16_777_216,
                ..
            }) => {}
            other => panic!("{scheme:?}: {other:?}"),
        }
        match read(&xls(&encrypt(&twice, scheme, BUILT_IN))) {
            Err(ReadError::Truncated(d)) => {
                let en = d.text(Lang::En);
                assert!(en.contains("cell B4"), "{en}")
            }
            other => panic!("{scheme:?}: {other:?}"),
        }
    }
}

#[test]
fn a_small_encrypted_workbook_in_the_mini_stream_reads() {
    // Under 4 KB the stream lives in 64-byte mini sectors, written back one by one.
    let stream = biff_stream(&[], &[number(0, 0, 1.5), number(1, 0, 2.5)].concat());
    for scheme in SCHEMES {
        let encrypted = encrypt(&stream, scheme, BUILT_IN);
        assert!(encrypted.len() < 4096);
        let book = read(&xls(&encrypted)).expect("reads");
        assert_eq!(book.sheets[0].get(1, 0), Some(&CellValue::Number(2.5)));
    }
}

// ---------------------------------------------------------------------------------------
// Excel 5.0/95 workbooks whose sheets open with Excel 97 BOF records

/// A BOF record of `version` and type `dt`, with the data length that version writes.
fn bof(version: u16, dt: u16) -> Vec<u8> {
    let rest: &[u8] = if version == 0x0600 { &[0; 12] } else { &[0; 4] };
    rec(
        BOF,
        &[&version.to_le_bytes()[..], &dt.to_le_bytes(), rest].concat(),
    )
}

/// An Excel 5.0/95 BoundSheet: position, visible worksheet, the name's bytes.
fn boundsheet5(pos: u32, name: &[u8]) -> Vec<u8> {
    rec(
        BOUNDSHEET,
        &[&pos.to_le_bytes()[..], &[0, 0, name.len() as u8], name].concat(),
    )
}

/// An Excel 5.0/95 LABEL: the text's bytes in the workbook's code page, no flags byte.
fn label5(row: u16, col: u16, text: &[u8]) -> Vec<u8> {
    let d = [
        &row.to_le_bytes()[..],
        &col.to_le_bytes(),
        &0u16.to_le_bytes(),
        &(text.len() as u16).to_le_bytes(),
        text,
    ]
    .concat();
    rec(0x0204, &d)
}

/// An RK of an integer.
fn rk(row: u16, col: u16, value: i32) -> Vec<u8> {
    let d = [
        &row.to_le_bytes()[..],
        &col.to_le_bytes(),
        &0u16.to_le_bytes(),
        &((value << 2) | 2).to_le_bytes(),
    ]
    .concat();
    rec(0x027E, &d)
}

/// GBK (code page 936) bytes of 项目明细, 基本信息, 巴南区, 合同投资额.
const LEDGER_GBK: &[u8] = b"\xcf\xee\xc4\xbf\xc3\xf7\xcf\xb8";
const INFO_GBK: &[u8] = b"\xbb\xf9\xb1\xbe\xd0\xc5\xcf\xa2";
const BANAN_GBK: &[u8] = b"\xb0\xcd\xc4\xcf\xc7\xf8";
const CONTRACT_GBK: &[u8] = b"\xba\xcf\xcd\xac\xcd\xb6\xd7\xca\xb6\xee";

/// An Excel 5.0/95 workbook in code page 936 with two sheets, each opening with a BOF of
/// `sheet_versions`.
fn excel95_workbook(sheet_versions: [u16; 2]) -> Vec<u8> {
    let sheets = [
        [
            bof(sheet_versions[0], 0x10),
            label5(0, 0, b"Unit"),
            label5(0, 1, BANAN_GBK),
            rec(EOF, &[]),
        ]
        .concat(),
        [
            bof(sheet_versions[1], 0x10),
            label5(0, 0, CONTRACT_GBK),
            number(1, 0, 12000.5),
            rk(2, 0, 300),
            rec(EOF, &[]),
        ]
        .concat(),
    ];
    let codepage = rec(0x0042, &936u16.to_le_bytes());
    let head = bof(0x0500, 5).len()
        + codepage.len()
        + boundsheet5(0, INFO_GBK).len()
        + boundsheet5(0, LEDGER_GBK).len()
        + 4;
    [
        bof(0x0500, 5),
        codepage,
        boundsheet5(head as u32, INFO_GBK),
        boundsheet5((head + sheets[0].len()) as u32, LEDGER_GBK),
        rec(EOF, &[]),
        sheets.concat(),
    ]
    .concat()
}

#[test]
fn an_excel_95_workbook_whose_sheets_open_with_excel_97_bofs_reads() {
    let mixed = excel95_workbook([0x0600, 0x0500]);
    let all_biff8 = excel95_workbook([0x0600, 0x0600]);
    let genuine = excel95_workbook([0x0500, 0x0500]);
    let expected = read(&xls(&genuine)).expect("a genuine Excel 95 workbook reads");
    for stream in [mixed, all_biff8] {
        let book = read(&xls(&stream)).expect("reads");
        assert_eq!(book, expected);
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["基本信息", "项目明细"]);
        // The labels decoded with the Excel 5.0/95 layout the workbook's BOF says (no
        // flags byte before the text), not the one the sheets' BOFs say.
        let info = &book.sheets[0];
        assert_eq!(info.get(0, 0), Some(&CellValue::Text("Unit".into())));
        assert_eq!(info.get(0, 1), Some(&CellValue::Text("巴南区".into())));
        let ledger = &book.sheets[1];
        assert_eq!(
            ledger.get(0, 0),
            Some(&CellValue::Text("合同投资额".into()))
        );
        assert_eq!(ledger.get(1, 0), Some(&CellValue::Number(12000.5)));
        assert_eq!(ledger.get(2, 0), Some(&CellValue::Number(300.0)));
        assert_eq!(ledger.cells.len(), 3);
    }
}
