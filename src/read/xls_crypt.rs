//! .xls workbooks encrypted with Excel's built-in password, which Excel opens without
//! asking: their Workbook stream decrypted before anything else reads it.
//!
//! Excel writes some workbooks that need no password to open (write-protected ones, for
//! instance) with the whole Workbook stream encrypted under the password
//! "VelvetSweatshop", and opens them without a prompt. For a county such a file is an
//! ordinary workbook, so it is read.
//! A FILEPASS record ([MS-XLS] 2.4.117) names the scheme and carries a password verifier:
//! RC4 keyed by MD5 (Office 97/2000, [MS-OFFCRYPTO] 2.3.6), RC4 keyed by SHA-1
//! (CryptoAPI, 2.3.5) and XOR obfuscation (method 1, 2.3.7). The built-in password is
//! checked against the verifier first; a workbook with any other password (one the user
//! typed) stays [`ReadError::Encrypted`], as does any scheme or FILEPASS this cannot parse.
//!
//! calamine refuses an RC4 FILEPASS and reads an XOR-obfuscated stream's bytes as they
//! are, so the decrypted stream is what the BIFF pre-scan and calamine see: record
//! headers are never encrypted and keep their places ([MS-XLS] 2.2.10), so the stream
//! keeps its length and every BoundSheet8 position, and the FILEPASS record becomes a
//! record of type 0 and the same length, zero-filled, which no reader interprets (as
//! msoffcrypto-tool does). Everything after this (budgets, damage checks) applies to the
//! decrypted stream exactly as to a plain one.

use md5::Md5;
use rc4::{KeyInit, Rc4, StreamCipher};
use sha1::{Digest, Sha1};

use super::ReadError;

/// The password Excel uses when the user gave none to open the file.
const DEFAULT_PASSWORD: &str = "VelvetSweatshop";

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;

/// Records whose data is never encrypted ([MS-XLS] 2.2.10): BOF, FilePass, UsrExcl,
/// FileLock, InterfaceHdr, RRDInfo, RRDHead.
const NEVER_ENCRYPTED: [u16; 7] = [BOF, FILEPASS, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138];

/// The bytes of BoundSheet8 left in the clear: its stream position (`lbPlyPos`).
const BOUNDSHEET_CLEAR: usize = 4;

/// RC4 is re-keyed every 1024 bytes of the stream, counted from its start.
const BLOCK: usize = 1024;

/// The record that takes FILEPASS's place in the decrypted stream.
const NEUTRAL: u16 = 0x0000;

/// An encryption scheme as its FILEPASS record describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheme {
    /// XOR obfuscation, method 1: the obfuscation key and the password verifier.
    Xor { key: u16, verifier: u16 },
    /// RC4 with MD5 key derivation (Office 97/2000).
    Rc4 {
        salt: [u8; 16],
        verifier: [u8; 16],
        verifier_hash: [u8; 16],
    },
    /// RC4 CryptoAPI (SHA-1), with a key of `key_bits` (40 to 128).
    CryptoApi {
        key_bits: usize,
        salt: [u8; 16],
        verifier: [u8; 16],
        verifier_hash: [u8; 20],
    },
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// One record as stored, CONTINUE records not folded: each has its own header.
#[derive(Debug, Clone, Copy)]
struct Physical {
    typ: u16,
    /// Offset of the record's data in the stream.
    data: usize,
    len: usize,
}

/// The records of `stream` from `at` on, stopping before one cut short (the pre-scan
/// refuses that as damage).
fn physical(stream: &[u8], mut at: usize) -> impl Iterator<Item = Physical> + '_ {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let data = at + 4;
        if data + len > stream.len() {
            return None;
        }
        at = data + len;
        Some(Physical { typ, data, len })
    })
}

/// The Workbook stream decrypted, if its globals hold a FILEPASS record; `None` for a
/// stream that is not encrypted (or does not open with a BOF: the pre-scan says why).
///
/// [`ReadError::Encrypted`] when the FILEPASS cannot be parsed, names a scheme not
/// handled here, belongs to an Excel 5.0/95 stream, or is for another password.
pub(crate) fn decrypt(stream: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
    decrypt_with(stream, DEFAULT_PASSWORD)
}

