//! The compound file (OLE) of an .xls as calamine will walk it, with every walk bounded.
//!
//! calamine's own CFB reader follows sector chains through the FAT until it meets an
//! end-of-chain mark or has collected a length the file declares. A chain that loops back
//! on itself (two bytes changed in a FAT sector) makes the directory walk grow a vector
//! forever, and a DIFAT that lists one FAT sector a million times makes the FAT a million
//! sectors long: both end in an allocation failure that aborts the process. So the .xls
//! reader first replays calamine's walks here, in the same order and with the same
//! arithmetic, refusing any chain longer than the file has sectors. The replay also
//! yields the Workbook stream exactly as calamine will see it, for the BIFF pre-scan, and
//! where each of its bytes sits in the file.
//!
//! Differences from calamine, all towards refusing: a sector that starts past the end of
//! the file, or a mini sector past the end of the mini stream, is refused as damage
//! (calamine would read zeros or whatever follows).

use super::Damage;
use super::ReadError;
use crate::diag::damage::CompoundProblem;

const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;

/// Streams of 4096 bytes or more live in regular sectors; shorter ones in the mini stream.
const MINI_CUTOFF: u64 = 4096;

/// A stream's bytes and where its runs lie in the file (for a stream in the mini stream,
/// where each mini sector lies, through the root entry's sectors).
pub(crate) struct Stream {
    pub(crate) data: Vec<u8>,
    /// (offset in stream, offset in file, length) of each sector's part.
    pub(crate) runs: Vec<(usize, usize, usize)>,
}

impl Stream {
    /// The file offset of stream byte `at`.
    pub(crate) fn file_offset(&self, at: usize) -> Option<usize> {
        let i = self
            .runs
            .partition_point(|&(s, _, _)| s <= at)
            .checked_sub(1)?;
        let (s, f, len) = self.runs[i];
        (at < s + len).then_some(f + (at - s))
    }
}

fn damaged(problem: CompoundProblem) -> ReadError {
    ReadError::Truncated(Damage::Compound { problem })
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn to_u32(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// One directory entry, as calamine decodes it.
struct Directory {
    name: String,
    start: u32,
    len: u64,
}

/// The file as calamine's `Cfb` sees it.
struct View<'f> {
    file: &'f [u8],
    sector_size: usize,
    /// Highest sector id calamine accepts (`len / sector_size`).
    maxid: u64,
    fats: Vec<u32>,
}

impl<'f> View<'f> {
    /// Regular sector `id`: the bytes after the header, `id * size` in.
    fn sector(&self, id: u32) -> Result<(usize, &'f [u8]), ReadError> {
        if u64::from(id) > self.maxid {
            return Err(damaged(CompoundProblem::SectorOutsideFile));
        }
        let start = self.sector_size * (id as usize + 1);
        if start >= self.file.len() {
            return Err(damaged(CompoundProblem::SectorPastEnd));
        }
        let end = (start + self.sector_size).min(self.file.len());
        Ok((start, &self.file[start..end]))
    }

    /// calamine's `get_chain`: sectors from `start` until end of chain or `len` bytes,
    /// refusing a walk longer than the file has sectors (a loop).
    fn chain(&self, start: u32, len: u64) -> Result<Stream, ReadError> {
        let mut data = Vec::new();
        let mut runs = Vec::new();
        let mut id = start;
        let mut steps = 0u64;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.maxid + 1 {
                return Err(damaged(CompoundProblem::ChainLoops));
            }
            let (at, bytes) = self.sector(id)?;
            let remaining =
                usize::try_from(len.saturating_sub(data.len() as u64)).unwrap_or(usize::MAX);
            let take = bytes.len().min(remaining);
            runs.push((data.len(), at, take));
            data.extend_from_slice(&bytes[..take]);
            if data.len() as u64 >= len {
                break;
            }
            id = *self
                .fats
                .get(id as usize)
                .ok_or_else(|| damaged(CompoundProblem::SectorNotAllocated))?;
        }
        Ok(Stream { data, runs })
    }
}

