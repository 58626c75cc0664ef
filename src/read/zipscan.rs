//! ZIP containers: what is inside (a workbook, a Word file, a slide deck …) and the
//! metered reading of every entry that the .xlsx reader and the .ods pre-scan build on.
//!
//! Nothing here trusts a size the archive declares. The entry count is read from the end
//! record before the zip crate builds its table, and every entry is decompressed through a
//! [`Metered`] reader charged to one budget per file, so a zip bomb fails after
//! `max_decompressed_bytes`, not after filling memory. Two entries under one name are
//! refused: the zip crate keeps the last, and a reader that kept the first would see
//! another workbook. The zip crate's and quick-xml's errors are told to the county in
//! words of both languages, not in theirs.

use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read};

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive, SUPPORTED_COMPRESSION_METHODS};

use super::guard::{fenced, too_large, Inflated, Metered};
use super::xml::ScanError;
use super::Damage;
use super::{Budget, NotWorkbook, ReadError};
use crate::config::Limits;
use crate::diag::damage::{XmlProblem, ZipProblem};

/// The archive type every reader here works on: the whole file is already in memory.
pub(crate) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Most entries a workbook archive may list. A county return has a dozen or so (a few
/// dozen with pictures); the zip crate keeps a few hundred bytes per listed entry, so a
/// crafted central directory of millions of tiny entries is refused before it is parsed.
pub(crate) const MAX_ZIP_ENTRIES: u64 = 10_000;

/// A ZIP container opened: its directory listed within the budgets, and what it holds.
pub(crate) struct Opened<'a> {
    pub(crate) archive: Archive<'a>,
    pub(crate) entries: Entries,
    /// The decompression budget every part is inflated through.
    pub(crate) budget: Inflated,
    pub(crate) kind: Kind,
}

/// Opens a ZIP container that should be an .xlsx/.xlsm or .ods; `read` hands it to the
/// reader of its kind.
pub(crate) fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Opened<'a>, ReadError> {
    if let Some(n) = declared_entries(bytes) {
        if n > MAX_ZIP_ENTRIES {
            return Err(too_large(Budget::ZipEntries, n, MAX_ZIP_ENTRIES));
        }
    }
    let mut archive = fenced("zip", || {
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(&e, None))
    })?;
    let entries = Entries::list(&archive, bytes)?;
    let budget = Inflated::new(limits.max_decompressed_bytes);
    let kind = classify(&mut archive, &entries, &budget)?;
    Ok(Opened {
        archive,
        entries,
        budget,
        kind,
    })
}

/// The total entry count of the end-of-central-directory record (ZIP64 aware), if the
/// record can be found; a missing record is left for the zip crate to report.
///
/// The record is searched for from the end, as the zip crate searches for it, and a
/// candidate that cannot be the record is passed over as the zip crate passes it over:
/// the archive comment may itself hold the bytes `PK\x05\x06`.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 0xFFFF);
    let finder = memchr::memmem::FinderRev::new(EOCD);
    let (at, eocd) = finder
        .rfind_iter(&bytes[search_from..])
        .map(|i| search_from + i)
        .find_map(|at| {
            Some((at, bytes.get(at..at + 22)?)).filter(|(at, e)| end_record_fits(bytes, *at, e))
        })?;
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