/// [`decrypt`] with another password: only tests use one, to check the schemes against
/// files encrypted by others with passwords they published.
fn decrypt_with(stream: &[u8], password: &str) -> Result<Option<Vec<u8>>, ReadError> {
    let mut records = physical(stream, 0);
    let Some(bof) = records.next().filter(|r| r.typ == BOF) else {
        return Ok(None);
    };
    let Some(filepass) = records
        .take_while(|r| r.typ != EOF)
        .find(|r| r.typ == FILEPASS)
    else {
        return Ok(None);
    };
    // Before BIFF8 the record has another layout (and calamine reads those files with the
    // BIFF5 layouts throughout); such a workbook keeps its password.
    if u16_at(stream, bof.data) != Some(0x0600) {
        return Err(ReadError::Encrypted);
    }
    let data = &stream[filepass.data..filepass.data + filepass.len];
    let scheme = parse_filepass(data).ok_or(ReadError::Encrypted)?;
    let cipher = Cipher::for_password(&scheme, password).ok_or(ReadError::Encrypted)?;

    let mut plain = stream.to_vec();
    let mut keystream = Keystream::new(&cipher);
    for r in physical(stream, filepass.data + filepass.len) {
        let clear = match r.typ {
            t if NEVER_ENCRYPTED.contains(&t) => continue,
            BOUNDSHEET => BOUNDSHEET_CLEAR.min(r.len),
            _ => 0,
        };
        let (from, to) = (r.data + clear, r.data + r.len);
        match &cipher {
            Cipher::Xor(xor_array) => {
                for (at, byte) in plain[from..to].iter_mut().enumerate() {
                    // The array index runs on from the stream offset plus the data length.
                    let i = (from + at + r.len) % 16;
                    *byte = (*byte ^ xor_array[i]).rotate_right(5);
                }
            }
            Cipher::Rc4(_) | Cipher::CryptoApi { .. } => {
                keystream.apply(&mut plain[from..to], from);
            }
        }
    }
    // FILEPASS becomes a record no reader interprets, of the same length.
    plain[filepass.data - 4..filepass.data - 2].copy_from_slice(&NEUTRAL.to_le_bytes());
    plain[filepass.data..filepass.data + filepass.len].fill(0);
    Ok(Some(plain))
}

/// The scheme a FILEPASS record's data describes ([MS-XLS] 2.4.117, [MS-OFFCRYPTO]
/// 2.3.6.1, 2.3.5.1), or `None` for a record cut short or a scheme not known.
fn parse_filepass(d: &[u8]) -> Option<Scheme> {
    match u16_at(d, 0)? {
        0 => Some(Scheme::Xor {
            key: u16_at(d, 2)?,
            verifier: u16_at(d, 4)?,
        }),
        1 => match (u16_at(d, 2)?, u16_at(d, 4)?) {
            (1, 1) => Some(Scheme::Rc4 {
                salt: array(d, 6)?,
                verifier: array(d, 22)?,
                verifier_hash: array(d, 38)?,
            }),
            (2..=4, 2) => {
                // Flags, then the size of the EncryptionHeader that follows; the key size
                // is its fifth field, and the EncryptionVerifier follows the header.
                let header_size = usize::try_from(u32_at(d, 10)?).ok()?;
                let header = d.get(14..14usize.checked_add(header_size)?)?;
                let key_bits = match u32_at(header, 16)? {
                    0 => 40,
                    bits @ 40..=128 if bits % 8 == 0 => bits as usize,
                    _ => return None,
                };
                let verifier = &d[14 + header_size..];
                if u32_at(verifier, 0)? != 16 || u32_at(verifier, 36)? != 20 {
                    return None;
                }
                Some(Scheme::CryptoApi {
                    key_bits,
                    salt: array(verifier, 4)?,
                    verifier: array(verifier, 20)?,
                    verifier_hash: array(verifier, 40)?,
                })
            }
            _ => None,
        },
        _ => None,
    }
}

