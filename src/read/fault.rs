//! What can be wrong inside an .xlsx part that the reader reads (the workbook, its
//! relationships, styles, shared strings and sheets), worded once for all of them; and the
//! used area a sheet's cells span. Its own module so that the parts' readers (`xlsx`,
//! `sheetscan`, `sst`, `numfmt`) depend on it and not on one another.

use super::xml::shown;
use super::xml::ScanError;
use super::zipscan::xml_problem;
use super::{Damage, ReadError};
use crate::diag::damage::ContentFault;
use crate::model::a1;

/// What calamine refused in the parts it read and the reader now reads as it did; made a
/// [`Damage`] (none of the libraries' words) by [`Fault::refusal`].
#[derive(Debug)]
pub(crate) enum Fault {
    /// Malformed XML.
    Xml(quick_xml::Error),
    /// A malformed attribute.
    Attribute,
    /// The part ends before the end tag of this element.
    Eof(&'static str),
    /// An element where these were expected.
    UnexpectedNode(&'static str),
    /// A sheet whose relationship is missing.
    RelationshipMissing,
    /// A value of this kind that calamine did not know.
    Unrecognized { typ: &'static str, val: String },
    /// An error value that is none of Excel's.
    CellError(String),
    /// A sheet whose part is missing.
    WorksheetMissing(String),
    /// A shared-string index past the strings calamine read.
    MissingString,
}

impl From<Fault> for ScanError {
    fn from(f: Fault) -> Self {
        ScanError::Reject(f.refusal(None))
    }
}

impl Fault {
    /// The refusal, `place` saying where: the sheet, and the last cell read before.
    pub(crate) fn refusal(self, place: Option<(&str, Option<(u32, u32)>)>) -> ReadError {
        let fault = match self {
            Fault::Xml(x) => ContentFault::Xml {
                problem: xml_problem(&x),
            },
            Fault::Attribute => ContentFault::Attribute,
            Fault::Eof(tag) => ContentFault::Eof { tag: tag.into() },
            Fault::UnexpectedNode(n) => ContentFault::UnexpectedNode { element: n.into() },
            Fault::RelationshipMissing => ContentFault::RelationshipMissing,
            Fault::Unrecognized { typ, val } => match typ {
                "sheet:state" => ContentFault::SheetState {
                    value: shown(val.as_bytes()),
                },
                _ => ContentFault::SheetType,
            },
            Fault::CellError(v) => ContentFault::CellError {
                value: shown(v.as_bytes()),
            },
            Fault::MissingString => ContentFault::MissingString,
            Fault::WorksheetMissing(n) => ContentFault::WorksheetMissing { sheet: n },
        };
        let (sheet, after) = match place {
            None => (None, None),
            Some((sheet, cell)) => (Some(sheet.to_string()), cell.map(|(r, c)| a1(r, c))),
        };
        ReadError::Truncated(Damage::Content {
            sheet,
            after,
            fault,
        })
    }
}

/// The rows and columns a sheet's cells span so far.
#[derive(Debug, Default)]
pub(crate) struct UsedArea(Option<(u32, u32, u32, u32)>);

impl UsedArea {
    pub(crate) fn widen(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    pub(crate) fn area(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1).saturating_mul(u64::from(c1 - c0) + 1)
        })
    }
}
