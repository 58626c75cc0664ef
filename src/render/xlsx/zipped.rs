//! Zip entries written by hand, for parts deflated by us (a receipt's, `book`; a long list's,
//! in pieces, `long_list`).
//!
//! Entries are as rust_xlsxwriter's packager makes them: deflated, dated 1980-01-01, Unix
//! permissions 0600, no extra fields, sizes and CRC in the local header. Deflating uses one
//! state per thread and level, reset between parts: making one zeroes 256 KB, which the
//! zip crate does for every part it writes.

use std::cell::RefCell;

use flate2::{Compress, Compression, FlushCompress, Status};

/// What a zip entry states about its part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    pub crc: u32,
    pub compressed: u32,
    pub size: u32,
    /// Where its local header starts.
    pub offset: u32,
}

thread_local! {
    /// One deflate state per level on each thread (levels 0–9).
    static DEFLATERS: RefCell<[Option<Compress>; 10]> = const { RefCell::new([const { None }; 10]) };
}

/// Appends `data` deflated at `level` (raw deflate, as a zip entry holds it) to `out`.
pub(crate) fn deflate(data: &[u8], level: u32, out: &mut Vec<u8>) {
    deflate_segment(data, level, true, out);
}

/// Appends `data` deflated at `level` as one segment of a part deflated in pieces: the
/// `last` segment ends the stream; any other ends on a byte boundary with a sync flush
/// and no final block, so that segments deflated on their own, one after the other, are
/// one valid stream (as pigz deflates a file on many cores).
pub(crate) fn deflate_segment(data: &[u8], level: u32, last: bool, out: &mut Vec<u8>) {
    let level = level.min(9);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    DEFLATERS.with(|d| {
        let mut states = d.borrow_mut();
        let c = states[level as usize]
            .get_or_insert_with(|| Compress::new(Compression::new(level), false));
        c.reset();
        out.reserve(data.len() / 3 + 64);
        let start = c.total_in();
        loop {
            let done = usize::try_from(c.total_in() - start).unwrap_or(data.len());
            if out.capacity() - out.len() < 64 {
                out.reserve(out.len() / 2 + 4096);
            }
            match c.compress_vec(&data[done..], out, flush) {
                Ok(Status::StreamEnd) => break,
                Ok(Status::Ok | Status::BufError) => {}
                // Deflating memory into memory has no error to meet; stop rather than spin.
                Err(_) => break,
            }
            // A flush is complete when all the input is taken and the output was not
            // filled (zlib's rule).
            let taken = usize::try_from(c.total_in() - start).unwrap_or(data.len());
            if !last && taken == data.len() && out.capacity() > out.len() {
                break;
            }
        }
    });
}

/// 1980-01-01 as an MS-DOS date: (year − 1980) << 9 | month << 5 | day.
const DOS_1980_01_01: u16 = (1 << 5) | 1;

/// The local header of an entry.
pub(crate) fn local_header(name: &str, e: &Entry) -> Vec<u8> {
    let mut b = Vec::with_capacity(30 + name.len());
    b.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    b.extend_from_slice(&20u16.to_le_bytes()); // version needed: deflate
    b.extend_from_slice(&0u16.to_le_bytes()); // flags
    b.extend_from_slice(&8u16.to_le_bytes()); // deflated
    b.extend_from_slice(&0u16.to_le_bytes()); // 00:00
    b.extend_from_slice(&DOS_1980_01_01.to_le_bytes());
    b.extend_from_slice(&e.crc.to_le_bytes());
    b.extend_from_slice(&e.compressed.to_le_bytes());
    b.extend_from_slice(&e.size.to_le_bytes());
    b.extend_from_slice(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes()); // extra field length
    b.extend_from_slice(name.as_bytes());
    b
}

