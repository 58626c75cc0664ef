//! The read stage: the bytes of a file in, sparse sheets out, or the specific reason why
//! not.
//!
//! Whatever a county sends is first recognised by its leading bytes (`sniff`): a web page,
//! a CSV, a PDF, a picture, a Word file or an encrypted workbook each gets its own
//! [`ReadError`], so the message can say what the file is and what to do. Every byte of a
//! ZIP container is inflated through the budgets of [`Limits`] (`zipscan`, `guard`).
//! .xlsx is then read by tongbao's own one-pass reader (`xlsx`, `sheetscan`, `sst`,
//! `numfmt`): each part is inflated and tokenised once, its cells counted against the
//! budgets as they stream, and the values are those calamine 0.38 would give. .xls and
//! .ods are read by calamine after streaming pre-scans (`cfbview`, `biff`, `ods`) that count
//! what calamine would build without building it, because calamine trusts declared sizes
//! and bounding boxes (its issues 684 and 693) and a crafted file of a few KB can otherwise
//! ask for gigabytes. A refused allocation aborts the whole process, which no
//! `catch_unwind` can stop; a pre-scan turns it into an error for that one file. Any panic
//! inside a reader becomes [`ReadError::Internal`].

mod biff;
mod cfbview;
mod convert;
mod fault;
mod guard;
mod numfmt;
mod ods;
mod raw;
mod sheetscan;
mod sniff;
mod sst;
mod xls;
mod xls_crypt;
mod xlsx;
mod xml;
mod xmltext;
mod zipscan;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use raw::*;

use crate::config::Limits;
use guard::{fenced, too_large};
use sniff::Sniffed;

/// Reads the workbook at `path`: [`load`], then [`read_bytes`].
pub fn read_path(path: &Path, limits: &Limits) -> Result<RawWorkbook, ReadError> {
    read_bytes(&load(path, limits)?, limits)
}

/// Reads a file's bytes within the size budget.
///
/// I/O problems (missing file, a folder, a pipe or device, a symlink loop, no permission)
/// are [`ReadError::Io`]; a file over `limits.max_file_bytes` is [`ReadError::TooLarge`]
/// before its content is read. Only regular files are opened: opening a FIFO named
/// `.xlsx` would wait for a writer forever, and a device such as `/dev/zero` never ends.
pub fn load(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(IoProblem::from_error(&e));
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(IoProblem::IsADirectory));
    }
    if !meta.is_file() {
        return Err(ReadError::Io(IoProblem::NotAFile));
    }
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(FILE_SIZE, meta.len(), limits.max_file_bytes));
    }
    let file = File::open(path).map_err(io)?;
    // The path may have been replaced between the two looks; the open handle is what
    // is read, so it is the one checked.
    if !file.metadata().map_err(io)?.is_file() {
        return Err(ReadError::Io(IoProblem::NotAFile));
    }
    // The capacity is a hint only: never more than the budget, whatever the size said.
    let hint = meta.len().min(limits.max_file_bytes);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    // The file may grow between the size check and the read; read one byte past the limit
    // to notice without reading it all.
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(
            FILE_SIZE,
            bytes.len() as u64,
            limits.max_file_bytes,
        ));
    }
    Ok(bytes)
}

/// Reads a workbook from its bytes: sniffs the container, checks the budgets of `limits`,
/// then reads every worksheet's non-empty cells.
///
/// Sheets come in workbook order, chart sheets left out; `visible` is false for hidden
/// and very hidden sheets. Cells are sorted by (row, col), empty cells and empty strings
/// left out. Dates are [`CellValue::DateTime`] where the file marks them as dates.
pub fn read_bytes(bytes: &[u8], limits: &Limits) -> Result<RawWorkbook, ReadError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(
            FILE_SIZE,
            bytes.len() as u64,
            limits.max_file_bytes,
        ));
    }
    fenced("read", || match sniff::sniff(bytes) {
        Sniffed::Zip => {
            let zipscan::Opened {
                mut archive,
                entries,
                budget,
                kind,
            } = zipscan::open(bytes, limits)?;
            match kind {
                zipscan::Kind::Xlsx => xlsx::read(&mut archive, &entries, &budget, limits),
                zipscan::Kind::Ods => ods::read(bytes, &mut archive, &entries, &budget, limits),
                zipscan::Kind::Not(e) => Err(e),
                // A workbook part that is not `xl/workbook.xml` (another folder or name),
                // found the way calamine and Excel find it: by the package's relationship.
                zipscan::Kind::Unmarked => {
                    if xlsx::names_a_workbook_part(&mut archive, &entries, &budget)? {
                        xlsx::read(&mut archive, &entries, &budget, limits)
                    } else {
                        Err(ReadError::Other(NotWorkbook::Zip))
                    }
                }
            }
        }
        Sniffed::Ole => xls::read_ole(bytes, limits),
        Sniffed::Rejected(e) => Err(e),
    })
}

/// The budget of the file size.
const FILE_SIZE: Budget = Budget::FileSize;
