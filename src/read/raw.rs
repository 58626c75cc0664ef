//! What the read stage hands to the parser: the sheets of a workbook as sparse cells with
//! their addresses, and the reasons a file could not be read.

use std::sync::Arc;

use chrono::NaiveDateTime;

/// The container a file really is, recognised by its leading bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Container {
    /// Office Open XML: .xlsx, .xlsm.
    Xlsx,
    /// BIFF5/BIFF8 in an OLE compound file: .xls.
    Xls,
    /// OpenDocument: .ods.
    Ods,
}

/// A cell's value as the spreadsheet stored it. Empty cells are not stored.
///
/// Text is shared (`Arc<str>`): an .xlsx keeps each string once in its shared-string
/// table, and every cell that shows it points there, as these cells do, instead of each
/// holding a copy of its own.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Text, never empty (an empty string is an empty cell).
    Text(Arc<str>),
    /// A number not formatted as a date.
    Number(f64),
    /// A cell formatted as a date (or a date-time value from .ods).
    DateTime(NaiveDateTime),
    /// A logical value (TRUE / FALSE).
    Bool(bool),
    /// An error value such as `#DIV/0!`, as text.
    Error(Arc<str>),
    /// A formula whose result the file does not hold: the formula as a spreadsheet
    /// shows it (`=150+50`).
    ///
    /// Excel, WPS and LibreOffice save each formula's result beside it, and that result
    /// is what is read. A file written by a program (openpyxl, most libraries) may hold
    /// the formula alone: calamine then reads the cell as empty, and an empty amount is
    /// 0, so the return would be counted with a figure the county never stated. The
    /// reader keeps such a cell as this value instead, and the parser refuses it where a
    /// figure is read (`E-FORMULA-NO-VALUE`) or takes it as not reported where nothing
    /// is counted from it (主要指标, checked against the ledger only).
    ///
    /// Only .xlsx and .ods can hold one. A .xls FORMULA record always carries its
    /// result (BIFF has no record without one), so its reader never makes this value.
    Uncalculated(Arc<str>),
}

/// One non-empty cell at a zero-based (row, col).
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    /// Zero-based row (row 1 is 0).
    pub row: u32,
    /// Zero-based column (A is 0).
    pub col: u32,
    /// What the cell holds.
    pub value: CellValue,
}

/// A merged region, zero-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    /// Top row.
    pub first_row: u32,
    /// Left column.
    pub first_col: u32,
    /// Bottom row.
    pub last_row: u32,
    /// Right column.
    pub last_col: u32,
}

/// One worksheet. `cells` is sorted by (row, col) and holds no empty cells, so its size
/// is what the sheet really holds, however far apart the cells are.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSheet {
    /// The sheet's name as its tab shows it.
    pub name: String,
    /// False for hidden and very hidden sheets.
    pub visible: bool,
    /// Non-empty cells, sorted by (row, col), one per address.
    pub cells: Vec<RawCell>,
    /// Merged regions, in the order the file lists them.
    pub merges: Vec<Merge>,
}

impl RawSheet {
    /// The cells of one row, in column order.
    pub fn row(&self, row: u32) -> &[RawCell] {
        let start = self.cells.partition_point(|c| c.row < row);
        let end = self.cells.partition_point(|c| c.row <= row);
        &self.cells[start..end]
    }

    /// The value at (row, col), if that cell is not empty.
    pub fn get(&self, row: u32, col: u32) -> Option<&CellValue> {
        self.cells
            .binary_search_by(|c| (c.row, c.col).cmp(&(row, col)))
            .ok()
            .map(|i| &self.cells[i].value)
    }

    /// The last row holding a cell, if any.
    pub fn last_row(&self) -> Option<u32> {
        self.cells.last().map(|c| c.row)
    }