/// What decrypts the stream once the password is known to be right.
enum Cipher {
    /// The 16-byte XOR array.
    Xor([u8; 16]),
    /// RC4, Office 97/2000: the first five bytes of the salted password hash.
    Rc4([u8; 5]),
    /// RC4 CryptoAPI: the salted password hash and the key length in bits.
    CryptoApi { hash: [u8; 20], key_bits: usize },
}

impl Cipher {
    /// The cipher of `password`, if the scheme's verifier accepts it.
    fn for_password(scheme: &Scheme, password: &str) -> Option<Cipher> {
        match scheme {
            Scheme::Xor { key, verifier } => {
                let bytes = xor_password_bytes(password);
                let accepted = xor_verifier(&bytes) == *verifier && xor_key(&bytes) == Some(*key);
                accepted.then(|| Cipher::Xor(xor_array(&bytes, *key)))
            }
            Scheme::Rc4 {
                salt,
                verifier,
                verifier_hash,
            } => {
                let cipher = Cipher::rc4(password, salt);
                let mut check = [verifier.as_slice(), verifier_hash.as_slice()].concat();
                cipher.block_cipher(0)?.apply_keystream(&mut check);
                (Md5::digest(&check[..16]).as_slice() == &check[16..]).then_some(cipher)
            }
            Scheme::CryptoApi {
                key_bits,
                salt,
                verifier,
                verifier_hash,
            } => {
                let cipher = Cipher::crypto_api(password, salt, *key_bits);
                let mut check = [verifier.as_slice(), verifier_hash.as_slice()].concat();
                cipher.block_cipher(0)?.apply_keystream(&mut check);
                (Sha1::digest(&check[..16]).as_slice() == &check[16..]).then_some(cipher)
            }
        }
    }

    /// RC4 with MD5 ([MS-OFFCRYPTO] 2.3.6.2): the password hash, truncated, sixteen
    /// times with the salt, hashed again and truncated.
    fn rc4(password: &str, salt: &[u8; 16]) -> Cipher {
        let h0 = Md5::digest(utf16le(password));
        let mut h = Md5::new();
        for _ in 0..16 {
            h.update(&h0[..5]);
            h.update(salt);
        }
        let h1 = h.finalize();
        let mut truncated = [0u8; 5];
        truncated.copy_from_slice(&h1[..5]);
        Cipher::Rc4(truncated)
    }

    /// RC4 CryptoAPI ([MS-OFFCRYPTO] 2.3.5.2): SHA-1 of the salt and the password.
    fn crypto_api(password: &str, salt: &[u8; 16], key_bits: usize) -> Cipher {
        let mut h = Sha1::new();
        h.update(salt);
        h.update(utf16le(password));
        Cipher::CryptoApi {
            hash: h.finalize().into(),
            key_bits,
        }
    }

    /// The RC4 cipher of 1024-byte block `block` ([MS-OFFCRYPTO] 2.3.6.2, 2.3.5.2); `None`
    /// for XOR, which has no blocks.
    fn block_cipher(&self, block: u32) -> Option<Rc4> {
        let mut key = [0u8; 16];
        let len = match self {
            Cipher::Xor(_) => return None,
            Cipher::Rc4(h1) => {
                let mut h = Md5::new();
                h.update(h1);
                h.update(block.to_le_bytes());
                key.copy_from_slice(&h.finalize());
                16
            }
            Cipher::CryptoApi { hash, key_bits } => {
                let mut h = Sha1::new();
                h.update(hash);
                h.update(block.to_le_bytes());
                let block_hash = h.finalize();
                // A 40-bit key is used as 128 bits, the last 88 of them zero.
                let (used, len) = match key_bits {
                    40 => (5, 16),
                    bits => (bits / 8, bits / 8),
                };
                key[..used].copy_from_slice(&block_hash[..used]);
                len
            }
        };
        Rc4::new_from_slice(&key[..len]).ok()
    }
}

/// The keystream of the block being decrypted, made once per block.
struct Keystream<'c> {
    cipher: &'c Cipher,
    block: Option<usize>,
    bytes: [u8; BLOCK],
}

impl<'c> Keystream<'c> {
    fn new(cipher: &'c Cipher) -> Self {
        Keystream {
            cipher,
            block: None,
            bytes: [0; BLOCK],
        }
    }

