//! Where things stand in a return-format v1 workbook: sheet names, rows and columns.
//!
//! The blank form (`tongbao template`) and the sample generator write the same layout, and
//! the 主要指标 formulas point into the ledger by these positions, so they are named once
//! here rather than counted out in each writer.

use crate::model::Indicator;
use crate::parse::vocab::Field;

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
/// the value is in column B).
pub const INFO_LABELS: [&str; 7] = [
    "填报单位",
    "行政区划代码",
    "报告期",
    "填报人",
    "联系电话",
    "审核人",
    "填报日期",
];

/// Zero-based row of the first 基本信息 label (row 0 is the title).
pub const INFO_FIRST_ROW: u32 = 1;

/// Zero-based row of a 基本信息 label.
pub fn info_row(label: &str) -> u32 {
    INFO_FIRST_ROW + INFO_LABELS.iter().position(|l| *l == label).unwrap_or(0) as u32
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
/// order of [`Indicator::ALL`].
pub fn summary_row(indicator: Indicator) -> u32 {
    HEADER_ROW
        + 1
        + Indicator::ALL
            .iter()
            .position(|i| *i == indicator)
            .unwrap_or(0) as u32
}

/// Zero-based column of a ledger field: the form prints every v1 column, in the order of
/// [`Field::ALL`].
pub fn ledger_col(f: Field) -> u16 {
    Field::ALL.iter().position(|x| *x == f).unwrap_or(0) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_columns_follow_the_contract_order() {
        assert_eq!(ledger_col(Field::Seq), 0);
        assert_eq!(ledger_col(Field::Stage), 8);
        assert_eq!(ledger_col(Field::Note), 18);
    }
}
