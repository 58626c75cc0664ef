//! Shared harness of the fuzz targets: the sample configuration, and the two input
//! encodings that let libFuzzer mutate what is inside a container rather than the
//! container's checksums and offsets.
//!
//! * ZIP targets (`read_xlsx`, `read_ods`): an input starting with `PK` is used as it is
//!   (the zip reader, truncation, bombs); any other input is a list of entries, each
//!   `@@@@ <name>\n<content>` separated by `\n@@@@ `, packed into a stored ZIP, so the
//!   fuzzer edits sheet XML directly and the CRCs are always right.
//! * OLE target (`read_xls`): an input starting with the OLE signature is used as it is;
//!   any other input is the BIFF `Workbook` stream, wrapped in a fresh compound file.

use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::OnceLock;

use tongbao::config::{Config, Limits};

/// The sample roster and settings (`samples/tongbao.toml`), parsed once.
pub fn config() -> &'static Config {
    static CFG: OnceLock<Config> = OnceLock::new();
    CFG.get_or_init(|| {
        Config::from_str(
            include_str!("../../samples/tongbao.toml"),
            Path::new("tongbao.toml"),
        )
        .expect("sample config parses")
    })
}

/// The default budgets; a fuzz input is small, so only ratios (bombs) can reach them.
pub fn limits() -> Limits {
    config().limits()
}

/// The separator between entries of the ZIP entry encoding.
pub const ENTRY_MARK: &[u8] = b"@@@@ ";

/// Splits the entry encoding into (name, content) pairs.
pub fn entries(data: &[u8]) -> Vec<(String, &[u8])> {
    let mut out = Vec::new();
    let mut rest = data.strip_prefix(ENTRY_MARK).unwrap_or(data);
    loop {
        let next = find(rest, b"\n@@@@ ");
        let (chunk, tail) = match next {
            Some(i) => (&rest[..i], Some(&rest[i + 6..])),
            None => (rest, None),
        };
        let (name, content) = match chunk.iter().position(|&b| b == b'\n') {
            Some(nl) => (&chunk[..nl], &chunk[nl + 1..]),
            None => (chunk, &chunk[chunk.len()..]),
        };
        out.push((String::from_utf8_lossy(name).into_owned(), content));
        match tail {
            Some(t) => rest = t,
            None => return out,
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The ZIP a fuzz input stands for (see the module documentation).
pub fn zip_input(data: &[u8]) -> Vec<u8> {
    if data.starts_with(b"PK") {
        return data.to_vec();
    }
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (name, content) in entries(data) {
        // Duplicate or odd names are refused by the writer; the rest still makes a file.
        if w.start_file(name, opts).is_ok() {
            let _ = w.write_all(content);
        }
    }
    w.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// The OLE compound file a fuzz input stands for (see the module documentation).
pub fn ole_input(data: &[u8]) -> Vec<u8> {
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if data.starts_with(OLE) {
        return data.to_vec();
    }
    let build = || -> std::io::Result<Vec<u8>> {
        let mut c = cfb::CompoundFile::create(Cursor::new(Vec::new()))?;
        c.create_stream("Workbook")?.write_all(data)?;
        c.flush()?;
        Ok(c.into_inner().into_inner())
    };
    build().unwrap_or_default()
}

/// Reads and parses one file as the batch does; any panic is a finding.
pub fn read_and_parse(bytes: &[u8]) {
    if let Ok(wb) = tongbao::read::read_bytes(bytes, &limits()) {
        let _ = tongbao::parse::parse_return(&wb, config());
    }
}