/// The central directory of `entries`, then its end record, for a directory starting at
/// `at`.
pub(crate) fn directory(entries: &[(&str, Entry)], at: u32) -> Vec<u8> {
    let mut c = Vec::with_capacity(entries.len() * 80 + 22);
    for (name, e) in entries {
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        c.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: Unix, 2.0
        c.extend_from_slice(&20u16.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes());
        c.extend_from_slice(&8u16.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes());
        c.extend_from_slice(&DOS_1980_01_01.to_le_bytes());
        c.extend_from_slice(&e.crc.to_le_bytes());
        c.extend_from_slice(&e.compressed.to_le_bytes());
        c.extend_from_slice(&e.size.to_le_bytes());
        c.extend_from_slice(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_le_bytes());
        c.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        c.extend_from_slice(&(0o100_600u32 << 16).to_le_bytes()); // a file, rw-------
        c.extend_from_slice(&e.offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
    }
    let size = u32::try_from(c.len()).unwrap_or(u32::MAX);
    let n = u16::try_from(entries.len()).unwrap_or(u16::MAX);
    c.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    c.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    c.extend_from_slice(&n.to_le_bytes());
    c.extend_from_slice(&n.to_le_bytes());
    c.extend_from_slice(&size.to_le_bytes());
    c.extend_from_slice(&at.to_le_bytes());
    c.extend_from_slice(&0u16.to_le_bytes()); // comment length
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Parts deflated one after another with the thread's one state (reset between
    /// them), of every size, read back through the zip crate with their CRCs checked.
    #[test]
    fn entries_read_back_as_written() {
        let text: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("<row r=\"{i}\"><c><v>{}</v></c></row>", i * 7).into_bytes())
            .collect();
        let parts: Vec<(String, &[u8])> = [0usize, 1, 777, 65_536, text.len()]
            .iter()
            .enumerate()
            .map(|(i, &n)| (format!("xl/part{i}.xml"), &text[..n]))
            .collect();
        let mut zip = Vec::new();
        let mut entries = Vec::new();
        for (name, xml) in &parts {
            let mut data = Vec::new();
            deflate(xml, 1, &mut data);
            let entry = Entry {
                crc: crc32fast::hash(xml),
                compressed: u32::try_from(data.len()).expect("size"),
                size: u32::try_from(xml.len()).expect("size"),
                offset: u32::try_from(zip.len()).expect("size"),
            };
            zip.extend_from_slice(&local_header(name, &entry));
            zip.extend_from_slice(&data);
            entries.push((name.as_str(), entry));
        }
        let at = u32::try_from(zip.len()).expect("size");
        zip.extend_from_slice(&directory(&entries, at));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip");
        for (name, xml) in &parts {
            let mut back = Vec::new();
            archive
                .by_name(name)
                .expect("entry")
                .read_to_end(&mut back)
                .expect("CRC and sizes agree");
            assert!(back == *xml, "{name}");
        }
    }

    /// Segments deflated one after another on their own (each state reset) are one
    /// stream: read back through the zip crate with the CRC of the whole, combined from
    /// the segments' own.
    #[test]
    fn segments_deflated_apart_are_one_stream() {
        let text: Vec<u8> = (0..120_000u32)
            .flat_map(|i| format!("<row r=\"{i}\"><c><v>{}</v></c></row>", i % 977).into_bytes())
            .collect();
        for cuts in [
            vec![],
            vec![0],
            vec![5, 5, 70_000],
            vec![1, 65_536, 65_537, 2_000_000],
        ] {
            let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(text.len())).collect();
            bounds.push(text.len());
            let mut data = Vec::new();
            let mut crc = crc32fast::Hasher::new();
            let mut from = 0;
            for (k, &to) in bounds.iter().enumerate() {
                let piece = &text[from..to];
                deflate_segment(piece, 2, k + 1 == bounds.len(), &mut data);
                let mut h = crc32fast::Hasher::new();
                h.update(piece);
                crc.combine(&h);
                from = to;
            }
            let entry = Entry {
                crc: crc.finalize(),
                compressed: u32::try_from(data.len()).expect("size"),
                size: u32::try_from(text.len()).expect("size"),
                offset: 0,
            };
            let mut zip = local_header("xl/a.xml", &entry);
            zip.extend_from_slice(&data);
            let at = u32::try_from(zip.len()).expect("size");
            zip.extend_from_slice(&directory(&[("xl/a.xml", entry)], at));
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip");
            let mut back = Vec::new();
            archive
                .by_index(0)
                .expect("entry")
                .read_to_end(&mut back)
                .expect("CRC and sizes agree");
            assert!(back == text, "{cuts:?}");
        }
    }
}
