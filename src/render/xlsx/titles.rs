//! How the workbook's sheets and columns name periods and units.

use crate::model::Period;

use super::grid::display_width;

/// The span of the year to date: 1—6月, or 1月 in January.
pub(super) fn span(period: Period) -> String {
    if period.month == 1 {
        "1月".to_string()
    } else {
        format!("1—{}月", period.month)
    }
}

/// The period as a bulletin names it: 2025年1—6月.
pub(super) fn span_title(period: Period) -> String {
    format!("{}年{}", period.year, span(period))
}

/// A column title with its unit: 新签约合同投资额（亿元）, the unit on a line of its own
/// when the title is long, so that a wrapped header never breaks inside the brackets.
pub(super) fn titled(label: &str, unit: &str) -> String {
    let one_line = format!("{label}（{unit}）");
    if display_width(&one_line) <= 10 {
        one_line
    } else {
        format!("{label}\n（{unit}）")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_reads_as_a_bulletin_writes_it() {
        assert_eq!(
            span_title(Period {
                year: 2025,
                month: 6
            }),
            "2025年1—6月"
        );
        assert_eq!(
            span_title(Period {
                year: 2025,
                month: 1
            }),
            "2025年1月"
        );
    }
}
