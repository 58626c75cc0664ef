//! What can be wrong inside an .xlsx part that the reader reads (the workbook, its
//! relationships, styles, shared strings and sheets), worded once for all of them; and the
//! used area a sheet's cells span. Its own module so that the parts' readers (`xlsx`,
//! `sheetscan`, `sst`, `numfmt`) depend on it and not on one another.

use super::xml::shown;
use super::xml::ScanError;
use super::zipscan::xml_problem;
use super::{Damage, ReadError};
use crate::model::a1;

/// What calamine refused in the parts it read and the reader now reads as it did; worded
/// as before (in both languages, none of the libraries' words), by [`Fault::refusal`].
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
        let (zh, en): (String, String) = match &self {
            Fault::Xml(x) => {
                let (zh, en) = xml_problem(x);
                (format!("XML {zh}"), format!("the XML {en}"))
            }
            Fault::Attribute => (
                "XML 属性格式错误".into(),
                "an XML attribute is malformed".into(),
            ),
            Fault::Eof(tag) => (
                format!("XML 在“</{tag}>”之前中断（部件不完整）"),
                format!("the XML ends before \"</{tag}>\" (the part is incomplete)"),
            ),
            Fault::UnexpectedNode(n) => (
                format!("XML 结构不符合格式（此处应为“{n}”元素）"),
                format!("the XML does not follow the format (a \"{n}\" element was expected)"),
            ),
            Fault::RelationshipMissing => (
                "工作表的关系缺失".into(),
                "a sheet's relationship is missing".into(),
            ),
            Fault::Unrecognized { typ, val } => {
                let v = shown(val.as_bytes());
                match *typ {
                    "sheet:state" => (
                        format!("工作表的显示状态“{v}”无法识别"),
                        format!("a sheet's visibility \"{v}\" is not known"),
                    ),
                    _ => (
                        "工作表的类型无法识别".into(),
                        "a sheet's type is not known".into(),
                    ),
                }
            }
            Fault::CellError(v) => {
                let v = shown(v.as_bytes());
                (
                    format!("错误值“{v}”无法识别"),
                    format!("the error value \"{v}\" is not known"),
                )
            }
            Fault::MissingString => (
                "单元格引用的共享字符串不存在".into(),
                "a cell uses a shared string that does not exist".into(),
            ),
            Fault::WorksheetMissing(n) => (
                format!("找不到工作表“{n}”的部件"),
                format!("the part of sheet \"{n}\" is missing"),
            ),
        };
        let (zh, en) = match place {
            None => (zh, en),
            Some((sheet, None)) => (
                format!("工作表“{sheet}”：{zh}"),
                format!("sheet \"{sheet}\": {en}"),
            ),
            Some((sheet, Some((row, col)))) => {
                let after = a1(row, col);
                (
                    format!("工作表“{sheet}”{after} 之后：{zh}"),
                    format!("sheet \"{sheet}\", after {after}: {en}"),
                )
            }
        };
        ReadError::Truncated(Damage::new(
            format!("工作簿内容无法解析：{zh}"),
            format!("the workbook's content cannot be parsed: {en}"),
        ))
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