    /// The merged region whose top-left cell anchors (row, col), if (row, col) lies in one.
    pub fn merge_containing(&self, row: u32, col: u32) -> Option<&Merge> {
        self.merges.iter().find(|m| {
            (m.first_row..=m.last_row).contains(&row) && (m.first_col..=m.last_col).contains(&col)
        })
    }
}

/// What is damaged in a file, as data: the diagnostics' catalogue words it in the
/// reader's language when it is shown.
pub use crate::diag::damage::Damage;

/// All sheets of a workbook, in workbook order.
#[derive(Debug, Clone, PartialEq)]
pub struct RawWorkbook {
    /// What the file really was.
    pub container: Container,
    /// Worksheets in workbook order (chart sheets left out).
    pub sheets: Vec<RawSheet>,
}

/// An image format, for the message that says a file is a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Bmp,
    Tiff,
    Webp,
}

/// Why a file could not be opened or read from disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoProblem {
    NotFound,
    PermissionDenied,
    IsADirectory,
    /// A pipe (FIFO), socket or device under a workbook's name: never opened, since
    /// opening a FIFO waits for a writer and reading a device may never end.
    NotAFile,
    /// A symbolic link that points (through other links) back at itself.
    SymlinkLoop,
    Other,
}

impl IoProblem {
    pub fn from_kind(kind: std::io::ErrorKind) -> IoProblem {
        match kind {
            std::io::ErrorKind::NotFound => IoProblem::NotFound,
            std::io::ErrorKind::PermissionDenied => IoProblem::PermissionDenied,
            std::io::ErrorKind::IsADirectory => IoProblem::IsADirectory,
            _ => IoProblem::Other,
        }
    }

    /// The problem of an I/O error, telling a symlink loop (`ELOOP`, whose `ErrorKind`
    /// is not stable yet) from other failures.
    pub fn from_error(e: &std::io::Error) -> IoProblem {
        // ELOOP is 40 on Linux, 62 on the BSDs and macOS.
        const ELOOP: i32 = if cfg!(any(target_os = "macos", target_os = "freebsd")) {
            62
        } else {
            40
        };
        if cfg!(unix) && e.raw_os_error() == Some(ELOOP) {
            return IoProblem::SymlinkLoop;
        }
        IoProblem::from_kind(e.kind())
    }
}

/// What a file is when it is recognisably not a workbook, for [`ReadError::Other`]. The
/// wording is [`crate::messages::not_workbook`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotWorkbook {
    /// Nothing recognisable.
    Unknown,
    Rar,
    SevenZip,
    Gzip,
    Rtf,
    /// Excel 2003 XML Spreadsheet (SpreadsheetML in one XML file).
    Excel2003Xml,
    /// An XML part with a DTD (`<!DOCTYPE`), which no spreadsheet program writes; the part.
    Doctype(String),
    /// A ZIP feature the reader does not support; the zip crate's words.
    UnsupportedZip(String),
    /// A ZIP compression method the reader does not support; the method's name.
    UnsupportedCompression(String),
    /// A ZIP archive without entries.
    EmptyZip,
    /// Excel binary workbook (.xlsb).
    Xlsb,
    /// Apple Numbers (a ZIP of `Index/*.iwa`).
    Numbers,
    /// OpenDocument text (.odt).
    Odt,
    /// OpenDocument presentation (.odp).
    Odp,
    /// PowerPoint, in ZIP or OLE.
    PowerPoint,
    /// Any other ZIP archive.
    Zip,
    /// An Outlook message (.msg).
    OutlookMessage,
    /// Any other OLE compound file.
    Ole,
}