/// Whether an end record found at `at` can be the archive's: its comment ends within
/// the file, it describes one disk, and its central directory lies before it (the
/// checks the zip crate makes before it tries a candidate).
fn end_record_fits(bytes: &[u8], at: usize, eocd: &[u8]) -> bool {
    let u16_at = |i: usize| u16::from_le_bytes([eocd[i], eocd[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([eocd[i], eocd[i + 1], eocd[i + 2], eocd[i + 3]]);
    let comment_ends = at + 22 + usize::from(u16_at(20));
    let (disk, cd_disk, on_disk, total) = (u16_at(4), u16_at(6), u16_at(8), u16_at(10));
    let zip64 = total == 0xFFFF || u32_at(16) == 0xFFFF_FFFF;
    comment_ends <= bytes.len()
        && (zip64 || (disk == 0 && cd_disk == 0 && on_disk == total))
        && (zip64 || u64::from(u32_at(16)) <= at as u64)
}

/// Maps a zip crate error to the reason given to the county: `entry` is the part being
/// read, `None` while the archive's directory is.
pub(crate) fn zip_error(e: &ZipError, entry: Option<&str>) -> ReadError {
    match e {
        ZipError::UnsupportedArchive(m) if *m == ZipError::PASSWORD_REQUIRED => {
            ReadError::Encrypted
        }
        ZipError::InvalidPassword => ReadError::Encrypted,
        ZipError::UnsupportedArchive(m) => {
            ReadError::Other(NotWorkbook::UnsupportedZip(m.to_string()))
        }
        ZipError::CompressionMethodNotSupported(m) => {
            ReadError::Other(NotWorkbook::UnsupportedCompression(numbered_method(*m)))
        }
        ZipError::Io(io) => zip_data_damage(io, entry),
        ZipError::InvalidArchive(m) if m.starts_with("Invalid UTF-8") => {
            damaged_zip(ZipProblem::NameNotUtf8)
        }
        ZipError::InvalidArchive(m) if m.contains("ulti-disk") => {
            damaged_zip(ZipProblem::SplitVolume)
        }
        _ => damaged_zip(match entry {
            Some(n) => ZipProblem::EntryHeader { part: n.into() },
            None => ZipProblem::Directory,
        }),
    }
}

/// A damaged archive.
fn damaged_zip(problem: ZipProblem) -> ReadError {
    ReadError::Truncated(Damage::Zip { problem })
}

/// The data of an entry failed to inflate or to match its checksum.
fn zip_data_damage(e: &io::Error, entry: Option<&str>) -> ReadError {
    let part = entry.map(str::to_string);
    let text = e.to_string();
    damaged_zip(if e.kind() == io::ErrorKind::UnexpectedEof {
        ZipProblem::DataEnds { part }
    } else if text.contains("checksum") || text.contains("CRC") {
        ZipProblem::DataChecksum { part }
    } else {
        ZipProblem::DataInflate { part }
    })
}

/// The name of a compression method the reader cannot inflate, e.g. `Bzip2 (12)`.
fn method_name(m: CompressionMethod) -> String {
    // The zip crate gives the number of a method it cannot read only by this variant.
    #[allow(deprecated)]
    match m {
        CompressionMethod::Unsupported(v) => numbered_method(v),
        other => other.to_string(),
    }
}

/// A compression method by its number: `Bzip2 (12)`, `Unknown (77)`.
fn numbered_method(code: u16) -> String {
    format!("{} ({code})", CompressionMethod::name_from_u16(code))
}

/// What is wrong with an XML part, from quick-xml's error.
pub(crate) fn xml_problem(e: &quick_xml::Error) -> XmlProblem {
    use quick_xml::errors::{Error as X, IllFormedError as I};
    match e {
        X::Syntax(_) => XmlProblem::Unclosed,
        X::IllFormed(I::MissingEndTag(_) | I::UnmatchedEndTag(_) | I::MismatchedEndTag { .. }) => {
            XmlProblem::TagsMismatch
        }
        X::IllFormed(_) => XmlProblem::IllFormed,
        X::InvalidAttr(_) => XmlProblem::Attribute,
        X::Encoding(_) => XmlProblem::Encoding,
        X::Escape(_) => XmlProblem::Escape,
        X::Namespace(_) => XmlProblem::Namespace,
        X::Io(_) => XmlProblem::Io,
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
    /// The entries of `archive`, whose bytes are `bytes`; two entries under one name, or
    /// under names that differ only in case (one name to calamine), are refused.
    fn list(archive: &Archive<'_>, bytes: &[u8]) -> Result<Entries, ReadError> {
        if archive.has_duplicate_names() {
            let name = repeated_name(bytes, archive.central_directory_start()).unwrap_or_default();
            return Err(ReadError::Truncated(Damage::ZipDuplicatePart {
                part: name,
            }));
        }
        let mut list: Vec<Entry> = Vec::with_capacity(archive.len());
        let mut by_key = HashMap::with_capacity(archive.len());
        for index in 0..archive.len() {
            let name = match archive.name_for_index(index) {
                Some(Ok(n)) => n.into_owned(),
                Some(Err(e)) => return Err(zip_error(&e, None)),
                None => continue,
            };
            if let Some(earlier) = by_key.insert(key(&name), list.len()) {
                let earlier = &list[earlier].name;
                return Err(ReadError::Truncated(Damage::ZipCaseDuplicate {
                    first: earlier.clone(),
                    second: name,
                }));
            }
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

/// The first name the central directory at `start` lists twice (the zip crate keeps
/// only one entry of each name, so the raw headers are read here). Bounded by the
/// entries already counted and the file's bytes.
fn repeated_name(bytes: &[u8], start: u64) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    let mut at = usize::try_from(start).ok()?;
    for _ in 0..=MAX_ZIP_ENTRIES {
        let header = bytes.get(at..at.checked_add(46)?)?;
        if &header[..4] != b"PK\x01\x02" {
            return None;
        }
        let len = |i: usize| usize::from(u16::from_le_bytes([header[i], header[i + 1]]));
        let name = bytes.get(at + 46..at + 46 + len(28))?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + len(28) + len(30) + len(32);
    }
    None
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
        let method = file.compression();
        if !SUPPORTED_COMPRESSION_METHODS.contains(&method) {
            return Err(ReadError::Other(NotWorkbook::UnsupportedCompression(
                method_name(method),
            )));
        }
        // A buffer the size the entry says it inflates to, up to 64 KiB: the first read
        // zeroes all of it (`Metered` cannot take uninitialised memory), and most parts
        // are a few hundred bytes (64 KiB each was 180 MB zeroed for a province's check).
        // A size that lies only makes the reads smaller.
        let capacity = usize::try_from(file.size()).map_or(64 << 10, |n| n.clamp(512, 64 << 10));
        let raw: &mut dyn Read = &mut file;
        let mut reader = BufReader::with_capacity(capacity, Metered::new(raw, budget, xml));
        let scanned = scan(&mut reader);
        let drained = io::copy(&mut reader, &mut io::sink());
        // A tripped budget surfaces as an I/O error below it; it is the real reason.
        if let Some(e) = budget.tripped() {
            return Err(e);
        }
        let value = match scanned {
            Ok(v) => v,
            Err(ScanError::Reject(e)) => return Err(e),
            // A read under the XML failed: the entry's data, not its XML, is damaged.
            Err(ScanError::Xml(quick_xml::Error::Io(e))) => {
                return Err(zip_data_damage(&e, Some(name)))
            }
            Err(ScanError::Xml(e)) => {
                return Err(ReadError::Truncated(Damage::PartXml {
                    part: name.to_string(),
                    problem: xml_problem(&e),
                }));
            }
        };
        drained.map_err(|e| zip_data_damage(&e, Some(name)))?;
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
pub(crate) enum Kind {
    Xlsx,
    Ods,
    Not(ReadError),
    /// None of the parts that mark a kind: an .xlsx whose workbook part is elsewhere,
    /// found by the package's relationships (`xlsx::names_a_workbook_part`), or no
    /// workbook.
    Unmarked,
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
    Ok(Kind::Unmarked)
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
    fn an_end_record_inside_the_comment_is_passed_over() {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        z.start_file("a.xml", zip::write::SimpleFileOptions::default())
            .expect("entry");
        z.write_all(b"<a/>").expect("write");
        // What the comment holds reads as an end record of 16 705 entries on 16 705 disks.
        let comment: Vec<u8> = b"PK\x05\x06".iter().chain(&[b'A'; 40]).copied().collect();
        z.set_raw_comment(comment.into()).expect("comment");
        let bytes = z.finish().expect("zip").into_inner();
        assert_eq!(declared_entries(&bytes), Some(1));
        // A whole record in the comment, but for a directory it cannot have: passed over.
        let mut fake = b"PK\x05\x06\0\0\0\0".to_vec();
        fake.extend_from_slice(&50_000u16.to_le_bytes());
        fake.extend_from_slice(&50_000u16.to_le_bytes());
        fake.extend_from_slice(&0u32.to_le_bytes());
        fake.extend_from_slice(&u32::MAX.wrapping_sub(1).to_le_bytes());
        fake.extend_from_slice(&0u16.to_le_bytes());
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        z.start_file("a.xml", zip::write::SimpleFileOptions::default())
            .expect("entry");
        z.set_raw_comment(fake.into()).expect("comment");
        let bytes = z.finish().expect("zip").into_inner();
        assert_eq!(declared_entries(&bytes), Some(1));
    }

    #[test]
    fn too_many_entries_are_refused_before_parsing() {
        let mut many = b"PK\x05\x06\0\0\0\0".to_vec();
        many.extend_from_slice(&50_000u16.to_le_bytes());
        many.extend_from_slice(&50_000u16.to_le_bytes());
        many.extend_from_slice(&[0; 10]);
        assert!(matches!(
            open(&many, &Limits::default()),
            Err(ReadError::TooLarge { found: 50_000, .. })
        ));
    }
}
