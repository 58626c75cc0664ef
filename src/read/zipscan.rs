//! ZIP containers: what is inside (a workbook, a Word file, a slide deck …) and the
//! metered reading of every entry that the .xlsx and .ods pre-scans build on.
//!
//! Nothing here trusts a size the archive declares. The entry count is read from the end
//! record before the zip crate builds its table, and every entry is decompressed through a
//! [`Metered`] reader charged to one budget per file, so a zip bomb fails after
//! `max_decompressed_bytes`, not after filling memory.

use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::guard::{fenced, too_large, Inflated, Metered};
use super::xml::ScanError;
use super::Damage;
use super::{ods, xlsx, Budget, NotWorkbook, RawWorkbook, ReadError};
use crate::config::Limits;

/// The archive type every reader here works on: the whole file is already in memory.
pub(crate) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Most entries a workbook archive may list. A county return has a dozen or so (a few
/// dozen with pictures); the zip crate keeps a few hundred bytes per listed entry, so a
/// crafted central directory of millions of tiny entries is refused before it is parsed.
pub(crate) const MAX_ZIP_ENTRIES: u64 = 10_000;

/// Reads a ZIP container that should be an .xlsx/.xlsm or .ods.
pub(crate) fn read_zip(bytes: &[u8], limits: &Limits) -> Result<RawWorkbook, ReadError> {
    if let Some(n) = declared_entries(bytes) {
        if n > MAX_ZIP_ENTRIES {
            return Err(too_large(Budget::ZipEntries, n, MAX_ZIP_ENTRIES));
        }
    }
    let mut archive = fenced("zip", || {
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(&e, None))
    })?;
    let entries = Entries::list(&archive)?;
    let budget = Inflated::new(limits.max_decompressed_bytes);
    match classify(&mut archive, &entries, &budget)? {
        Kind::Xlsx => xlsx::read(bytes, &mut archive, &entries, &budget, limits),
        Kind::Ods => ods::read(bytes, &mut archive, &entries, &budget, limits),
        Kind::Not(e) => Err(e),
    }
}

/// The total entry count of the end-of-central-directory record (ZIP64 aware), if the
/// record can be found; a missing record is left for the zip crate to report.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = &bytes[search_from..];
    let at = search_from + tail.windows(4).rposition(|w| w == EOCD)?;
    let eocd = bytes.get(at..at + 22)?;
    let count = u64::from(u16::from_le_bytes([eocd[10], eocd[11]]));
    if count != 0xFFFF {
        return Some(count);
    }
    // ZIP64: a locator 20 bytes before the end record points at the ZIP64 end record.
    let locator = bytes.get(at.checked_sub(20)?..at)?;
    if &locator[..4] != b"PK\x06\x07" {
        return Some(count);
    }
    let offset = usize::try_from(u64::from_le_bytes(locator[8..16].try_into().ok()?)).ok()?;
    let z64 = bytes.get(offset..offset.checked_add(56)?)?;
    if &z64[..4] != b"PK\x06\x06" {
        return Some(count);
    }
    Some(u64::from_le_bytes(z64[32..40].try_into().ok()?))
}

/// Maps a zip crate error to the reason given to the county.
pub(crate) fn zip_error(e: &ZipError, entry: Option<&str>) -> ReadError {
    let place = entry.map(|n| format!("“{n}”：")).unwrap_or_default();
    let place_en = entry.map(|n| format!("\"{n}\": ")).unwrap_or_default();
    match e {
        ZipError::UnsupportedArchive(m) if *m == ZipError::PASSWORD_REQUIRED => {
            ReadError::Encrypted
        }
        ZipError::InvalidPassword => ReadError::Encrypted,
        ZipError::UnsupportedArchive(m) => {
            ReadError::Other(NotWorkbook::UnsupportedZip(m.to_string()))
        }
        ZipError::CompressionMethodNotSupported(m) => {
            ReadError::Other(NotWorkbook::UnsupportedCompression(m.to_string()))
        }
        other => ReadError::Truncated(Damage::new(
            format!("ZIP 压缩包损坏：{place}{other}"),
            format!("damaged ZIP archive: {place_en}{other}"),
        )),
    }
}

/// One listed entry.
pub(crate) struct Entry {
    pub(crate) index: usize,
    /// The name as stored.
    pub(crate) name: String,
    pub(crate) is_dir: bool,
}

/// The entries of an archive, with calamine's case-insensitive name lookup.
pub(crate) struct Entries {
    pub(crate) list: Vec<Entry>,
    /// Normalised name (lowercase, `/` separators) → position in `list`. Built the way
    /// calamine builds its `zip_path_cache`, so a lookup here finds the entry calamine
    /// will read.
    by_key: HashMap<String, usize>,
}

impl Entries {
    fn list(archive: &Archive<'_>) -> Result<Entries, ReadError> {
        let mut list = Vec::with_capacity(archive.len());
        let mut by_key = HashMap::with_capacity(archive.len());
        for index in 0..archive.len() {
            let name = match archive.name_for_index(index) {
                Some(Ok(n)) => n.into_owned(),
                Some(Err(e)) => return Err(zip_error(&e, None)),
                None => continue,
            };
            by_key.insert(key(&name), list.len());
            let is_dir = name.ends_with('/');
            list.push(Entry {
                index,
                name,
                is_dir,
            });
        }
        Ok(Entries { list, by_key })
    }

    /// The entry calamine would open for `path`.
    pub(crate) fn find(&self, path: &str) -> Option<&Entry> {
        self.by_key
            .get(&path.to_ascii_lowercase())
            .map(|&i| &self.list[i])
    }
}