/// The Workbook (or Book) stream of an .xls, read as calamine reads it.
pub(crate) fn workbook_stream(file: &[u8]) -> Result<Stream, ReadError> {
    let header = file
        .get(..512)
        .ok_or_else(|| damaged(CompoundProblem::HeaderIncomplete))?;
    let version = u16_at(header, 26).unwrap_or(0);
    let sector_size = match u16_at(header, 30) {
        Some(0x0009) => 512,
        Some(0x000C) if file.len() >= 4096 => 4096,
        _ => return Err(damaged(CompoundProblem::SectorSize)),
    };
    if u16_at(header, 32) != Some(6) {
        return Err(damaged(CompoundProblem::MiniSectorSize));
    }
    let field = |at| u32_at(header, at).unwrap_or(0);
    let (dir_start, mini_fat_start, mini_fat_len, difat_start) =
        (field(48), field(60), field(64), field(68));
    let maxid = (file.len() / sector_size) as u64;
    let mut view = View {
        file,
        sector_size,
        maxid,
        fats: Vec::new(),
    };

    // DIFAT: the header's 109 entries, then a chain whose last entry points onwards.
    let mut difat: Vec<u32> = to_u32(&header[76..512]).collect();
    let mut sector_id = difat_start;
    let mut steps = 0u64;
    while sector_id < RESERVED_SECTORS {
        steps += 1;
        if steps > maxid + 1 {
            return Err(damaged(CompoundProblem::DifatTooLong));
        }
        difat.extend(to_u32(view.sector(sector_id)?.1));
        sector_id = difat
            .pop()
            .ok_or_else(|| damaged(CompoundProblem::DifatEmpty))?;
    }
    // A real FAT has at most one sector per sector of the file; listing more is how a
    // small file would make calamine build a FAT of gigabytes.
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if fat_sectors.len() as u64 > maxid + 1 {
        return Err(damaged(CompoundProblem::TooManyFatSectors));
    }
    let mut fats = Vec::new();
    for id in fat_sectors {
        fats.extend(to_u32(view.sector(id)?.1));
    }
    // A file cut short in transfer often loses only unused-looking tail sectors that no
    // stream calamine reads lives in; it is still a damaged file, and the county should
    // send it again. Every sector the FAT marks as used must be in the file.
    if let Some(last_used) = fats.iter().rposition(|&next| next != FREESECT) {
        if file.len() < sector_size * (last_used + 2) {
            return Err(damaged(CompoundProblem::ShorterThanFat));
        }
    }
    view.fats = fats;

    let dirs: Vec<Directory> = view
        .chain(dir_start, u64::MAX)?
        .data
        .chunks_exact(128)
        .map(|c| {
            let units: Vec<u16> = c[..64]
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            let mut name: String = char::decode_utf16(units)
                .map(|r| r.unwrap_or('\u{FFFD}'))
                .collect();
            if let Some(nul) = name.as_bytes().iter().position(|&b| b == 0) {
                name.truncate(nul);
            }
            let start = u32_at(c, 116).unwrap_or(ENDOFCHAIN);
            let len = if sector_size == 512 {
                u64::from(u32_at(c, 120).unwrap_or(0))
            } else {
                u64_at(c, 120).unwrap_or(0)
            };
            Directory { name, start, len }
        })
        .collect();
    let root = dirs
        .first()
        .ok_or_else(|| damaged(CompoundProblem::RootEmpty))?;
    if version != 3 && root.start == ENDOFCHAIN {
        return Err(damaged(CompoundProblem::RootEmpty));
    }
    let (mini_fats, mini_stream) = if mini_fat_len > 0 {
        let mini_stream = view.chain(root.start, root.len)?;
        let mini_fat = view
            .chain(mini_fat_start, u64::from(mini_fat_len) * sector_size as u64)?
            .data;
        (to_u32(&mini_fat).collect::<Vec<u32>>(), mini_stream)
    } else {
        (
            Vec::new(),
            Stream {
                data: Vec::new(),
                runs: Vec::new(),
            },
        )
    };

    // calamine asks for "Workbook" and, on any failure, for "Book".
    let find = |wanted: &str| {
        dirs.iter()
            .find(|d| d.name.as_bytes().eq_ignore_ascii_case(wanted.as_bytes()))
    };
    let get = |d: &Directory| -> Result<Stream, ReadError> {
        if d.len < MINI_CUTOFF {
            mini_chain(&mini_stream, &mini_fats, maxid * 8, d.start, d.len)
        } else {
            view.chain(d.start, d.len)
        }
    };
    match find("Workbook").map(get) {
        Some(Ok(stream)) => Ok(stream),
        workbook_failure => match find("Book") {
            Some(d) => get(d),
            None => Err(match workbook_failure {
                Some(Err(e)) => e,
                _ => damaged(CompoundProblem::NoWorkbookStream),
            }),
        },
    }
}