    /// Decrypts `data`, which starts at stream offset `at`.
    fn apply(&mut self, data: &mut [u8], at: usize) {
        let mut done = 0;
        while done < data.len() {
            let offset = at + done;
            let (block, in_block) = (offset / BLOCK, offset % BLOCK);
            if self.block != Some(block) {
                self.bytes = [0; BLOCK];
                // The stream is far shorter than 4 TiB; a block number past u32 is not
                // reachable from a file within the size budget.
                let number = u32::try_from(block).unwrap_or(u32::MAX);
                if let Some(mut rc4) = self.cipher.block_cipher(number) {
                    rc4.apply_keystream(&mut self.bytes);
                }
                self.block = Some(block);
            }
            let n = (BLOCK - in_block).min(data.len() - done);
            for (byte, key) in data[done..done + n]
                .iter_mut()
                .zip(&self.bytes[in_block..in_block + n])
            {
                *byte ^= key;
            }
            done += n;
        }
    }
}

fn utf16le(password: &str) -> Vec<u8> {
    password.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// XOR obfuscation works on one byte per character, at most 15 ([MS-OFFCRYPTO]
/// 2.3.7.4): the low byte of each UTF-16 unit, or the high byte when the low one is 0.
fn xor_password_bytes(password: &str) -> Vec<u8> {
    password
        .encode_utf16()
        .take(15)
        .map(|u| {
            let [low, high] = u.to_le_bytes();
            if low != 0 {
                low
            } else {
                high
            }
        })
        .collect()
}

/// The password verifier of XOR obfuscation ([MS-OFFCRYPTO] 2.3.7.1).
fn xor_verifier(password: &[u8]) -> u16 {
    let mut verifier = 0u16;
    let length = password.len() as u8;
    for &byte in password.iter().rev().chain(std::iter::once(&length)) {
        let high = (verifier >> 14) & 1;
        verifier = (((verifier << 1) & 0x7FFF) | high) ^ u16::from(byte);
    }
    verifier ^ 0xCE4B
}

/// The initial codes and the matrix of [MS-OFFCRYPTO] 2.3.7.2.
const INITIAL_CODE: [u16; 15] = [
    0xE1F0, 0x1D0F, 0xCC9C, 0x84C0, 0x110C, 0x0E10, 0xF1CE, 0x313E, 0x1872, 0xE139, 0xD40F, 0x84F9,
    0x280C, 0xA96A, 0x4EC3,
];
const XOR_MATRIX: [u16; 105] = [
    0xAEFC, 0x4DD9, 0x9BB2, 0x2745, 0x4E8A, 0x9D14, 0x2A09, 0x7B61, 0xF6C2, 0xFDA5, 0xEB6B, 0xC6F7,
    0x9DCF, 0x2BBF, 0x4563, 0x8AC6, 0x05AD, 0x0B5A, 0x16B4, 0x2D68, 0x5AD0, 0x0375, 0x06EA, 0x0DD4,
    0x1BA8, 0x3750, 0x6EA0, 0xDD40, 0xD849, 0xA0B3, 0x5147, 0xA28E, 0x553D, 0xAA7A, 0x44D5, 0x6F45,
    0xDE8A, 0xAD35, 0x4A4B, 0x9496, 0x390D, 0x721A, 0xEB23, 0xC667, 0x9CEF, 0x29FF, 0x53FE, 0xA7FC,
    0x5FD9, 0x47D3, 0x8FA6, 0x0F6D, 0x1EDA, 0x3DB4, 0x7B68, 0xF6D0, 0xB861, 0x60E3, 0xC1C6, 0x93AD,
    0x377B, 0x6EF6, 0xDDEC, 0x45A0, 0x8B40, 0x06A1, 0x0D42, 0x1A84, 0x3508, 0x6A10, 0xAA51, 0x4483,
    0x8906, 0x022D, 0x045A, 0x08B4, 0x1168, 0x76B4, 0xED68, 0xCAF1, 0x85C3, 0x1BA7, 0x374E, 0x6E9C,
    0x3730, 0x6E60, 0xDCC0, 0xA9A1, 0x4363, 0x86C6, 0x1DAD, 0x3331, 0x6662, 0xCCC4, 0x89A9, 0x0373,
    0x06E6, 0x0DCC, 0x1021, 0x2042, 0x4084, 0x8108, 0x1231, 0x2462, 0x48C4,
];

/// The XOR obfuscation key of a password of 1 to 15 bytes ([MS-OFFCRYPTO] 2.3.7.2).
fn xor_key(password: &[u8]) -> Option<u16> {
    let mut key = *INITIAL_CODE.get(password.len().checked_sub(1)?)?;
    // Seven matrix entries per byte, from the last byte and the last entry backwards.
    let mut entries = XOR_MATRIX.iter().rev();
    for &byte in password.iter().rev() {
        for bit in 0..7 {
            let entry = entries.next()?;
            if (byte << bit) & 0x40 != 0 {
                key ^= entry;
            }
        }
    }
    Some(key)
}

/// The 16-byte XOR array ([MS-OFFCRYPTO] 2.3.7.3): the password, then padding, each byte
/// combined with one byte of the key in turn.
fn xor_array(password: &[u8], key: u16) -> [u8; 16] {
    const PAD: [u8; 15] = [
        0xBB, 0xFF, 0xFF, 0xBA, 0xFF, 0xFF, 0xB9, 0x80, 0x00, 0xBE, 0x0F, 0x00, 0xBF, 0x0F, 0x00,
    ];
    let [low, high] = key.to_le_bytes();
    let mut source = [0u8; 16];
    source[..password.len()].copy_from_slice(password);
    source[password.len()..].copy_from_slice(&PAD[..16 - password.len()]);
    let mut out = [0u8; 16];
    for (i, (o, s)) in out.iter_mut().zip(source).enumerate() {
        let k = if i % 2 == 0 { low } else { high };
        *o = (s ^ k).rotate_right(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_matches_the_rfc_6229_vector() {
        // RFC 6229, key 0x0102030405, keystream bytes 0-15.
        let mut rc4 = Rc4::new_from_slice(&[1, 2, 3, 4, 5]).expect("key");
        let mut out = [0u8; 16];
        rc4.apply_keystream(&mut out);
        assert_eq!(
            out,
            [
                0xb2, 0x39, 0x63, 0x05, 0xf0, 0x3d, 0xc0, 0x27, 0xcc, 0xc3, 0x52, 0x4a, 0x0a, 0x11,
                0x18, 0xa8
            ]
        );
    }

    #[test]
    fn the_xor_key_verifier_and_array_of_the_default_password() {
        // Values from msoffcrypto-tool's independent implementation (its doctest gives
        // the verifier 0x9A0A).
        let bytes = xor_password_bytes(DEFAULT_PASSWORD);
        assert_eq!(xor_verifier(&bytes), 0x9A0A);
        assert_eq!(xor_key(&bytes), Some(0xB359));
        assert_eq!(
            xor_array(&bytes, 0xB359),
            [
                0x87, 0x6b, 0x9a, 0xe2, 0x1e, 0xe3, 0x05, 0x62, 0x1e, 0x69, 0x96, 0x60, 0x98, 0x6e,
                0x94, 0x04
            ]
        );
        // A 15-character password with a known key (msoffcrypto-tool's XOR test file).
        let other = xor_password_bytes("123456789012345");
        assert_eq!(xor_key(&other), Some(0x8265));
        assert_eq!(
            xor_array(&other, 0x8265),
            [
                0x2a, 0x58, 0x2b, 0x5b, 0x28, 0x5a, 0x29, 0x5d, 0x2e, 0x59, 0x2a, 0x58, 0x2b, 0x5b,
                0x28, 0x9c
            ]
        );
        assert_eq!(xor_key(&[]), None);
    }

    #[test]
    fn an_xor_verifier_for_another_password_is_refused() {
        let scheme = Scheme::Xor {
            key: 0x8265,
            verifier: xor_verifier(&xor_password_bytes("123456789012345")),
        };
        assert!(Cipher::for_password(&scheme, DEFAULT_PASSWORD).is_none());
        assert!(Cipher::for_password(&scheme, "123456789012345").is_some());
    }

    /// An RC4 (Office 97/2000) FILEPASS body for `password`, sealed as Excel seals it.
    fn rc4_filepass(password: &str, salt: [u8; 16]) -> Vec<u8> {
        let verifier = [7u8; 16];
        let mut rc4 = Cipher::rc4(password, &salt).block_cipher(0).expect("rc4");
        let mut sealed = [verifier.as_slice(), Md5::digest(verifier).as_slice()].concat();
        rc4.apply_keystream(&mut sealed);
        [&[1, 0, 1, 0, 1, 0][..], &salt, &sealed].concat()
    }

    #[test]
    fn the_rc4_verifier_accepts_only_its_password() {
        let salt = *b"0123456789abcdef";
        let scheme = parse_filepass(&rc4_filepass("VelvetSweatshop", salt)).expect("parsed");
        assert!(Cipher::for_password(&scheme, DEFAULT_PASSWORD).is_some());
        assert!(Cipher::for_password(&scheme, "velvetsweatshop").is_none());
        let scheme = parse_filepass(&rc4_filepass("secret", salt)).expect("parsed");
        assert!(Cipher::for_password(&scheme, DEFAULT_PASSWORD).is_none());
    }

    #[test]
    fn every_cut_of_a_filepass_is_refused_without_panicking() {
        let full = rc4_filepass("VelvetSweatshop", [3; 16]);
        assert!(parse_filepass(&full).is_some());
        for n in 0..full.len() {
            assert_eq!(parse_filepass(&full[..n]), None, "{n} bytes");
        }
        // CryptoAPI headers whose sizes point anywhere.
        for header_size in [0u32, 31, 32, 1000, u32::MAX] {
            let mut d = vec![1, 0, 4, 0, 2, 0, 0x0C, 0, 0, 0];
            d.extend_from_slice(&header_size.to_le_bytes());
            d.extend_from_slice(&[0xAB; 120]);
            let _ = parse_filepass(&d);
        }
        assert_eq!(parse_filepass(&[2, 0, 0, 0, 0, 0]), None);
        assert_eq!(parse_filepass(&[1, 0, 9, 0, 9, 0]), None);
    }

    /// Cross-checks the three schemes against workbooks Excel encrypted and their
    /// decryption by msoffcrypto-tool, which are not committed (see
    /// tests/fixtures/README.md for where they come from and how to run this).
    #[test]
    #[ignore = "needs TONGBAO_XLS_CRYPT_DIR with third-party files"]
    fn public_encrypted_workbooks_decrypt_as_msoffcrypto_tool_does() {
        let dir = std::path::PathBuf::from(
            std::env::var_os("TONGBAO_XLS_CRYPT_DIR").expect("TONGBAO_XLS_CRYPT_DIR"),
        );
        let stream = |name: &str| {
            let file = std::fs::read(dir.join(name)).expect(name);
            crate::read::cfbview::workbook_stream(&file)
                .expect("workbook stream")
                .data
        };
        for (name, password) in [
            ("autostart-encrypt-standardpassword", DEFAULT_PASSWORD),
            ("dde-test-encrypt-standardpassword", DEFAULT_PASSWORD),
            ("rc4cryptoapi_password", "Password1234_"),
            ("xor_password_123456789012345", "123456789012345"),
        ] {
            let encrypted = stream(&format!("{name}.xls"));
            let expected = stream(&format!("{name}.dec.xls"));
            let plain = decrypt_with(&encrypted, password)
                .expect(name)
                .expect("encrypted");
            assert_eq!(plain.len(), expected.len(), "{name}");
            let first_difference = plain.iter().zip(&expected).position(|(a, b)| a != b);
            assert_eq!(first_difference, None, "{name}");
            let file = std::fs::read(dir.join(format!("{name}.xls"))).expect(name);
            let read = crate::read::read_bytes(&file, &crate::config::Limits::default());
            if password == DEFAULT_PASSWORD {
                let book = read.expect(name);
                assert!(book.sheets.iter().any(|s| !s.cells.is_empty()), "{name}");
            } else {
                assert_eq!(read.err(), Some(ReadError::Encrypted), "{name}");
            }
        }
    }
}