/// calamine's normalisation of an entry name.
pub(crate) fn key(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// Reads one entry through the budget, handing a buffered reader to `scan`.
///
/// Whatever `scan` does not consume is drained, so that every byte of every entry is
/// decompressed (and so checked for its CRC and charged to the budget) exactly once.
pub(crate) fn read_entry<T>(
    archive: &mut Archive<'_>,
    entry: &Entry,
    budget: &Inflated,
    xml: bool,
    scan: impl FnOnce(&mut BufReader<Metered<'_, &mut dyn Read>>) -> Result<T, ScanError>,
) -> Result<T, ReadError> {
    let name = entry.name.as_str();
    fenced("zip", || {
        let mut file = archive
            .by_index(entry.index)
            .map_err(|e| zip_error(&e, Some(name)))?;
        let raw: &mut dyn Read = &mut file;
        let mut reader = BufReader::with_capacity(64 << 10, Metered::new(raw, budget, xml));
        let scanned = scan(&mut reader);
        let drained = io::copy(&mut reader, &mut io::sink());
        // A tripped budget surfaces as an I/O error below it; it is the real reason.
        if let Some(e) = budget.tripped() {
            return Err(e);
        }
        let value = match scanned {
            Ok(v) => v,
            Err(ScanError::Reject(e)) => return Err(e),
            Err(ScanError::Xml(e)) => {
                return Err(ReadError::Truncated(Damage::new(
                    format!("“{name}”的 XML 无法解析：{e}"),
                    format!("the XML of \"{name}\" cannot be parsed: {e}"),
                )))
            }
        };
        drained.map_err(|e| {
            ReadError::Truncated(Damage::new(
                format!("ZIP 压缩包损坏：“{name}”：{e}"),
                format!("damaged ZIP archive: \"{name}\": {e}"),
            ))
        })?;
        Ok(value)
    })
}

/// Drains one entry, charging it to the budget.
pub(crate) fn drain_entry(
    archive: &mut Archive<'_>,
    entry: &Entry,
    budget: &Inflated,
) -> Result<(), ReadError> {
    read_entry(archive, entry, budget, false, |_| Ok(()))
}

/// What a ZIP container holds.
enum Kind {
    Xlsx,
    Ods,
    Not(ReadError),
}

fn classify(
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
) -> Result<Kind, ReadError> {
    if entries.list.is_empty() {
        return Ok(Kind::Not(ReadError::Other(NotWorkbook::EmptyZip)));
    }
    if entries.find("xl/workbook.xml").is_some() {
        return Ok(Kind::Xlsx);
    }
    if entries.find("xl/workbook.bin").is_some() {
        return Ok(Kind::Not(ReadError::Other(NotWorkbook::Xlsb)));
    }
    if let Some(mimetype) = entries.find("mimetype") {
        let head = read_entry(archive, mimetype, budget, false, |r| {
            let mut head = Vec::new();
            r.take(128)
                .read_to_end(&mut head)
                .map_err(|e| ScanError::Xml(e.into()))?;
            Ok(head)
        })?;
        let head = String::from_utf8_lossy(&head);
        let head = head.trim();
        if head.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
            return Ok(Kind::Ods);
        }
        if head.starts_with("application/vnd.oasis.opendocument.text") {
            return Ok(Kind::Not(ReadError::Other(NotWorkbook::Odt)));
        }
        if head.starts_with("application/vnd.oasis.opendocument.presentation") {
            return Ok(Kind::Not(ReadError::Other(NotWorkbook::Odp)));
        }
    }
    if let Some(content) = entries.find("content.xml") {
        let head = read_entry(archive, content, budget, false, |r| {
            let mut head = Vec::new();
            r.take(4096)
                .read_to_end(&mut head)
                .map_err(|e| ScanError::Xml(e.into()))?;
            Ok(head)
        })?;
        if head.windows(18).any(|w| w == b"office:spreadsheet") {
            return Ok(Kind::Ods);
        }
    }
    if entries.find("word/document.xml").is_some() {
        return Ok(Kind::Not(ReadError::Word));
    }
    if entries
        .list
        .iter()
        .any(|e| key(&e.name).starts_with("ppt/"))
    {
        return Ok(Kind::Not(ReadError::Other(NotWorkbook::PowerPoint)));
    }
    // Apple Numbers keeps its tables in Index/*.iwa (protobuf, snappy-compressed).
    if entries.list.iter().any(|e| {
        let k = key(&e.name);
        k.starts_with("index/") && k.ends_with(".iwa")
    }) {
        return Ok(Kind::Not(ReadError::Other(NotWorkbook::Numbers)));
    }
    Ok(Kind::Not(ReadError::Other(NotWorkbook::Zip)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_record_counts() {
        let mut empty = b"PK\x05\x06".to_vec();
        empty.extend_from_slice(&[0; 18]);
        assert_eq!(declared_entries(&empty), Some(0));
        let mut many = b"PK\x05\x06\0\0\0\0".to_vec();
        many.extend_from_slice(&40_000u16.to_le_bytes());
        many.extend_from_slice(&40_000u16.to_le_bytes());
        many.extend_from_slice(&[0; 10]);
        assert_eq!(declared_entries(&many), Some(40_000));
        assert_eq!(declared_entries(b"PK\x03\x04 no end record"), None);
    }

    #[test]
    fn too_many_entries_are_refused_before_parsing() {
        let mut many = b"PK\x05\x06\0\0\0\0".to_vec();
        many.extend_from_slice(&50_000u16.to_le_bytes());
        many.extend_from_slice(&50_000u16.to_le_bytes());
        many.extend_from_slice(&[0; 10]);
        assert!(matches!(
            read_zip(&many, &Limits::default()),
            Err(ReadError::TooLarge { found: 50_000, .. })
        ));
    }
}