/// A chain of 64-byte mini sectors inside the mini stream. A mini sector never straddles
/// two regular sectors (64 divides both sector sizes), so each maps to one run.
fn mini_chain(
    mini_stream: &Stream,
    mini_fats: &[u32],
    maxid: u64,
    start: u32,
    len: u64,
) -> Result<Stream, ReadError> {
    let mut data = Vec::new();
    let mut runs = Vec::new();
    let mut id = start;
    let mut steps = 0u64;
    while id != ENDOFCHAIN {
        steps += 1;
        if steps > maxid + 1 || u64::from(id) > maxid {
            return Err(damaged(CompoundProblem::MiniChain));
        }
        let at = id as usize * 64;
        let bytes = mini_stream
            .data
            .get(at..at + 64)
            .ok_or_else(|| damaged(CompoundProblem::MiniSectorOutside))?;
        let remaining =
            usize::try_from(len.saturating_sub(data.len() as u64)).unwrap_or(usize::MAX);
        let take = remaining.min(64);
        if let Some(file_at) = mini_stream.file_offset(at) {
            runs.push((data.len(), file_at, take));
        }
        data.extend_from_slice(&bytes[..take]);
        if data.len() as u64 >= len {
            break;
        }
        id = *mini_fats
            .get(id as usize)
            .ok_or_else(|| damaged(CompoundProblem::MiniSectorNotAllocated))?;
    }
    Ok(Stream { data, runs })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 512-byte-sector file: header, FAT in sector 0, directory in sector 1, then the
    /// given FAT entries for sectors 1.. (sector 0 is marked as a FAT sector).
    fn file_with_fat(fat_tail: &[u32], sectors: usize) -> Vec<u8> {
        let mut f = vec![0u8; 512 * (sectors + 1)];
        f[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        f[26..28].copy_from_slice(&3u16.to_le_bytes());
        f[30..32].copy_from_slice(&9u16.to_le_bytes());
        f[32..34].copy_from_slice(&6u16.to_le_bytes());
        f[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory starts at sector 1
        f[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        for i in 0..109 {
            let v = if i == 0 { 0u32 } else { u32::MAX };
            f[76 + 4 * i..80 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        let fat = 512;
        f[fat..fat + 512].fill(0xFF);
        f[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        for (i, v) in fat_tail.iter().enumerate() {
            f[fat + 4 * (i + 1)..fat + 4 * (i + 2)].copy_from_slice(&v.to_le_bytes());
        }
        f
    }

    #[test]
    fn a_looping_directory_chain_is_refused() {
        // Sector 1 → 2 → 1 …
        let f = file_with_fat(&[2, 1], 3);
        assert!(
            matches!(workbook_stream(&f), Err(ReadError::Truncated(d)) if d.text(crate::lang::Lang::Zh).contains("成环") && d.text(crate::lang::Lang::En).contains("loops"))
        );
    }

    #[test]
    fn a_difat_listing_one_fat_sector_many_times_is_refused() {
        let mut f = file_with_fat(&[ENDOFCHAIN], 2);
        for i in 0..109 {
            f[76 + 4 * i..80 + 4 * i].copy_from_slice(&0u32.to_le_bytes());
        }
        assert!(matches!(workbook_stream(&f), Err(ReadError::Truncated(_))));
    }

    #[test]
    fn stream_offsets_map_to_the_file() {
        let s = Stream {
            data: vec![0; 1000],
            runs: vec![(0, 1024, 512), (512, 3072, 488)],
        };
        assert_eq!(s.file_offset(0), Some(1024));
        assert_eq!(s.file_offset(513), Some(3073));
        assert_eq!(s.file_offset(1000), None);
    }

    #[test]
    fn a_stream_in_the_mini_stream_maps_every_byte_to_the_file() {
        use std::io::Write;
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
        cf.create_stream("/Workbook")
            .and_then(|mut s| s.write_all(&data))
            .expect("stream");
        cf.flush().expect("flush");
        let file = cf.into_inner().into_inner();
        let stream = workbook_stream(&file).expect("workbook stream");
        assert_eq!(stream.data, data);
        for (k, byte) in data.iter().enumerate() {
            let at = stream.file_offset(k).expect("mapped");
            assert_eq!(file[at], *byte, "stream byte {k}");
        }
    }
}