/// Which budget of the read stage a file exceeded, for [`ReadError::TooLarge`]. The
/// wording (Chinese or English) is [`crate::messages::budget`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Budget {
    /// The file's size in bytes (`max_file_bytes`).
    FileSize,
    /// Decompressed bytes of a ZIP container (`max_decompressed_bytes`).
    Decompressed,
    /// One XML tag or text run between two delimiters, in bytes.
    XmlToken,
    /// Entries listed in a ZIP container.
    ZipEntries,
    /// Sheets of a workbook (`max_sheets`).
    Sheets,
    /// Shared strings present (`max_strings`).
    Strings,
    /// Shared strings the table declares (`uniqueCount`).
    DeclaredStrings,
    /// Style records of styles.xml.
    StyleRecords,
    /// Cells of the whole workbook (`max_cells_per_sheet`, all sheets together).
    WorkbookCells,
    /// Text the reader would build, in bytes, each shared-string reference counted.
    TextTotal,
    /// Cells of one sheet (repeats expanded).
    SheetCells(String),
    /// The used area (rows × columns) of one sheet.
    SheetArea(String),
    /// Merged regions of one sheet.
    SheetMerges(String),
    /// The size one sheet declares (BIFF DIMENSIONS, rows × columns).
    SheetDimensions(String),
    /// The text of one cell of a sheet, in bytes, runs of spaces (`text:s`) expanded.
    CellText(String),
    /// The last column (one-based) a cell with content reaches in one sheet, against the
    /// 16 384 a sheet has.
    SheetColumns(String),
    /// The last row (one-based) a row with content reaches in one sheet, against the
    /// 1 048 576 a sheet has.
    SheetRows(String),
}

/// Why a file could not be read as a workbook. Each maps to one diagnostic code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// Zero bytes.
    #[error("empty file")]
    Empty,
    /// An HTML page (often "Excel" exports of web systems) under a spreadsheet name.
    #[error("HTML page")]
    Html,
    /// CSV or other plain text.
    #[error("plain text / CSV")]
    Text,
    /// A PDF document.
    #[error("PDF")]
    Pdf,
    /// A picture (a screenshot or photo of the return).
    #[error("image {0:?}")]
    Image(ImageKind),
    /// A Word document (.doc in OLE, or .docx in ZIP).
    #[error("Word document")]
    Word,
    /// Something else recognisable that is not a workbook; the kind says what.
    #[error("not a workbook: {0:?}")]
    Other(NotWorkbook),
    /// Password-protected: an encrypted .xlsx in OLE, or an .xls encrypted with a password
    /// other than Excel's default `VelvetSweatshop` (which is read; see `xls_crypt`).
    #[error("encrypted")]
    Encrypted,
    /// Truncated or corrupt container; the detail says what is damaged.
    #[error("truncated or damaged: {0}")]
    Truncated(Damage),
    /// A budget was exceeded; `what` names the budget.
    #[error("{what:?} is {found}, limit {limit}")]
    TooLarge {
        /// The budget, e.g. the used area of sheet 项目明细; worded by
        /// [`crate::messages::budget`] in the report's language.
        what: Budget,
        /// What the file has or asks for (at least this much; a scan stops early).
        found: u64,
        /// The limit from [`Limits`](crate::config::Limits) or the reader's own cap.
        limit: u64,
    },
    /// The file could not be opened or read from disk.
    #[error("cannot read: {0:?}")]
    Io(IoProblem),
    /// A parser panicked or failed in a way we did not classify.
    #[error("internal: {0}")]
    Internal(String),
}

/// Sorts by (row, col), keeping the last of cells written twice at one address (the one
/// a spreadsheet program would show). In place: a sheet's cells arrive in order as a rule,
/// so they are sorted only when they are not, and a copy of a 2-million-cell sheet is
/// never made.
pub(crate) fn sort_cells(cells: &mut Vec<RawCell>) {
    if !cells.is_sorted_by_key(|c| (c.row, c.col)) {
        // Stable: of two cells at one address, the later stays later.
        cells.sort_by_key(|c| (c.row, c.col));
    }
    cells.dedup_by(|later, kept| {
        let same = (later.row, later.col) == (kept.row, kept.col);
        if same {
            std::mem::swap(later, kept);
        }
        same
    });
}
