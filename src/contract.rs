//! The contract of return-format v1 (../shared/spec/return-format.md) as the writers of a
//! return lay it out: sheet names, the 基本信息 labels, rows and columns.
//!
//! The blank form (`tongbao template`), the receipts and the sample generator (xtask)
//! write the same layout, and the 主要指标 formulas point into the ledger by these
//! positions, so they are named once here rather than counted out in each writer. The
//! reader finds everything by content instead (`parse::vocab`: the labels, indicator names
//! and ledger titles with their aliases); the typed vocabulary both share is
//! [`Label`], [`Indicator`] and [`Field`].

pub use crate::model::Indicator;
pub use crate::parse::vocab::{Field, Label};

/// Sheet 1 of the contract.
pub const INFO_SHEET: &str = "基本信息";
/// Sheet 2 of the contract.
pub const SUMMARY_SHEET: &str = "主要指标";
/// Sheet 3 of the contract.
pub const LEDGER_SHEET: &str = "项目明细";
/// The instructions sheet; the reader passes over any sheet whose name says 说明.
pub const INSTRUCTIONS_SHEET: &str = "填报说明";
/// The hidden sheet holding the long drop-down lists (an inline list is limited to 255
/// characters). Its cells are neither labels, indicator names nor ledger titles, so the
/// reader, which finds sheets by content, never takes it for part of the return.
pub const LISTS_SHEET: &str = "下拉选项";

/// The 基本信息 labels, in the order they are written (one a row, from [`INFO_FIRST_ROW`];
/// the value is in column B), each as [`written`] words it.
pub const INFO_LABELS: [Label; 7] = Label::ALL;

/// A 基本信息 label as the contract writes it (the first of the words the reader accepts).
pub fn written(label: Label) -> &'static str {
    label.aliases().first().copied().unwrap_or_default()
}

/// Zero-based row of the first 基本信息 label (row 0 is the title).
pub const INFO_FIRST_ROW: u32 = 1;

/// Zero-based row of a 基本信息 label: the labels follow in the order of [`Label::ALL`]
/// (its declaration order, tested below).
pub fn info_row(label: Label) -> u32 {
    INFO_FIRST_ROW + label as u32
}

/// Zero-based header row of 主要指标 and 项目明细 (row 0 is a merged title).
pub const HEADER_ROW: u32 = 1;

/// Zero-based first data row of 项目明细.
pub const FIRST_DATA_ROW: u32 = HEADER_ROW + 1;

/// Columns of 主要指标: 指标 | 单位 | 本月 | 1-N月累计 | 上年同期累计.
pub const SUMMARY_NAME_COL: u16 = 0;
/// The 单位 column of 主要指标.
pub const SUMMARY_UNIT_COL: u16 = 1;
/// The 本月 column of 主要指标.
pub const SUMMARY_MONTH_COL: u16 = 2;
/// The 1-N月累计 column of 主要指标.
pub const SUMMARY_YTD_COL: u16 = 3;
/// The 上年同期累计 column of 主要指标.
pub const SUMMARY_LAST_YEAR_COL: u16 = 4;

/// Zero-based row of an indicator in 主要指标: the twelve rows follow the header in the
/// order of [`Indicator::ALL`] (its declaration order, tested below).
pub fn summary_row(indicator: Indicator) -> u32 {
    HEADER_ROW + 1 + indicator as u32
}

/// Zero-based column of a ledger field: the form prints every v1 column, in the order of
/// [`Field::ALL`] (its declaration order, tested below).
pub fn ledger_col(f: Field) -> u16 {
    f as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positions above are the enums' discriminants: each `ALL` lists its enum in
    /// declaration order, so a variant's place in `ALL` is its discriminant.
    #[test]
    fn every_all_is_in_declaration_order() {
        for (k, l) in Label::ALL.iter().enumerate() {
            assert_eq!(*l as usize, k, "{l:?}");
        }
        for (k, i) in Indicator::ALL.iter().enumerate() {
            assert_eq!(*i as usize, k, "{i:?}");
        }
        for (k, f) in Field::ALL.iter().enumerate() {
            assert_eq!(*f as usize, k, "{f:?}");
        }
        assert_eq!(
            INFO_LABELS.map(written),
            [
                "填报单位",
                "行政区划代码",
                "报告期",
                "填报人",
                "联系电话",
                "审核人",
                "填报日期"
            ]
        );
        assert_eq!(info_row(Label::Period), 3);
        assert_eq!(summary_row(Indicator::ALL[11]), 13);
    }

    #[test]
    fn ledger_columns_follow_the_contract_order() {
        assert_eq!(ledger_col(Field::Seq), 0);
        assert_eq!(ledger_col(Field::Stage), 8);
        assert_eq!(ledger_col(Field::Note), 18);
    }
}
