//! What the read stage hands to the parser: the sheets of a workbook as sparse cells with
//! their addresses, and the reasons a file could not be read.

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
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Text, never empty (an empty string is an empty cell).
    Text(String),
    /// A number not formatted as a date.
    Number(f64),
    /// A cell formatted as a date (or a date-time value from .ods).
    DateTime(NaiveDateTime),
    /// A logical value (TRUE / FALSE).
    Bool(bool),
    /// An error value such as `#DIV/0!`, as text.
    Error(String),
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
    /// Something else recognisable that is not a workbook; the text says what.
    #[error("not a workbook: {0}")]
    Other(String),
    /// Password-protected (encrypted .xlsx in OLE, or .xls with FILEPASS).
    #[error("encrypted")]
    Encrypted,
    /// Truncated or corrupt container; the text is the detail.
    #[error("truncated or damaged: {0}")]
    Truncated(String),
    /// A budget was exceeded; `what` names the budget.
    #[error("{what} is {found}, limit {limit}")]
    TooLarge {
        /// The budget, in Chinese, e.g. `工作表“项目明细”的使用区域（行×列）`.
        what: String,
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
